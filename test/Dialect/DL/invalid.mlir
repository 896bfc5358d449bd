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
