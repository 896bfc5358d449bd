// The training entry points' invariants: a module that breaks them is
// diagnosed, not crashed on.
// RUN: dl-opt %s --dl-export-abi -split-input-file -verify-diagnostics

func.func @forward(%x: tensor<?x3xf32> {dl.input = "x"}, %w: tensor<3x2xf32> {dl.param = "w"}) -> tensor<?x2xf32> {
  %0 = dl.dense %x, %w : (tensor<?x3xf32>, tensor<3x2xf32>) -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}
func.func @init_params(%seed: i64) -> (tensor<3x2xf32>) {
  %0 = arith.constant dense<0.0> : tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}
// The step takes a second parameter that @forward does not declare.
// expected-error @+1 {{more parameters than @forward declares}}
func.func @train_step(%x: tensor<?x3xf32> {dl.input = "x"}, %s: tensor<f32> {dl.state = "step"}, %w: tensor<3x2xf32> {dl.param = "w"}, %v: tensor<2xf32> {dl.param = "v"}) -> (tensor<f32>, tensor<f32> {dl.state = "step"}, tensor<3x2xf32> {dl.param = "w"}) {
  %c = arith.constant dense<0.0> : tensor<f32>
  return %c, %s, %w : tensor<f32>, tensor<f32>, tensor<3x2xf32>
}

// -----

func.func @forward(%x: tensor<?x3xf32> {dl.input = "x"}, %w: tensor<3x2xf32> {dl.param = "w"}) -> tensor<?x2xf32> {
  %0 = dl.dense %x, %w : (tensor<?x3xf32>, tensor<3x2xf32>) -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}
func.func @init_params(%seed: i64) -> (tensor<3x2xf32>) {
  %0 = arith.constant dense<0.0> : tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}
// The seed slot lives in the step counter's padding, so it cannot come first.
// expected-error @+1 {{the seed and learning-rate slots must follow the step counter and fit in its 64 bytes}}
func.func @train_step(%x: tensor<?x3xf32> {dl.input = "x"}, %k: tensor<4xf32> {dl.state = "seed"}, %w: tensor<3x2xf32> {dl.param = "w"}) -> (tensor<f32>, tensor<3x2xf32> {dl.param = "w"}) {
  %c = arith.constant dense<0.0> : tensor<f32>
  return %c, %w : tensor<f32>, tensor<3x2xf32>
}

// -----

func.func @forward(%x: tensor<?x3xf32> {dl.input = "x"}, %w: tensor<3x2xf32> {dl.param = "w"}) -> tensor<?x2xf32> {
  %0 = dl.dense %x, %w : (tensor<?x3xf32>, tensor<3x2xf32>) -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}
func.func @init_params(%seed: i64) -> (tensor<3x2xf32>) {
  %0 = arith.constant dense<0.0> : tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}
// Nor can it overflow the padding.
// expected-error @+1 {{the seed and learning-rate slots must follow the step counter and fit in its 64 bytes}}
func.func @train_step(%x: tensor<?x3xf32> {dl.input = "x"}, %s: tensor<f32> {dl.state = "step"}, %k: tensor<16xf32> {dl.state = "seed"}, %w: tensor<3x2xf32> {dl.param = "w"}) -> (tensor<f32>, tensor<3x2xf32> {dl.param = "w"}) {
  %c = arith.constant dense<0.0> : tensor<f32>
  return %c, %w : tensor<f32>, tensor<3x2xf32>
}

// -----

func.func @forward(%x: tensor<?x3xf32> {dl.input = "x"}, %w: tensor<3x2xf32> {dl.param = "w"}) -> tensor<?x2xf32> {
  %0 = dl.dense %x, %w : (tensor<?x3xf32>, tensor<3x2xf32>) -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}
func.func @init_params(%seed: i64) -> (tensor<3x2xf32>) {
  %0 = arith.constant dense<0.0> : tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}
// The learning-rate slot's initial value is @loss's optimizer's; there is no
// @loss here.
// expected-error @+1 {{a learning-rate slot needs @loss's optimizer for its initial value}}
func.func @train_step(%x: tensor<?x3xf32> {dl.input = "x"}, %s: tensor<f32> {dl.state = "step"}, %lr: tensor<f32> {dl.state = "learning_rate"}, %w: tensor<3x2xf32> {dl.param = "w"}) -> (tensor<f32>, tensor<3x2xf32> {dl.param = "w"}) {
  %c = arith.constant dense<0.0> : tensor<f32>
  return %c, %w : tensor<f32>, tensor<3x2xf32>
}

// -----

func.func @forward(%x: tensor<?x3xf32> {dl.input = "x"}, %w: tensor<3x2xf32> {dl.param = "w"}) -> tensor<?x2xf32> {
  %0 = dl.dense %x, %w : (tensor<?x3xf32>, tensor<3x2xf32>) -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}
func.func @init_params(%seed: i64) -> (tensor<3x2xf32>) {
  %0 = arith.constant dense<0.0> : tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}
