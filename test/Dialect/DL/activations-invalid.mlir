// The activation ops' constraints: log_softmax reduces a [batch, n] matrix,
// leaky_relu and elu carry their f32 alpha.
// RUN: dl-opt %s -split-input-file -verify-diagnostics

func.func @a(%x: tensor<?x2x3xf32>) -> tensor<?x2x3xf32> {
  // expected-error @+1 {{'dl.log_softmax' op operand #0 must be 2D tensor of 32-bit float values, but got 'tensor<?x2x3xf32>'}}
  %0 = dl.log_softmax %x : tensor<?x2x3xf32>
  return %0 : tensor<?x2x3xf32>
}

// -----

func.func @b(%x: tensor<?x5xf32>) -> tensor<?x5xf32> {
  // expected-error @+1 {{'dl.leaky_relu' op requires attribute 'alpha'}}
  %0 = dl.leaky_relu %x : tensor<?x5xf32>
  return %0 : tensor<?x5xf32>
}

// -----

func.func @c(%x: tensor<?x5xf32>) -> tensor<?x5xf32> {
  // expected-error @+1 {{'dl.elu' op attribute 'alpha' failed to satisfy constraint: 32-bit float attribute}}
  %0 = dl.elu %x {alpha = 1.0 : f64} : tensor<?x5xf32>
  return %0 : tensor<?x5xf32>
}

// -----

func.func @d(%x: tensor<?x5xf32>, %v: tensor<?x5xf32>) -> tensor<?x5xf32> {
  // expected-error @+1 {{'dl.elu_grad' op requires attribute 'alpha'}}
  %0 = dl.elu_grad %x, %v : tensor<?x5xf32>
  return %0 : tensor<?x5xf32>
}

// -----

func.func @e(%x: tensor<?x2x3xf32>, %v: tensor<?x2x3xf32>) -> tensor<?x2x3xf32> {
  // expected-error @+1 {{'dl.log_softmax_grad' op operand #0 must be 2D tensor of 32-bit float values, but got 'tensor<?x2x3xf32>'}}
  %0 = dl.log_softmax_grad %x, %v : tensor<?x2x3xf32>
  return %0 : tensor<?x2x3xf32>
}
