// dl-optimizer: one fused update per trainable parameter, state in and out.
// RUN: dl-opt %s --dl-optimizer --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @step(
// CHECK-SAME: %{{.*}}: tensor<?x3xf32> {dl.input = "x"}, %[[T:.*]]: tensor<f32> {dl.state = "step"}, %[[W:.*]]: tensor<3x2xf32> {dl.param = "w"}, %[[F:.*]]: tensor<2xf32> {dl.frozen, dl.param = "f"}, %[[M:.*]]: tensor<3x2xf32> {dl.state = "m:w"}, %[[V:.*]]: tensor<3x2xf32> {dl.state = "v:w"})
// CHECK-SAME: -> (tensor<f32>, tensor<f32> {dl.state = "step"}, tensor<3x2xf32> {dl.param = "w"}, tensor<3x2xf32> {dl.state = "m:w"}, tensor<3x2xf32> {dl.state = "v:w"})
// CHECK: %[[T1:.*]] = dl.add %[[T]], %{{.*}} : tensor<f32>
// CHECK: %[[P:.*]], %[[M2:.*]], %[[V2:.*]] = dl.adam_update %[[W]], %{{.*}}, %[[M]], %[[V]], %[[T1]] {beta_1 = 0.899999976 : f32, beta_2 = 9.990000e-01 : f32, epsilon = 1.000000e-07 : f32, learning_rate = 2.000000e-03 : f32}
// CHECK: return %{{.*}}, %[[T1]], %[[P]], %[[M2]], %[[V2]]
// The same step split at the allreduce: the gradients (raw, with the inputs,
// step and parameters of train_step), then the update from them.
// CHECK-LABEL: func.func @step_gradients(
// CHECK-SAME: %{{.*}}: tensor<?x3xf32> {dl.input = "x"}, %{{.*}}: tensor<f32> {dl.state = "step"}, %{{.*}}: tensor<3x2xf32> {dl.param = "w"}, %{{.*}}: tensor<2xf32> {dl.frozen, dl.param = "f"})
// CHECK-SAME: -> (tensor<f32>, tensor<3x2xf32> {dl.grad_of = "w"})
// CHECK-NOT: dl.adam_update
// CHECK-LABEL: func.func @step_apply(
// CHECK-SAME: %[[AT:.*]]: tensor<f32> {dl.state = "step"}, %[[AW:.*]]: tensor<3x2xf32> {dl.param = "w"}, %{{.*}}: tensor<2xf32> {dl.frozen, dl.param = "f"}, %[[AM:.*]]: tensor<3x2xf32> {dl.state = "m:w"}, %[[AV:.*]]: tensor<3x2xf32> {dl.state = "v:w"}, %[[AG:.*]]: tensor<3x2xf32> {dl.grad_of = "w"})
// CHECK-SAME: -> (tensor<f32> {dl.state = "step"}, tensor<3x2xf32> {dl.param = "w"}, tensor<3x2xf32> {dl.state = "m:w"}, tensor<3x2xf32> {dl.state = "v:w"})
// CHECK: %[[AT1:.*]] = dl.add %[[AT]], %{{.*}} : tensor<f32>
// CHECK: %[[AP:.*]], %[[AM2:.*]], %[[AV2:.*]] = dl.adam_update %[[AW]], %[[AG]], %[[AM]], %[[AV]], %[[AT1]]
// CHECK: return %[[AT1]], %[[AP]], %[[AM2]], %[[AV2]]
func.func @grads(%x: tensor<?x3xf32> {dl.input = "x"}, %w: tensor<3x2xf32> {dl.param = "w"}, %f: tensor<2xf32> {dl.param = "f", dl.frozen}) -> (tensor<f32>, tensor<3x2xf32> {dl.grad_of = "w"}) attributes {dl.train_step = "step", dl.optimizer = #dl.adam<learning_rate = 2.0e-3, beta_1 = 9.000000e-01, beta_2 = 9.990000e-01, epsilon = 1.000000e-07>} {
  %c = arith.constant dense<1.0> : tensor<f32>
  %g = arith.constant dense<0.5> : tensor<3x2xf32>
  return %c, %g : tensor<f32>, tensor<3x2xf32>
}

