// Canonicalisation of dl.channel_sum of a pooling's gradient: the sum of
// the pooled gradient, which every window passes on whole (to its maximum,
// or in shares that sum to it). Checked numerically end to end by the
// pooling parity tests (a convolution's bias gradient before a pooling).
// RUN: dl-opt %s --canonicalize | FileCheck %s

// CHECK-LABEL: func.func @max_pool(
// CHECK-SAME: %[[X:[^:]*]]: tensor<?x4x4x3xf32>, %[[G:[^:]*]]: tensor<?x2x2x3xf32>
// CHECK: %[[DX:.*]] = dl.max_pool2d_grad %[[G]], %[[X]]
// CHECK: %[[S:.*]] = dl.channel_sum %[[G]] : tensor<?x2x2x3xf32> -> tensor<3xf32>
// CHECK: return %[[DX]], %[[S]]
func.func @max_pool(%x: tensor<?x4x4x3xf32>, %g: tensor<?x2x2x3xf32>) -> (tensor<?x4x4x3xf32>, tensor<3xf32>) {
  %dx = dl.max_pool2d_grad %g, %x pool [2, 2] strides [2, 2] padding [0, 0, 0, 0] : (tensor<?x2x2x3xf32>, tensor<?x4x4x3xf32>) -> tensor<?x4x4x3xf32>
  %s = dl.channel_sum %dx : tensor<?x4x4x3xf32> -> tensor<3xf32>
  return %dx, %s : tensor<?x4x4x3xf32>, tensor<3xf32>
}

// Average pooling with overlapping windows and padding: its gradient, used
// only by the sum, is gone.
// CHECK-LABEL: func.func @avg_pool(
// CHECK-SAME: %[[G:[^:]*]]: tensor<?x3x3x3xf32>
// CHECK-NOT: dl.avg_pool2d_grad
// CHECK: %[[S:.*]] = dl.channel_sum %[[G]] : tensor<?x3x3x3xf32> -> tensor<3xf32>
// CHECK: return %[[S]]
func.func @avg_pool(%g: tensor<?x3x3x3xf32>) -> tensor<3xf32> {
  %dx = dl.avg_pool2d_grad %g pool [3, 3] strides [2, 2] padding [1, 1, 1, 1] : tensor<?x3x3x3xf32> -> tensor<?x5x5x3xf32>
  %s = dl.channel_sum %dx : tensor<?x5x5x3xf32> -> tensor<3xf32>
  return %s : tensor<3xf32>
}

// Not a pooling's gradient: left alone.
// CHECK-LABEL: func.func @other(
// CHECK: %[[R:.*]] = dl.relu_grad
// CHECK: dl.channel_sum %[[R]]
func.func @other(%g: tensor<?x4x4x3xf32>, %y: tensor<?x4x4x3xf32>) -> tensor<3xf32> {
  %r = dl.relu_grad %g, %y : tensor<?x4x4x3xf32>
  %s = dl.channel_sum %r : tensor<?x4x4x3xf32> -> tensor<3xf32>
  return %s : tensor<3xf32>
}
