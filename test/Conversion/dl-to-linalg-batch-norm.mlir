// Batch normalisation's linalg forms over the rows [rows, C] of the input
// (batch, height and width collapsed): the statistics in one sweep over the
// input, per-column sums (reduction over the rows, the channels parallel and
// innermost) of d = x - k and d * d, k the first row (a slice of at most
// one row, so an empty batch reads nothing), turned into the mean and the
// variance per channel with the run-time row count; one elementwise pass
// (x - mean) * scale + shift. The inference form computes the per-channel
// scale first and works on any rank (a kernel or a bias when folded). The
// gradient reads the forward's statistics (no pass over the input for
// them), sums dy and dy * (x - mean) per column in one pass, then the
// input's cotangent in another from three per-channel coefficients.
// RUN: dl-opt %s --convert-dl-to-linalg | FileCheck %s --implicit-check-not=dl.

// CHECK-DAG: #[[FULL:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[VEC:.*]] = affine_map<(d0) -> (d0)>
// CHECK-DAG: #[[FULL4:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[LAST4:.*]] = affine_map<(d0, d1, d2, d3) -> (d3)>

// CHECK-LABEL: func.func @train
// CHECK: %[[X:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0, 1, 2], [3]] : tensor<?x4x4x6xf32> into tensor<?x6xf32>
// CHECK: %[[R:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x6xf32>
// CHECK: arith.index_cast %[[R]] : index to i64
// CHECK: arith.uitofp
// CHECK: %[[N:.*]] = arith.minui %{{.*}}, %c1
// CHECK: %[[HEAD:.*]] = tensor.extract_slice %[[X]][0, 0] [%[[N]], 6] [1, 1]
// CHECK: %[[K:.*]] = linalg.generic {indexing_maps = [#[[FULL]], #[[COL]]], iterator_types = ["reduction", "parallel"]} ins(%[[HEAD]] : tensor<?x6xf32>)
// The one sweep over the input: both sums.
// CHECK: %[[S:.*]]:2 = linalg.generic {indexing_maps = [#[[FULL]], #[[COL]], #[[COL]], #[[COL]]], iterator_types = ["reduction", "parallel"]} ins(%[[X]], %[[K]] : tensor<?x6xf32>, tensor<6xf32>)
// CHECK-NEXT: ^bb0(%[[XE:.*]]: f32, %[[KE:.*]]: f32, %[[S1:.*]]: f32, %[[S2:.*]]: f32):
// CHECK-NEXT: %[[D:.*]] = arith.subf %[[XE]], %[[KE]]
// CHECK-NEXT: %[[A1:.*]] = arith.addf %[[S1]], %[[D]]
// CHECK-NEXT: %[[A2:.*]] = math.fma %[[D]], %[[D]], %[[S2]]
// CHECK-NEXT: linalg.yield %[[A1]], %[[A2]]
// CHECK-NOT: ins(%[[X]]
// CHECK: %[[ST:.*]]:2 = linalg.generic {indexing_maps = [#[[VEC]], #[[VEC]], #[[VEC]], #[[VEC]], #[[VEC]]], iterator_types = ["parallel"]} ins(%[[K]], %[[S]]#0, %[[S]]#1 :
// CHECK: arith.maximumf
// CHECK: math.sqrt
// CHECK: %[[Y:.*]] = linalg.generic {indexing_maps = [#[[FULL]], #[[COL]], #[[COL]], #[[COL]], #[[FULL]]], iterator_types = ["parallel", "parallel"]} ins(%[[X]], %[[ST]]#0,
// CHECK: math.fma
// CHECK: %[[OUT:.*]] = tensor.expand_shape %[[Y]] {{\[}}[0, 1, 2], [3]]
// CHECK: return %[[OUT]], %[[ST]]#0, %[[ST]]#1
func.func @train(%x: tensor<?x4x4x6xf32>, %v: tensor<6xf32>) -> (tensor<?x4x4x6xf32>, tensor<6xf32>, tensor<6xf32>) {
  %y, %m, %s = dl.batch_norm %x, %v, %v, %v, %v {epsilon = 1.0e-3 : f32} : (tensor<?x4x4x6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>) -> (tensor<?x4x4x6xf32>, tensor<6xf32>, tensor<6xf32>)
  return %y, %m, %s : tensor<?x4x4x6xf32>, tensor<6xf32>, tensor<6xf32>
}

