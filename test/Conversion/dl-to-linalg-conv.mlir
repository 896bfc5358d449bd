// The convolution ops' linalg form (im2col): a parallel generic packs the
// patches [N, OH, OW, KH, KW, C] (tensor.extract, zero in the padding), views
// collapse them to [N*OH*OW, KH*KW*C] and the kernel to [KH*KW*C, F], and one
// rank-2 product does the arithmetic in a form dl-vectorize-contractions
// matches: linalg.matmul onto the broadcast bias (forward), dy x kernel^T
// (input gradient, then a gathering col2im generic), cols^T x dy (filter
// gradient). channel_sum reduces the [N*OH*OW, F] view over its rows.
// RUN: dl-opt %s --convert-dl-to-linalg | FileCheck %s --implicit-check-not=dl.

// CHECK-DAG: #[[ID6:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>
// CHECK-DAG: #[[MK:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[NK:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[MN:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[KM:.*]] = affine_map<(d0, d1, d2) -> (d2, d0)>
// CHECK-DAG: #[[KN:.*]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-DAG: #[[WIN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>

// CHECK-LABEL: func.func @conv
// CHECK-SAME: (%[[X:.*]]: tensor<?x7x5x3xf32>, %[[K:.*]]: tensor<3x2x3x4xf32>, %[[B:.*]]: tensor<4xf32>)
func.func @conv(%x: tensor<?x7x5x3xf32>, %k: tensor<3x2x3x4xf32>, %b: tensor<4xf32>) -> tensor<?x4x3x4xf32> {
  // CHECK: %[[P:.*]] = linalg.generic {indexing_maps = [#[[ID6]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} outs(%{{.*}} : tensor<?x4x3x3x2x3xf32>)
  // CHECK: %[[E:.*]] = tensor.extract %[[X]]
  // CHECK: arith.select %{{.*}}, %[[E]], %{{.*}} : f32
  // CHECK: %[[COLS:.*]] = tensor.collapse_shape %[[P]] {{\[\[}}0, 1, 2], [3, 4, 5]] : tensor<?x4x3x3x2x3xf32> into tensor<?x18xf32>
  // CHECK: %[[KM2:.*]] = tensor.collapse_shape %[[K]] {{\[\[}}0, 1, 2], [3]] : tensor<3x2x3x4xf32> into tensor<18x4xf32>
  // CHECK: %[[ACC:.*]] = linalg.broadcast ins(%[[B]] : tensor<4xf32>) outs(%{{.*}} : tensor<?x4xf32>) dimensions = [0]
  // CHECK: %[[Y:.*]] = linalg.matmul ins(%[[COLS]], %[[KM2]] : tensor<?x18xf32>, tensor<18x4xf32>) outs(%[[ACC]] : tensor<?x4xf32>)
  // CHECK: %[[R:.*]] = tensor.expand_shape %[[Y]] {{\[\[}}0, 1, 2], [3]] output_shape [%{{.*}}, 4, 3, 4] : tensor<?x4xf32> into tensor<?x4x3x4xf32>
  // CHECK: return %[[R]]
  %0 = dl.conv2d %x, %k, %b strides [2, 2] dilations [1, 1] padding [1, 1, 0, 1] : (tensor<?x7x5x3xf32>, tensor<3x2x3x4xf32>, tensor<4xf32>) -> tensor<?x4x3x4xf32>
  return %0 : tensor<?x4x3x4xf32>
}

// CHECK-LABEL: func.func @conv_no_bias
func.func @conv_no_bias(%x: tensor<?x7x5x3xf32>, %k: tensor<3x2x3x4xf32>) -> tensor<?x3x3x4xf32> {
  // Without a bias the product starts from zero.
  // CHECK: %[[Z:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<?x4xf32>)
  // CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<?x18xf32>, tensor<18x4xf32>) outs(%[[Z]] : tensor<?x4xf32>)
  %0 = dl.conv2d %x, %k strides [1, 1] dilations [2, 2] padding [0, 0, 0, 0] : (tensor<?x7x5x3xf32>, tensor<3x2x3x4xf32>) -> tensor<?x3x3x4xf32>
  return %0 : tensor<?x3x3x4xf32>
}

