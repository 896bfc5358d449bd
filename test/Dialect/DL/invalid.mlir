// Verifiers name what was expected and print both shapes.
// RUN: dl-opt %s -split-input-file -verify-diagnostics

func.func @dense_features(%x: tensor<?x12xf32>, %w: tensor<10x5xf32>) -> tensor<?x5xf32> {
  // expected-error @+1 {{'dl.dense' op expects the kernel's first dimension to match the input's features, but input is 'tensor<?x12xf32>' and kernel is 'tensor<10x5xf32>'}}
  %0 = dl.dense %x, %w : (tensor<?x12xf32>, tensor<10x5xf32>) -> tensor<?x5xf32>
  return %0 : tensor<?x5xf32>
}

// -----

func.func @dense_bias(%x: tensor<?x12xf32>, %w: tensor<12x5xf32>, %b: tensor<4xf32>) -> tensor<?x5xf32> {
  // expected-error @+1 {{'dl.dense' op expects one bias per unit, but kernel is 'tensor<12x5xf32>' and bias is 'tensor<4xf32>'}}
  %0 = dl.dense %x, %w, %b : (tensor<?x12xf32>, tensor<12x5xf32>, tensor<4xf32>) -> tensor<?x5xf32>
  return %0 : tensor<?x5xf32>
}

// -----

func.func @dense_result(%x: tensor<?x12xf32>, %w: tensor<12x5xf32>) -> tensor<?x6xf32> {
  // expected-error @+2 {{'dl.dense' op failed to infer returned types}}
  // expected-error @+1 {{'dl.dense' op inferred type(s) 'tensor<?x5xf32>' are incompatible with return type(s) of operation 'tensor<?x6xf32>'}}
  %0 = dl.dense %x, %w : (tensor<?x12xf32>, tensor<12x5xf32>) -> tensor<?x6xf32>
  return %0 : tensor<?x6xf32>
}

// -----

func.func @dense_rank(%x: tensor<?x4x3xf32>, %w: tensor<12x5xf32>) -> tensor<?x5xf32> {
  // expected-error @+1 {{'dl.dense' op operand #0 must be 2D tensor of 32-bit float values, but got 'tensor<?x4x3xf32>'}}
  %0 = dl.dense %x, %w : (tensor<?x4x3xf32>, tensor<12x5xf32>) -> tensor<?x5xf32>
  return %0 : tensor<?x5xf32>
}

// -----

func.func @flatten_result(%x: tensor<?x4x3xf32>) -> tensor<?x11xf32> {
  // expected-error @+2 {{'dl.flatten' op failed to infer returned types}}
  // expected-error @+1 {{'dl.flatten' op inferred type(s) 'tensor<?x12xf32>' are incompatible with return type(s) of operation 'tensor<?x11xf32>'}}
  %0 = dl.flatten %x : tensor<?x4x3xf32> -> tensor<?x11xf32>
  return %0 : tensor<?x11xf32>
}

// -----

func.func @flatten_rank(%x: tensor<?xf32>) -> tensor<?x1xf32> {
  // expected-error @+1 {{'dl.flatten' op expects a batch dimension and at least one feature dimension, but input is 'tensor<?xf32>'}}
  %0 = dl.flatten %x : tensor<?xf32> -> tensor<?x1xf32>
  return %0 : tensor<?x1xf32>
}

// -----

func.func @softmax_rank(%x: tensor<?x2x3xf32>) -> tensor<?x2x3xf32> {
  // expected-error @+1 {{'dl.softmax' op operand #0 must be 2D tensor of 32-bit float values, but got 'tensor<?x2x3xf32>'}}
  %0 = dl.softmax %x : tensor<?x2x3xf32>
  return %0 : tensor<?x2x3xf32>
}

// -----

func.func @relu_f64(%x: tensor<?x2xf64>) -> tensor<?x2xf64> {
  // expected-error @+1 {{'dl.relu' op operand #0 must be ranked tensor of 32-bit float values, but got 'tensor<?x2xf64>'}}
  %0 = dl.relu %x : tensor<?x2xf64>
  return %0 : tensor<?x2xf64>
}

// -----

