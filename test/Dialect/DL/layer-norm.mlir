// dl.layer_norm and its gradient print and parse back; the VJP is one
// layer_norm_grad giving the input's, gamma's and beta's cotangents.
// RUN: dl-opt %s | dl-opt | FileCheck %s
// RUN: dl-opt %s --dl-autodiff | FileCheck %s --check-prefix=VJP

// CHECK-LABEL: func.func @ln
// CHECK: dl.layer_norm %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 1.000000e-03 : f32} : (tensor<?x4x6xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<?x4x6xf32>
// VJP-LABEL: func.func @g_ln(
// VJP-SAME: %[[X:[^:]*]]: tensor<?x4x6xf32>, %{{[^:]*}}: tensor<?x4x6xf32>, %[[G:[^:]*]]: tensor<6xf32> {dl.param = "gamma"}
// VJP: %[[DY:.*]] = dl.mean_squared_error_grad
// VJP: %{{.*}}, %[[DG:[^,]*]], %[[DB:[^ ]*]] = dl.layer_norm_grad %[[DY]], %[[X]], %[[G]] {epsilon = 1.000000e-03 : f32} : (tensor<?x4x6xf32>, tensor<?x4x6xf32>, tensor<6xf32>) -> (tensor<?x4x6xf32>, tensor<6xf32>, tensor<6xf32>)
// VJP: return %{{.*}}, %[[DG]], %[[DB]]
func.func @ln(%x: tensor<?x4x6xf32>, %t: tensor<?x4x6xf32>, %g: tensor<6xf32> {dl.param = "gamma"}, %b: tensor<6xf32> {dl.param = "beta"}) -> tensor<f32> attributes {dl.gradient = "g_ln"} {
  %0 = dl.layer_norm %x, %g, %b {epsilon = 1.0e-3 : f32} : (tensor<?x4x6xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<?x4x6xf32>
  %1 = dl.mean_squared_error %0, %t : (tensor<?x4x6xf32>, tensor<?x4x6xf32>) -> tensor<f32>
  return %1 : tensor<f32>
}
