// dl.layer_norm's verifier names every shape.
// RUN: dl-opt %s -split-input-file -verify-diagnostics

func.func @gamma_size(%x: tensor<?x6xf32>, %g: tensor<5xf32>, %b: tensor<6xf32>) -> tensor<?x6xf32> {
  // expected-error @+1 {{'dl.layer_norm' op expects gamma and beta of the input's static last dimension, but input is 'tensor<?x6xf32>', gamma 'tensor<5xf32>' and beta 'tensor<6xf32>'}}
  %0 = dl.layer_norm %x, %g, %b {epsilon = 1.0e-3 : f32} : (tensor<?x6xf32>, tensor<5xf32>, tensor<6xf32>) -> tensor<?x6xf32>
  return %0 : tensor<?x6xf32>
}

// -----

func.func @result(%x: tensor<?x6xf32>, %g: tensor<6xf32>) -> tensor<?x5xf32> {
  // expected-error @+1 {{'dl.layer_norm' op expects a result of the input's shape, but input is 'tensor<?x6xf32>' and result is 'tensor<?x5xf32>'}}
  %0 = dl.layer_norm %x, %g, %g {epsilon = 1.0e-3 : f32} : (tensor<?x6xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<?x5xf32>
  return %0 : tensor<?x5xf32>
}

// -----

func.func @epsilon(%x: tensor<?x6xf32>, %g: tensor<6xf32>) -> tensor<?x6xf32> {
  // expected-error @+1 {{'dl.layer_norm' op expects a positive epsilon, but it is 0}}
  %0 = dl.layer_norm %x, %g, %g {epsilon = 0.0 : f32} : (tensor<?x6xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<?x6xf32>
  return %0 : tensor<?x6xf32>
}
