// dl-expand-dynamic-groups: an expand_shape that splits one dimension into
// two dynamic sizes (batch and a variable time axis) becomes the
// reinterpret_cast of the source's base buffer; one dynamic size per group
// is left to expand-strided-metadata.
// RUN: dl-opt %s --dl-expand-dynamic-groups | FileCheck %s

// CHECK-LABEL: func.func @batch_and_time
// CHECK-SAME: (%[[S:.*]]: memref<?x50xf32>, %[[B:.*]]: index, %[[T:.*]]: index)
func.func @batch_and_time(%s: memref<?x50xf32>, %b: index, %t: index) -> memref<?x?x50xf32> {
  // CHECK: %[[BASE:.*]], %{{.*}}, %{{.*}}:2, %{{.*}}:2 = memref.extract_strided_metadata %[[S]]
  // CHECK: %[[C50:.*]] = arith.constant 50 : index
  // CHECK: %[[OUTER:.*]] = arith.muli %[[C50]], %[[T]] : index
  // CHECK: %[[V:.*]] = memref.reinterpret_cast %[[BASE]] to offset: [0], sizes: [%[[B]], %[[T]], 50], strides: [%[[OUTER]], 50, 1] : memref<f32> to memref<?x?x50xf32>
  // CHECK: return %[[V]]
  %e = memref.expand_shape %s [[0, 1], [2]] output_shape [%b, %t, 50] : memref<?x50xf32> into memref<?x?x50xf32>
  return %e : memref<?x?x50xf32>
}

// A strided source at an offset: its stride and offset carry over.
// CHECK-LABEL: func.func @strided_source
func.func @strided_source(%s: memref<?x4xf32, strided<[8, 1], offset: 16>>, %b: index, %t: index) -> memref<?x?x4xf32, strided<[?, 8, 1], offset: 16>> {
  // CHECK: memref.reinterpret_cast %{{.*}} to offset: [16], sizes: [%{{.*}}, %{{.*}}, 4], strides: [%{{.*}}, 8, 1]
  %e = memref.expand_shape %s [[0, 1], [2]] output_shape [%b, %t, 4] : memref<?x4xf32, strided<[8, 1], offset: 16>> into memref<?x?x4xf32, strided<[?, 8, 1], offset: 16>>
  return %e : memref<?x?x4xf32, strided<[?, 8, 1], offset: 16>>
}

// One dynamic size per group: left alone.
// CHECK-LABEL: func.func @fixed_time
func.func @fixed_time(%s: memref<?x50xf32>, %b: index) -> memref<?x7x50xf32> {
  // CHECK: memref.expand_shape
  // CHECK-NOT: memref.reinterpret_cast
  %e = memref.expand_shape %s [[0, 1], [2]] output_shape [%b, 7, 50] : memref<?x50xf32> into memref<?x7x50xf32>
  return %e : memref<?x7x50xf32>
}
