// The merge ops' linalg form: elementwise generics (max/min propagate NaN
// through maximumf/minimumf; their gradients split a tie in half), concat as
// copies into the blocks of one result, slice as a copy out of one block.
// RUN: dl-opt %s --convert-dl-to-linalg | FileCheck %s --implicit-check-not=dl.

// CHECK-LABEL: func.func @elementwise
func.func @elementwise(%a: tensor<?x5xf32>, %b: tensor<?x5xf32>) -> tensor<?x5xf32> {
  // CHECK: linalg.generic
  // CHECK: arith.subf
  %0 = dl.sub %a, %b : tensor<?x5xf32>
  // CHECK: linalg.generic
  // CHECK: arith.mulf
  %1 = dl.mul %0, %b : tensor<?x5xf32>
  // CHECK: linalg.generic
  // CHECK: arith.maximumf
  %2 = dl.max %1, %a : tensor<?x5xf32>
  // CHECK: linalg.generic
  // CHECK: arith.minimumf
  %3 = dl.min %2, %b : tensor<?x5xf32>
  // CHECK: linalg.generic
  // CHECK: %[[F:.*]] = arith.constant -2.500000e-01 : f32
  // CHECK: arith.mulf %{{.*}}, %[[F]]
  %4 = dl.scale %3 {factor = -0.25 : f32} : tensor<?x5xf32>
  return %4 : tensor<?x5xf32>
}

// CHECK-LABEL: func.func @max_grad
// CHECK-SAME: (%[[G:.*]]: tensor<?x5xf32>, %[[A:.*]]: tensor<?x5xf32>, %[[B:.*]]: tensor<?x5xf32>)
func.func @max_grad(%g: tensor<?x5xf32>, %a: tensor<?x5xf32>, %b: tensor<?x5xf32>) -> tensor<?x5xf32> {
  // CHECK: linalg.generic {{.*}} ins(%[[G]], %[[A]], %[[B]] : {{.*}})
  // CHECK: ^bb0(%[[GI:.*]]: f32, %[[AI:.*]]: f32, %[[BI:.*]]: f32, %{{.*}}: f32):
  // CHECK:   %[[WON:.*]] = arith.cmpf ogt, %[[AI]], %[[BI]] : f32
  // CHECK:   %[[TIE:.*]] = arith.cmpf oeq, %[[AI]], %[[BI]] : f32
  // CHECK:   %[[HALF:.*]] = arith.mulf %[[GI]], %{{.*}} : f32
  // CHECK:   %[[LOST:.*]] = arith.select %[[TIE]], %[[HALF]], %{{.*}} : f32
  // CHECK:   %[[R:.*]] = arith.select %[[WON]], %[[GI]], %[[LOST]] : f32
  // CHECK:   linalg.yield %[[R]] : f32
  %0 = dl.max_grad %g, %a, %b : tensor<?x5xf32>
  return %0 : tensor<?x5xf32>
}

// CHECK-LABEL: func.func @concat
// CHECK-SAME: (%[[A:.*]]: tensor<?x5xf32>, %[[C:.*]]: tensor<?x3xf32>)
func.func @concat(%a: tensor<?x5xf32>, %c: tensor<?x3xf32>) -> tensor<?x8xf32> {
  // CHECK: %[[E:.*]] = tensor.empty(%{{.*}}) : tensor<?x8xf32>
  // CHECK: %[[B0:.*]] = tensor.extract_slice %[[E]][0, 0] [%{{.*}}, 5] [1, 1]
  // CHECK: %[[C0:.*]] = linalg.copy ins(%[[A]] : tensor<?x5xf32>) outs(%[[B0]] : tensor<?x5xf32>)
  // CHECK: %[[R0:.*]] = tensor.insert_slice %[[C0]] into %[[E]][0, 0] [%{{.*}}, 5] [1, 1]
  // CHECK: %[[B1:.*]] = tensor.extract_slice %[[R0]][0, 5] [%{{.*}}, 3] [1, 1]
  // CHECK: %[[C1:.*]] = linalg.copy ins(%[[C]] : tensor<?x3xf32>) outs(%[[B1]] : tensor<?x3xf32>)
  // CHECK: tensor.insert_slice %[[C1]] into %[[R0]][0, 5] [%{{.*}}, 3] [1, 1]
  %0 = dl.concat %a, %c {axis = 1 : i64} : (tensor<?x5xf32>, tensor<?x3xf32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// CHECK-LABEL: func.func @slice
// CHECK-SAME: (%[[X:.*]]: tensor<?x4x8xf32>)
func.func @slice(%x: tensor<?x4x8xf32>) -> tensor<?x4x3xf32> {
  // CHECK: %[[S:.*]] = tensor.extract_slice %[[X]][0, 0, 5] [%{{.*}}, 4, 3] [1, 1, 1] : tensor<?x4x8xf32> to tensor<?x4x3xf32>
  // CHECK: linalg.copy ins(%[[S]] : tensor<?x4x3xf32>) outs(%{{.*}} : tensor<?x4x3xf32>)
  %0 = dl.slice %x {axis = 2 : i64, offset = 5 : i64} : tensor<?x4x8xf32> -> tensor<?x4x3xf32>
  return %0 : tensor<?x4x3xf32>
}
