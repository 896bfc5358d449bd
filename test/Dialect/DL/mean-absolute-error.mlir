// dl.mean_absolute_error and its gradient op: round trip, verifiers, the
// VJP dl-autodiff builds from it, and the linalg form (|p - t| summed and
// scaled; sign(p - t) as two compares and selects, 0 where p == t).
// RUN: dl-opt %s --split-input-file | dl-opt --split-input-file | FileCheck %s --check-prefix=ROUND
// RUN: dl-opt %s --split-input-file --dl-autodiff | FileCheck %s --check-prefix=VJP
// RUN: dl-opt %s --split-input-file --dl-autodiff --convert-dl-to-linalg | FileCheck %s --check-prefix=LINALG

// ROUND-LABEL: func.func @mae(
// ROUND: dl.mean_absolute_error %{{.*}}, %{{.*}} : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<f32>
// VJP-LABEL: func.func @g_mae(
// VJP: %[[Y:.*]] = dl.dense
// VJP: %[[ONE:.*]] = arith.constant dense<1.000000e+00> : tensor<f32>
// VJP: dl.mean_absolute_error_grad %[[Y]], %{{.*}}, %[[ONE]] : (tensor<?x3xf32>, tensor<?x3xf32>, tensor<f32>) -> tensor<?x3xf32>
// LINALG-LABEL: func.func @mae(
// LINALG: linalg.generic
// LINALG: arith.subf
// LINALG: math.absf
// LINALG: arith.mulf
// LINALG-LABEL: func.func @g_mae(
// LINALG: linalg.generic
// LINALG-DAG: arith.cmpf ogt
// LINALG-DAG: arith.cmpf olt
// LINALG: arith.select
// LINALG: arith.select
func.func @mae(%x: tensor<?x4xf32>, %t: tensor<?x3xf32>, %w: tensor<4x3xf32> {dl.param = "w"}) -> tensor<f32> attributes {dl.gradient = "g_mae"} {
  %0 = dl.dense %x, %w : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x3xf32>
  %1 = dl.mean_absolute_error %0, %t : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<f32>
  return %1 : tensor<f32>
}

// -----

// ROUND-LABEL: func.func @grad(
// ROUND: dl.mean_absolute_error_grad %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x5xf32>, tensor<?x5xf32>, tensor<f32>) -> tensor<?x5xf32>
func.func @grad(%z: tensor<?x5xf32>, %t: tensor<?x5xf32>, %s: tensor<f32>) -> tensor<?x5xf32> {
  %0 = dl.mean_absolute_error_grad %z, %t, %s : (tensor<?x5xf32>, tensor<?x5xf32>, tensor<f32>) -> tensor<?x5xf32>
  return %0 : tensor<?x5xf32>
}
