// A module without the model functions is rejected, not crashed on.
// RUN: dl-opt %s --dl-export-abi -verify-diagnostics

// expected-error @+1 {{expects the model functions @forward and @init_params}}
module {
  func.func @something_else() { return }
}
