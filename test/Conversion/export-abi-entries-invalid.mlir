// entries names entry points by their suffixes: another name is an error.
// RUN: dl-opt %s --dl-export-abi=entries=eval_step,train_stpe -verify-diagnostics

// expected-error @+1 {{unknown entry point 'train_stpe' in entries; expected one of: init_params, params, predict, opt_state_size, init_opt_state, train_step, train_step_metrics, gradients, train_gradients, apply_gradients, eval_step, input_gradient}}
module {
  func.func @forward(%x: tensor<?x3xf32> {dl.input = "x"}, %w: tensor<3x2xf32> {dl.param = "w"}) -> tensor<?x2xf32> {
    %0 = dl.dense %x, %w : (tensor<?x3xf32>, tensor<3x2xf32>) -> tensor<?x2xf32>
    return %0 : tensor<?x2xf32>
  }
  func.func @init_params(%seed: i64) -> (tensor<3x2xf32>) {
    %0 = arith.constant dense<0.0> : tensor<3x2xf32>
    return %0 : tensor<3x2xf32>
  }
}
