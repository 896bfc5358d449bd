// Round trip of the regularisation, clipping and weight-decay ops, and
// autodiff of the penalty (its VJP is dl.l1_l2_penalty_grad).
// RUN: dl-opt %s --split-input-file | dl-opt --split-input-file | FileCheck %s
// RUN: dl-opt %s --split-input-file --dl-autodiff | FileCheck %s --check-prefix=AD

// CHECK-LABEL: func.func @ops(
// CHECK: dl.l1_l2_penalty %{{.*}} {l1 = 0.00999999977 : f32, l2 = 0.000000e+00 : f32} : tensor<3x2xf32> -> tensor<f32>
// CHECK: dl.l1_l2_penalty_grad %{{.*}}, %{{.*}} {l1 = 0.00999999977 : f32, l2 = 2.000000e-02 : f32} : (tensor<3x2xf32>, tensor<f32>) -> tensor<3x2xf32>
// CHECK: dl.clip_by_norm %{{.*}}, %{{.*}} {clip_norm = 1.000000e+00 : f32} : (tensor<3x2xf32>, tensor<f32>) -> tensor<3x2xf32>
// CHECK: dl.clip_by_value %{{.*}} {clip_value = 5.000000e-01 : f32} : tensor<3x2xf32>
// CHECK: dl.weight_decay %{{.*}} {decay = 4.000000e-06 : f32} : tensor<3x2xf32>
func.func @ops(%w: tensor<3x2xf32>, %s: tensor<f32>) -> (tensor<f32>, tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>) {
  %p = dl.l1_l2_penalty %w {l1 = 0.01 : f32, l2 = 0.0 : f32} : tensor<3x2xf32> -> tensor<f32>
  %g = dl.l1_l2_penalty_grad %w, %s {l1 = 0.01 : f32, l2 = 0.02 : f32} : (tensor<3x2xf32>, tensor<f32>) -> tensor<3x2xf32>
  %n = dl.clip_by_norm %w, %s {clip_norm = 1.0 : f32} : (tensor<3x2xf32>, tensor<f32>) -> tensor<3x2xf32>
  %v = dl.clip_by_value %w {clip_value = 0.5 : f32} : tensor<3x2xf32>
  %d = dl.weight_decay %w {decay = 4.0e-6 : f32} : tensor<3x2xf32>
  return %p, %g, %n, %v, %d : tensor<f32>, tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>
}

// -----

// The penalty of a parameter added to the loss: its gradient is the loss
// gradient's plus the penalty's.
// AD-LABEL: func.func @g(
// AD: %[[ONE:.*]] = arith.constant dense<1.000000e+00> : tensor<f32>
// AD: %[[PG:.*]] = dl.l1_l2_penalty_grad %[[W:.*]], %[[ONE]] {l1 = 0.00999999977 : f32, l2 = 2.000000e-02 : f32}
// AD: %[[DW:.*]] = dl.matmul
// AD: %[[SUM:.*]] = dl.add %[[PG]], %[[DW]] : tensor<3x2xf32>
// AD: return %{{.*}}, %[[SUM]]
func.func @loss(%x: tensor<?x3xf32> {dl.input = "x"}, %y: tensor<?xi32> {dl.targets}, %w: tensor<3x2xf32> {dl.param = "w"}) -> tensor<f32> attributes {dl.gradient = "g"} {
  %z = dl.dense %x, %w : (tensor<?x3xf32>, tensor<3x2xf32>) -> tensor<?x2xf32>
  %l = dl.sparse_softmax_cross_entropy %z, %y : (tensor<?x2xf32>, tensor<?xi32>) -> tensor<f32>
  %p = dl.l1_l2_penalty %w {l1 = 0.01 : f32, l2 = 0.02 : f32} : tensor<3x2xf32> -> tensor<f32>
  %s = dl.add %l, %p : tensor<f32>
  return %s : tensor<f32>
}
