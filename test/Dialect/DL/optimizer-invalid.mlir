// RUN: dl-opt %s --dl-optimizer -split-input-file -verify-diagnostics

// A malformed dl.optimizer is the verifier's (contract-invalid.mlir); a
// missing one is the pass's.
// expected-error @+1 {{dl-optimizer expects dl.optimizer to be an optimizer attribute, but there is none}}
func.func @grads(%w: tensor<2xf32> {dl.param = "w"}) -> (tensor<f32>, tensor<2xf32> {dl.grad_of = "w"}) attributes {dl.train_step = "s"} {
  %c = arith.constant dense<1.0> : tensor<f32>
  %g = arith.constant dense<0.5> : tensor<2xf32>
  return %c, %g : tensor<f32>, tensor<2xf32>
}

// -----

// expected-error @+1 {{dl-optimizer expects one gradient (dl.grad_of) per trainable parameter}}
func.func @grads(%w: tensor<2xf32> {dl.param = "w"}) -> tensor<f32> attributes {dl.train_step = "s", dl.optimizer = #dl.sgd<learning_rate = 1.000000e-02, momentum = 0.000000e+00, nesterov = false>} {
  %c = arith.constant dense<1.0> : tensor<f32>
  return %c : tensor<f32>
}

// -----

// expected-error @+1 {{dl-optimizer expects at most one of dl.clipnorm, dl.global_clipnorm and dl.clipvalue, as Keras}}
func.func @grads(%w: tensor<2xf32> {dl.param = "w"}) -> (tensor<f32>, tensor<2xf32> {dl.grad_of = "w"}) attributes {dl.train_step = "s", dl.optimizer = #dl.sgd<learning_rate = 1.000000e-02, momentum = 0.000000e+00, nesterov = false>, dl.clipnorm = 1.0 : f32, dl.clipvalue = 1.0 : f32} {
  %c = arith.constant dense<1.0> : tensor<f32>
  %g = arith.constant dense<0.5> : tensor<2xf32>
  return %c, %g : tensor<f32>, tensor<2xf32>
}

// -----

// expected-error @+1 {{dl-optimizer expects dl.update_of "w" to name a frozen parameter (dl.frozen)}}
func.func @grads(%w: tensor<2xf32> {dl.param = "w"}) -> (tensor<f32>, tensor<2xf32> {dl.update_of = "w"}, tensor<2xf32> {dl.grad_of = "w"}) attributes {dl.train_step = "s", dl.optimizer = #dl.sgd<learning_rate = 1.000000e-02, momentum = 0.000000e+00, nesterov = false>} {
  %c = arith.constant dense<1.0> : tensor<f32>
  %g = arith.constant dense<0.5> : tensor<2xf32>
  return %c, %g, %g : tensor<f32>, tensor<2xf32>, tensor<2xf32>
}

// -----

// expected-error @+1 {{dl-optimizer expects dl.lr_schedule to name a function (tensor<f32>) -> tensor<f32>, but it is @missing}}
func.func @grads(%w: tensor<2xf32> {dl.param = "w"}) -> (tensor<f32>, tensor<2xf32> {dl.grad_of = "w"}) attributes {dl.train_step = "s", dl.lr_schedule = @missing, dl.optimizer = #dl.sgd<learning_rate = 1.000000e-02, momentum = 0.000000e+00, nesterov = false>} {
  %c = arith.constant dense<1.0> : tensor<f32>
  %g = arith.constant dense<0.5> : tensor<2xf32>
  return %c, %g : tensor<f32>, tensor<2xf32>
}

// -----

func.func @lr_schedule(%t: tensor<f32>) -> tensor<f32> {
  return %t : tensor<f32>
}
// expected-error @+1 {{dl-optimizer expects at most one of dl.lr_schedule and dl.lr_state, as Keras}}
func.func @grads(%w: tensor<2xf32> {dl.param = "w"}) -> (tensor<f32>, tensor<2xf32> {dl.grad_of = "w"}) attributes {dl.train_step = "s", dl.lr_schedule = @lr_schedule, dl.lr_state, dl.optimizer = #dl.sgd<learning_rate = 1.000000e-02, momentum = 0.000000e+00, nesterov = false>} {
  %c = arith.constant dense<1.0> : tensor<f32>
  %g = arith.constant dense<0.5> : tensor<2xf32>
  return %c, %g : tensor<f32>, tensor<2xf32>
}
