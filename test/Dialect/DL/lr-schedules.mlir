// The learning-rate schedule ops and the run-time rate operand of the
// updates and the weight decay: each round-trips through the printer.
// RUN: dl-opt %s | dl-opt | FileCheck %s

// CHECK-LABEL: func.func @schedules(
// CHECK: dl.exponential_decay %{{.*}} {decay_rate = 5.000000e-01 : f32, decay_steps = 1.000000e+02 : f32, initial_learning_rate = 1.000000e-01 : f32, staircase} : tensor<f32>
// CHECK: dl.piecewise_constant_decay %{{.*}} {boundaries = array<f32: 1.000000e+01, 2.000000e+01>, values = array<f32: 1.000000e+00, 5.000000e-01, 1.000000e-01>} : tensor<f32>
// CHECK: dl.cosine_decay %{{.*}} {alpha = 1.000000e-01 : f32, decay_steps = 1.000000e+03 : f32, initial_learning_rate = 0.000000e+00 : f32, warmup_steps = 1.000000e+02 : f32, warmup_target = 1.000000e-01 : f32} : tensor<f32>
// CHECK: dl.cosine_decay %{{.*}} {alpha = 0.000000e+00 : f32, decay_steps = 1.000000e+03 : f32, initial_learning_rate = 1.000000e-01 : f32, warmup_steps = 0.000000e+00 : f32} : tensor<f32>
func.func @schedules(%t: tensor<f32>) -> (tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>) {
  %0 = dl.exponential_decay %t {initial_learning_rate = 0.1 : f32, decay_steps = 100.0 : f32, decay_rate = 0.5 : f32, staircase} : tensor<f32>
  %1 = dl.piecewise_constant_decay %t {boundaries = array<f32: 10.0, 20.0>, values = array<f32: 1.0, 0.5, 0.1>} : tensor<f32>
  %2 = dl.cosine_decay %t {initial_learning_rate = 0.0 : f32, decay_steps = 1000.0 : f32, alpha = 0.1 : f32, warmup_target = 0.1 : f32, warmup_steps = 100.0 : f32} : tensor<f32>
  %3 = dl.cosine_decay %t {initial_learning_rate = 0.1 : f32, decay_steps = 1000.0 : f32, alpha = 0.0 : f32, warmup_steps = 0.0 : f32} : tensor<f32>
  return %0, %1, %2, %3 : tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>
}

// CHECK-LABEL: func.func @rate_operand(
// CHECK: dl.weight_decay %{{.*}} lr %[[LR:.*]] {decay = 4.000000e-03 : f32} : tensor<4xf32>, tensor<f32>
// CHECK: dl.sgd_update %{{.*}}, %{{.*}}, %{{.*}} lr %[[LR]] {learning_rate = 1.000000e-01 : f32, momentum = 0.899999976 : f32}
// CHECK: dl.sgd_update %{{.*}}, %{{.*}} lr %[[LR]] {learning_rate
// CHECK: dl.adam_update %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} lr %[[LR]] {beta_1
// CHECK: dl.rmsprop_update %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} lr %[[LR]] {epsilon
func.func @rate_operand(%p: tensor<4xf32>, %g: tensor<4xf32>, %s: tensor<4xf32>, %t: tensor<f32>, %lr: tensor<f32>) {
  %d = dl.weight_decay %p lr %lr {decay = 4.0e-3 : f32} : tensor<4xf32>, tensor<f32>
  %0:2 = dl.sgd_update %d, %g, %s lr %lr {learning_rate = 0.1 : f32, momentum = 0.9 : f32} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>)
  %1 = dl.sgd_update %d, %g lr %lr {learning_rate = 0.1 : f32, momentum = 0.0 : f32} : (tensor<4xf32>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %2:3 = dl.adam_update %p, %g, %s, %s, %t lr %lr {learning_rate = 1.0e-3 : f32, beta_1 = 0.9 : f32, beta_2 = 0.999 : f32, epsilon = 1.0e-7 : f32} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  %3:3 = dl.rmsprop_update %p, %g, %s, %s lr %lr {learning_rate = 1.0e-3 : f32, rho = 0.9 : f32, momentum = 0.5 : f32, epsilon = 1.0e-7 : f32} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  return
}