func.func @uniform_bounds(%s: i64) -> tensor<2xf32> {
  // expected-error @+1 {{'dl.random_uniform' op expects low < high, but low is 1.000000e+00 : f32 and high is 1.000000e+00 : f32}}
  %0 = dl.random_uniform %s {stream = 0 : i64, low = 1.0 : f32, high = 1.0 : f32} : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @uniform_dynamic(%s: i64) -> tensor<?xf32> {
  // expected-error @+1 {{'dl.random_uniform' op result #0 must be statically shaped tensor of 32-bit float values, but got 'tensor<?xf32>'}}
  %0 = dl.random_uniform %s {stream = 0 : i64, low = 0.0 : f32, high = 1.0 : f32} : tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @normal_stddev(%s: i64) -> tensor<2xf32> {
  // expected-error @+1 {{'dl.random_normal' op expects a positive stddev, but it is 0.000000e+00 : f32}}
  %0 = dl.random_normal %s {stream = 0 : i64, stddev = 0.0 : f32} : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @matmul_contraction(%a: tensor<?x5xf32>, %b: tensor<12x4xf32>) -> tensor<?x12xf32> {
  // expected-error @+1 {{'dl.matmul' op expects matching contraction dimensions, but lhs is 'tensor<?x5xf32>' and rhs is 'tensor<12x4xf32>' (transposed)}}
  %0 = dl.matmul %a, %b {transpose_rhs} : (tensor<?x5xf32>, tensor<12x4xf32>) -> tensor<?x12xf32>
  return %0 : tensor<?x12xf32>
}

// -----

func.func @matmul_result(%a: tensor<?x5xf32>, %b: tensor<5x4xf32>) -> tensor<?x3xf32> {
  // expected-error @+1 {{'dl.matmul' op expects a result of 'tensor<?x4xf32>', but it is 'tensor<?x3xf32>'}}
  %0 = dl.matmul %a, %b : (tensor<?x5xf32>, tensor<5x4xf32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----

func.func @batch_sum_shape(%a: tensor<?x5xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'dl.batch_sum' op expects the result to be the input without its leading dimension, but input is 'tensor<?x5xf32>' and result is 'tensor<4xf32>'}}
  %0 = dl.batch_sum %a : tensor<?x5xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @reshape_elements(%a: tensor<?x12xf32>) -> tensor<?x5x2xf32> {
  // expected-error @+1 {{'dl.reshape' op expects the same batch and static elements per sample, but input is 'tensor<?x12xf32>' and result is 'tensor<?x5x2xf32>'}}
  %0 = dl.reshape %a : tensor<?x12xf32> -> tensor<?x5x2xf32>
  return %0 : tensor<?x5x2xf32>
}

// -----

func.func @sparse_labels_type(%z: tensor<?x5xf32>, %y: tensor<?xi64>) -> tensor<f32> {
  // expected-error @+1 {{'dl.sparse_softmax_cross_entropy' op operand #1 must be 1D tensor of 32-bit signless integer values, but got 'tensor<?xi64>'}}
  %0 = dl.sparse_softmax_cross_entropy %z, %y : (tensor<?x5xf32>, tensor<?xi64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @sparse_labels_batch(%z: tensor<4x5xf32>, %y: tensor<3xi32>) -> tensor<f32> {
  // expected-error @+1 {{'dl.sparse_softmax_cross_entropy' op expects one i32 class index per sample, but prediction is 'tensor<4x5xf32>' and targets are 'tensor<3xi32>'}}
  %0 = dl.sparse_softmax_cross_entropy %z, %y : (tensor<4x5xf32>, tensor<3xi32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @dense_targets_shape(%z: tensor<?x5xf32>, %t: tensor<?x4xf32>) -> tensor<f32> {
  // expected-error @+1 {{'dl.mean_squared_error' op expects targets shaped like the prediction, but prediction is 'tensor<?x5xf32>' and targets are 'tensor<?x4xf32>'}}
  %0 = dl.mean_squared_error %z, %t : (tensor<?x5xf32>, tensor<?x4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @loss_grad_targets(%z: tensor<?x5xf32>, %t: tensor<?x4xf32>, %s: tensor<f32>) -> tensor<?x5xf32> {
  // expected-error @+1 {{'dl.softmax_cross_entropy_grad' op expects targets shaped like the prediction, but prediction is 'tensor<?x5xf32>' and targets are 'tensor<?x4xf32>'}}
  %0 = dl.softmax_cross_entropy_grad %z, %t, %s : (tensor<?x5xf32>, tensor<?x4xf32>, tensor<f32>) -> tensor<?x5xf32>
  return %0 : tensor<?x5xf32>
}

// -----

func.func @loss_grad_result(%z: tensor<?x5xf32>, %t: tensor<?x5xf32>, %s: tensor<f32>) -> tensor<4x5xf32> {
  // expected-error @+1 {{'dl.mean_squared_error_grad' op expects the result to have the prediction's type 'tensor<?x5xf32>', but it is 'tensor<4x5xf32>'}}
  %0 = dl.mean_squared_error_grad %z, %t, %s : (tensor<?x5xf32>, tensor<?x5xf32>, tensor<f32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

func.func @loss_grad_sparse_batch(%z: tensor<3x5xf32>, %y: tensor<4xi32>, %s: tensor<f32>) -> tensor<3x5xf32> {
  // expected-error @+1 {{'dl.sparse_softmax_cross_entropy_grad' op expects one i32 class index per sample, but prediction is 'tensor<3x5xf32>' and targets are 'tensor<4xi32>'}}
  %0 = dl.sparse_softmax_cross_entropy_grad %z, %y, %s : (tensor<3x5xf32>, tensor<4xi32>, tensor<f32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

func.func @sgd_new_velocity(%p: tensor<4xf32>, %g: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'dl.sgd_update' op expects a new velocity exactly when a velocity is given}}
  %0 = dl.sgd_update %p, %g, %v {learning_rate = 0.1 : f32, momentum = 0.9 : f32} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @sgd_velocity(%p: tensor<4xf32>, %g: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'dl.sgd_update' op has a velocity but no momentum}}
  %0:2 = dl.sgd_update %p, %g, %v {learning_rate = 0.1 : f32, momentum = 0.0 : f32} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>)
  return %0#0 : tensor<4xf32>
}

// -----

func.func @adam_types(%p: tensor<4xf32>, %g: tensor<3xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %t: tensor<f32>) -> tensor<4xf32> {
  // expected-error @+1 {{'dl.adam_update' op expects every tensor to have the parameter's type 'tensor<4xf32>', but found 'tensor<3xf32>'}}
  %0:3 = dl.adam_update %p, %g, %m, %v, %t {learning_rate = 1.0e-3 : f32, beta_1 = 0.9 : f32, beta_2 = 0.999 : f32, epsilon = 1.0e-7 : f32} : (tensor<4xf32>, tensor<3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  return %0#0 : tensor<4xf32>
}

// -----

func.func @rmsprop_new_momentum_buffer(%p: tensor<4xf32>, %g: tensor<4xf32>, %s: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'dl.rmsprop_update' op expects a new momentum buffer exactly when one is given}}
  %0:3 = dl.rmsprop_update %p, %g, %s {learning_rate = 1.0e-3 : f32, rho = 0.9 : f32, momentum = 0.0 : f32, epsilon = 1.0e-7 : f32} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  return %0#0 : tensor<4xf32>
}
