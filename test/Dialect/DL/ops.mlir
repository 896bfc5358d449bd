// Every dl op prints and parses back to the same IR.
// RUN: dl-opt %s | dl-opt | FileCheck %s

// CHECK-LABEL: func.func @layers
// CHECK-SAME: (%[[X:.*]]: tensor<?x4x3xf32>, %[[W:.*]]: tensor<12x5xf32>, %[[B:.*]]: tensor<5xf32>)
func.func @layers(%x: tensor<?x4x3xf32>, %w: tensor<12x5xf32>, %b: tensor<5xf32>) -> tensor<?x5xf32> {
  // CHECK: %[[F:.*]] = dl.flatten %[[X]] : tensor<?x4x3xf32> -> tensor<?x12xf32>
  %0 = dl.flatten %x : tensor<?x4x3xf32> -> tensor<?x12xf32>
  // CHECK: %[[D:.*]] = dl.dense %[[F]], %[[W]], %[[B]] : (tensor<?x12xf32>, tensor<12x5xf32>, tensor<5xf32>) -> tensor<?x5xf32>
  %1 = dl.dense %0, %w, %b : (tensor<?x12xf32>, tensor<12x5xf32>, tensor<5xf32>) -> tensor<?x5xf32>
  // CHECK: %[[N:.*]] = dl.dense %[[F]], %[[W]] : (tensor<?x12xf32>, tensor<12x5xf32>) -> tensor<?x5xf32>
  %2 = dl.dense %0, %w : (tensor<?x12xf32>, tensor<12x5xf32>) -> tensor<?x5xf32>
  // CHECK: %[[R:.*]] = dl.relu %[[D]] : tensor<?x5xf32>
  %3 = dl.relu %1 : tensor<?x5xf32>
  // CHECK: %[[S:.*]] = dl.sigmoid %[[R]] : tensor<?x5xf32>
  %4 = dl.sigmoid %3 : tensor<?x5xf32>
  // CHECK: %[[T:.*]] = dl.tanh %[[S]] : tensor<?x5xf32>
  %5 = dl.tanh %4 : tensor<?x5xf32>
  // CHECK: %[[P:.*]] = dl.softmax %[[T]] : tensor<?x5xf32>
  %6 = dl.softmax %5 : tensor<?x5xf32>
  // CHECK: return %[[P]]
  return %6 : tensor<?x5xf32>
}

// CHECK-LABEL: func.func @init
func.func @init(%seed: i64) -> (tensor<12x5xf32>, tensor<5x2xf32>) {
  // CHECK: dl.random_uniform %{{.*}} {high = 5.000000e-01 : f32, low = -5.000000e-01 : f32, stream = 0 : i64} : tensor<12x5xf32>
  %0 = dl.random_uniform %seed {stream = 0 : i64, low = -0.5 : f32, high = 0.5 : f32} : tensor<12x5xf32>
  // CHECK: dl.random_normal %{{.*}} {stddev = 1.000000e-01 : f32, stream = 1 : i64} : tensor<5x2xf32>
  %1 = dl.random_normal %seed {stream = 1 : i64, stddev = 0.1 : f32} : tensor<5x2xf32>
  return %0, %1 : tensor<12x5xf32>, tensor<5x2xf32>
}

// CHECK-LABEL: func.func @backward_ops
func.func @backward_ops(%dy: tensor<?x5xf32>, %w: tensor<12x5xf32>, %x: tensor<?x12xf32>, %v: tensor<?x5xf32>) -> (tensor<?x12xf32>, tensor<12x5xf32>, tensor<5xf32>, tensor<?x3x4xf32>, tensor<?x5xf32>) {
  // CHECK: dl.matmul %{{.*}}, %{{.*}} {transpose_rhs} : (tensor<?x5xf32>, tensor<12x5xf32>) -> tensor<?x12xf32>
  %0 = dl.matmul %dy, %w {transpose_rhs} : (tensor<?x5xf32>, tensor<12x5xf32>) -> tensor<?x12xf32>
  // CHECK: dl.matmul %{{.*}}, %{{.*}} {transpose_lhs} : (tensor<?x12xf32>, tensor<?x5xf32>) -> tensor<12x5xf32>
  %1 = dl.matmul %x, %dy {transpose_lhs} : (tensor<?x12xf32>, tensor<?x5xf32>) -> tensor<12x5xf32>
  // CHECK: dl.batch_sum %{{.*}} : tensor<?x5xf32> -> tensor<5xf32>
  %2 = dl.batch_sum %dy : tensor<?x5xf32> -> tensor<5xf32>
  // CHECK: dl.reshape %{{.*}} : tensor<?x12xf32> -> tensor<?x3x4xf32>
  %3 = dl.reshape %0 : tensor<?x12xf32> -> tensor<?x3x4xf32>
  // CHECK: dl.add
  %4 = dl.add %dy, %v : tensor<?x5xf32>
  // CHECK: dl.relu_grad
  %5 = dl.relu_grad %4, %v : tensor<?x5xf32>
  // CHECK: dl.sigmoid_grad
  %6 = dl.sigmoid_grad %5, %v : tensor<?x5xf32>
  // CHECK: dl.tanh_grad
  %7 = dl.tanh_grad %6, %v : tensor<?x5xf32>
  // CHECK: dl.softmax_grad
  %8 = dl.softmax_grad %7, %v : tensor<?x5xf32>
  return %0, %1, %2, %3, %8 : tensor<?x12xf32>, tensor<12x5xf32>, tensor<5xf32>, tensor<?x3x4xf32>, tensor<?x5xf32>
}

