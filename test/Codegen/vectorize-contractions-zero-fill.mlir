// A linalg.fill of +0.0 into C just before a contraction (dl's dx and dW
// products) is folded into the kernel: the first k block starts its
// accumulators at zero instead of reading C, and the fill goes away (kept
// under a run-time test K == 0 when K is dynamic, since no k block runs
// then).
// RUN: dl-opt %s --split-input-file \
// RUN:   --dl-vectorize-contractions="lanes=4 mr=2 kc=8 mc=4" \
// RUN:   --canonicalize --cse | FileCheck %s

// dW = x^T * dy, K (the batch) dynamic.
// CHECK-LABEL: func.func @weight_gradient(
// CHECK-SAME:    %[[X:[a-z0-9]+]]: memref<?x6xf32>, %[[DY:[a-z0-9]+]]: memref<?x8xf32>, %[[DW:[a-z0-9]+]]: memref<6x8xf32>)
// CHECK-DAG:   %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG:   %[[ZV:.*]] = arith.constant dense<0.000000e+00> : vector<4xf32>
// CHECK:       %[[K:.*]] = memref.dim %[[X]], %c0
// CHECK:       %[[NONE:.*]] = arith.cmpi eq, %[[K]], %c0
// CHECK:       scf.if %[[NONE]] {
// CHECK-NEXT:    linalg.fill ins(%[[ZERO]] : f32) outs(%[[DW]] : memref<6x8xf32>)
// CHECK-NEXT:  }
// CHECK-NOT:   linalg.fill
// CHECK:       scf.for %[[K0:[a-z0-9_]+]] = %c0 to %[[K]] step %c8 {
// CHECK:         %[[NOTFIRST:.*]] = arith.cmpi ne, %[[K0]], %c0
// CHECK:         scf.for %[[M0:[a-z0-9_]+]] =
// CHECK:           %[[INIT:.*]]:4 = scf.if %[[NOTFIRST]] -> (vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>) {
// CHECK-COUNT-4:     vector.load %[[DW]]
// CHECK:             scf.yield
// CHECK:           } else {
// CHECK-NEXT:        scf.yield %[[ZV]], %[[ZV]], %[[ZV]], %[[ZV]]
// CHECK-NEXT:      }
// CHECK:           scf.for %{{.*}} = %[[K0]] to %{{.*}} step %c1 iter_args(%{{.*}} = %[[INIT]]#0, %{{.*}} = %[[INIT]]#1, %{{.*}} = %[[INIT]]#2, %{{.*}} = %[[INIT]]#3)
// CHECK-NOT:   linalg.generic
func.func @weight_gradient(%x: memref<?x6xf32>, %dy: memref<?x8xf32>, %dw: memref<6x8xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%dw : memref<6x8xf32>)
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %dy : memref<?x6xf32>, memref<?x8xf32>) outs(%dw : memref<6x8xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// dx = dy * W^T, K static: the fill is gone altogether.
// CHECK-LABEL: func.func @data_gradient(
// CHECK-NOT:   linalg.fill
// CHECK-NOT:   arith.cmpi eq
// CHECK:       scf.if %{{.*}} -> (vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>) {
// CHECK-NOT:   linalg.fill
// CHECK:       return
func.func @data_gradient(%dy: memref<?x10xf32>, %w: memref<6x10xf32>, %dx: memref<?x6xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%dx : memref<?x6xf32>)
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%dy, %w : memref<?x10xf32>, memref<6x10xf32>) outs(%dx : memref<?x6xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Not folded: a fill of another value, a fill of another buffer, and a fill
// with an op in between: each fill stays and C is always read.
// CHECK-LABEL: func.func @not_folded(
// CHECK-SAME:    %{{.*}}: memref<?x3xf32>, %{{.*}}: memref<3x8xf32>, %[[Y:[a-z0-9]+]]: memref<?x8xf32>, %[[Z:[a-z0-9]+]]: memref<?x8xf32>)
// CHECK:       linalg.fill ins(%{{.*}} : f32) outs(%[[Y]]
// CHECK-NOT:   scf.if %{{.*}} -> (vector<4xf32>
// CHECK:       linalg.fill ins(%{{.*}} : f32) outs(%[[Z]]
// CHECK-NOT:   scf.if %{{.*}} -> (vector<4xf32>
// CHECK:       linalg.fill ins(%{{.*}} : f32) outs(%[[Y]]
// CHECK:       memref.store
// CHECK-NOT:   scf.if %{{.*}} -> (vector<4xf32>
// CHECK:       return
func.func @not_folded(%x: memref<?x3xf32>, %w: memref<3x8xf32>, %y: memref<?x8xf32>, %z: memref<?x8xf32>) {
  %one = arith.constant 1.0 : f32
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  linalg.fill ins(%one : f32) outs(%y : memref<?x8xf32>)
  linalg.matmul ins(%x, %w : memref<?x3xf32>, memref<3x8xf32>) outs(%y : memref<?x8xf32>)
  linalg.fill ins(%zero : f32) outs(%z : memref<?x8xf32>)
  linalg.matmul ins(%x, %w : memref<?x3xf32>, memref<3x8xf32>) outs(%y : memref<?x8xf32>)
  linalg.fill ins(%zero : f32) outs(%y : memref<?x8xf32>)
  memref.store %one, %y[%c0, %c0] : memref<?x8xf32>
  linalg.matmul ins(%x, %w : memref<?x3xf32>, memref<3x8xf32>) outs(%y : memref<?x8xf32>)
  return
}
