// layer_norm's linalg form: the rows of a rank-3 input collapsed to
// [rows, C]; per-row sums for the mean and the squared deviations; one
// elementwise pass (x - mean) * rstd * gamma + beta, expanded back. The
// gradient recomputes the statistics, reduces per row (sum g, sum g*xhat)
// and per column (gamma's and beta's).
// RUN: dl-opt %s --convert-dl-to-linalg | FileCheck %s --implicit-check-not=dl.

// CHECK-DAG: #[[FULL:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d1)>

// CHECK-LABEL: func.func @ln
// CHECK: %[[X:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0, 1], [2]] : tensor<?x4x6xf32> into tensor<?x6xf32>
// CHECK: linalg.generic {indexing_maps = [#[[FULL]], #[[ROW]]], iterator_types = ["parallel", "reduction"]} ins(%[[X]] : tensor<?x6xf32>)
// CHECK: arith.constant 0.166666672 : f32
// CHECK: linalg.generic {indexing_maps = [#[[FULL]], #[[ROW]], #[[ROW]]], iterator_types = ["parallel", "reduction"]} ins(%[[X]], %{{.*}} : tensor<?x6xf32>, tensor<?xf32>)
// CHECK: math.sqrt
// CHECK: %[[Y:.*]] = linalg.generic {indexing_maps = [#[[FULL]], #[[ROW]], #[[ROW]], #[[COL]], #[[COL]], #[[FULL]]], iterator_types = ["parallel", "parallel"]}
// CHECK: tensor.expand_shape %[[Y]] {{\[}}[0, 1], [2]]
func.func @ln(%x: tensor<?x4x6xf32>, %g: tensor<6xf32>, %b: tensor<6xf32>) -> tensor<?x4x6xf32> {
  %0 = dl.layer_norm %x, %g, %b {epsilon = 1.0e-3 : f32} : (tensor<?x4x6xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<?x4x6xf32>
  return %0 : tensor<?x4x6xf32>
}

// CHECK-LABEL: func.func @ln_grad
// CHECK: linalg.generic {indexing_maps = [#[[FULL]], #[[FULL]], #[[ROW]], #[[ROW]], #[[COL]], #[[ROW]], #[[ROW]]], iterator_types = ["parallel", "reduction"]}
// CHECK: linalg.generic {indexing_maps = [#[[FULL]], #[[FULL]], #[[ROW]], #[[ROW]], #[[COL]], #[[ROW]], #[[ROW]], #[[FULL]]], iterator_types = ["parallel", "parallel"]}
// CHECK: linalg.generic {indexing_maps = [#[[FULL]], #[[FULL]], #[[ROW]], #[[ROW]], #[[COL]], #[[COL]]], iterator_types = ["reduction", "parallel"]}
func.func @ln_grad(%dy: tensor<?x6xf32>, %x: tensor<?x6xf32>, %g: tensor<6xf32>) -> (tensor<?x6xf32>, tensor<6xf32>, tensor<6xf32>) {
  %0:3 = dl.layer_norm_grad %dy, %x, %g {epsilon = 1.0e-3 : f32} : (tensor<?x6xf32>, tensor<?x6xf32>, tensor<6xf32>) -> (tensor<?x6xf32>, tensor<6xf32>, tensor<6xf32>)
  return %0#0, %0#1, %0#2 : tensor<?x6xf32>, tensor<6xf32>, tensor<6xf32>
}
