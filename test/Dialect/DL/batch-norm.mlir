// dl.batch_norm, dl.batch_norm_inference and dl.batch_norm_grad print and
// parse back; the VJP of the training form is one batch_norm_grad (the
// statistics depend on the input) reading the forward's batch statistics,
// that of the inference form per-channel
// scale and sums; the inference form of dl.batch_norm is
// dl.batch_norm_inference over the moving statistics.
// RUN: dl-opt %s | dl-opt | FileCheck %s
// RUN: dl-opt %s --dl-autodiff | FileCheck %s --check-prefix=VJP

// CHECK-LABEL: func.func @ops
// CHECK: dl.batch_norm %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 1.000000e-03 : f32} : (tensor<?x4x4x6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>) -> (tensor<?x4x4x6xf32>, tensor<6xf32>, tensor<6xf32>)
// CHECK: dl.batch_norm_inference %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 5.000000e-01 : f32} : tensor<3x3x2x6xf32>, tensor<6xf32>
// CHECK: dl.batch_norm_grad %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 1.000000e-03 : f32} : (tensor<?x4x4x6xf32>, tensor<?x4x4x6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>) -> (tensor<?x4x4x6xf32>, tensor<6xf32>, tensor<6xf32>)
func.func @ops(%x: tensor<?x4x4x6xf32>, %k: tensor<3x3x2x6xf32>, %v: tensor<6xf32>)
    -> (tensor<?x4x4x6xf32>, tensor<6xf32>, tensor<3x3x2x6xf32>, tensor<?x4x4x6xf32>) {
  %y, %m, %s = dl.batch_norm %x, %v, %v, %v, %v {epsilon = 1.0e-3 : f32} : (tensor<?x4x4x6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>) -> (tensor<?x4x4x6xf32>, tensor<6xf32>, tensor<6xf32>)
  %f = dl.batch_norm_inference %k, %v, %v, %v, %v {epsilon = 0.5 : f32} : tensor<3x3x2x6xf32>, tensor<6xf32>
  %dx, %dg, %db = dl.batch_norm_grad %y, %x, %v, %m, %s {epsilon = 1.0e-3 : f32} : (tensor<?x4x4x6xf32>, tensor<?x4x4x6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>) -> (tensor<?x4x4x6xf32>, tensor<6xf32>, tensor<6xf32>)
  return %y, %m, %f, %dx : tensor<?x4x4x6xf32>, tensor<6xf32>, tensor<3x3x2x6xf32>, tensor<?x4x4x6xf32>
}

// VJP-LABEL: func.func @g_train(
// VJP-SAME: %[[X:[^:]*]]: tensor<?x6xf32>, %{{[^:]*}}: tensor<?x6xf32>, %[[G:[^:]*]]: tensor<6xf32> {dl.param = "gamma"}
// VJP: %{{.*}}, %[[M:[^,]*]], %[[V:[^ ]*]] = dl.batch_norm %[[X]]
// VJP: %[[DY:.*]] = dl.mean_squared_error_grad
// VJP: %{{.*}}, %[[DG:[^,]*]], %[[DB:[^ ]*]] = dl.batch_norm_grad %[[DY]], %[[X]], %[[G]], %[[M]], %[[V]] {epsilon = 1.000000e-03 : f32}
// VJP: return %{{.*}}, %[[DG]], %[[DB]]
func.func @train(%x: tensor<?x6xf32>, %t: tensor<?x6xf32>,
                 %g: tensor<6xf32> {dl.param = "gamma"},
                 %b: tensor<6xf32> {dl.param = "beta"},
                 %mm: tensor<6xf32> {dl.param = "mm", dl.frozen},
                 %mv: tensor<6xf32> {dl.param = "mv", dl.frozen})
    -> tensor<f32> attributes {dl.gradient = "g_train"} {
  %y, %m, %v = dl.batch_norm %x, %g, %b, %mm, %mv {epsilon = 1.0e-3 : f32} : (tensor<?x6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>) -> (tensor<?x6xf32>, tensor<6xf32>, tensor<6xf32>)
  %l = dl.mean_squared_error %y, %t : (tensor<?x6xf32>, tensor<?x6xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// VJP-LABEL: func.func @g_infer(
// VJP-SAME: %[[X:[^:]*]]: tensor<?x6xf32>, %{{[^:]*}}: tensor<?x6xf32>, %[[G:[^:]*]]: tensor<6xf32> {dl.param = "gamma"}, %{{[^:]*}}: tensor<6xf32> {dl.param = "beta"}, %[[M:[^:]*]]: tensor<6xf32> {dl.frozen, dl.param = "mm"}, %[[V:[^:]*]]: tensor<6xf32>
// VJP: %[[DY:.*]] = dl.mean_squared_error_grad
// VJP-DAG: %[[ONE:.*]] = arith.constant dense<1.000000e+00> : tensor<6xf32>
// VJP-DAG: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : tensor<6xf32>
// VJP: %[[XHAT:.*]] = dl.batch_norm_inference %[[X]], %[[ONE]], %[[ZERO]], %[[M]], %[[V]]
// VJP: %[[P:.*]] = dl.mul %[[DY]], %[[XHAT]]
// VJP: %[[DG:.*]] = dl.channel_sum %[[P]]
// VJP: %[[DB:.*]] = dl.channel_sum %[[DY]]
// VJP: return %{{.*}}, %[[DG]], %[[DB]]
func.func @infer(%x: tensor<?x6xf32>, %t: tensor<?x6xf32>,
                 %g: tensor<6xf32> {dl.param = "gamma"},
                 %b: tensor<6xf32> {dl.param = "beta"},
                 %mm: tensor<6xf32> {dl.param = "mm", dl.frozen},
                 %mv: tensor<6xf32> {dl.param = "mv", dl.frozen})
    -> tensor<f32> attributes {dl.gradient = "g_infer"} {
  %y = dl.batch_norm_inference %x, %g, %b, %mm, %mv {epsilon = 1.0e-3 : f32} : tensor<?x6xf32>, tensor<6xf32>
  %l = dl.mean_squared_error %y, %t : (tensor<?x6xf32>, tensor<?x6xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
