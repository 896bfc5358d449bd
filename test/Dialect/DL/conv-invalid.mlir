// The convolution verifiers name what was expected and print both shapes.
// RUN: dl-opt %s -split-input-file -verify-diagnostics

func.func @attr_sizes(%x: tensor<?x4x4x3xf32>, %k: tensor<3x3x3x2xf32>) -> tensor<?x2x2x2xf32> {
  // expected-error @+1 {{'dl.conv2d' op expects 2 strides, 2 dilations and 4 paddings (top, bottom, left, right), but strides are [1], dilations [1, 1] and padding [0, 0, 0, 0]}}
  %0 = dl.conv2d %x, %k strides [1] dilations [1, 1] padding [0, 0, 0, 0] : (tensor<?x4x4x3xf32>, tensor<3x3x3x2xf32>) -> tensor<?x2x2x2xf32>
  return %0 : tensor<?x2x2x2xf32>
}

// -----

func.func @zero_stride(%x: tensor<?x4x4x3xf32>, %k: tensor<3x3x3x2xf32>) -> tensor<?x2x2x2xf32> {
  // expected-error @+1 {{'dl.conv2d' op expects positive strides and dilations and non-negative padding, but strides are [0, 1], dilations [1, 1] and padding [0, 0, 0, 0]}}
  %0 = dl.conv2d %x, %k strides [0, 1] dilations [1, 1] padding [0, 0, 0, 0] : (tensor<?x4x4x3xf32>, tensor<3x3x3x2xf32>) -> tensor<?x2x2x2xf32>
  return %0 : tensor<?x2x2x2xf32>
}

// -----

func.func @negative_padding(%x: tensor<?x4x4x3xf32>, %k: tensor<3x3x3x2xf32>) -> tensor<?x2x2x2xf32> {
  // expected-error @+1 {{'dl.conv2d' op expects positive strides and dilations and non-negative padding, but strides are [1, 1], dilations [1, 0] and padding [0, -1, 0, 0]}}
  %0 = dl.conv2d %x, %k strides [1, 1] dilations [1, 0] padding [0, -1, 0, 0] : (tensor<?x4x4x3xf32>, tensor<3x3x3x2xf32>) -> tensor<?x2x2x2xf32>
  return %0 : tensor<?x2x2x2xf32>
}

// -----

func.func @rank(%x: tensor<?x16xf32>, %k: tensor<3x3x3x2xf32>) -> tensor<?x2x2x2xf32> {
  // expected-error @+1 {{'dl.conv2d' op expects an input [N, H, W, C] with static H and W, but input is 'tensor<?x16xf32>'}}
  %0 = dl.conv2d %x, %k strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] : (tensor<?x16xf32>, tensor<3x3x3x2xf32>) -> tensor<?x2x2x2xf32>
  return %0 : tensor<?x2x2x2xf32>
}

// -----

func.func @kernel_rank(%x: tensor<?x4x4x3xf32>, %k: tensor<9x2xf32>) -> tensor<?x2x2x2xf32> {
  // expected-error @+1 {{'dl.conv2d' op expects a static kernel [KH, KW, C, F], but kernel is 'tensor<9x2xf32>'}}
  %0 = dl.conv2d %x, %k strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] : (tensor<?x4x4x3xf32>, tensor<9x2xf32>) -> tensor<?x2x2x2xf32>
  return %0 : tensor<?x2x2x2xf32>
}

// -----

func.func @channels(%x: tensor<?x4x4x3xf32>, %k: tensor<3x3x1x2xf32>) -> tensor<?x2x2x2xf32> {
  // expected-error @+1 {{'dl.conv2d' op expects the kernel's input channels to match the input's, but input is 'tensor<?x4x4x3xf32>' and kernel is 'tensor<3x3x1x2xf32>'}}
  %0 = dl.conv2d %x, %k strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] : (tensor<?x4x4x3xf32>, tensor<3x3x1x2xf32>) -> tensor<?x2x2x2xf32>
  return %0 : tensor<?x2x2x2xf32>
}

// -----

func.func @too_large(%x: tensor<?x4x4x3xf32>, %k: tensor<5x3x3x2xf32>) -> tensor<?x1x2x2xf32> {
  // expected-error @+1 {{'dl.conv2d' op expects the kernel 'tensor<5x3x3x2xf32>' (dilations [1, 1]) to fit in the padded input, but input is 'tensor<?x4x4x3xf32>' and padding is [0, 0, 0, 0]}}
  %0 = dl.conv2d %x, %k strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] : (tensor<?x4x4x3xf32>, tensor<5x3x3x2xf32>) -> tensor<?x1x2x2xf32>
  return %0 : tensor<?x1x2x2xf32>
}

