// The merge ops' verifiers name the axis and both shapes.
// RUN: dl-opt %s -split-input-file -verify-diagnostics

func.func @concat_batch(%a: tensor<?x5xf32>) -> tensor<?x5xf32> {
  // expected-error @+1 {{'dl.concat' op expects an axis in [1, 2) (not the batch), but axis is 0 for 'tensor<?x5xf32>'}}
  %0 = "dl.concat"(%a, %a) {axis = 0 : i64} : (tensor<?x5xf32>, tensor<?x5xf32>) -> tensor<?x5xf32>
  return %0 : tensor<?x5xf32>
}

// -----

func.func @concat_disagree(%a: tensor<?x5x2xf32>, %b: tensor<?x4x3xf32>) -> tensor<?x9x2xf32> {
  // expected-error @+1 {{'dl.concat' op expects inputs that agree on every dimension but axis 1, but they are 'tensor<?x5x2xf32>' and 'tensor<?x4x3xf32>'}}
  %0 = "dl.concat"(%a, %b) {axis = 1 : i64} : (tensor<?x5x2xf32>, tensor<?x4x3xf32>) -> tensor<?x9x2xf32>
  return %0 : tensor<?x9x2xf32>
}

// -----

func.func @concat_result(%a: tensor<?x5xf32>) -> tensor<?x9xf32> {
  // expected-error @+2 {{'dl.concat' op failed to infer returned types}}
  // expected-error @+1 {{'dl.concat' op inferred type(s) 'tensor<?x10xf32>' are incompatible with return type(s) of operation 'tensor<?x9xf32>'}}
  %0 = dl.concat %a, %a {axis = 1 : i64} : (tensor<?x5xf32>, tensor<?x5xf32>) -> tensor<?x9xf32>
  return %0 : tensor<?x9xf32>
}

// -----

func.func @slice_outside(%a: tensor<?x5xf32>) -> tensor<?x3xf32> {
  // expected-error @+1 {{'dl.slice' op expects a static block [4, 4 + size) of axis 1 (not the batch) within the input, but input is 'tensor<?x5xf32>' and result is 'tensor<?x3xf32>'}}
  %0 = dl.slice %a {axis = 1 : i64, offset = 4 : i64} : tensor<?x5xf32> -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----

func.func @slice_batch(%a: tensor<?x5xf32>) -> tensor<?x5xf32> {
  // expected-error @+1 {{'dl.slice' op expects a static block [0, 0 + size) of axis 0 (not the batch) within the input}}
  %0 = dl.slice %a {axis = 0 : i64, offset = 0 : i64} : tensor<?x5xf32> -> tensor<?x5xf32>
  return %0 : tensor<?x5xf32>
}
