// RUN: dl-opt %s -split-input-file -verify-diagnostics

func.func @f(%t: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{'dl.exponential_decay' op expects decay_steps > 0, but it is 0}}
  %0 = dl.exponential_decay %t {initial_learning_rate = 0.1 : f32, decay_steps = 0.0 : f32, decay_rate = 0.5 : f32} : tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @f(%t: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{'dl.exponential_decay' op expects initial_learning_rate >= 0, but it is -1}}
  %0 = dl.exponential_decay %t {initial_learning_rate = -1.0 : f32, decay_steps = 10.0 : f32, decay_rate = 0.5 : f32} : tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @f(%t: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{'dl.exponential_decay' op expects decay_rate > 0, but it is 0}}
  %0 = dl.exponential_decay %t {initial_learning_rate = 0.1 : f32, decay_steps = 10.0 : f32, decay_rate = 0.0 : f32} : tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @f(%t: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{'dl.piecewise_constant_decay' op expects one value more than boundaries, but there are 2 boundaries and 2 values}}
  %0 = dl.piecewise_constant_decay %t {boundaries = array<f32: 1.0, 2.0>, values = array<f32: 1.0, 0.5>} : tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @f(%t: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{'dl.piecewise_constant_decay' op expects finite, increasing boundaries, but boundary 1 is 2}}
  %0 = dl.piecewise_constant_decay %t {boundaries = array<f32: 2.0, 2.0>, values = array<f32: 1.0, 0.5, 0.1>} : tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @f(%t: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{'dl.piecewise_constant_decay' op expects finite values >= 0, but value 1 is -5.000000e-01}}
  %0 = dl.piecewise_constant_decay %t {boundaries = array<f32: 2.0>, values = array<f32: 1.0, -0.5>} : tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @f(%t: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{'dl.cosine_decay' op expects alpha in [0, 1], but it is 2}}
  %0 = dl.cosine_decay %t {initial_learning_rate = 0.1 : f32, decay_steps = 10.0 : f32, alpha = 2.0 : f32, warmup_steps = 0.0 : f32} : tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @f(%t: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{'dl.cosine_decay' op expects warmup_target >= 0, but it is -1}}
  %0 = dl.cosine_decay %t {initial_learning_rate = 0.1 : f32, decay_steps = 10.0 : f32, alpha = 0.0 : f32, warmup_target = -1.0 : f32, warmup_steps = 5.0 : f32} : tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @f(%t: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{'dl.cosine_decay' op expects warmup_steps >= 0, but it is -5}}
  %0 = dl.cosine_decay %t {initial_learning_rate = 0.1 : f32, decay_steps = 10.0 : f32, alpha = 0.0 : f32, warmup_steps = -5.0 : f32} : tensor<f32>
  return %0 : tensor<f32>
}
