// Canonicalisation of dl.relu_grad through a max pooling's gradient: where
// the forward max_pool2d of the ReLU's output is already computed, the mask
// is read at the pooled size and the scatter comes after it.
// RUN: dl-opt %s --canonicalize | FileCheck %s

// CHECK-LABEL: func.func @through_pool(
// CHECK-SAME: %[[Y:[^:]*]]: tensor<?x4x4x3xf32>, %[[G:[^:]*]]: tensor<?x2x2x3xf32>
// CHECK: %[[P:.*]] = dl.max_pool2d %[[Y]] pool [2, 2] strides [2, 2] padding [0, 0, 0, 0]
// CHECK: %[[M:.*]] = dl.relu_grad %[[G]], %[[P]] : tensor<?x2x2x3xf32>
// CHECK: %[[DX:.*]] = dl.max_pool2d_grad %[[M]], %[[Y]] pool [2, 2] strides [2, 2] padding [0, 0, 0, 0]
// CHECK-NOT: dl.relu_grad
// CHECK: return %[[P]], %[[DX]]
func.func @through_pool(%y: tensor<?x4x4x3xf32>, %g: tensor<?x2x2x3xf32>) -> (tensor<?x2x2x3xf32>, tensor<?x4x4x3xf32>) {
  %p = dl.max_pool2d %y pool [2, 2] strides [2, 2] padding [0, 0, 0, 0] : tensor<?x4x4x3xf32> -> tensor<?x2x2x3xf32>
  %s = dl.max_pool2d_grad %g, %y pool [2, 2] strides [2, 2] padding [0, 0, 0, 0] : (tensor<?x2x2x3xf32>, tensor<?x4x4x3xf32>) -> tensor<?x4x4x3xf32>
  %dx = dl.relu_grad %s, %y : tensor<?x4x4x3xf32>
  return %p, %dx : tensor<?x2x2x3xf32>, tensor<?x4x4x3xf32>
}

// Overlapping windows with padding: exact too (every window whose maximum
// is at a position pooled that position's value).
// CHECK-LABEL: func.func @overlapping(
// CHECK: %[[P:.*]] = dl.max_pool2d
// CHECK: %[[M:.*]] = dl.relu_grad %{{.*}}, %[[P]] : tensor<?x3x3x3xf32>
// CHECK: dl.max_pool2d_grad %[[M]], %{{.*}} pool [3, 3] strides [2, 2] padding [1, 1, 1, 1]
func.func @overlapping(%y: tensor<?x5x5x3xf32>, %g: tensor<?x3x3x3xf32>) -> (tensor<?x3x3x3xf32>, tensor<?x5x5x3xf32>) {
  %p = dl.max_pool2d %y pool [3, 3] strides [2, 2] padding [1, 1, 1, 1] : tensor<?x5x5x3xf32> -> tensor<?x3x3x3xf32>
  %s = dl.max_pool2d_grad %g, %y pool [3, 3] strides [2, 2] padding [1, 1, 1, 1] : (tensor<?x3x3x3xf32>, tensor<?x5x5x3xf32>) -> tensor<?x5x5x3xf32>
  %dx = dl.relu_grad %s, %y : tensor<?x5x5x3xf32>
  return %p, %dx : tensor<?x3x3x3xf32>, tensor<?x5x5x3xf32>
}

// No forward pooling of the ReLU's output to read the mask from: unchanged
// (the rewrite would compute one).
// CHECK-LABEL: func.func @no_forward_pool(
// CHECK: %[[S:.*]] = dl.max_pool2d_grad
// CHECK: dl.relu_grad %[[S]],
func.func @no_forward_pool(%y: tensor<?x4x4x3xf32>, %g: tensor<?x2x2x3xf32>) -> tensor<?x4x4x3xf32> {
  %s = dl.max_pool2d_grad %g, %y pool [2, 2] strides [2, 2] padding [0, 0, 0, 0] : (tensor<?x2x2x3xf32>, tensor<?x4x4x3xf32>) -> tensor<?x4x4x3xf32>
  %dx = dl.relu_grad %s, %y : tensor<?x4x4x3xf32>
  return %dx : tensor<?x4x4x3xf32>
}

// The forward pooling has another window: its values are not the maxima
// the gradient routes to.
// CHECK-LABEL: func.func @other_window(
// CHECK: %[[S:.*]] = dl.max_pool2d_grad
// CHECK: dl.relu_grad %[[S]],
func.func @other_window(%y: tensor<?x4x4x3xf32>, %g: tensor<?x2x2x3xf32>) -> (tensor<?x2x2x3xf32>, tensor<?x4x4x3xf32>) {
  %p = dl.max_pool2d %y pool [2, 2] strides [2, 2] padding [0, 1, 0, 1] : tensor<?x4x4x3xf32> -> tensor<?x2x2x3xf32>
  %s = dl.max_pool2d_grad %g, %y pool [2, 2] strides [2, 2] padding [0, 0, 0, 0] : (tensor<?x2x2x3xf32>, tensor<?x4x4x3xf32>) -> tensor<?x4x4x3xf32>
  %dx = dl.relu_grad %s, %y : tensor<?x4x4x3xf32>
  return %p, %dx : tensor<?x2x2x3xf32>, tensor<?x4x4x3xf32>
}

// The mask is of another tensor than the pooled one.
// CHECK-LABEL: func.func @other_value(
// CHECK: %[[S:.*]] = dl.max_pool2d_grad
// CHECK: dl.relu_grad %[[S]], %{{.*}} : tensor<?x4x4x3xf32>
func.func @other_value(%y: tensor<?x4x4x3xf32>, %z: tensor<?x4x4x3xf32>, %g: tensor<?x2x2x3xf32>) -> (tensor<?x2x2x3xf32>, tensor<?x4x4x3xf32>) {
  %p = dl.max_pool2d %y pool [2, 2] strides [2, 2] padding [0, 0, 0, 0] : tensor<?x4x4x3xf32> -> tensor<?x2x2x3xf32>
  %s = dl.max_pool2d_grad %g, %y pool [2, 2] strides [2, 2] padding [0, 0, 0, 0] : (tensor<?x2x2x3xf32>, tensor<?x4x4x3xf32>) -> tensor<?x4x4x3xf32>
  %dx = dl.relu_grad %s, %z : tensor<?x4x4x3xf32>
  return %p, %dx : tensor<?x2x2x3xf32>, tensor<?x4x4x3xf32>
}

// The scatter has another user, which needs it unmasked: unchanged (the
// rewrite would scatter twice).
// CHECK-LABEL: func.func @scatter_used_twice(
// CHECK: %[[S:.*]] = dl.max_pool2d_grad
// CHECK: dl.relu_grad %[[S]],
func.func @scatter_used_twice(%y: tensor<?x4x4x3xf32>, %g: tensor<?x2x2x3xf32>) -> (tensor<?x2x2x3xf32>, tensor<?x4x4x3xf32>, tensor<?x4x4x3xf32>) {
  %p = dl.max_pool2d %y pool [2, 2] strides [2, 2] padding [0, 0, 0, 0] : tensor<?x4x4x3xf32> -> tensor<?x2x2x3xf32>
  %s = dl.max_pool2d_grad %g, %y pool [2, 2] strides [2, 2] padding [0, 0, 0, 0] : (tensor<?x2x2x3xf32>, tensor<?x4x4x3xf32>) -> tensor<?x4x4x3xf32>
  %dx = dl.relu_grad %s, %y : tensor<?x4x4x3xf32>
  return %p, %dx, %s : tensor<?x2x2x3xf32>, tensor<?x4x4x3xf32>, tensor<?x4x4x3xf32>
}
