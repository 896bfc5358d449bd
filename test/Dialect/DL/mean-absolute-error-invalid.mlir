// dl.mean_absolute_error's verifiers name what was expected and print both
// types.
// RUN: dl-opt %s -split-input-file -verify-diagnostics

func.func @targets_shape(%z: tensor<?x5xf32>, %t: tensor<?x4xf32>) -> tensor<f32> {
  // expected-error @+1 {{'dl.mean_absolute_error' op expects targets shaped like the prediction, but prediction is 'tensor<?x5xf32>' and targets are 'tensor<?x4xf32>'}}
  %0 = dl.mean_absolute_error %z, %t : (tensor<?x5xf32>, tensor<?x4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @grad_result(%z: tensor<?x5xf32>, %t: tensor<?x5xf32>, %s: tensor<f32>) -> tensor<4x5xf32> {
  // expected-error @+1 {{'dl.mean_absolute_error_grad' op expects the result to have the prediction's type 'tensor<?x5xf32>', but it is 'tensor<4x5xf32>'}}
  %0 = dl.mean_absolute_error_grad %z, %t, %s : (tensor<?x5xf32>, tensor<?x5xf32>, tensor<f32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}
