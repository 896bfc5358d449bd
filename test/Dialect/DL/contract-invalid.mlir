// The dl dialect verifies the model contract (DLContract.h): every dl.*
// attribute in its place, holding what its readers expect.
// RUN: dl-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{'func.func' op argument #0: unknown attribute 'dl.xyz'; the dl dialect knows dl.param, dl.frozen, dl.input, dl.targets, dl.key, dl.state, dl.grad_of, dl.update_of, dl.metric, dl.weights, dl.weights_writable, dl.gradient, dl.train_step, dl.optimizer, dl.clipnorm, dl.clipvalue, dl.global_clipnorm, dl.weight_decay, dl.lr_schedule, dl.lr_state, dl.entry}}
func.func @f(%a: tensor<2xf32> {dl.xyz}) { return }

// -----

// expected-error @+1 {{'func.func' op unknown attribute 'dl.optimiser'; the dl dialect knows dl.param, dl.frozen, dl.input, dl.targets, dl.key, dl.state, dl.grad_of, dl.update_of, dl.metric, dl.weights, dl.weights_writable, dl.gradient, dl.train_step, dl.optimizer, dl.clipnorm, dl.clipvalue, dl.global_clipnorm, dl.weight_decay, dl.lr_schedule, dl.lr_state, dl.entry}}
func.func @f() attributes {dl.optimiser = #dl.sgd<learning_rate = 1.000000e-02, momentum = 0.000000e+00, nesterov = false>} { return }

// -----

// expected-error @+1 {{'func.func' op argument #0: 'dl.metric' belongs on a function result, not on a function argument}}
func.func @f(%a: tensor<2xf32> {dl.metric = "correct"}) { return }

// -----

// expected-error @+1 {{'func.func' op result #0: 'dl.frozen' belongs on a function argument, not on a function result}}
func.func @f(%a: tensor<2xf32>) -> (tensor<2xf32> {dl.frozen}) { return %a : tensor<2xf32> }

// -----

// expected-error @+1 {{'builtin.module' op 'dl.train_step' belongs on a function, not on a module}}
module attributes {dl.train_step = "step"} {}

// -----

// expected-error @+1 {{'func.func' op 'dl.weights' belongs on a module, not on a function}}
func.func @f() attributes {dl.weights = dense<1.0> : tensor<2xf32>} { return }

// -----

// expected-error @+1 {{'func.func' op 'dl.param' belongs on a function argument or result, not on a function}}
func.func @f() attributes {dl.param = "w"} { return }

// -----

func.func @f() {
  // expected-error @+1 {{'arith.constant' op 'dl.input' belongs on a function argument, not on 'arith.constant'}}
  %0 = arith.constant {dl.input = "x"} dense<1.0> : tensor<2xf32>
  return
}

// -----

// expected-error @+1 {{'func.func' op argument #0: 'dl.param' must be a non-empty string, but is ""}}
func.func @f(%a: tensor<2xf32> {dl.param = ""}) { return }

// -----

// expected-error @+1 {{'func.func' op argument #0: 'dl.frozen' must be a unit attribute, but is true}}
func.func @f(%a: tensor<2xf32> {dl.param = "w", dl.frozen = true}) { return }

// -----

// expected-error @+1 {{'func.func' op argument #0: 'dl.input' must be a string, but is 1 : i64}}
func.func @f(%a: tensor<?x2xf32> {dl.input = 1}) { return }

// -----

// expected-error @+1 {{'func.func' op argument #1: 'dl.targets' must be a unit attribute, but is "y"}}
func.func @f(%a: tensor<?x2xf32> {dl.input = "x"}, %y: tensor<?xi32> {dl.targets = "y"}) { return }

// -----

// expected-error @+1 {{'func.func' op argument #0: 'dl.key' must be a unit attribute, but is 1 : i64}}
func.func @f(%k: tensor<i64> {dl.key = 1}) { return }

// -----

// expected-error @+1 {{'func.func' op result #0: 'dl.key' belongs on a function argument, not on a function result}}
func.func @f(%k: tensor<i64>) -> (tensor<i64> {dl.key}) { return %k : tensor<i64> }

// -----

// expected-error @+1 {{'func.func' op argument #0: 'dl.state' must be "step", "seed", "learning_rate" or "<slot>:<param>", but is "m"}}
func.func @f(%a: tensor<2xf32> {dl.state = "m"}) { return }

// -----

// expected-error @+1 {{'func.func' op result #0: 'dl.state' must be "step", "seed", "learning_rate" or "<slot>:<param>", but is ":w"}}
func.func @f(%a: tensor<2xf32>) -> (tensor<2xf32> {dl.state = ":w"}) { return %a : tensor<2xf32> }

// -----

// expected-error @+1 {{'func.func' op result #0: 'dl.grad_of' must be a string, but is unit}}
func.func @f(%a: tensor<2xf32>) -> (tensor<2xf32> {dl.grad_of}) { return %a : tensor<2xf32> }

// -----

// expected-error @+1 {{'func.func' op result #0: 'dl.metric' must be a string, but is 1 : i64}}
func.func @f(%a: tensor<f32>) -> (tensor<f32> {dl.metric = 1}) { return %a : tensor<f32> }

// -----

// expected-error @+1 {{'builtin.module' op 'dl.weights' must be a 1-D f32 dense elements attribute, but is dense<1.000000e+00> : tensor<2x2xf32>}}
module attributes {dl.weights = dense<1.0> : tensor<2x2xf32>} {}

// -----

// expected-error @+1 {{'builtin.module' op 'dl.weights' must be a 1-D f32 dense elements attribute, but is dense<1> : tensor<2xi32>}}
module attributes {dl.weights = dense<1> : tensor<2xi32>} {}

// -----

// expected-error @+1 {{'builtin.module' op 'dl.weights_writable' must be a unit attribute, but is "yes"}}
module attributes {dl.weights = dense<1.0> : tensor<2xf32>, dl.weights_writable = "yes"} {}

// -----

// expected-error @+1 {{'func.func' op 'dl.gradient' must be a string, but is @gradients}}
func.func @f() attributes {dl.gradient = @gradients} { return }

// -----

// expected-error @+1 {{'func.func' op 'dl.train_step' must be a string, but is 1 : i64}}
func.func @f() attributes {dl.train_step = 1} { return }

// -----

// expected-error @+1 {{'func.func' op 'dl.optimizer' must be an optimizer attribute (#dl.sgd, #dl.adam or #dl.rmsprop), but is {beta_1 = 9 : i32, name = "adam"}}}
func.func @f() attributes {dl.optimizer = {name = "adam", beta_1 = 9 : i32}} { return }

// -----

// expected-error @+1 {{'func.func' op 'dl.entry' must be a string, but is unit}}
func.func @f() attributes {dl.entry} { return }
