// The default tile (AVX-512: 16 lanes, 8 rows x 2 vectors = 16 accumulators,
// k blocks of 256) on the four matrix products of the MNIST MLP's training
// step, as they look after bufferization.
// RUN: dl-opt %s --split-input-file --dl-vectorize-contractions \
// RUN:   --canonicalize --cse | FileCheck %s

// dense(128) forward: y[?x128] += x[?x784] * W[784x128]. The batch is
// dynamic: W is read in place, in one nest.
// CHECK-LABEL: func.func @dense_forward(
// CHECK-SAME:    %[[X:[a-z0-9]+]]: memref<?x784xf32>, %[[W:[a-z0-9]+]]: memref<784x128xf32, strided<[128, 1]>>, %[[Y:[a-z0-9]+]]: memref<?x128xf32>)
// CHECK-NOT:   scf.if
// CHECK-NOT:   memref.alloc
// CHECK:         scf.for %[[K0:[a-z0-9_]+]] = %c0 to %c784 step %c256 {
// CHECK:           scf.for %{{.*}} step %c128 {
// CHECK:             scf.for %[[N0:[a-z0-9_]+]] = %c0 to %c128 step %c32 {
// CHECK:               scf.for %[[M0:[a-z0-9_]+]] = %{{.*}} step %c8 {
// CHECK-COUNT-16:        vector.load %[[Y]]
// CHECK:                 scf.for %[[K:[a-z0-9_]+]] = %[[K0]] to %{{.*}} step %c1 iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>) {
// CHECK-NEXT:              vector.load %[[W]][%[[K]], %[[N0]]] : memref<784x128xf32, strided<[128, 1]>>, vector<16xf32>
// CHECK-NEXT:              vector.load %[[W]][%[[K]], %{{.*}}] : memref<784x128xf32, strided<[128, 1]>>, vector<16xf32>
// CHECK-NEXT:              memref.load %[[X]][%[[M0]], %[[K]]]
// CHECK-NEXT:              vector.broadcast
// CHECK-NEXT:              vector.fma
// CHECK-NEXT:              vector.fma
// CHECK-COUNT-7:           memref.load %[[X]]
// CHECK-NEXT:              vector.broadcast
// CHECK-NEXT:              vector.fma
// CHECK-NEXT:              vector.fma
// CHECK-NEXT:              scf.yield
// CHECK-COUNT-16:        vector.store %{{.*}}, %[[Y]]
func.func @dense_forward(%x: memref<?x784xf32>, %w: memref<784x128xf32, strided<[128, 1]>>, %y: memref<?x128xf32>) {
  linalg.matmul ins(%x, %w : memref<?x784xf32>, memref<784x128xf32, strided<[128, 1]>>) outs(%y : memref<?x128xf32>)
  return
}

// -----

// dense(10) forward: N = 10 <= 16 lanes, so one masked vector per row.
// CHECK-LABEL: func.func @dense_1_forward(
// CHECK:         %[[MASK:.*]] = vector.constant_mask [10] : vector<16xi1>
// CHECK-COUNT-8: vector.maskedload %{{.*}}, %[[MASK]]
// CHECK:         scf.for %{{.*}} = %c0 to %c128 step %c1 iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>) {
// CHECK-NEXT:      vector.maskedload %{{.*}}, %[[MASK]]
// CHECK-COUNT-8:   vector.fma
// CHECK-NEXT:      scf.yield
// CHECK-COUNT-8: vector.maskedstore %{{.*}}, %[[MASK]]
func.func @dense_1_forward(%x: memref<?x128xf32>, %w: memref<128x10xf32, strided<[10, 1], offset: 100480>>, %y: memref<?x10xf32>) {
  linalg.matmul ins(%x, %w : memref<?x128xf32>, memref<128x10xf32, strided<[10, 1], offset: 100480>>) outs(%y : memref<?x10xf32>)
  return
}

// -----

// dx = dy * W^T through dense(10): W[128x10] packed into 4 panels of
// 16 (K = 10 rounded up to a 16 x 16 block) x 32, each half-panel a 16 x 16
// transpose in registers: 4 rounds of 16 shuffles, once in a loop over the
// two halves.
// CHECK-LABEL: func.func @dense_1_dx(
// CHECK:       %[[P:.*]] = memref.alloc() {alignment = 64 : i64} : memref<4x16x32xf32>
// CHECK:       scf.for %{{.*}} = %c0 to %c2 step %c1 {
// CHECK-COUNT-16: vector.maskedload
// CHECK-COUNT-64: vector.shuffle
// CHECK-COUNT-16: vector.store %{{.*}}, %[[P]]
// CHECK-NOT:   vector.shuffle
// CHECK:       scf.for %{{.*}} = %c0 to %c10 step %c1 iter_args
// CHECK-COUNT-2: vector.load %[[P]]
// CHECK-COUNT-16: vector.fma
// CHECK:       memref.dealloc %[[P]]
func.func @dense_1_dx(%dy: memref<?x10xf32>, %w: memref<128x10xf32, strided<[10, 1], offset: 100480>>, %dx: memref<?x128xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%dy, %w : memref<?x10xf32>, memref<128x10xf32, strided<[10, 1], offset: 100480>>) outs(%dx : memref<?x128xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// dW = x^T * dy for dense(128): M = 784 (static, a multiple of 8: no row
// clamping), N = 128, K = the batch. B (dy) is read in place.
// CHECK-LABEL: func.func @dense_dw(
// CHECK-SAME:    %[[X:[a-z0-9]+]]: memref<?x784xf32>, %[[DY:[a-z0-9]+]]: memref<?x128xf32>, %[[DW:[a-z0-9]+]]: memref<784x128xf32>)
// CHECK-NOT:   scf.if
// CHECK-NOT:   memref.alloc
// CHECK-NOT:   arith.minsi %{{.*}}, %c783
// CHECK:       scf.for %[[K:[a-z0-9_]+]] = {{.*}} -> (vector<16xf32>
// CHECK-NEXT:    vector.load %[[DY]][%[[K]],
// CHECK-NEXT:    vector.load %[[DY]][%[[K]],
// CHECK-NEXT:    memref.load %[[X]][%[[K]],
func.func @dense_dw(%x: memref<?x784xf32>, %dy: memref<?x128xf32>, %dw: memref<784x128xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %dy : memref<?x784xf32>, memref<?x128xf32>) outs(%dw : memref<784x128xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  }
  return
}
