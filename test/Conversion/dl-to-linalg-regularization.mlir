// The penalty sums over the leading dimensions into one accumulator per
// element of the last (vectorisable), then that row into a 0-d tensor; its
// gradient, the clips and the weight decay are one elementwise generic each.
// RUN: dl-opt %s --convert-dl-to-linalg | FileCheck %s --implicit-check-not=dl.
// RUN: dl-opt %s --convert-dl-to-linalg --canonicalize | FileCheck %s --check-prefix=FOLD

// CHECK-LABEL: func.func @penalty(
// CHECK: %[[ROW:.*]] = linalg.generic {{.*}}iterator_types = ["reduction", "parallel"]} ins(%{{.*}} : tensor<3x2xf32>) outs(%{{.*}} : tensor<2xf32>)
// CHECK: math.absf
// CHECK: arith.mulf
// CHECK: arith.mulf
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: arith.addf
// CHECK: linalg.generic {{.*}}iterator_types = ["reduction"]} ins(%[[ROW]] : tensor<2xf32>) outs(%{{.*}} : tensor<f32>)
func.func @penalty(%w: tensor<3x2xf32>) -> tensor<f32> {
  %p = dl.l1_l2_penalty %w {l1 = 0.01 : f32, l2 = 0.02 : f32} : tensor<3x2xf32> -> tensor<f32>
  return %p : tensor<f32>
}

// A zero factor's term is not computed.
// CHECK-LABEL: func.func @l2_only(
// CHECK: linalg.generic
// CHECK-NOT: math.absf
// CHECK: return
func.func @l2_only(%w: tensor<3x2xf32>) -> tensor<f32> {
  %p = dl.l1_l2_penalty %w {l1 = 0.0 : f32, l2 = 0.02 : f32} : tensor<3x2xf32> -> tensor<f32>
  return %p : tensor<f32>
}

// A vector (a bias) is one reduction.
// CHECK-LABEL: func.func @vector(
// CHECK: linalg.generic {{.*}}iterator_types = ["reduction"]} ins(%{{.*}} : tensor<5xf32>) outs(%{{.*}} : tensor<f32>)
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @vector(%b: tensor<5xf32>) -> tensor<f32> {
  %p = dl.l1_l2_penalty %b {l1 = 0.01 : f32, l2 = 0.0 : f32} : tensor<5xf32> -> tensor<f32>
  return %p : tensor<f32>
}

// dloss (l1 sign(x) + 2 l2 x): sign from two comparisons.
// CHECK-LABEL: func.func @penalty_grad(
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]
// CHECK: arith.cmpf ogt
// CHECK: arith.cmpf olt
// CHECK: arith.select
func.func @penalty_grad(%w: tensor<3x2xf32>, %s: tensor<f32>) -> tensor<3x2xf32> {
  %g = dl.l1_l2_penalty_grad %w, %s {l1 = 0.01 : f32, l2 = 0.02 : f32} : (tensor<3x2xf32>, tensor<f32>) -> tensor<3x2xf32>
  return %g : tensor<3x2xf32>
}

// The scale c / max(sqrt(ss), c) once, outside the loop.
// CHECK-LABEL: func.func @clip_norm(
// CHECK: math.sqrt
// CHECK: arith.maximumf
// CHECK: arith.divf
// CHECK: linalg.generic
// CHECK: arith.mulf
func.func @clip_norm(%g: tensor<?xf32>, %ss: tensor<f32>) -> tensor<?xf32> {
  %c = dl.clip_by_norm %g, %ss {clip_norm = 1.0 : f32} : (tensor<?xf32>, tensor<f32>) -> tensor<?xf32>
  return %c : tensor<?xf32>
}

// CHECK-LABEL: func.func @clip_value(
// CHECK: linalg.generic
// CHECK: arith.maximumf
// CHECK: arith.minimumf
func.func @clip_value(%g: tensor<4xf32>) -> tensor<4xf32> {
  %c = dl.clip_by_value %g {clip_value = 0.5 : f32} : tensor<4xf32>
  return %c : tensor<4xf32>
}

// CHECK-LABEL: func.func @decay(
// CHECK: linalg.generic
// CHECK: arith.mulf
// CHECK: arith.subf
func.func @decay(%p: tensor<4xf32>) -> tensor<4xf32> {
  %d = dl.weight_decay %p {decay = 0.001 : f32} : tensor<4xf32>
  return %d : tensor<4xf32>
}

// A weight decay used only by the update is folded into the update's loop:
// the update reads the undecayed parameter (its in-place output) and decays
// it first; the decay's own generic is left dead for canonicalize.
// FOLD-LABEL: func.func @decay_then_update(
// FOLD-SAME: %[[P:.*]]: tensor<4xf32>, %[[G:.*]]: tensor<4xf32>)
// FOLD-NOT: linalg.generic
// FOLD: linalg.generic {{.*}} ins(%[[G]] : tensor<4xf32>) outs(%[[P]] : tensor<4xf32>)
// FOLD: arith.mulf
// FOLD: arith.subf
// FOLD: arith.mulf
// FOLD: arith.subf
// FOLD-NOT: linalg.generic
// FOLD: return
func.func @decay_then_update(%p: tensor<4xf32>, %g: tensor<4xf32>) -> tensor<4xf32> {
  %d = dl.weight_decay %p {decay = 0.001 : f32} : tensor<4xf32>
  %n = dl.sgd_update %d, %g {learning_rate = 0.1 : f32, momentum = 0.0 : f32} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %n : tensor<4xf32>
}
