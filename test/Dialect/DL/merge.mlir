// The merge ops print and parse back to the same IR.
// RUN: dl-opt %s | dl-opt | FileCheck %s

// CHECK-LABEL: func.func @merge
// CHECK-SAME: (%[[A:.*]]: tensor<?x5xf32>, %[[B:.*]]: tensor<?x5xf32>, %[[C:.*]]: tensor<?x3xf32>)
func.func @merge(%a: tensor<?x5xf32>, %b: tensor<?x5xf32>, %c: tensor<?x3xf32>) -> tensor<?x13xf32> {
  // CHECK: %[[S:.*]] = dl.sub %[[A]], %[[B]] : tensor<?x5xf32>
  %0 = dl.sub %a, %b : tensor<?x5xf32>
  // CHECK: %[[M:.*]] = dl.mul %[[S]], %[[B]] : tensor<?x5xf32>
  %1 = dl.mul %0, %b : tensor<?x5xf32>
  // CHECK: %[[X:.*]] = dl.max %[[M]], %[[A]] : tensor<?x5xf32>
  %2 = dl.max %1, %a : tensor<?x5xf32>
  // CHECK: %[[N:.*]] = dl.min %[[X]], %[[B]] : tensor<?x5xf32>
  %3 = dl.min %2, %b : tensor<?x5xf32>
  // CHECK: %[[H:.*]] = dl.scale %[[N]] {factor = 5.000000e-01 : f32} : tensor<?x5xf32>
  %4 = dl.scale %3 {factor = 0.5 : f32} : tensor<?x5xf32>
  // CHECK: dl.concat %[[H]], %[[A]], %[[C]] {axis = 1 : i64} : (tensor<?x5xf32>, tensor<?x5xf32>, tensor<?x3xf32>) -> tensor<?x13xf32>
  %5 = dl.concat %4, %a, %c {axis = 1 : i64} : (tensor<?x5xf32>, tensor<?x5xf32>, tensor<?x3xf32>) -> tensor<?x13xf32>
  return %5 : tensor<?x13xf32>
}

// CHECK-LABEL: func.func @merge_grads
func.func @merge_grads(%g: tensor<?x5xf32>, %a: tensor<?x5xf32>, %b: tensor<?x5xf32>, %c: tensor<?x13xf32>) -> (tensor<?x5xf32>, tensor<?x5xf32>, tensor<?x3xf32>) {
  // CHECK: dl.max_grad %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x5xf32>
  %0 = dl.max_grad %g, %a, %b : tensor<?x5xf32>
  // CHECK: dl.min_grad %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x5xf32>
  %1 = dl.min_grad %g, %b, %a : tensor<?x5xf32>
  // CHECK: dl.slice %{{.*}} {axis = 1 : i64, offset = 10 : i64} : tensor<?x13xf32> -> tensor<?x3xf32>
  %2 = dl.slice %c {axis = 1 : i64, offset = 10 : i64} : tensor<?x13xf32> -> tensor<?x3xf32>
  return %0, %1, %2 : tensor<?x5xf32>, tensor<?x5xf32>, tensor<?x3xf32>
}