// -----

// CHECK-LABEL: func.func @sgd_step(
// CHECK: dl.sgd_update %{{.*}}, %{{.*}}, %{{.*}} {learning_rate = 1.000000e-01 : f32, momentum = 0.899999976 : f32, nesterov}
func.func @grads(%w: tensor<2xf32> {dl.param = "w"}) -> (tensor<f32>, tensor<2xf32> {dl.grad_of = "w"}) attributes {dl.train_step = "sgd_step", dl.optimizer = #dl.sgd<learning_rate = 0.1, momentum = 0.9, nesterov = true>} {
  %c = arith.constant dense<1.0> : tensor<f32>
  %g = arith.constant dense<0.5> : tensor<2xf32>
  return %c, %g : tensor<f32>, tensor<2xf32>
}

// -----

// Plain SGD keeps no state; RMSprop one slot (two with momentum).
// CHECK-LABEL: func.func @plain(%{{.*}}: tensor<f32> {dl.state = "step"}, %{{.*}}: tensor<2xf32> {dl.param = "w"})
// CHECK: dl.sgd_update %{{.*}}, %{{.*}} {learning_rate
func.func @grads(%w: tensor<2xf32> {dl.param = "w"}) -> (tensor<f32>, tensor<2xf32> {dl.grad_of = "w"}) attributes {dl.train_step = "plain", dl.optimizer = #dl.sgd<learning_rate = 0.1, momentum = 0.000000e+00, nesterov = false>} {
  %c = arith.constant dense<1.0> : tensor<f32>
  %g = arith.constant dense<0.5> : tensor<2xf32>
  return %c, %g : tensor<f32>, tensor<2xf32>
}

// -----

// CHECK-LABEL: func.func @rms(
// CHECK-SAME: {dl.state = "square_avg:w"}, %{{.*}}: tensor<2xf32> {dl.state = "momentum_buffer:w"})
// CHECK: dl.rmsprop_update %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 1.000000e-07 : f32, learning_rate = 1.000000e-01 : f32, momentum = 5.000000e-01 : f32, rho = 0.899999976 : f32}
func.func @grads(%w: tensor<2xf32> {dl.param = "w"}) -> (tensor<f32>, tensor<2xf32> {dl.grad_of = "w"}) attributes {dl.train_step = "rms", dl.optimizer = #dl.rmsprop<learning_rate = 0.1, momentum = 0.5, rho = 9.000000e-01, epsilon = 1.000000e-07>} {
  %c = arith.constant dense<1.0> : tensor<f32>
  %g = arith.constant dense<0.5> : tensor<2xf32>
  return %c, %g : tensor<f32>, tensor<2xf32>
}

// -----

// CHECK-LABEL: func.func @rms_plain(
// CHECK-SAME: %{{.*}}: tensor<2xf32> {dl.state = "square_avg:w"})
// CHECK-SAME: -> (tensor<f32>, tensor<f32> {dl.state = "step"}, tensor<2xf32> {dl.param = "w"}, tensor<2xf32> {dl.state = "square_avg:w"})
// CHECK: dl.rmsprop_update %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 9.99999993E-9 : f32, learning_rate = 0.00999999977 : f32, momentum = 0.000000e+00 : f32, rho = 0.949999988 : f32}
func.func @grads(%w: tensor<2xf32> {dl.param = "w"}) -> (tensor<f32>, tensor<2xf32> {dl.grad_of = "w"}) attributes {dl.train_step = "rms_plain", dl.optimizer = #dl.rmsprop<learning_rate = 0.01, rho = 0.95, epsilon = 1.0e-8, momentum = 0.000000e+00>} {
  %c = arith.constant dense<1.0> : tensor<f32>
  %g = arith.constant dense<0.5> : tensor<2xf32>
  return %c, %g : tensor<f32>, tensor<2xf32>
}

// -----

