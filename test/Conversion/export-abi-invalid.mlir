// A module without the model functions is rejected, not crashed on.
// RUN: dl-opt %s --dl-export-abi -split-input-file -verify-diagnostics

// expected-error @+1 {{expects the model functions @forward and @init_params}}
module {
  func.func @something_else() { return }
}

// -----

// Baked weights must have the parameters' total size.
// expected-error @+1 {{expects dl.weights of type 'tensor<6xf32>', found 'tensor<2xf32>'}}
module attributes {dl.weights = dense<[1.0, 2.0]> : tensor<2xf32>} {
  func.func @forward(%x: tensor<?x3xf32> {dl.input = "x"}, %w: tensor<3x2xf32> {dl.param = "w"}) -> tensor<?x2xf32> {
    %0 = dl.dense %x, %w : (tensor<?x3xf32>, tensor<3x2xf32>) -> tensor<?x2xf32>
    return %0 : tensor<?x2xf32>
  }
  func.func @init_params(%seed: i64) -> (tensor<3x2xf32>) {
    %0 = arith.constant dense<0.0> : tensor<3x2xf32>
    return %0 : tensor<3x2xf32>
  }
}

// -----

module {
  // expected-error @+1 {{argument #1 has no dl.input, dl.targets, dl.key, dl.param, dl.state, dl.grad_of or dl.update_of attribute}}
  func.func @forward(%x: tensor<?x3xf32> {dl.input = "x"}, %w: tensor<3x2xf32>) -> tensor<?x2xf32> {
    %0 = dl.dense %x, %w : (tensor<?x3xf32>, tensor<3x2xf32>) -> tensor<?x2xf32>
    return %0 : tensor<?x2xf32>
  }
  func.func @init_params(%seed: i64) -> (tensor<3x2xf32>) {
    %0 = arith.constant dense<0.0> : tensor<3x2xf32>
    return %0 : tensor<3x2xf32>
  }
}
