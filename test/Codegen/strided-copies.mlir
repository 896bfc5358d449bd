// dl-strided-copies: a copy that is not between two contiguous blocks
// becomes a linalg.copy (loops); contiguous ones stay memref.copy (memcpy).
// RUN: dl-opt %s --dl-strided-copies | FileCheck %s

// CHECK-LABEL: func.func @column_block
// CHECK-SAME: (%[[S:.*]]: memref<?x5xf32>, %[[D:.*]]: memref<?x5xf32, strided<[21, 1], offset: 16>>)
func.func @column_block(%s: memref<?x5xf32>, %d: memref<?x5xf32, strided<[21, 1], offset: 16>>) {
  // CHECK: linalg.copy ins(%[[S]] : memref<?x5xf32>) outs(%[[D]] : memref<?x5xf32, strided<[21, 1], offset: 16>>)
  // CHECK-NOT: memref.copy
  memref.copy %s, %d : memref<?x5xf32> to memref<?x5xf32, strided<[21, 1], offset: 16>>
  return
}

// Rows of a flat buffer at an offset, and a dynamic batch of full rows:
// contiguous, left alone.
// CHECK-LABEL: func.func @contiguous
func.func @contiguous(%a: memref<5xf32>, %b: memref<5xf32, strided<[1], offset: 30>>, %c: memref<?x8xf32>, %d: memref<?x8xf32, strided<[8, 1], offset: 64>>) {
  // CHECK: memref.copy %{{.*}}, %{{.*}} : memref<5xf32> to memref<5xf32, strided<[1], offset: 30>>
  memref.copy %a, %b : memref<5xf32> to memref<5xf32, strided<[1], offset: 30>>
  // CHECK: memref.copy %{{.*}}, %{{.*}} : memref<?x8xf32> to memref<?x8xf32, strided<[8, 1], offset: 64>>
  memref.copy %c, %d : memref<?x8xf32> to memref<?x8xf32, strided<[8, 1], offset: 64>>
  // CHECK-NOT: linalg.copy
  return
}
