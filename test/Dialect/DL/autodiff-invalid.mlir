// dl-autodiff refuses what it cannot differentiate, with a reason.
// RUN: dl-opt %s --dl-autodiff --split-input-file -verify-diagnostics

// expected-error @+1 {{dl-autodiff expects the first result to be a scalar loss (tensor<f32>), but the function returns 'tensor<?x3xf32>'}}
func.func @not_scalar(%x: tensor<?x3xf32>, %w: tensor<3x3xf32> {dl.param = "w"}) -> tensor<?x3xf32> attributes {dl.gradient = "g"} {
  %0 = dl.dense %x, %w : (tensor<?x3xf32>, tensor<3x3xf32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----

func.func @no_rule(%x: tensor<?x3xf32>, %t: tensor<?x3xf32>, %w: tensor<3x3xf32> {dl.param = "w"}) -> tensor<f32> attributes {dl.gradient = "g"} {
  %0 = dl.dense %x, %w : (tensor<?x3xf32>, tensor<3x3xf32>) -> tensor<?x3xf32>
  %1 = tensor.cast %0 : tensor<?x3xf32> to tensor<?x?xf32>
  // expected-error @+1 {{dl-autodiff: 'tensor.cast' has no gradient rule (it does not implement DifferentiableOpInterface)}}
  %2 = tensor.cast %1 : tensor<?x?xf32> to tensor<?x3xf32>
  %3 = dl.mean_squared_error %2, %t : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<f32>
  return %3 : tensor<f32>
}

// -----

// expected-error @+1 {{dl-autodiff expects a single-block function}}
func.func @two_blocks(%x: tensor<?x3xf32>, %t: tensor<?x3xf32>, %w: tensor<3x3xf32> {dl.param = "w"}) -> tensor<f32> attributes {dl.gradient = "g"} {
  %0 = dl.dense %x, %w : (tensor<?x3xf32>, tensor<3x3xf32>) -> tensor<?x3xf32>
  cf.br ^next
^next:
  %1 = dl.mean_squared_error %0, %t : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<f32>
  return %1 : tensor<f32>
}

// -----

func.func @slice_variable(%x: tensor<?x3xf32>, %s: tensor<?x?x1xf32>, %t: tensor<?x2xf32>, %w: tensor<3x3xf32> {dl.param = "w"}) -> tensor<f32> attributes {dl.gradient = "g"} {
  %0 = dl.dense %x, %w : (tensor<?x3xf32>, tensor<3x3xf32>) -> tensor<?x3xf32>
  %1 = dl.split_time %0 like %s : (tensor<?x3xf32>, tensor<?x?x1xf32>) -> tensor<?x?x3xf32>
  // expected-error @+1 {{'dl.slice' op dl-autodiff: the gradient of dl.slice needs an input with static sizes but the batch, found 'tensor<?x?x3xf32>'}}
  %2 = dl.slice %1 {axis = 2 : i64, offset = 0 : i64} : tensor<?x?x3xf32> -> tensor<?x?x2xf32>
  %3 = dl.merge_time %2 : tensor<?x?x2xf32> -> tensor<?x2xf32>
  %4 = dl.mean_squared_error %3, %t : (tensor<?x2xf32>, tensor<?x2xf32>) -> tensor<f32>
  return %4 : tensor<f32>
}