// A gradient function that reads a training key (dl.key: it has dropout):
// the step takes a seed slot after the step counter instead, and the key is
// dl.training_key of the seed and the step before the update; the seed is
// read, not returned.
// CHECK-LABEL: func.func @keyed_step(
// CHECK-SAME: %[[X:.*]]: tensor<?x2xf32> {dl.input = "x"}, %[[T:.*]]: tensor<f32> {dl.state = "step"}, %[[S:.*]]: tensor<4xf32> {dl.state = "seed"}, %[[W:.*]]: tensor<2xf32> {dl.param = "w"})
// CHECK-SAME: -> (tensor<f32>, tensor<f32> {dl.state = "step"}, tensor<2xf32> {dl.param = "w"})
// CHECK: %[[K:.*]] = dl.training_key %[[S]], %[[T]] : tensor<4xf32>, tensor<f32>
// CHECK: dl.dropout %[[X]], %[[K]] {rate = 5.000000e-01 : f32, stream = 1 : i64}
func.func @grads(%x: tensor<?x2xf32> {dl.input = "x"}, %k: tensor<i64> {dl.key}, %w: tensor<2xf32> {dl.param = "w"}) -> (tensor<f32>, tensor<2xf32> {dl.grad_of = "w"}) attributes {dl.train_step = "keyed_step", dl.optimizer = #dl.sgd<learning_rate = 0.1, momentum = 0.0, nesterov = false>} {
  %d = dl.dropout %x, %k {rate = 0.5 : f32, stream = 1 : i64} : tensor<?x2xf32>
  %c = arith.constant dense<1.0> : tensor<f32>
  %g = dl.batch_sum %d : tensor<?x2xf32> -> tensor<2xf32>
  return %c, %g : tensor<f32>, tensor<2xf32>
}

// -----

// Keras's optimizer base class around the update: each gradient clipped by
// its own norm (the squared norm an l1_l2_penalty with l2 = 1), then the
// parameter decayed by learning_rate x weight_decay, then updated.
// CHECK-LABEL: func.func @clipnorm_step(
// CHECK: %[[SS:.*]] = dl.l1_l2_penalty %[[G:.*]] {l1 = 0.000000e+00 : f32, l2 = 1.000000e+00 : f32}
// CHECK: %[[C:.*]] = dl.clip_by_norm %[[G]], %[[SS]] {clip_norm = 5.000000e-01 : f32}
// CHECK: %[[D:.*]] = dl.weight_decay %{{.*}} {decay = 4.000000e-03 : f32}
// CHECK: dl.sgd_update %[[D]], %[[C]] {learning_rate = 1.000000e-01 : f32, momentum = 0.000000e+00 : f32}
func.func @grads(%w: tensor<2xf32> {dl.param = "w"}) -> (tensor<f32>, tensor<2xf32> {dl.grad_of = "w"}) attributes {dl.train_step = "clipnorm_step", dl.optimizer = #dl.sgd<learning_rate = 0.1, momentum = 0.0, nesterov = false>, dl.clipnorm = 0.5 : f32, dl.weight_decay = 0.04 : f32} {
  %c = arith.constant dense<1.0> : tensor<f32>
  %g = arith.constant dense<0.5> : tensor<2xf32>
  return %c, %g : tensor<f32>, tensor<2xf32>
}

// -----

