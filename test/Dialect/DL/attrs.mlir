// The optimizer attributes print every hyper-parameter (omitted ones take
// Keras's defaults) and parse back to the same attribute.
// RUN: dl-opt %s | dl-opt | FileCheck %s

// CHECK-LABEL: func.func @sgd()
// CHECK-SAME: a = #dl.sgd<learning_rate = 1.000000e-01, momentum = 0.899999976, nesterov = true>
// CHECK-SAME: b = #dl.sgd<learning_rate = 0.00999999977, momentum = 0.000000e+00, nesterov = false>
// CHECK-SAME: c = #dl.sgd<learning_rate = 5.000000e-01, momentum = 0.000000e+00, nesterov = false>
func.func @sgd() attributes {
    a = #dl.sgd<learning_rate = 0.1, momentum = 0.9, nesterov = true>,
    b = #dl.sgd<learning_rate = 1.000000e-02, momentum = 0.000000e+00, nesterov = false>,
    c = #dl.sgd<nesterov = false, learning_rate = 0.5, momentum = 0.000000e+00>} {
  return
}

// CHECK-LABEL: func.func @adam()
// CHECK-SAME: a = #dl.adam<learning_rate = 2.000000e-03, beta_1 = 5.000000e-01, beta_2 = 9.900000e-01, epsilon = 9.99999993E-9>
// CHECK-SAME: b = #dl.adam<learning_rate = 1.000000e-03, beta_1 = 0.899999976, beta_2 = 9.990000e-01, epsilon = 1.000000e-07>
func.func @adam() attributes {
    a = #dl.adam<epsilon = 1.0e-8, beta_2 = 0.99, beta_1 = 0.5, learning_rate = 2.0e-3>,
    b = #dl.adam<learning_rate = 1.000000e-03, beta_1 = 9.000000e-01, beta_2 = 9.990000e-01, epsilon = 1.000000e-07>} {
  return
}

// CHECK-LABEL: func.func @rmsprop()
// CHECK-SAME: a = #dl.rmsprop<learning_rate = 1.000000e-01, rho = 0.949999988, momentum = 5.000000e-01, epsilon = 9.99999997E-7>
// CHECK-SAME: b = #dl.rmsprop<learning_rate = 1.000000e-03, rho = 0.899999976, momentum = 0.000000e+00, epsilon = 1.000000e-07>
func.func @rmsprop() attributes {
    a = #dl.rmsprop<learning_rate = 0.1, rho = 0.95, momentum = 0.5, epsilon = 1.0e-6>,
    b = #dl.rmsprop<learning_rate = 1.000000e-03, rho = 9.000000e-01, momentum = 0.000000e+00, epsilon = 1.000000e-07>} {
  return
}
