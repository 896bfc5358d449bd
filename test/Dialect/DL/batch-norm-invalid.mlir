// The batch normalisation ops' verifiers name every shape.
// RUN: dl-opt %s -split-input-file -verify-diagnostics

func.func @gamma_size(%x: tensor<?x6xf32>, %g: tensor<5xf32>, %v: tensor<6xf32>) {
  // expected-error @+1 {{'dl.batch_norm' op expects gamma of the input's last dimension 6, but input is 'tensor<?x6xf32>' and gamma is 'tensor<5xf32>'}}
  %y, %m, %s = dl.batch_norm %x, %g, %v, %v, %v {epsilon = 1.0e-3 : f32} : (tensor<?x6xf32>, tensor<5xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>) -> (tensor<?x6xf32>, tensor<6xf32>, tensor<6xf32>)
  return
}

// -----

func.func @stat_size(%x: tensor<?x6xf32>, %v: tensor<6xf32>) {
  // expected-error @+1 {{'dl.batch_norm' op expects batch_variance of the input's last dimension 6, but input is 'tensor<?x6xf32>' and batch_variance is 'tensor<3xf32>'}}
  %y, %m, %s = dl.batch_norm %x, %v, %v, %v, %v {epsilon = 1.0e-3 : f32} : (tensor<?x6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>) -> (tensor<?x6xf32>, tensor<6xf32>, tensor<3xf32>)
  return
}

// -----

func.func @rank(%x: tensor<6xf32>, %v: tensor<6xf32>) {
  // expected-error @+1 {{'dl.batch_norm' op expects an input of rank >= 2 with a static last (channel) dimension, but it is 'tensor<6xf32>'}}
  %y, %m, %s = dl.batch_norm %x, %v, %v, %v, %v {epsilon = 1.0e-3 : f32} : (tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>) -> (tensor<6xf32>, tensor<6xf32>, tensor<6xf32>)
  return
}

// -----

func.func @result(%x: tensor<?x6xf32>, %v: tensor<6xf32>) {
  // expected-error @+1 {{'dl.batch_norm' op expects a result of the input's shape, but input is 'tensor<?x6xf32>' and result is 'tensor<?x5xf32>'}}
  %y, %m, %s = dl.batch_norm %x, %v, %v, %v, %v {epsilon = 1.0e-3 : f32} : (tensor<?x6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>) -> (tensor<?x5xf32>, tensor<6xf32>, tensor<6xf32>)
  return
}

// -----

func.func @epsilon(%x: tensor<?x6xf32>, %v: tensor<6xf32>) {
  // expected-error @+1 {{'dl.batch_norm_inference' op expects a positive epsilon, but it is 0}}
  %y = dl.batch_norm_inference %x, %v, %v, %v, %v {epsilon = 0.0 : f32} : tensor<?x6xf32>, tensor<6xf32>
  return
}

// -----

func.func @inference_size(%x: tensor<?x6xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'dl.batch_norm_inference' op expects gamma of the input's last dimension 6, but input is 'tensor<?x6xf32>' and gamma is 'tensor<4xf32>'}}
  %y = dl.batch_norm_inference %x, %v, %v, %v, %v {epsilon = 1.0e-3 : f32} : tensor<?x6xf32>, tensor<4xf32>
  return
}

// -----

func.func @dynamic_channels(%x: tensor<?x?xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'dl.batch_norm_inference' op expects an input of rank >= 1 with a static last (channel) dimension, but it is 'tensor<?x?xf32>'}}
  %y = dl.batch_norm_inference %x, %v, %v, %v, %v {epsilon = 1.0e-3 : f32} : tensor<?x?xf32>, tensor<4xf32>
  return
}