// -----

func.func @too_large_dilated(%x: tensor<?x4x4x3xf32>, %k: tensor<3x3x3x2xf32>) -> tensor<?x1x1x2xf32> {
  // expected-error @+1 {{'dl.conv2d' op expects the kernel 'tensor<3x3x3x2xf32>' (dilations [2, 1]) to fit in the padded input, but input is 'tensor<?x4x4x3xf32>' and padding is [0, 0, 0, 0]}}
  %0 = dl.conv2d %x, %k strides [1, 1] dilations [2, 1] padding [0, 0, 0, 0] : (tensor<?x4x4x3xf32>, tensor<3x3x3x2xf32>) -> tensor<?x1x1x2xf32>
  return %0 : tensor<?x1x1x2xf32>
}

// -----

func.func @result(%x: tensor<?x4x4x3xf32>, %k: tensor<3x3x3x2xf32>) -> tensor<?x4x4x2xf32> {
  // expected-error @+1 {{'dl.conv2d' op expects a result of 'tensor<?x2x2x2xf32>' for input 'tensor<?x4x4x3xf32>' and kernel 'tensor<3x3x3x2xf32>', but it is 'tensor<?x4x4x2xf32>'}}
  %0 = dl.conv2d %x, %k strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] : (tensor<?x4x4x3xf32>, tensor<3x3x3x2xf32>) -> tensor<?x4x4x2xf32>
  return %0 : tensor<?x4x4x2xf32>
}

// -----

func.func @bias(%x: tensor<?x4x4x3xf32>, %k: tensor<3x3x3x2xf32>, %b: tensor<3xf32>) -> tensor<?x2x2x2xf32> {
  // expected-error @+1 {{'dl.conv2d' op expects one bias per filter, but kernel is 'tensor<3x3x3x2xf32>' and bias is 'tensor<3xf32>'}}
  %0 = dl.conv2d %x, %k, %b strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] : (tensor<?x4x4x3xf32>, tensor<3x3x3x2xf32>, tensor<3xf32>) -> tensor<?x2x2x2xf32>
  return %0 : tensor<?x2x2x2xf32>
}

// -----

func.func @input_grad(%dy: tensor<?x3x3x2xf32>, %k: tensor<3x3x3x2xf32>) -> tensor<?x4x4x3xf32> {
  // expected-error @+1 {{'dl.conv2d_input_grad' op expects a grad of 'tensor<?x2x2x2xf32>' for input 'tensor<?x4x4x3xf32>' and kernel 'tensor<3x3x3x2xf32>', but it is 'tensor<?x3x3x2xf32>'}}
  %0 = dl.conv2d_input_grad %dy, %k strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] : (tensor<?x3x3x2xf32>, tensor<3x3x3x2xf32>) -> tensor<?x4x4x3xf32>
  return %0 : tensor<?x4x4x3xf32>
}

// -----

func.func @input_grad_dynamic(%dy: tensor<?x2x2x2xf32>, %k: tensor<3x3x3x2xf32>) -> tensor<?x?x4x3xf32> {
  // expected-error @+1 {{'dl.conv2d_input_grad' op expects an input [N, H, W, C] with static H and W, but input is 'tensor<?x?x4x3xf32>'}}
  %0 = dl.conv2d_input_grad %dy, %k strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] : (tensor<?x2x2x2xf32>, tensor<3x3x3x2xf32>) -> tensor<?x?x4x3xf32>
  return %0 : tensor<?x?x4x3xf32>
}

// -----

func.func @filter_grad(%dy: tensor<?x2x2x2xf32>, %x: tensor<?x4x4x3xf32>) -> tensor<3x3x1x2xf32> {
  // expected-error @+1 {{'dl.conv2d_filter_grad' op expects the kernel's input channels to match the input's, but input is 'tensor<?x4x4x3xf32>' and kernel is 'tensor<3x3x1x2xf32>'}}
  %0 = dl.conv2d_filter_grad %dy, %x strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] : (tensor<?x2x2x2xf32>, tensor<?x4x4x3xf32>) -> tensor<3x3x1x2xf32>
  return %0 : tensor<3x3x1x2xf32>
}

// -----

func.func @channel_sum(%dy: tensor<?x2x2x2xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{'dl.channel_sum' op expects a result of the input's last dimension, but input is 'tensor<?x2x2x2xf32>' and result is 'tensor<3xf32>'}}
  %0 = dl.channel_sum %dy : tensor<?x2x2x2xf32> -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
