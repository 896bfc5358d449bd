// The optimizer attributes name the hyper-parameter and the value found.
// RUN: dl-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{#dl.sgd expects learning_rate > 0, but got 0.000000e+00}}
func.func @f() attributes {opt = #dl.sgd<learning_rate = 0.0, momentum = 0.000000e+00, nesterov = false>} { return }

// -----

// expected-error @+1 {{#dl.sgd expects momentum in [0, 1), but got 1.000000e+00}}
func.func @f() attributes {opt = #dl.sgd<momentum = 1.0, learning_rate = 1.000000e-02, nesterov = false>} { return }

// -----

// expected-error @+1 {{#dl.adam expects beta_1 in [0, 1), but got 9.000000e+00}}
func.func @f() attributes {opt = #dl.adam<beta_1 = 9.0, learning_rate = 1.000000e-03, beta_2 = 9.990000e-01, epsilon = 1.000000e-07>} { return }

// -----

// expected-error @+1 {{#dl.adam expects beta_2 in [0, 1), but got -1.000000e-01}}
func.func @f() attributes {opt = #dl.adam<beta_2 = -0.1, learning_rate = 1.000000e-03, beta_1 = 9.000000e-01, epsilon = 1.000000e-07>} { return }

// -----

// expected-error @+1 {{#dl.adam expects epsilon > 0, but got -1.000000e-07}}
func.func @f() attributes {opt = #dl.adam<epsilon = -1.0e-7, learning_rate = 1.000000e-03, beta_1 = 9.000000e-01, beta_2 = 9.990000e-01>} { return }

// -----

// expected-error @+1 {{#dl.rmsprop expects learning_rate > 0, but got nan}}
func.func @f() attributes {opt = #dl.rmsprop<learning_rate = 0x7FC00000, rho = 9.000000e-01, momentum = 0.000000e+00, epsilon = 1.000000e-07>} { return }

// -----

// expected-error @+1 {{#dl.rmsprop expects rho in [0, 1), but got 1.500000e+00}}
func.func @f() attributes {opt = #dl.rmsprop<rho = 1.5, learning_rate = 1.000000e-03, momentum = 0.000000e+00, epsilon = 1.000000e-07>} { return }

// -----

// expected-error @+1 {{#dl.rmsprop expects momentum in [0, 1), but got 2.000000e+00}}
func.func @f() attributes {opt = #dl.rmsprop<momentum = 2.0, learning_rate = 1.000000e-03, rho = 9.000000e-01, epsilon = 1.000000e-07>} { return }

// -----

// expected-error @+1 {{#dl.rmsprop expects epsilon > 0, but got 0.000000e+00}}
func.func @f() attributes {opt = #dl.rmsprop<epsilon = 0.0, learning_rate = 1.000000e-03, rho = 9.000000e-01, momentum = 0.000000e+00>} { return }

// -----

// expected-error @+1 {{#dl.adam has no parameter 'momentum'; its parameters are learning_rate, beta_1, beta_2, epsilon}}
func.func @f() attributes {opt = #dl.adam<momentum = 0.9>} { return }

// -----

// expected-error @+1 {{#dl.sgd parameter 'learning_rate' is given twice}}
func.func @f() attributes {opt = #dl.sgd<learning_rate = 0.1, learning_rate = 0.2>} { return }

// -----

// expected-error @+1 {{expected true or false for 'nesterov', but got 'yes'}}
func.func @f() attributes {opt = #dl.sgd<nesterov = yes>} { return }

// -----

// expected-error @+2 {{unexpected decimal integer literal for a floating point value}}
// expected-note @+1 {{add a trailing dot to make the literal a float}}
func.func @f() attributes {opt = #dl.sgd<learning_rate = 1>} { return }

// -----

// The IR has no defaults: every hyper-parameter is written out.
// expected-error @below {{#dl.adam needs a value for 'beta_2'}}
func.func @f() attributes {opt = #dl.adam<learning_rate = 1.0e-3, beta_1 = 0.9, epsilon = 1.0e-7>} { return }