// global_clipnorm: one squared norm over every trainable gradient.
// CHECK-LABEL: func.func @global_step(
// CHECK: %[[S1:.*]] = dl.l1_l2_penalty %[[G1:.*]] {l1 = 0.000000e+00 : f32, l2 = 1.000000e+00 : f32} : tensor<2xf32>
// CHECK: %[[S2:.*]] = dl.l1_l2_penalty %[[G2:.*]] {l1 = 0.000000e+00 : f32, l2 = 1.000000e+00 : f32} : tensor<3xf32>
// CHECK: %[[T:.*]] = dl.add %[[S1]], %[[S2]] : tensor<f32>
// CHECK: dl.clip_by_norm %[[G1]], %[[T]] {clip_norm = 1.000000e+00 : f32}
// CHECK: dl.clip_by_norm %[[G2]], %[[T]] {clip_norm = 1.000000e+00 : f32}
// CHECK-NOT: dl.weight_decay
// apply_gradients clips what it is given (the averaged gradients).
// CHECK-LABEL: func.func @global_step_apply(
// CHECK-SAME: %[[GW:[^:]*]]: tensor<2xf32> {dl.grad_of = "w"}, %[[GV:[^:]*]]: tensor<3xf32> {dl.grad_of = "v"})
// CHECK: %[[AS1:.*]] = dl.l1_l2_penalty %[[GW]]
// CHECK: %[[AS2:.*]] = dl.l1_l2_penalty %[[GV]]
// CHECK: %[[AT:.*]] = dl.add %[[AS1]], %[[AS2]] : tensor<f32>
// CHECK: dl.clip_by_norm %[[GW]], %[[AT]] {clip_norm = 1.000000e+00 : f32}
// CHECK: dl.clip_by_norm %[[GV]], %[[AT]] {clip_norm = 1.000000e+00 : f32}
func.func @grads(%w: tensor<2xf32> {dl.param = "w"}, %v: tensor<3xf32> {dl.param = "v"}) -> (tensor<f32>, tensor<2xf32> {dl.grad_of = "w"}, tensor<3xf32> {dl.grad_of = "v"}) attributes {dl.train_step = "global_step", dl.optimizer = #dl.sgd<learning_rate = 0.1, momentum = 0.0, nesterov = false>, dl.global_clipnorm = 1.0 : f32} {
  %c = arith.constant dense<1.0> : tensor<f32>
  %g = arith.constant dense<0.5> : tensor<2xf32>
  %h = arith.constant dense<0.5> : tensor<3xf32>
  return %c, %g, %h : tensor<f32>, tensor<2xf32>, tensor<3xf32>
}

// -----

// CHECK-LABEL: func.func @clipvalue_step(
// CHECK: %[[C:.*]] = dl.clip_by_value %{{.*}} {clip_value = 2.500000e-01 : f32} : tensor<2xf32>
// CHECK: dl.adam_update %{{.*}}, %[[C]],
func.func @grads(%w: tensor<2xf32> {dl.param = "w"}) -> (tensor<f32>, tensor<2xf32> {dl.grad_of = "w"}) attributes {dl.train_step = "clipvalue_step", dl.optimizer = #dl.adam<learning_rate = 2.0e-3, beta_1 = 9.000000e-01, beta_2 = 9.990000e-01, epsilon = 1.000000e-07>, dl.clipvalue = 0.25 : f32} {
  %c = arith.constant dense<1.0> : tensor<f32>
  %g = arith.constant dense<0.5> : tensor<2xf32>
  return %c, %g : tensor<f32>, tensor<2xf32>
}

// -----

// A result marked dl.update_of (batch normalisation's new moving statistic)
// becomes the train step's new value of that frozen parameter, after the
// trainable parameters' updates; the frozen parameter gets no update op.
// CHECK-LABEL: func.func @stats_step(
// CHECK-SAME: %[[W:[^:]*]]: tensor<2xf32> {dl.param = "w"}, %{{[^:]*}}: tensor<2xf32> {dl.frozen, dl.param = "mm"})
// CHECK-SAME: -> (tensor<f32>, tensor<f32> {dl.state = "step"}, tensor<2xf32> {dl.param = "w"}, tensor<2xf32> {dl.param = "mm"})
// CHECK: %[[NEW:.*]] = dl.scale
// CHECK: %[[U:.*]] = dl.sgd_update %[[W]]
// CHECK-NOT: dl.sgd_update
// CHECK: return %{{.*}}, %{{.*}}, %[[U]], %[[NEW]]
func.func @grads(%w: tensor<2xf32> {dl.param = "w"}, %mm: tensor<2xf32> {dl.param = "mm", dl.frozen}) -> (tensor<f32>, tensor<2xf32> {dl.update_of = "mm"}, tensor<2xf32> {dl.grad_of = "w"}) attributes {dl.train_step = "stats_step", dl.optimizer = #dl.sgd<learning_rate = 0.1, momentum = 0.0, nesterov = false>} {
  %c = arith.constant dense<1.0> : tensor<f32>
  %n = dl.scale %mm {factor = 0.5 : f32} : tensor<2xf32>
  %g = arith.constant dense<0.5> : tensor<2xf32>
  return %c, %n, %g : tensor<f32>, tensor<2xf32>, tensor<2xf32>
}

