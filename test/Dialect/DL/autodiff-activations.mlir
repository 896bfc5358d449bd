// dl-autodiff through the activations: each gradient op gets the value its
// rule reads (the input x, or the result y for exponential and log_softmax)
// and the op's alpha.
// RUN: dl-opt %s --dl-autodiff | FileCheck %s

// CHECK-LABEL: func.func @g_chain(
// CHECK: %[[D:.*]] = dl.dense
// CHECK: %[[A0:.*]] = dl.relu6 %[[D]]
// CHECK: %[[A1:.*]] = dl.softplus %[[A0]]
// CHECK: %[[A2:.*]] = dl.softsign %[[A1]]
// CHECK: %[[A3:.*]] = dl.hard_sigmoid %[[A2]]
// CHECK: %[[A4:.*]] = dl.silu %[[A3]]
// CHECK: %[[A5:.*]] = dl.gelu %[[A4]]
// CHECK: %[[A6:.*]] = dl.leaky_relu %[[A5]] {alpha = 3.000000e-01 : f32}
// CHECK: %[[A7:.*]] = dl.elu %[[A6]] {alpha = 5.000000e-01 : f32}
// CHECK: %[[A8:.*]] = dl.exponential %[[A7]]
// CHECK: %[[A9:.*]] = dl.log_softmax %[[A8]]
// CHECK: %[[G9:.*]] = dl.mean_squared_error_grad %[[A9]]
// CHECK: %[[G8:.*]] = dl.log_softmax_grad %[[G9]], %[[A9]]
// CHECK: %[[G7:.*]] = dl.exponential_grad %[[G8]], %[[A8]]
// CHECK: %[[G6:.*]] = dl.elu_grad %[[G7]], %[[A6]] {alpha = 5.000000e-01 : f32}
// CHECK: %[[G5:.*]] = dl.leaky_relu_grad %[[G6]], %[[A5]] {alpha = 3.000000e-01 : f32}
// CHECK: %[[G4:.*]] = dl.gelu_grad %[[G5]], %[[A4]]
// CHECK: %[[G3:.*]] = dl.silu_grad %[[G4]], %[[A3]]
// CHECK: %[[G2:.*]] = dl.hard_sigmoid_grad %[[G3]], %[[A2]]
// CHECK: %[[G1:.*]] = dl.softsign_grad %[[G2]], %[[A1]]
// CHECK: %[[G0:.*]] = dl.softplus_grad %[[G1]], %[[A0]]
// CHECK: %[[GD:.*]] = dl.relu6_grad %[[G0]], %[[D]]
// CHECK: dl.matmul %{{.*}}, %[[GD]] {transpose_lhs}
func.func @chain(%x: tensor<?x4xf32>, %t: tensor<?x3xf32>, %w: tensor<4x3xf32> {dl.param = "w"}) -> tensor<f32> attributes {dl.gradient = "g_chain"} {
  %d = dl.dense %x, %w : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x3xf32>
  %0 = dl.relu6 %d : tensor<?x3xf32>
  %1 = dl.softplus %0 : tensor<?x3xf32>
  %2 = dl.softsign %1 : tensor<?x3xf32>
  %3 = dl.hard_sigmoid %2 : tensor<?x3xf32>
  %4 = dl.silu %3 : tensor<?x3xf32>
  %5 = dl.gelu %4 : tensor<?x3xf32>
  %6 = dl.leaky_relu %5 {alpha = 0.3 : f32} : tensor<?x3xf32>
  %7 = dl.elu %6 {alpha = 0.5 : f32} : tensor<?x3xf32>
  %8 = dl.exponential %7 : tensor<?x3xf32>
  %9 = dl.log_softmax %8 : tensor<?x3xf32>
  %l = dl.mean_squared_error %9, %t : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
