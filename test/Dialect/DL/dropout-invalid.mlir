// The verifiers of dl.dropout and dl.training_key.
// RUN: dl-opt %s -split-input-file -verify-diagnostics

func.func @rate_one(%x: tensor<?x8xf32>, %k: tensor<i64>) -> tensor<?x8xf32> {
  // expected-error @+1 {{'dl.dropout' op expects a rate in [0, 1), but it is 1.000000e+00 : f32}}
  %0 = dl.dropout %x, %k {rate = 1.0 : f32, stream = 0 : i64} : tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

func.func @rate_negative(%x: tensor<?x8xf32>, %k: tensor<i64>) -> tensor<?x8xf32> {
  // expected-error @+1 {{'dl.dropout' op expects a rate in [0, 1), but it is -1.000000e-01 : f32}}
  %0 = dl.dropout %x, %k {rate = -0.1 : f32, stream = 0 : i64} : tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

func.func @spatial_rank(%x: tensor<?xf32>, %k: tensor<i64>) -> tensor<?xf32> {
  // expected-error @+1 {{'dl.dropout' op with 'spatial' expects a tensor of rank >= 2 ([batch, ..., channels]), but the input is 'tensor<?xf32>'}}
  %0 = dl.dropout %x, %k {rate = 0.5 : f32, stream = 0 : i64, spatial} : tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @seed_words(%s: tensor<2xf32>, %t: tensor<f32>) -> tensor<i64> {
  // expected-error @+1 {{'dl.training_key' op expects the seed as 4 floats (16-bit words), but it is 'tensor<2xf32>'}}
  %0 = dl.training_key %s, %t : tensor<2xf32>, tensor<f32>
  return %0 : tensor<i64>
}
