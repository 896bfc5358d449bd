// What dl-vectorize-contractions leaves alone (for convert-linalg-to-loops),
// and its option errors.
// RUN: dl-opt %s --split-input-file --dl-vectorize-contractions | FileCheck %s
// RUN: not dl-opt %s --split-input-file \
// RUN:   --dl-vectorize-contractions="lanes=0" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=BAD-OPTION
// BAD-OPTION: lanes, mr, nr-vectors, kc and mc must be positive

// Not a multiply-accumulate body.
// CHECK-LABEL: func.func @max_plus(
// CHECK:       linalg.generic
func.func @max_plus(%a: memref<4x5xf32>, %b: memref<5x6xf32>, %c: memref<4x6xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : memref<4x5xf32>, memref<5x6xf32>) outs(%c : memref<4x6xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.addf %x, %y : f32
    %s = arith.maximumf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// The product does not feed the accumulation directly.
// CHECK-LABEL: func.func @scaled(
// CHECK:       linalg.generic
func.func @scaled(%a: memref<4x5xf32>, %b: memref<5x6xf32>, %c: memref<4x6xf32>) {
  %two = arith.constant 2.0 : f32
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : memref<4x5xf32>, memref<5x6xf32>) outs(%c : memref<4x6xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %q = arith.mulf %p, %two : f32
    %s = arith.addf %acc, %q : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// f64.
// CHECK-LABEL: func.func @f64(
// CHECK:       linalg.matmul
func.func @f64(%a: memref<4x5xf64>, %b: memref<5x6xf64>, %c: memref<4x6xf64>) {
  linalg.matmul ins(%a, %b : memref<4x5xf64>, memref<5x6xf64>) outs(%c : memref<4x6xf64>)
  return
}

// -----

// Tensors: the pass runs after bufferization.
// CHECK-LABEL: func.func @tensors(
// CHECK:       linalg.matmul
func.func @tensors(%a: tensor<4x5xf32>, %b: tensor<5x6xf32>, %c: tensor<4x6xf32>) -> tensor<4x6xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<4x5xf32>, tensor<5x6xf32>) outs(%c : tensor<4x6xf32>) -> tensor<4x6xf32>
  return %r : tensor<4x6xf32>
}

// -----

// C's rows are not contiguous: no vector loads and stores along them.
// CHECK-LABEL: func.func @strided_output(
// CHECK:       linalg.matmul
func.func @strided_output(%a: memref<4x5xf32>, %b: memref<5x6xf32>, %c: memref<4x6xf32, strided<[1, 4]>>) {
  linalg.matmul ins(%a, %b : memref<4x5xf32>, memref<5x6xf32>) outs(%c : memref<4x6xf32, strided<[1, 4]>>)
  return
}

// -----

// A batched product (three parallel dimensions).
// CHECK-LABEL: func.func @batched(
// CHECK:       linalg.batch_matmul
func.func @batched(%a: memref<2x4x5xf32>, %b: memref<2x5x6xf32>, %c: memref<2x4x6xf32>) {
  linalg.batch_matmul ins(%a, %b : memref<2x4x5xf32>, memref<2x5x6xf32>) outs(%c : memref<2x4x6xf32>)
  return
}

// -----

// Both inputs indexed by m: not a matrix product.
// CHECK-LABEL: func.func @not_a_product(
// CHECK:       linalg.generic
func.func @not_a_product(%a: memref<4x5xf32>, %b: memref<4x5xf32>, %c: memref<4x6xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : memref<4x5xf32>, memref<4x5xf32>) outs(%c : memref<4x6xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Elementwise and reduction generics stay for convert-linalg-to-loops.
// CHECK-LABEL: func.func @row_sum(
// CHECK:       linalg.generic
func.func @row_sum(%a: memref<4x5xf32>, %c: memref<4xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, k) -> (m, k)>, affine_map<(m, k) -> (m)>], iterator_types = ["parallel", "reduction"]} ins(%a : memref<4x5xf32>) outs(%c : memref<4xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %s = arith.addf %acc, %x : f32
    linalg.yield %s : f32
  }
  return
}