// CHECK-LABEL: func.func @losses_and_metrics
func.func @losses_and_metrics(%z: tensor<?x5xf32>, %y: tensor<?xi32>, %t: tensor<?x5xf32>, %s: tensor<f32>) -> (tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>, tensor<?x5xf32>, tensor<f32>) {
  // CHECK: dl.sparse_softmax_cross_entropy %{{.*}}, %{{.*}} : (tensor<?x5xf32>, tensor<?xi32>) -> tensor<f32>
  %0 = dl.sparse_softmax_cross_entropy %z, %y : (tensor<?x5xf32>, tensor<?xi32>) -> tensor<f32>
  // CHECK: dl.softmax_cross_entropy
  %1 = dl.softmax_cross_entropy %z, %t : (tensor<?x5xf32>, tensor<?x5xf32>) -> tensor<f32>
  // CHECK: dl.sigmoid_cross_entropy
  %2 = dl.sigmoid_cross_entropy %z, %t : (tensor<?x5xf32>, tensor<?x5xf32>) -> tensor<f32>
  // CHECK: dl.mean_squared_error
  %3 = dl.mean_squared_error %z, %t : (tensor<?x5xf32>, tensor<?x5xf32>) -> tensor<f32>
  // CHECK: dl.sparse_softmax_cross_entropy_grad %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x5xf32>, tensor<?xi32>, tensor<f32>) -> tensor<?x5xf32>
  %4 = dl.sparse_softmax_cross_entropy_grad %z, %y, %s : (tensor<?x5xf32>, tensor<?xi32>, tensor<f32>) -> tensor<?x5xf32>
  // CHECK: dl.count_correct %{{.*}}, %{{.*}} : (tensor<?x5xf32>, tensor<?xi32>) -> tensor<f32>
  %5 = dl.count_correct %z, %y : (tensor<?x5xf32>, tensor<?xi32>) -> tensor<f32>
  return %0, %1, %2, %3, %4, %5 : tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>, tensor<?x5xf32>, tensor<f32>
}

// CHECK-LABEL: func.func @loss_grads
func.func @loss_grads(%z: tensor<?x5xf32>, %t: tensor<?x5xf32>, %s: tensor<f32>) -> (tensor<?x5xf32>, tensor<?x5xf32>, tensor<?x5xf32>) {
  // CHECK: dl.softmax_cross_entropy_grad %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x5xf32>, tensor<?x5xf32>, tensor<f32>) -> tensor<?x5xf32>
  %0 = dl.softmax_cross_entropy_grad %z, %t, %s : (tensor<?x5xf32>, tensor<?x5xf32>, tensor<f32>) -> tensor<?x5xf32>
  // CHECK: dl.sigmoid_cross_entropy_grad %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x5xf32>, tensor<?x5xf32>, tensor<f32>) -> tensor<?x5xf32>
  %1 = dl.sigmoid_cross_entropy_grad %z, %t, %s : (tensor<?x5xf32>, tensor<?x5xf32>, tensor<f32>) -> tensor<?x5xf32>
  // CHECK: dl.mean_squared_error_grad %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x5xf32>, tensor<?x5xf32>, tensor<f32>) -> tensor<?x5xf32>
  %2 = dl.mean_squared_error_grad %z, %t, %s : (tensor<?x5xf32>, tensor<?x5xf32>, tensor<f32>) -> tensor<?x5xf32>
  return %0, %1, %2 : tensor<?x5xf32>, tensor<?x5xf32>, tensor<?x5xf32>
}

// CHECK-LABEL: func.func @updates
func.func @updates(%p: tensor<4xf32>, %g: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %t: tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  // CHECK: dl.sgd_update %{{.*}}, %{{.*}} {learning_rate = 0.00999999977 : f32, momentum = 0.000000e+00 : f32} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %0 = dl.sgd_update %p, %g {learning_rate = 0.01 : f32, momentum = 0.0 : f32} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  // CHECK: dl.sgd_update %{{.*}}, %{{.*}}, %{{.*}} {learning_rate = 0.00999999977 : f32, momentum = 0.899999976 : f32, nesterov}
  %1:2 = dl.sgd_update %p, %g, %m {learning_rate = 0.01 : f32, momentum = 0.9 : f32, nesterov} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>)
  // CHECK: dl.adam_update
  %2:3 = dl.adam_update %p, %g, %m, %v, %t {learning_rate = 1.0e-3 : f32, beta_1 = 0.9 : f32, beta_2 = 0.999 : f32, epsilon = 1.0e-7 : f32} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  // CHECK: dl.rmsprop_update %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {
  %3:3 = dl.rmsprop_update %p, %g, %m, %v {learning_rate = 1.0e-3 : f32, rho = 0.9 : f32, momentum = 0.5 : f32, epsilon = 1.0e-7 : f32} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  return %0, %2#0, %3#0 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}
