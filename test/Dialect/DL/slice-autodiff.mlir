// dl-autodiff through dl.slice: the cotangent goes between zeros of the
// input's batch (a dl.concat along the axis), none before a leading block
// or after a trailing one; the blocks' cotangents meet in a dl.add.
// RUN: dl-opt %s --dl-autodiff | FileCheck %s

// CHECK-LABEL: func.func @g_gates(
// CHECK-SAME: %[[T:[^:]*]]: tensor<?x2xf32>, %[[A:[^:]*]]: tensor<?x6xf32> {dl.param = "a"}
// CHECK-DAG: %[[HEAD:.*]] = dl.slice %[[A]] {axis = 1 : i64, offset = 0 : i64} : tensor<?x6xf32> -> tensor<?x2xf32>
// CHECK-DAG: %[[MID:.*]] = dl.slice %[[A]] {axis = 1 : i64, offset = 2 : i64} : tensor<?x6xf32> -> tensor<?x2xf32>
// CHECK-DAG: %[[TAIL:.*]] = dl.slice %[[A]] {axis = 1 : i64, offset = 4 : i64} : tensor<?x6xf32> -> tensor<?x2xf32>
// CHECK: %[[DY:.*]] = dl.mean_squared_error_grad
// CHECK-DAG: %[[Z0:.*]] = dl.zeros %[[A]] : tensor<?x6xf32> -> tensor<?x4xf32>
// CHECK-DAG: %[[GT:.*]] = dl.concat %[[Z0]], %{{.*}} {axis = 1 : i64} : (tensor<?x4xf32>, tensor<?x2xf32>) -> tensor<?x6xf32>
// CHECK-DAG: %[[Z1:.*]] = dl.zeros %[[A]] : tensor<?x6xf32> -> tensor<?x2xf32>
// CHECK-DAG: %[[GM:.*]] = dl.concat %[[Z1]], %{{.*}}, %[[Z1B:.*]] {axis = 1 : i64} : (tensor<?x2xf32>, tensor<?x2xf32>, tensor<?x2xf32>) -> tensor<?x6xf32>
// CHECK-DAG: %[[GH:.*]] = dl.concat %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<?x2xf32>, tensor<?x4xf32>) -> tensor<?x6xf32>
// CHECK: return
func.func @gates(%t: tensor<?x2xf32>, %a: tensor<?x6xf32> {dl.param = "a"}) -> tensor<f32> attributes {dl.gradient = "g_gates"} {
  %0 = dl.slice %a {axis = 1 : i64, offset = 0 : i64} : tensor<?x6xf32> -> tensor<?x2xf32>
  %1 = dl.slice %a {axis = 1 : i64, offset = 2 : i64} : tensor<?x6xf32> -> tensor<?x2xf32>
  %2 = dl.slice %a {axis = 1 : i64, offset = 4 : i64} : tensor<?x6xf32> -> tensor<?x2xf32>
  %3 = dl.mul %0, %1 : tensor<?x2xf32>
  %4 = dl.add %3, %2 : tensor<?x2xf32>
  %5 = dl.mean_squared_error %4, %t : (tensor<?x2xf32>, tensor<?x2xf32>) -> tensor<f32>
  return %5 : tensor<f32>
}

