// dl-autodiff through the merge ops: sub negates the rhs cotangent, mul
// multiplies by the other operand, max/min route through their _grad ops
// (self first), concat hands each input its slice, scale scales back.
// RUN: dl-opt %s --dl-autodiff | FileCheck %s

// CHECK-LABEL: func.func @g_merge(
// CHECK-SAME: %[[A:[^:]*]]: tensor<?x3xf32> {dl.param = "a"}, %[[B:[^:]*]]: tensor<?x3xf32> {dl.param = "b"}
// CHECK: %[[S:.*]] = dl.sub %[[A]], %[[B]]
// CHECK: %[[M:.*]] = dl.mul %[[S]], %[[B]]
// CHECK: %[[X:.*]] = dl.max %[[M]], %[[A]]
// CHECK: %[[N:.*]] = dl.min %[[X]], %[[B]]
// CHECK: %[[H:.*]] = dl.scale %[[N]] {factor = 5.000000e-01 : f32}
// CHECK: %[[C:.*]] = dl.concat %[[H]], %[[A]] {axis = 1 : i64}
// CHECK: %[[DC:.*]] = dl.mean_squared_error_grad %[[C]]
// CHECK-DAG: %[[DH:.*]] = dl.slice %[[DC]] {axis = 1 : i64, offset = 0 : i64} : tensor<?x6xf32> -> tensor<?x3xf32>
// CHECK-DAG: %[[DA1:.*]] = dl.slice %[[DC]] {axis = 1 : i64, offset = 3 : i64} : tensor<?x6xf32> -> tensor<?x3xf32>
// CHECK: %[[DN:.*]] = dl.scale %[[DH]] {factor = 5.000000e-01 : f32}
// CHECK-DAG: dl.min_grad %[[DN]], %[[X]], %[[B]]
// CHECK-DAG: dl.min_grad %[[DN]], %[[B]], %[[X]]
// CHECK-DAG: dl.max_grad %{{.*}}, %[[M]], %[[A]]
// CHECK-DAG: dl.max_grad %{{.*}}, %[[A]], %[[M]]
// CHECK-DAG: dl.mul %{{.*}}, %[[B]]
// CHECK-DAG: dl.mul %{{.*}}, %[[S]]
// CHECK-DAG: dl.scale %{{.*}} {factor = -1.000000e+00 : f32}
// CHECK: return
func.func @merge(%t: tensor<?x6xf32>, %a: tensor<?x3xf32> {dl.param = "a"}, %b: tensor<?x3xf32> {dl.param = "b"}) -> tensor<f32> attributes {dl.gradient = "g_merge"} {
  %0 = dl.sub %a, %b : tensor<?x3xf32>
  %1 = dl.mul %0, %b : tensor<?x3xf32>
  %2 = dl.max %1, %a : tensor<?x3xf32>
  %3 = dl.min %2, %b : tensor<?x3xf32>
  %4 = dl.scale %3 {factor = 0.5 : f32} : tensor<?x3xf32>
  %5 = dl.concat %4, %a {axis = 1 : i64} : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<?x6xf32>
  %6 = dl.mean_squared_error %5, %t : (tensor<?x6xf32>, tensor<?x6xf32>) -> tensor<f32>
  return %6 : tensor<f32>
}