// -----

// A schedule (dl.lr_schedule) is evaluated at the step count before the
// update, ahead of the new count, and again at the new count for the
// learning-rate slot; the weight decay scales by it. The schedule function
// and the references to it are gone.
// CHECK-LABEL: func.func @scheduled(
// CHECK-SAME: %[[T:.*]]: tensor<f32> {dl.state = "step"}, %[[R:.*]]: tensor<f32> {dl.state = "learning_rate"}, %[[W:.*]]: tensor<2xf32> {dl.param = "w"})
// CHECK-SAME: -> (tensor<f32>, tensor<f32> {dl.state = "step"}, tensor<f32> {dl.state = "learning_rate"}, tensor<2xf32> {dl.param = "w"})
// CHECK: %[[LR:.*]] = dl.exponential_decay %[[T]]
// CHECK: %[[T1:.*]] = dl.add %[[T]]
// CHECK: %[[NEXT:.*]] = dl.exponential_decay %[[T1]]
// CHECK: %[[D:.*]] = dl.weight_decay %[[W]] lr %[[LR]] {decay = 5.000000e-01 : f32}
// CHECK: %[[P:.*]] = dl.sgd_update %[[D]], %{{.*}} lr %[[LR]]
// CHECK: return %{{.*}}, %[[T1]], %[[NEXT]], %[[P]]
// CHECK-NOT: dl.lr_schedule
// CHECK-NOT: func.func @lr_schedule
func.func @lr_schedule(%t: tensor<f32>) -> tensor<f32> {
  %r = dl.exponential_decay %t {initial_learning_rate = 0.1 : f32, decay_steps = 10.0 : f32, decay_rate = 0.5 : f32} : tensor<f32>
  return %r : tensor<f32>
}
func.func @grads(%w: tensor<2xf32> {dl.param = "w"}) -> (tensor<f32>, tensor<2xf32> {dl.grad_of = "w"}) attributes {dl.train_step = "scheduled", dl.lr_schedule = @lr_schedule, dl.weight_decay = 0.5 : f32, dl.optimizer = #dl.sgd<learning_rate = 0.1, momentum = 0.0, nesterov = false>} {
  %c = arith.constant dense<1.0> : tensor<f32>
  %g = arith.constant dense<0.5> : tensor<2xf32>
  return %c, %g : tensor<f32>, tensor<2xf32>
}

// -----

// reduce_lr_on_plateau (dl.lr_state): the step reads the rate from the
// learning-rate slot and does not write it.
// CHECK-LABEL: func.func @settable(
// CHECK-SAME: %[[T:.*]]: tensor<f32> {dl.state = "step"}, %[[R:.*]]: tensor<f32> {dl.state = "learning_rate"}, %[[W:.*]]: tensor<2xf32> {dl.param = "w"}, %[[M:.*]]: tensor<2xf32> {dl.state = "m:w"}, %[[V:.*]]: tensor<2xf32> {dl.state = "v:w"})
// CHECK-SAME: -> (tensor<f32>, tensor<f32> {dl.state = "step"}, tensor<2xf32> {dl.param = "w"}, tensor<2xf32> {dl.state = "m:w"}, tensor<2xf32> {dl.state = "v:w"})
// CHECK: dl.adam_update %[[W]], %{{.*}}, %[[M]], %[[V]], %{{.*}} lr %[[R]]
func.func @grads(%w: tensor<2xf32> {dl.param = "w"}) -> (tensor<f32>, tensor<2xf32> {dl.grad_of = "w"}) attributes {dl.train_step = "settable", dl.lr_state, dl.optimizer = #dl.adam<learning_rate = 2.0e-3, beta_1 = 9.000000e-01, beta_2 = 9.990000e-01, epsilon = 1.000000e-07>} {
  %c = arith.constant dense<1.0> : tensor<f32>
  %g = arith.constant dense<0.5> : tensor<2xf32>
  return %c, %g : tensor<f32>, tensor<2xf32>
}
