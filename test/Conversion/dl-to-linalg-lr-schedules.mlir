// Learning-rate schedules are scalar arithmetic on the step, once per step;
// an update with a run-time rate multiplies by it in its loop, and a weight
// decay folded into the update scales by decay * rate.
// RUN: dl-opt %s --convert-dl-to-linalg | FileCheck %s --implicit-check-not=dl.

// CHECK-LABEL: func.func @exponential(
// CHECK: %[[T:.*]] = tensor.extract %{{.*}}[] : tensor<f32>
// CHECK: %[[P:.*]] = arith.divf %[[T]], %{{.*}} : f32
// CHECK: %[[F:.*]] = math.floor %[[P]] : f32
// CHECK: %[[E:.*]] = arith.mulf %[[F]], %{{.*}} : f32
// CHECK: %[[X:.*]] = math.exp %[[E]] : f32
// CHECK: %[[R:.*]] = arith.mulf %{{.*}}, %[[X]] : f32
// CHECK: tensor.from_elements %[[R]] : tensor<f32>
func.func @exponential(%t: tensor<f32>) -> tensor<f32> {
  %0 = dl.exponential_decay %t {initial_learning_rate = 0.1 : f32, decay_steps = 100.0 : f32, decay_rate = 0.5 : f32, staircase} : tensor<f32>
  return %0 : tensor<f32>
}

// Two boundaries: two comparisons (step <= b) selecting among the values.
// CHECK-LABEL: func.func @piecewise(
// CHECK: arith.cmpf ole
// CHECK: arith.select
// CHECK: arith.cmpf ole
// CHECK: arith.select
// CHECK: tensor.from_elements
func.func @piecewise(%t: tensor<f32>) -> tensor<f32> {
  %0 = dl.piecewise_constant_decay %t {boundaries = array<f32: 10.0, 20.0>, values = array<f32: 1.0, 0.5, 0.1>} : tensor<f32>
  return %0 : tensor<f32>
}

// With warm-up: the step capped at warmup + decay steps, the linear ramp
// and the cosine, selected by step < warmup_steps.
// CHECK-LABEL: func.func @cosine(
// CHECK: %[[S:.*]] = arith.minimumf %{{.*}}, %{{.*}} : f32
// CHECK: math.cos
// CHECK: %[[W:.*]] = arith.cmpf olt, %[[S]], %{{.*}} : f32
// CHECK: arith.select %[[W]]
func.func @cosine(%t: tensor<f32>) -> tensor<f32> {
  %0 = dl.cosine_decay %t {initial_learning_rate = 0.0 : f32, decay_steps = 1000.0 : f32, alpha = 0.1 : f32, warmup_target = 0.1 : f32, warmup_steps = 100.0 : f32} : tensor<f32>
  return %0 : tensor<f32>
}

// (The weight decay's own loop is dead once folded into the update.)
// CHECK-LABEL: func.func @sgd_rate(
// CHECK: linalg.generic {{.*}} ins(%arg0 : tensor<4xf32>)
// CHECK: %[[LR:.*]] = tensor.extract %arg2[] : tensor<f32>
// CHECK: %[[WD:.*]] = tensor.extract %arg2[] : tensor<f32>
// CHECK: %[[DECAY:.*]] = arith.mulf %{{.*}}, %[[WD]] : f32
// CHECK: linalg.generic {{.*}} ins(%arg1 : tensor<4xf32>) outs(%arg0 : tensor<4xf32>)
// CHECK: arith.mulf %{{.*}}, %[[DECAY]]
// CHECK: arith.mulf %[[LR]], %{{.*}}
func.func @sgd_rate(%p: tensor<4xf32>, %g: tensor<4xf32>, %lr: tensor<f32>) -> tensor<4xf32> {
  %d = dl.weight_decay %p lr %lr {decay = 4.0e-3 : f32} : tensor<4xf32>, tensor<f32>
  %0 = dl.sgd_update %d, %g lr %lr {learning_rate = 0.1 : f32, momentum = 0.0 : f32} : (tensor<4xf32>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
