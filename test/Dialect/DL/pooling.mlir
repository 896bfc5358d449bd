// The pooling ops and their gradients print and parse back to the same IR.
// RUN: dl-opt %s | dl-opt | FileCheck %s

// CHECK-LABEL: func.func @pooling
// CHECK-SAME: (%[[X:.*]]: tensor<?x7x5x3xf32>)
func.func @pooling(%x: tensor<?x7x5x3xf32>) -> tensor<?x4x2x3xf32> {
  // CHECK: %[[M:.*]] = dl.max_pool2d %[[X]] pool [2, 2] strides [2, 2] padding [0, 1, 0, 1] : tensor<?x7x5x3xf32> -> tensor<?x4x3x3xf32>
  %0 = dl.max_pool2d %x pool [2, 2] strides [2, 2] padding [0, 1, 0, 1] : tensor<?x7x5x3xf32> -> tensor<?x4x3x3xf32>
  // CHECK: dl.avg_pool2d %[[M]] pool [2, 2] strides [1, 2] padding [0, 1, 0, 1] : tensor<?x4x3x3xf32> -> tensor<?x4x2x3xf32>
  %1 = dl.avg_pool2d %0 pool [2, 2] strides [1, 2] padding [0, 1, 0, 1] : tensor<?x4x3x3xf32> -> tensor<?x4x2x3xf32>
  return %1 : tensor<?x4x2x3xf32>
}

// CHECK-LABEL: func.func @pooling_grads
// CHECK-SAME: (%[[DY:.*]]: tensor<?x4x3x3xf32>, %[[X:.*]]: tensor<?x7x5x3xf32>)
func.func @pooling_grads(%dy: tensor<?x4x3x3xf32>, %x: tensor<?x7x5x3xf32>) -> (tensor<?x7x5x3xf32>, tensor<?x7x5x3xf32>) {
  // CHECK: dl.max_pool2d_grad %[[DY]], %[[X]] pool [2, 2] strides [2, 2] padding [0, 1, 0, 1] : (tensor<?x4x3x3xf32>, tensor<?x7x5x3xf32>) -> tensor<?x7x5x3xf32>
  %0 = dl.max_pool2d_grad %dy, %x pool [2, 2] strides [2, 2] padding [0, 1, 0, 1] : (tensor<?x4x3x3xf32>, tensor<?x7x5x3xf32>) -> tensor<?x7x5x3xf32>
  // CHECK: dl.avg_pool2d_grad %[[DY]] pool [2, 2] strides [2, 2] padding [0, 1, 0, 1] : tensor<?x4x3x3xf32> -> tensor<?x7x5x3xf32>
  %1 = dl.avg_pool2d_grad %dy pool [2, 2] strides [2, 2] padding [0, 1, 0, 1] : tensor<?x4x3x3xf32> -> tensor<?x7x5x3xf32>
  return %0, %1 : tensor<?x7x5x3xf32>, tensor<?x7x5x3xf32>
}