// CHECK-LABEL: func.func @conv_grads
// CHECK-SAME: (%[[DY:.*]]: tensor<?x4x3x4xf32>, %[[X:.*]]: tensor<?x7x5x3xf32>, %[[K:.*]]: tensor<3x2x3x4xf32>)
func.func @conv_grads(%dy: tensor<?x4x3x4xf32>, %x: tensor<?x7x5x3xf32>, %k: tensor<3x2x3x4xf32>) -> (tensor<?x7x5x3xf32>, tensor<3x2x3x4xf32>, tensor<4xf32>) {
  // Input gradient: dcols = dy x kernel^T, then col2im over (n, y, x, c, a, b).
  // CHECK: %[[KM2:.*]] = tensor.collapse_shape %[[K]] {{\[\[}}0, 1, 2], [3]] : tensor<3x2x3x4xf32> into tensor<18x4xf32>
  // CHECK: %[[DYM:.*]] = tensor.collapse_shape %[[DY]] {{\[\[}}0, 1, 2], [3]] : tensor<?x4x3x4xf32> into tensor<?x4xf32>
  // CHECK: %[[DC:.*]] = linalg.generic {indexing_maps = [#[[MK]], #[[NK]], #[[MN]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[DYM]], %[[KM2]] : tensor<?x4xf32>, tensor<18x4xf32>) outs(%{{.*}} : tensor<?x18xf32>)
  // CHECK: arith.mulf
  // CHECK: arith.addf
  // CHECK: %[[DC6:.*]] = tensor.expand_shape %[[DC]] {{\[\[}}0, 1, 2], [3, 4, 5]] output_shape [%{{.*}}, 4, 3, 3, 2, 3] : tensor<?x18xf32> into tensor<?x4x3x3x2x3xf32>
  // CHECK: %[[DX:.*]] = linalg.generic {indexing_maps = [#[[WIN]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%{{.*}} : tensor<3x2xf32>) outs(%{{.*}} : tensor<?x7x5x3xf32>)
  // CHECK: arith.remsi
  // CHECK: tensor.extract %[[DC6]]
  // Filter gradient: cols^T x dy.
  // CHECK: %[[P:.*]] = linalg.generic {indexing_maps = [#[[ID6]]], {{.*}} outs(%{{.*}} : tensor<?x4x3x3x2x3xf32>)
  // CHECK: tensor.extract %[[X]]
  // CHECK: %[[COLS:.*]] = tensor.collapse_shape %[[P]]
  // CHECK: %[[DK:.*]] = linalg.generic {indexing_maps = [#[[KM]], #[[KN]], #[[MN]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[COLS]], %{{.*}} : tensor<?x18xf32>, tensor<?x4xf32>) outs(%{{.*}} : tensor<18x4xf32>)
  // CHECK: %[[DK4:.*]] = tensor.expand_shape %[[DK]] {{\[\[}}0, 1, 2], [3]] output_shape [3, 2, 3, 4] : tensor<18x4xf32> into tensor<3x2x3x4xf32>
  // Bias gradient: the sum over the rows of dy's [N*OH*OW, F] view.
  // CHECK: %[[DB:.*]] = linalg.generic {{.*}} iterator_types = ["reduction", "parallel"]} ins(%{{.*}} : tensor<?x4xf32>) outs(%{{.*}} : tensor<4xf32>)
  // CHECK: return %[[DX]], %[[DK4]], %[[DB]]
  %0 = dl.conv2d_input_grad %dy, %k strides [2, 2] dilations [1, 1] padding [1, 1, 0, 1] : (tensor<?x4x3x4xf32>, tensor<3x2x3x4xf32>) -> tensor<?x7x5x3xf32>
  %1 = dl.conv2d_filter_grad %dy, %x strides [2, 2] dilations [1, 1] padding [1, 1, 0, 1] : (tensor<?x4x3x4xf32>, tensor<?x7x5x3xf32>) -> tensor<3x2x3x4xf32>
  %2 = dl.channel_sum %dy : tensor<?x4x3x4xf32> -> tensor<4xf32>
  return %0, %1, %2 : tensor<?x7x5x3xf32>, tensor<3x2x3x4xf32>, tensor<4xf32>
}