func.func @train_step(%x: tensor<?x3xf32> {dl.input = "x"}, %s: tensor<f32> {dl.state = "step"}, %w: tensor<3x2xf32> {dl.param = "w"}) -> (tensor<f32>, tensor<f32> {dl.state = "step"}, tensor<3x2xf32> {dl.param = "w"}) {
  %c = arith.constant dense<0.0> : tensor<f32>
  return %c, %s, %w : tensor<f32>, tensor<f32>, tensor<3x2xf32>
}
// The gradient half of the split step reads a state slot that train_step
// does not lay out.
// expected-error @+1 {{state argument "velocity:w" without a place in opt_state}}
func.func @train_step_gradients(%x: tensor<?x3xf32> {dl.input = "x"}, %o: tensor<f32> {dl.state = "velocity:w"}, %w: tensor<3x2xf32> {dl.param = "w"}) -> (tensor<f32>, tensor<3x2xf32> {dl.grad_of = "w"}) {
  %c = arith.constant dense<0.0> : tensor<f32>
  return %c, %w : tensor<f32>, tensor<3x2xf32>
}
func.func @train_step_apply(%s: tensor<f32> {dl.state = "step"}, %w: tensor<3x2xf32> {dl.param = "w"}, %g: tensor<3x2xf32> {dl.grad_of = "w"}) -> (tensor<f32> {dl.state = "step"}, tensor<3x2xf32> {dl.param = "w"}) {
  return %s, %w : tensor<f32>, tensor<3x2xf32>
}

// -----

func.func @forward(%x: tensor<?x3xf32> {dl.input = "x"}, %w: tensor<3x2xf32> {dl.param = "w"}) -> tensor<?x2xf32> {
  %0 = dl.dense %x, %w : (tensor<?x3xf32>, tensor<3x2xf32>) -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}
func.func @init_params(%seed: i64) -> (tensor<3x2xf32>) {
  %0 = arith.constant dense<0.0> : tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}
func.func @train_step(%x: tensor<?x3xf32> {dl.input = "x"}, %s: tensor<f32> {dl.state = "step"}, %w: tensor<3x2xf32> {dl.param = "w"}) -> (tensor<f32>, tensor<f32> {dl.state = "step"}, tensor<3x2xf32> {dl.param = "w"}) {
  %c = arith.constant dense<0.0> : tensor<f32>
  return %c, %s, %w : tensor<f32>, tensor<f32>, tensor<3x2xf32>
}
// A gradient result for a tensor that is not a parameter has no place in the
// gradient buffer.
// expected-error @+1 {{gradient of "v", which is neither a trainable parameter nor an updated statistic}}
func.func @train_step_gradients(%x: tensor<?x3xf32> {dl.input = "x"}, %w: tensor<3x2xf32> {dl.param = "w"}) -> (tensor<f32>, tensor<3x2xf32> {dl.grad_of = "v"}) {
  %c = arith.constant dense<0.0> : tensor<f32>
  return %c, %w : tensor<f32>, tensor<3x2xf32>
}
func.func @train_step_apply(%s: tensor<f32> {dl.state = "step"}, %w: tensor<3x2xf32> {dl.param = "w"}, %g: tensor<3x2xf32> {dl.grad_of = "w"}) -> (tensor<f32> {dl.state = "step"}, tensor<3x2xf32> {dl.param = "w"}) {
  return %s, %w : tensor<f32>, tensor<3x2xf32>
}

// -----

func.func @forward(%x: tensor<?x3xf32> {dl.input = "x"}, %w: tensor<3x2xf32> {dl.param = "w"}) -> tensor<?x2xf32> {
  %0 = dl.dense %x, %w : (tensor<?x3xf32>, tensor<3x2xf32>) -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}
func.func @init_params(%seed: i64) -> (tensor<3x2xf32>) {
  %0 = arith.constant dense<0.0> : tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}
func.func @train_step(%x: tensor<?x3xf32> {dl.input = "x"}, %s: tensor<f32> {dl.state = "step"}, %w: tensor<3x2xf32> {dl.param = "w"}) -> (tensor<f32>, tensor<f32> {dl.state = "step"}, tensor<3x2xf32> {dl.param = "w"}) {
  %c = arith.constant dense<0.0> : tensor<f32>
  return %c, %s, %w : tensor<f32>, tensor<f32>, tensor<3x2xf32>
}
func.func @train_step_gradients(%x: tensor<?x3xf32> {dl.input = "x"}, %w: tensor<3x2xf32> {dl.param = "w"}) -> (tensor<f32>, tensor<3x2xf32> {dl.grad_of = "w"}) {
  %c = arith.constant dense<0.0> : tensor<f32>
  return %c, %w : tensor<f32>, tensor<3x2xf32>
}
// The update half reads a gradient (or an updated statistic, dl.update_of)
// that the gradient buffer does not hold.
// expected-error @+1 {{gradient argument of "v", which is neither a trainable parameter nor an updated statistic}}
func.func @train_step_apply(%s: tensor<f32> {dl.state = "step"}, %w: tensor<3x2xf32> {dl.param = "w"}, %g: tensor<3x2xf32> {dl.update_of = "v"}) -> (tensor<f32> {dl.state = "step"}, tensor<3x2xf32> {dl.param = "w"}) {
  return %s, %w : tensor<f32>, tensor<3x2xf32>
}
