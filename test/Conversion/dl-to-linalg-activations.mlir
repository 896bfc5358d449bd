// The activations beyond relu/sigmoid/tanh/softmax and their gradients: one
// elementwise generic each (exp in double and rounded once; log1p left to
// dl-expand-math), log_softmax and its gradient by rows.
// RUN: dl-opt %s --convert-dl-to-linalg | FileCheck %s --implicit-check-not=dl.

// CHECK-LABEL: func.func @forward
func.func @forward(%x: tensor<?x5xf32>) -> tensor<?x5xf32> {
  // CHECK: linalg.generic
  // CHECK: arith.maximumf
  // CHECK: arith.minimumf
  %0 = dl.relu6 %x : tensor<?x5xf32>
  // softplus: max(x, 0) + log1p(exp(-|x|)), the exp in double.
  // CHECK: linalg.generic
  // CHECK: math.absf %{{.*}} : f32
  // CHECK: math.exp %{{.*}} : f64
  // CHECK: arith.truncf
  // CHECK: math.log1p %{{.*}} : f32
  %1 = dl.softplus %0 : tensor<?x5xf32>
  // CHECK: linalg.generic
  // CHECK: math.absf
  // CHECK: arith.divf %{{.*}} : f32
  %2 = dl.softsign %1 : tensor<?x5xf32>
  // CHECK: linalg.generic
  // CHECK: arith.constant 3.000000e+00 : f32
  // CHECK: arith.addf
  // CHECK: arith.minimumf
  // CHECK: arith.divf
  %3 = dl.hard_sigmoid %2 : tensor<?x5xf32>
  // silu: x sigmoid(x) in double.
  // CHECK: linalg.generic
  // CHECK: arith.extf %{{.*}} : f32 to f64
  // CHECK: math.exp %{{.*}} : f64
  // CHECK: arith.truncf %{{.*}} : f64 to f32
  %4 = dl.silu %3 : tensor<?x5xf32>
  // gelu: x erfc(-x / sqrt 2) / 2 in double, erfc as t exp(-z^2 + P(t)).
  // CHECK: linalg.generic
  // CHECK: arith.extf %{{.*}} : f32 to f64
  // CHECK: arith.constant -0.70710678118654757 : f64
  // CHECK: math.exp %{{.*}} : f64
  // CHECK: arith.truncf %{{.*}} : f64 to f32
  %5 = dl.gelu %4 : tensor<?x5xf32>
  // CHECK: linalg.generic
  // CHECK: math.exp %{{.*}} : f64
  // CHECK: arith.truncf %{{.*}} : f64 to f32
  %6 = dl.exponential %5 : tensor<?x5xf32>
  // CHECK: linalg.generic
  // CHECK-DAG: arith.constant 2.000000e-01 : f32
  // CHECK-DAG: arith.cmpf ogt
  // CHECK: arith.select
  %7 = dl.leaky_relu %6 {alpha = 0.2 : f32} : tensor<?x5xf32>
  // elu: alpha expm1(x) in double, a series where exp(x) - 1 cancels.
  // CHECK: linalg.generic
  // CHECK-DAG: math.exp %{{.*}} : f64
  // CHECK-DAG: arith.constant 1.000000e-05 : f64
  // CHECK-DAG: arith.constant 2.500000e-01 : f64
  // CHECK: arith.truncf %{{.*}} : f64 to f32
  // CHECK: linalg.yield
  %8 = dl.elu %7 {alpha = 0.25 : f32} : tensor<?x5xf32>
  // log_softmax: row max, row sum of exp, one log per row, then x - m - lse.
  // CHECK: linalg.generic {{.*}}["parallel", "reduction"]
  // CHECK: arith.maximumf
  // CHECK: linalg.generic {{.*}}["parallel", "reduction"]
  // CHECK: math.exp %{{.*}} : f32
  // CHECK: linalg.generic {{.*}}["parallel"]}
  // CHECK: math.log %{{.*}} : f32
  // CHECK: linalg.generic {{.*}}["parallel", "parallel"]
  // CHECK: arith.subf
  // CHECK: arith.subf
  %9 = dl.log_softmax %8 : tensor<?x5xf32>
  return %9 : tensor<?x5xf32>
}

// CHECK-LABEL: func.func @backward
func.func @backward(%dy: tensor<?x5xf32>, %v: tensor<?x5xf32>) -> tensor<?x5xf32> {
  // relu6_grad: 0 < x < 6.
  // CHECK: linalg.generic
  // CHECK-DAG: arith.cmpf ogt
  // CHECK-DAG: arith.cmpf olt
  // CHECK: arith.andi
  // CHECK: arith.select
  %0 = dl.relu6_grad %dy, %v : tensor<?x5xf32>
  // softplus_grad: dy sigmoid(x).
  // CHECK: linalg.generic
  // CHECK: math.exp %{{.*}} : f64
  // CHECK: arith.truncf
  // CHECK: arith.mulf %{{.*}} : f32
  %1 = dl.softplus_grad %0, %v : tensor<?x5xf32>
  // CHECK: linalg.generic
  // CHECK: math.absf
  // CHECK: arith.mulf
  // CHECK: arith.divf
  %2 = dl.softsign_grad %1, %v : tensor<?x5xf32>
  // hard_sigmoid_grad: -3 < x < 3.
  // CHECK: linalg.generic
  // CHECK-DAG: arith.constant -3.000000e+00 : f32
  // CHECK-DAG: arith.cmpf ogt
  // CHECK-DAG: arith.cmpf olt
  // CHECK: arith.andi
  %3 = dl.hard_sigmoid_grad %2, %v : tensor<?x5xf32>
  // CHECK: linalg.generic
  // CHECK: math.exp %{{.*}} : f64
  // CHECK: arith.truncf
  %4 = dl.silu_grad %3, %v : tensor<?x5xf32>
  // gelu_grad: Phi(x) + x phi(x).
  // CHECK: linalg.generic
  // CHECK: math.exp %{{.*}} : f64
  // CHECK: math.exp %{{.*}} : f64
  // CHECK: arith.truncf %{{.*}} : f64 to f32
  %5 = dl.gelu_grad %4, %v : tensor<?x5xf32>
  // exponential_grad: dy y.
  // CHECK: linalg.generic
  // CHECK-NEXT: ^bb0
  // CHECK-NEXT: arith.mulf
  // CHECK-NEXT: linalg.yield
  %6 = dl.exponential_grad %5, %v : tensor<?x5xf32>
  // CHECK: linalg.generic
  // CHECK-DAG: arith.constant 3.000000e-01 : f32
  // CHECK-DAG: arith.cmpf ogt
  // CHECK: arith.select
  %7 = dl.leaky_relu_grad %6, %v {alpha = 0.3 : f32} : tensor<?x5xf32>
  // CHECK: linalg.generic
  // CHECK-DAG: arith.constant 1.500000e+00 : f64
  // CHECK-DAG: math.exp %{{.*}} : f64
  // CHECK: arith.select
  %8 = dl.elu_grad %7, %v {alpha = 1.5 : f32} : tensor<?x5xf32>
  // log_softmax_grad: s = row sum of dy; dx = dy - exp(y) s.
  // CHECK: linalg.generic {{.*}}["parallel", "reduction"]
  // CHECK: arith.addf
  // CHECK: linalg.generic {{.*}}["parallel", "parallel"]
  // CHECK: math.exp
  // CHECK: arith.mulf
  // CHECK: arith.subf
  %9 = dl.log_softmax_grad %8, %v : tensor<?x5xf32>
  return %9 : tensor<?x5xf32>
}
