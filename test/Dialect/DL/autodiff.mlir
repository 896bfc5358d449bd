// dl-autodiff: each op's vector-Jacobian product, accumulation of cotangents,
// and activity analysis (no gradient for data or frozen parameters).
// RUN: dl-opt %s --dl-autodiff --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @g_dense(
// CHECK-SAME: -> (tensor<f32>, tensor<4x3xf32> {dl.grad_of = "w"}, tensor<3xf32> {dl.grad_of = "b"})
// CHECK: %[[Y:.*]] = dl.dense %[[X:.*]], %[[W:[^,]*]], %[[B:[^ ]*]] :
// CHECK: %[[ONE:.*]] = arith.constant dense<1.000000e+00> : tensor<f32>
// CHECK: %[[DY:.*]] = dl.mean_squared_error_grad %[[Y]], %{{.*}}, %[[ONE]]
// The input is data: no dx = dy W^T is built.
// CHECK-NOT: transpose_rhs
// CHECK: %[[DW:.*]] = dl.matmul %[[X]], %[[DY]] {transpose_lhs} : (tensor<?x4xf32>, tensor<?x3xf32>) -> tensor<4x3xf32>
// CHECK: %[[DB:.*]] = dl.batch_sum %[[DY]] : tensor<?x3xf32> -> tensor<3xf32>
// CHECK: return %{{.*}}, %[[DW]], %[[DB]]
func.func @dense(%x: tensor<?x4xf32>, %t: tensor<?x3xf32>, %w: tensor<4x3xf32> {dl.param = "w"}, %b: tensor<3xf32> {dl.param = "b"}) -> tensor<f32> attributes {dl.gradient = "g_dense"} {
  %0 = dl.dense %x, %w, %b : (tensor<?x4xf32>, tensor<4x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  %1 = dl.mean_squared_error %0, %t : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<f32>
  return %1 : tensor<f32>
}

// -----

// Two layers: the hidden layer's input gradient is needed, through relu,
// whose rule reads its result (not the dense layer's output).
// CHECK-LABEL: func.func @g_mlp(
// CHECK: %[[H:.*]] = dl.dense %[[F:.*]], %{{.*}} :
// CHECK: %[[R:.*]] = dl.relu %[[H]]
// CHECK: %[[Z:.*]] = dl.dense %[[R]], %[[W2:.*]] :
// CHECK: %[[DZ:.*]] = dl.sparse_softmax_cross_entropy_grad %[[Z]]
// CHECK: %[[DR:.*]] = dl.matmul %[[DZ]], %[[W2]] {transpose_rhs} : (tensor<?x5xf32>, tensor<6x5xf32>) -> tensor<?x6xf32>
// CHECK: dl.matmul %[[R]], %[[DZ]] {transpose_lhs}
// CHECK: %[[DH:.*]] = dl.relu_grad %[[DR]], %[[R]] : tensor<?x6xf32>
// CHECK: dl.matmul %[[F]], %[[DH]] {transpose_lhs}
// Flatten's input is the data: no reshape back.
// CHECK-NOT: dl.reshape
func.func @mlp(%x: tensor<?x2x2xf32>, %y: tensor<?xi32>, %w1: tensor<4x6xf32> {dl.param = "w1"}, %w2: tensor<6x5xf32> {dl.param = "w2"}) -> tensor<f32> attributes {dl.gradient = "g_mlp"} {
  %f = dl.flatten %x : tensor<?x2x2xf32> -> tensor<?x4xf32>
  %h = dl.dense %f, %w1 : (tensor<?x4xf32>, tensor<4x6xf32>) -> tensor<?x6xf32>
  %r = dl.relu %h : tensor<?x6xf32>
  %z = dl.dense %r, %w2 : (tensor<?x6xf32>, tensor<6x5xf32>) -> tensor<?x5xf32>
  %l = dl.sparse_softmax_cross_entropy %z, %y : (tensor<?x5xf32>, tensor<?xi32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// Activations whose rule uses the result: sigmoid, tanh, softmax.
// CHECK-LABEL: func.func @g_acts(
// CHECK: %[[S:.*]] = dl.sigmoid
// CHECK: %[[T:.*]] = dl.tanh %[[S]]
// CHECK: %[[P:.*]] = dl.softmax %[[T]]
// CHECK: %[[DP:.*]] = dl.mean_squared_error_grad %[[P]]
// CHECK: %[[DT:.*]] = dl.softmax_grad %[[DP]], %[[P]]
// CHECK: %[[DS:.*]] = dl.tanh_grad %[[DT]], %[[T]]
// CHECK: dl.sigmoid_grad %[[DS]], %[[S]]
func.func @acts(%x: tensor<?x3xf32>, %t: tensor<?x3xf32>, %w: tensor<3x3xf32> {dl.param = "w"}) -> tensor<f32> attributes {dl.gradient = "g_acts"} {
  %0 = dl.dense %x, %w : (tensor<?x3xf32>, tensor<3x3xf32>) -> tensor<?x3xf32>
  %1 = dl.sigmoid %0 : tensor<?x3xf32>
  %2 = dl.tanh %1 : tensor<?x3xf32>
  %3 = dl.softmax %2 : tensor<?x3xf32>
  %4 = dl.mean_squared_error %3, %t : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<f32>
  return %4 : tensor<f32>
}

// -----

// A value used twice: its cotangents are summed. Reshape's rule reshapes back.
// CHECK-LABEL: func.func @g_twice(
// CHECK: %[[D:.*]] = dl.dense
// CHECK: %[[A:.*]] = dl.add %[[D]], %[[D]]
// CHECK: %[[DA:.*]] = dl.sigmoid_cross_entropy_grad %[[A]]
// CHECK: %[[SUM:.*]] = dl.add %[[DA]], %[[DA]] : tensor<?x4xf32>
// CHECK: %[[DX:.*]] = dl.matmul %[[SUM]], %{{.*}} {transpose_rhs}
// CHECK: dl.reshape %[[DX]] : tensor<?x4xf32> -> tensor<?x2x2xf32>
func.func @twice(%x: tensor<?x2x2xf32> {dl.param = "x"}, %t: tensor<?x4xf32>, %w: tensor<4x4xf32> {dl.param = "w"}) -> tensor<f32> attributes {dl.gradient = "g_twice"} {
  %r = dl.reshape %x : tensor<?x2x2xf32> -> tensor<?x4xf32>
  %d = dl.dense %r, %w : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  %a = dl.add %d, %d : tensor<?x4xf32>
  %l = dl.sigmoid_cross_entropy %a, %t : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// A frozen parameter gets no gradient and no backward work beyond what the
// trainable ones need; extra results (metrics) pass through.
// CHECK-LABEL: func.func @g_frozen(
// CHECK-SAME: -> (tensor<f32>, tensor<f32> {dl.metric = "correct"}, tensor<3x2xf32> {dl.grad_of = "w2"})
// CHECK-NOT: transpose_rhs
// CHECK-NOT: dl.relu_grad
// CHECK: return
func.func @frozen(%x: tensor<?x4xf32>, %y: tensor<?xi32>, %w1: tensor<4x3xf32> {dl.param = "w1", dl.frozen}, %w2: tensor<3x2xf32> {dl.param = "w2"}) -> (tensor<f32>, tensor<f32> {dl.metric = "correct"}) attributes {dl.gradient = "g_frozen"} {
  %h = dl.dense %x, %w1 : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x3xf32>
  %r = dl.relu %h : tensor<?x3xf32>
  %z = dl.dense %r, %w2 : (tensor<?x3xf32>, tensor<3x2xf32>) -> tensor<?x2xf32>
  %l = dl.sparse_softmax_cross_entropy %z, %y : (tensor<?x2xf32>, tensor<?xi32>) -> tensor<f32>
  %c = dl.count_correct %z, %y : (tensor<?x2xf32>, tensor<?xi32>) -> tensor<f32>
  return %l, %c : tensor<f32>, tensor<f32>
}

// -----

// Dense targets: softmax cross-entropy's gradient op.
// CHECK-LABEL: func.func @g_cce(
// CHECK: dl.softmax_cross_entropy_grad
func.func @cce(%x: tensor<?x3xf32>, %t: tensor<?x3xf32>, %w: tensor<3x3xf32> {dl.param = "w"}) -> tensor<f32> attributes {dl.gradient = "g_cce"} {
  %0 = dl.dense %x, %w : (tensor<?x3xf32>, tensor<3x3xf32>) -> tensor<?x3xf32>
  %1 = dl.softmax_cross_entropy %0, %t : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<f32>
  return %1 : tensor<f32>
}

// -----

// Flatten of a value that needs a gradient: reshaped back to the input shape.
// CHECK-LABEL: func.func @g_flat(
// CHECK: %[[DF:.*]] = dl.mean_squared_error_grad
// CHECK: dl.reshape %[[DF]] : tensor<?x6xf32> -> tensor<?x2x3xf32>
func.func @flat(%x: tensor<?x2x3xf32> {dl.param = "x"}, %t: tensor<?x6xf32>) -> tensor<f32> attributes {dl.gradient = "g_flat"} {
  %f = dl.flatten %x : tensor<?x2x3xf32> -> tensor<?x6xf32>
  %l = dl.mean_squared_error %f, %t : (tensor<?x6xf32>, tensor<?x6xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// Pooling: max_pool2d's VJP routes dy with the forward input and window;
// avg_pool2d's needs only dy and the window.
// CHECK-LABEL: func.func @g_pool(
// CHECK: %[[R:.*]] = dl.reshape %{{.*}} : tensor<?x16xf32> -> tensor<?x4x4x1xf32>
// CHECK: %[[M:.*]] = dl.max_pool2d %[[R]] pool [2, 2] strides [1, 1] padding [0, 1, 0, 1]
// CHECK: %[[A:.*]] = dl.avg_pool2d %[[M]] pool [2, 2] strides [2, 2] padding [0, 0, 0, 0]
// CHECK: %[[DA:.*]] = dl.reshape %{{.*}} : tensor<?x4xf32> -> tensor<?x2x2x1xf32>
// CHECK: %[[DM:.*]] = dl.avg_pool2d_grad %[[DA]] pool [2, 2] strides [2, 2] padding [0, 0, 0, 0] : tensor<?x2x2x1xf32> -> tensor<?x4x4x1xf32>
// CHECK: %[[DR:.*]] = dl.max_pool2d_grad %[[DM]], %[[R]] pool [2, 2] strides [1, 1] padding [0, 1, 0, 1] : (tensor<?x4x4x1xf32>, tensor<?x4x4x1xf32>) -> tensor<?x4x4x1xf32>
// CHECK: dl.reshape %[[DR]] : tensor<?x4x4x1xf32> -> tensor<?x16xf32>
func.func @pool(%x: tensor<?x2xf32>, %t: tensor<?x4xf32>, %w: tensor<2x16xf32> {dl.param = "w"}) -> tensor<f32> attributes {dl.gradient = "g_pool"} {
  %0 = dl.dense %x, %w : (tensor<?x2xf32>, tensor<2x16xf32>) -> tensor<?x16xf32>
  %1 = dl.reshape %0 : tensor<?x16xf32> -> tensor<?x4x4x1xf32>
  %2 = dl.max_pool2d %1 pool [2, 2] strides [1, 1] padding [0, 1, 0, 1] : tensor<?x4x4x1xf32> -> tensor<?x4x4x1xf32>
  %3 = dl.avg_pool2d %2 pool [2, 2] strides [2, 2] padding [0, 0, 0, 0] : tensor<?x4x4x1xf32> -> tensor<?x2x2x1xf32>
  %4 = dl.reshape %3 : tensor<?x2x2x1xf32> -> tensor<?x4xf32>
  %5 = dl.mean_squared_error %4, %t : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<f32>
  return %5 : tensor<f32>
}

// -----

// Convolution: the input gradient (here of a hidden value) needs dy and the
// kernel, the kernel's needs dy and the forward input, the bias's sums dy
// over every position.
// CHECK-LABEL: func.func @g_conv(
// CHECK-SAME: -> (tensor<f32>, tensor<3x3x1x2xf32> {dl.grad_of = "k1"}, tensor<2xf32> {dl.grad_of = "b1"}, tensor<2x2x2x1xf32> {dl.grad_of = "k2"})
// CHECK: %[[R:.*]] = dl.reshape %{{.*}} : tensor<?x25xf32> -> tensor<?x5x5x1xf32>
// CHECK: %[[C1:.*]] = dl.conv2d %[[R]], %[[K1:[^,]*]], %{{[^ ]*}} strides [1, 1] dilations [1, 1] padding [1, 1, 1, 1]
// CHECK: %[[C2:.*]] = dl.conv2d %[[C1]], %[[K2:[^ ]*]] strides [2, 2] dilations [1, 1] padding [0, 0, 0, 0]
// CHECK: %[[DC2:.*]] = dl.reshape %{{.*}} : tensor<?x4xf32> -> tensor<?x2x2x1xf32>
// CHECK-DAG: %[[DC1:.*]] = dl.conv2d_input_grad %[[DC2]], %[[K2]] strides [2, 2] dilations [1, 1] padding [0, 0, 0, 0] : (tensor<?x2x2x1xf32>, tensor<2x2x2x1xf32>) -> tensor<?x5x5x2xf32>
// CHECK-DAG: %[[DK2:.*]] = dl.conv2d_filter_grad %[[DC2]], %[[C1]] strides [2, 2] dilations [1, 1] padding [0, 0, 0, 0] : (tensor<?x2x2x1xf32>, tensor<?x5x5x2xf32>) -> tensor<2x2x2x1xf32>
// CHECK-DAG: %[[DK1:.*]] = dl.conv2d_filter_grad %[[DC1]], %[[R]] strides [1, 1] dilations [1, 1] padding [1, 1, 1, 1] : (tensor<?x5x5x2xf32>, tensor<?x5x5x1xf32>) -> tensor<3x3x1x2xf32>
// CHECK-DAG: %[[DB1:.*]] = dl.channel_sum %[[DC1]] : tensor<?x5x5x2xf32> -> tensor<2xf32>
// The first convolution's input is data: no input gradient for it.
// CHECK-NOT: dl.conv2d_input_grad %[[DC1]]
// CHECK: return %{{.*}}, %[[DK1]], %[[DB1]], %[[DK2]]
func.func @conv(%x: tensor<?x25xf32>, %t: tensor<?x4xf32>, %k1: tensor<3x3x1x2xf32> {dl.param = "k1"}, %b1: tensor<2xf32> {dl.param = "b1"}, %k2: tensor<2x2x2x1xf32> {dl.param = "k2"}) -> tensor<f32> attributes {dl.gradient = "g_conv"} {
  %0 = dl.reshape %x : tensor<?x25xf32> -> tensor<?x5x5x1xf32>
  %1 = dl.conv2d %0, %k1, %b1 strides [1, 1] dilations [1, 1] padding [1, 1, 1, 1] : (tensor<?x5x5x1xf32>, tensor<3x3x1x2xf32>, tensor<2xf32>) -> tensor<?x5x5x2xf32>
  %2 = dl.conv2d %1, %k2 strides [2, 2] dilations [1, 1] padding [0, 0, 0, 0] : (tensor<?x5x5x2xf32>, tensor<2x2x2x1xf32>) -> tensor<?x2x2x1xf32>
  %3 = dl.reshape %2 : tensor<?x2x2x1xf32> -> tensor<?x4xf32>
  %4 = dl.mean_squared_error %3, %t : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<f32>
  return %4 : tensor<f32>
}
