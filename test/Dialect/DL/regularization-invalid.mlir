// RUN: dl-opt %s -split-input-file -verify-diagnostics

func.func @f(%w: tensor<3xf32>) -> tensor<f32> {
  // expected-error @+1 {{'dl.l1_l2_penalty' op expects l1 >= 0, but it is -1.000000e-02}}
  %p = dl.l1_l2_penalty %w {l1 = -0.01 : f32, l2 = 0.0 : f32} : tensor<3xf32> -> tensor<f32>
  return %p : tensor<f32>
}

// -----

func.func @f(%w: tensor<3xf32>) -> tensor<f32> {
  // expected-error @+1 {{'dl.l1_l2_penalty' op expects l2 >= 0, but it is INF}}
  %p = dl.l1_l2_penalty %w {l1 = 0.0 : f32, l2 = 0x7F800000 : f32} : tensor<3xf32> -> tensor<f32>
  return %p : tensor<f32>
}

// -----

func.func @f(%w: tensor<3xf32>, %s: tensor<f32>) -> tensor<4xf32> {
  // expected-error @+1 {{'dl.l1_l2_penalty_grad' op expects the result to have the type 'tensor<3xf32>', but it is 'tensor<4xf32>'}}
  %g = dl.l1_l2_penalty_grad %w, %s {l1 = 0.0 : f32, l2 = 0.1 : f32} : (tensor<3xf32>, tensor<f32>) -> tensor<4xf32>
  return %g : tensor<4xf32>
}

// -----

func.func @f(%w: tensor<3xf32>, %s: tensor<f32>) -> tensor<3xf32> {
  // expected-error @+1 {{'dl.clip_by_norm' op expects clip_norm > 0, but it is 0}}
  %g = dl.clip_by_norm %w, %s {clip_norm = 0.0 : f32} : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
  return %g : tensor<3xf32>
}

// -----

func.func @f(%w: tensor<3xf32>, %s: tensor<f32>) -> tensor<2xf32> {
  // expected-error @+1 {{'dl.clip_by_norm' op expects the result to have the type 'tensor<3xf32>', but it is 'tensor<2xf32>'}}
  %g = dl.clip_by_norm %w, %s {clip_norm = 1.0 : f32} : (tensor<3xf32>, tensor<f32>) -> tensor<2xf32>
  return %g : tensor<2xf32>
}

// -----

func.func @f(%w: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{'dl.clip_by_value' op expects clip_value > 0, but it is -1}}
  %g = dl.clip_by_value %w {clip_value = -1.0 : f32} : tensor<3xf32>
  return %g : tensor<3xf32>
}

// -----

func.func @f(%w: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{'dl.weight_decay' op expects decay >= 0, but it is -5.000000e-01}}
  %g = dl.weight_decay %w {decay = -0.5 : f32} : tensor<3xf32>
  return %g : tensor<3xf32>
}

// -----

// expected-error @+1 {{'func.func' op 'dl.clipnorm' must be a positive finite f32, but is 0.000000e+00 : f32}}
func.func @f() attributes {dl.clipnorm = 0.0 : f32} {
  return
}

// -----

// expected-error @+1 {{'func.func' op 'dl.weight_decay' must be a positive finite f32, but is 1.000000e-01 : f64}}
func.func @f() attributes {dl.weight_decay = 0.1 : f64} {
  return
}
