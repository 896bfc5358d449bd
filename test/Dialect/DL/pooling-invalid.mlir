// The pooling verifiers name what was expected and print both shapes.
// RUN: dl-opt %s -split-input-file -verify-diagnostics

func.func @attr_sizes(%x: tensor<?x4x4x3xf32>) -> tensor<?x2x2x3xf32> {
  // expected-error @+1 {{'dl.max_pool2d' op expects 2 pool sizes, 2 strides and 4 paddings (top, bottom, left, right), but pool is [2], strides [2, 2] and padding [0, 0, 0, 0]}}
  %0 = dl.max_pool2d %x pool [2] strides [2, 2] padding [0, 0, 0, 0] : tensor<?x4x4x3xf32> -> tensor<?x2x2x3xf32>
  return %0 : tensor<?x2x2x3xf32>
}

// -----

func.func @zero_stride(%x: tensor<?x4x4x3xf32>) -> tensor<?x2x2x3xf32> {
  // expected-error @+1 {{'dl.avg_pool2d' op expects positive pool sizes and strides and non-negative padding, but pool is [2, 2], strides [0, 2] and padding [0, 0, 0, 0]}}
  %0 = dl.avg_pool2d %x pool [2, 2] strides [0, 2] padding [0, 0, 0, 0] : tensor<?x4x4x3xf32> -> tensor<?x2x2x3xf32>
  return %0 : tensor<?x2x2x3xf32>
}

// -----

func.func @rank(%x: tensor<?x16xf32>) -> tensor<?x2x2x3xf32> {
  // expected-error @+1 {{'dl.max_pool2d' op expects an input [N, H, W, C] with static H and W, but input is 'tensor<?x16xf32>'}}
  %0 = dl.max_pool2d %x pool [2, 2] strides [2, 2] padding [0, 0, 0, 0] : tensor<?x16xf32> -> tensor<?x2x2x3xf32>
  return %0 : tensor<?x2x2x3xf32>
}

// -----

func.func @padding_too_large(%x: tensor<?x4x4x3xf32>) -> tensor<?x3x2x3xf32> {
  // expected-error @+1 {{'dl.max_pool2d' op expects each padding smaller than the pool, but pool is [2, 2] and padding is [2, 0, 0, 0]}}
  %0 = dl.max_pool2d %x pool [2, 2] strides [2, 2] padding [2, 0, 0, 0] : tensor<?x4x4x3xf32> -> tensor<?x3x2x3xf32>
  return %0 : tensor<?x3x2x3xf32>
}

// -----

func.func @pool_too_large(%x: tensor<?x4x4x3xf32>) -> tensor<?x1x1x3xf32> {
  // expected-error @+1 {{'dl.avg_pool2d' op expects the pool [5, 2] to fit in the padded input, but input is 'tensor<?x4x4x3xf32>' and padding is [0, 0, 0, 0]}}
  %0 = dl.avg_pool2d %x pool [5, 2] strides [1, 1] padding [0, 0, 0, 0] : tensor<?x4x4x3xf32> -> tensor<?x1x1x3xf32>
  return %0 : tensor<?x1x1x3xf32>
}

// -----

func.func @result(%x: tensor<?x4x4x3xf32>) -> tensor<?x3x2x3xf32> {
  // expected-error @+1 {{'dl.max_pool2d' op expects a result of 'tensor<?x2x2x3xf32>' for input 'tensor<?x4x4x3xf32>', but it is 'tensor<?x3x2x3xf32>'}}
  %0 = dl.max_pool2d %x pool [2, 2] strides [2, 2] padding [0, 0, 0, 0] : tensor<?x4x4x3xf32> -> tensor<?x3x2x3xf32>
  return %0 : tensor<?x3x2x3xf32>
}

// -----

func.func @grad(%dy: tensor<?x2x3x3xf32>, %x: tensor<?x4x4x3xf32>) -> tensor<?x4x4x3xf32> {
  // expected-error @+1 {{'dl.max_pool2d_grad' op expects a grad of 'tensor<?x2x2x3xf32>' for input 'tensor<?x4x4x3xf32>', but it is 'tensor<?x2x3x3xf32>'}}
  %0 = dl.max_pool2d_grad %dy, %x pool [2, 2] strides [2, 2] padding [0, 0, 0, 0] : (tensor<?x2x3x3xf32>, tensor<?x4x4x3xf32>) -> tensor<?x4x4x3xf32>
  return %0 : tensor<?x4x4x3xf32>
}

// -----

func.func @grad_result(%dy: tensor<?x2x2x3xf32>, %x: tensor<?x4x4x3xf32>) -> tensor<?x4x5x3xf32> {
  // expected-error @+1 {{'dl.max_pool2d_grad' op expects the result to have the input's type 'tensor<?x4x4x3xf32>', but it is 'tensor<?x4x5x3xf32>'}}
  %0 = dl.max_pool2d_grad %dy, %x pool [2, 2] strides [2, 2] padding [0, 0, 0, 0] : (tensor<?x2x2x3xf32>, tensor<?x4x4x3xf32>) -> tensor<?x4x5x3xf32>
  return %0 : tensor<?x4x5x3xf32>
}

// -----

func.func @avg_grad(%dy: tensor<?x2x2x3xf32>) -> tensor<?x5x4x3xf32> {
  // expected-error @+1 {{'dl.avg_pool2d_grad' op expects a grad of 'tensor<?x3x2x3xf32>' for input 'tensor<?x5x4x3xf32>', but it is 'tensor<?x2x2x3xf32>'}}
  %0 = dl.avg_pool2d_grad %dy pool [2, 2] strides [2, 2] padding [1, 0, 0, 0] : tensor<?x2x2x3xf32> -> tensor<?x5x4x3xf32>
  return %0 : tensor<?x5x4x3xf32>
}
