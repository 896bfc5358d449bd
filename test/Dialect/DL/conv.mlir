// conv2d, its gradients and channel_sum print and parse back to the same IR.
// RUN: dl-opt %s | dl-opt | FileCheck %s

// CHECK-LABEL: func.func @conv
// CHECK-SAME: (%[[X:.*]]: tensor<?x7x5x3xf32>, %[[K:.*]]: tensor<3x2x3x4xf32>, %[[B:.*]]: tensor<4xf32>)
func.func @conv(%x: tensor<?x7x5x3xf32>, %k: tensor<3x2x3x4xf32>, %b: tensor<4xf32>) -> (tensor<?x4x3x4xf32>, tensor<?x3x3x4xf32>) {
  // CHECK: dl.conv2d %[[X]], %[[K]], %[[B]] strides [2, 2] dilations [1, 1] padding [1, 1, 0, 1] : (tensor<?x7x5x3xf32>, tensor<3x2x3x4xf32>, tensor<4xf32>) -> tensor<?x4x3x4xf32>
  %0 = dl.conv2d %x, %k, %b strides [2, 2] dilations [1, 1] padding [1, 1, 0, 1] : (tensor<?x7x5x3xf32>, tensor<3x2x3x4xf32>, tensor<4xf32>) -> tensor<?x4x3x4xf32>
  // CHECK: dl.conv2d %[[X]], %[[K]] strides [1, 1] dilations [2, 2] padding [0, 0, 0, 0] : (tensor<?x7x5x3xf32>, tensor<3x2x3x4xf32>) -> tensor<?x3x3x4xf32>
  %1 = dl.conv2d %x, %k strides [1, 1] dilations [2, 2] padding [0, 0, 0, 0] : (tensor<?x7x5x3xf32>, tensor<3x2x3x4xf32>) -> tensor<?x3x3x4xf32>
  return %0, %1 : tensor<?x4x3x4xf32>, tensor<?x3x3x4xf32>
}

// CHECK-LABEL: func.func @conv_grads
// CHECK-SAME: (%[[DY:.*]]: tensor<?x4x3x4xf32>, %[[X:.*]]: tensor<?x7x5x3xf32>, %[[K:.*]]: tensor<3x2x3x4xf32>)
func.func @conv_grads(%dy: tensor<?x4x3x4xf32>, %x: tensor<?x7x5x3xf32>, %k: tensor<3x2x3x4xf32>) -> (tensor<?x7x5x3xf32>, tensor<3x2x3x4xf32>, tensor<4xf32>) {
  // CHECK: dl.conv2d_input_grad %[[DY]], %[[K]] strides [2, 2] dilations [1, 1] padding [1, 1, 0, 1] : (tensor<?x4x3x4xf32>, tensor<3x2x3x4xf32>) -> tensor<?x7x5x3xf32>
  %0 = dl.conv2d_input_grad %dy, %k strides [2, 2] dilations [1, 1] padding [1, 1, 0, 1] : (tensor<?x4x3x4xf32>, tensor<3x2x3x4xf32>) -> tensor<?x7x5x3xf32>
  // CHECK: dl.conv2d_filter_grad %[[DY]], %[[X]] strides [2, 2] dilations [1, 1] padding [1, 1, 0, 1] : (tensor<?x4x3x4xf32>, tensor<?x7x5x3xf32>) -> tensor<3x2x3x4xf32>
  %1 = dl.conv2d_filter_grad %dy, %x strides [2, 2] dilations [1, 1] padding [1, 1, 0, 1] : (tensor<?x4x3x4xf32>, tensor<?x7x5x3xf32>) -> tensor<3x2x3x4xf32>
  // CHECK: dl.channel_sum %[[DY]] : tensor<?x4x3x4xf32> -> tensor<4xf32>
  %2 = dl.channel_sum %dy : tensor<?x4x3x4xf32> -> tensor<4xf32>
  return %0, %1, %2 : tensor<?x7x5x3xf32>, tensor<3x2x3x4xf32>, tensor<4xf32>
}