// CHECK-LABEL: func.func @inference
// CHECK: %[[S:.*]] = linalg.generic {indexing_maps = [#[[VEC]], #[[VEC]], #[[VEC]]]
// CHECK: math.sqrt
// CHECK: linalg.generic {indexing_maps = [#[[FULL4]], #[[LAST4]], #[[LAST4]], #[[LAST4]], #[[FULL4]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
// CHECK-NOT: math.sqrt
// CHECK: math.fma
// CHECK-LABEL: func.func @bias
// CHECK: linalg.generic {indexing_maps = [#[[VEC]], #[[VEC]], #[[VEC]], #[[VEC]], #[[VEC]]], iterator_types = ["parallel"]}
func.func @inference(%k: tensor<3x3x2x6xf32>, %v: tensor<6xf32>) -> tensor<3x3x2x6xf32> {
  %0 = dl.batch_norm_inference %k, %v, %v, %v, %v {epsilon = 1.0e-3 : f32} : tensor<3x3x2x6xf32>, tensor<6xf32>
  return %0 : tensor<3x3x2x6xf32>
}
func.func @bias(%b: tensor<6xf32>, %v: tensor<6xf32>) -> tensor<6xf32> {
  %0 = dl.batch_norm_inference %b, %v, %v, %v, %v {epsilon = 1.0e-3 : f32} : tensor<6xf32>, tensor<6xf32>
  return %0 : tensor<6xf32>
}

// CHECK-LABEL: func.func @grad
// CHECK-SAME: %[[M:[^:]*]]: tensor<6xf32>, %[[V:[^:]*]]: tensor<6xf32>)
// CHECK: %[[RSTD:.*]] = linalg.generic {indexing_maps = [#[[VEC]], #[[VEC]]], iterator_types = ["parallel"]} ins(%[[V]] : tensor<6xf32>)
// CHECK: math.sqrt
// CHECK-NOT: iterator_types = ["reduction", "parallel"]} ins(%{{[^,]*}} : tensor<?x6xf32>)
// CHECK: %[[SUMS:.*]]:2 = linalg.generic {indexing_maps = [#[[FULL]], #[[FULL]], #[[COL]], #[[COL]], #[[COL]]], iterator_types = ["reduction", "parallel"]}
// CHECK: %[[DG:.*]] = linalg.generic {indexing_maps = [#[[VEC]], #[[VEC]], #[[VEC]]], iterator_types = ["parallel"]} ins(%[[SUMS]]#0, %[[RSTD]] :
// CHECK: %[[COEF:.*]]:3 = linalg.generic {indexing_maps = [#[[VEC]], #[[VEC]], #[[VEC]], #[[VEC]], #[[VEC]], #[[VEC]], #[[VEC]]], iterator_types = ["parallel"]} ins(%{{.*}}, %[[RSTD]], %[[DG]], %[[SUMS]]#1 :
// CHECK: %[[DX:.*]] = linalg.generic {indexing_maps = [#[[FULL]], #[[FULL]], #[[COL]], #[[COL]], #[[COL]], #[[COL]], #[[FULL]]], iterator_types = ["parallel", "parallel"]} ins(%{{.*}}, %{{.*}}, %[[M]], %[[COEF]]#0, %[[COEF]]#1, %[[COEF]]#2 :
// CHECK-COUNT-2: math.fma
// CHECK: return %[[DX]], %[[DG]], %[[SUMS]]#1
func.func @grad(%dy: tensor<?x6xf32>, %x: tensor<?x6xf32>, %g: tensor<6xf32>, %m: tensor<6xf32>, %v: tensor<6xf32>) -> (tensor<?x6xf32>, tensor<6xf32>, tensor<6xf32>) {
  %0:3 = dl.batch_norm_grad %dy, %x, %g, %m, %v {epsilon = 1.0e-3 : f32} : (tensor<?x6xf32>, tensor<?x6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>) -> (tensor<?x6xf32>, tensor<6xf32>, tensor<6xf32>)
  return %0#0, %0#1, %0#2 : tensor<?x6xf32>, tensor<6xf32>, tensor<6xf32>
}
