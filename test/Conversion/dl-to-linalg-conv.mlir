// The convolution ops' linalg form (im2col): a parallel generic packs the
// patches straight into a matrix [N*OH*OW, KH*KW*C] (tensor.extract, zero in
// the padding; no check along an axis no window leaves), tensor.collapse_shape views the kernel as [KH*KW*C, F] and
// dy as [N*OH*OW, F] (no copy once bufferized), and one rank-2 product does
// the arithmetic in a form
// dl-vectorize-contractions matches: linalg.matmul from zero, the bias added
// by the copy back to [N, OH, OW, F] (forward; without a bias, the product
// is the result, through tensor.expand_shape), dy x kernel^T (input gradient, then col2im: with 2 to 64
// channels one generic over dx gathering each position's rows of dcols, with
// one channel per kernel offset its column block of dcols added onto the
// strided slab of dx it reads, with affine maps only), cols^T x dy (filter
// gradient). The copies back from a
// matrix are generics whose affine maps go from an element to its matrix row
// and column (no division). dl-fuse-elementwise moves no reshape into a
// product (expanded, it would be out of the kernels' reach).
// channel_sum reduces dy over every dimension but the last.
// The packing loops run over (n, i, j, a, b, c), written at row
// (n * OH + i) * OW + j and column (a * KW + b) * C + c; empty [N, OH, OW] and
// [KH, KW, C] tensors give them their bounds.
// RUN: dl-opt %s --convert-dl-to-linalg | FileCheck %s --implicit-check-not=dl. --implicit-check-not=tensor.expand_shape

// CHECK-DAG: #[[ID4:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[MK:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[NK:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[MN:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[KM:.*]] = affine_map<(d0, d1, d2) -> (d2, d0)>
// CHECK-DAG: #[[KN:.*]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-DAG: #[[ROW1:.*]] = affine_map<(d0, d1, d2, d3) -> ((d0 * 4 + d1 + 1) * 3 + d2, d3)>
// CHECK-DAG: #[[ROW0:.*]] = affine_map<(d0, d1, d2, d3) -> ((d0 * 4 + d1) * 3 + d2, d3)>
// (also the map from y [N, 4, 3, F] to its matrix)
// CHECK-DAG: #[[ROWS:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2)>
// CHECK-DAG: #[[COLSM:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d4, d5)>
// CHECK-DAG: #[[PACK:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> ((d0 * 4 + d1) * 3 + d2, (d3 * 2 + d4) * 3 + d5)>
// CHECK-DAG: #[[LAST:.*]] = affine_map<(d0, d1, d2, d3) -> (d3)>
// CHECK-DAG: #[[KMAT:.*]] = affine_map<(d0, d1, d2, d3) -> ((d0 * 2 + d1) * 3 + d2, d3)>

// CHECK-LABEL: func.func @conv
// CHECK-SAME: (%[[X:.*]]: tensor<?x7x5x3xf32>, %[[K:.*]]: tensor<3x2x3x4xf32>, %[[B:.*]]: tensor<4xf32>)
func.func @conv(%x: tensor<?x7x5x3xf32>, %k: tensor<3x2x3x4xf32>, %b: tensor<4xf32>) -> tensor<?x4x3x4xf32> {
  // CHECK: %[[COLS:.*]] = linalg.generic {indexing_maps = [#[[ROWS]], #[[COLSM]], #[[PACK]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%{{.*}}, %{{.*}} : tensor<?x4x3xf32>, tensor<3x2x3xf32>) outs(%{{.*}} : tensor<?x18xf32>)
  // CHECK: %[[E:.*]] = tensor.extract %[[X]]
  // CHECK: arith.select %{{.*}}, %[[E]], %{{.*}} : f32
  // CHECK: %[[KM2:.*]] = tensor.collapse_shape %[[K]] {{\[}}[0, 1, 2], [3]] : tensor<3x2x3x4xf32> into tensor<18x4xf32>
  // CHECK: %[[ACC:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<?x4xf32>)
  // CHECK: %[[Y:.*]] = linalg.matmul ins(%[[COLS]], %[[KM2]] : tensor<?x18xf32>, tensor<18x4xf32>) outs(%[[ACC]] : tensor<?x4xf32>)
  // CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#[[ROW0]], #[[LAST]], #[[ID4]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[Y]], %[[B]] : tensor<?x4xf32>, tensor<4xf32>) outs(%{{.*}} : tensor<?x4x3x4xf32>)
  // CHECK: arith.addf
  // CHECK: return %[[R]]
  %0 = dl.conv2d %x, %k, %b strides [2, 2] dilations [1, 1] padding [1, 1, 0, 1] : (tensor<?x7x5x3xf32>, tensor<3x2x3x4xf32>, tensor<4xf32>) -> tensor<?x4x3x4xf32>
  return %0 : tensor<?x4x3x4xf32>
}

// CHECK-LABEL: func.func @conv_no_bias
func.func @conv_no_bias(%x: tensor<?x7x5x3xf32>, %k: tensor<3x2x3x4xf32>) -> tensor<?x3x3x4xf32> {
  // Without a bias the product starts from zero, and is the result: no copy.
  // CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<?x18xf32>)
  // No padding and every window inside the input: a plain copy, no check.
  // CHECK-NOT: arith.select
  // CHECK: %[[Z:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<?x4xf32>)
  // CHECK: %[[P:.*]] = linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<?x18xf32>, tensor<18x4xf32>) outs(%[[Z]] : tensor<?x4xf32>)
  // CHECK-NOT: linalg.generic
  // CHECK: %[[R:.*]] = tensor.expand_shape %[[P]] {{\[}}[0, 1, 2], [3]] output_shape [%{{.*}}, 3, 3, 4] : tensor<?x4xf32> into tensor<?x3x3x4xf32>
  // CHECK-NEXT: return %[[R]]
  %0 = dl.conv2d %x, %k strides [1, 1] dilations [2, 2] padding [0, 0, 0, 0] : (tensor<?x7x5x3xf32>, tensor<3x2x3x4xf32>) -> tensor<?x3x3x4xf32>
  return %0 : tensor<?x3x3x4xf32>
}

// CHECK-LABEL: func.func @conv_grads
// CHECK-SAME: (%[[DY:.*]]: tensor<?x4x3x4xf32>, %[[X:.*]]: tensor<?x7x5x3xf32>, %[[K:.*]]: tensor<3x2x3x4xf32>)
func.func @conv_grads(%dy: tensor<?x4x3x4xf32>, %x: tensor<?x7x5x3xf32>, %k: tensor<3x2x3x4xf32>) -> (tensor<?x7x5x3xf32>, tensor<3x2x3x4xf32>, tensor<4xf32>) {
  // Input gradient: dcols = dy x kernel^T, then col2im.
  // CHECK: %[[KM2:.*]] = tensor.collapse_shape %[[K]] {{\[}}[0, 1, 2], [3]] : tensor<3x2x3x4xf32> into tensor<18x4xf32>
  // CHECK: %[[DYM:.*]] = tensor.collapse_shape %[[DY]] {{\[}}[0, 1, 2], [3]] : tensor<?x4x3x4xf32> into tensor<?x4xf32>
  // CHECK: %[[DC:.*]] = linalg.matmul indexing_maps = [#[[MK]], #[[NK]], #[[MN]]] ins(%[[DYM]], %[[KM2]] : tensor<?x4xf32>, tensor<18x4xf32>) outs(%{{.*}} : tensor<?x18xf32>)
  // Three channels: gathered in one pass over dx, dcols read as [N, OH * OW,
  // KH * KW, C] (sample n reads dcols[n] only); each position sums its six
  // offsets' rows, (a, b) row-major, each where the output index
  // (y + top - a) / 2 divides exactly and is in range.
  // CHECK: %[[TAPS:.*]] = tensor.expand_shape %[[DC]] {{\[}}[0, 1], [2, 3]] output_shape [%{{.*}}, 12, 6, 3] : tensor<?x18xf32> into tensor<?x12x6x3xf32>
  // CHECK: %[[DX:.*]] = linalg.generic {indexing_maps = [#[[ID4]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} outs(%{{.*}} : tensor<?x7x5x3xf32>)
  // CHECK: arith.remui
  // CHECK: arith.divui
  // CHECK-COUNT-6: tensor.extract %[[TAPS]][%[[N:[a-z0-9_]+]],
  // CHECK-NOT: tensor.extract %[[TAPS]]
  // CHECK: linalg.yield
  // Filter gradient: cols^T x dy.
  // CHECK: %[[COLS:.*]] = linalg.generic {indexing_maps = [#[[ROWS]], #[[COLSM]], #[[PACK]]], {{.*}} outs(%{{.*}} : tensor<?x18xf32>)
  // CHECK: tensor.extract %[[X]]
  // CHECK: %[[DYM2:.*]] = tensor.collapse_shape %[[DY]] {{\[}}[0, 1, 2], [3]] : tensor<?x4x3x4xf32> into tensor<?x4xf32>
  // CHECK: %[[DK:.*]] = linalg.matmul indexing_maps = [#[[KM]], #[[KN]], #[[MN]]] ins(%[[COLS]], %[[DYM2]] : tensor<?x18xf32>, tensor<?x4xf32>) outs(%{{.*}} : tensor<18x4xf32>)
  // CHECK: %[[DK4:.*]] = linalg.generic {indexing_maps = [#[[KMAT]], #[[ID4]]], {{.*}} ins(%[[DK]] : tensor<18x4xf32>) outs(%{{.*}} : tensor<3x2x3x4xf32>)
  // Bias gradient: dy summed over (n, i, j).
  // CHECK: %[[DB:.*]] = linalg.generic {indexing_maps = [#[[ID4]], #[[LAST]]], iterator_types = ["reduction", "reduction", "reduction", "parallel"]} ins(%[[DY]] : tensor<?x4x3x4xf32>) outs(%{{.*}} : tensor<4xf32>)
  // CHECK: return %[[DX]], %[[DK4]], %[[DB]]
  %0 = dl.conv2d_input_grad %dy, %k strides [2, 2] dilations [1, 1] padding [1, 1, 0, 1] : (tensor<?x4x3x4xf32>, tensor<3x2x3x4xf32>) -> tensor<?x7x5x3xf32>
  %1 = dl.conv2d_filter_grad %dy, %x strides [2, 2] dilations [1, 1] padding [1, 1, 0, 1] : (tensor<?x4x3x4xf32>, tensor<?x7x5x3xf32>) -> tensor<3x2x3x4xf32>
  %2 = dl.channel_sum %dy : tensor<?x4x3x4xf32> -> tensor<4xf32>
  return %0, %1, %2 : tensor<?x7x5x3xf32>, tensor<3x2x3x4xf32>, tensor<4xf32>
}

// One channel: nothing to vectorise along C, so col2im scatters, offset by
// offset, each column block of dcols onto the strided slab of dx it reads.
// CHECK-LABEL: func.func @conv_input_grad_one_channel
// CHECK-SAME: (%[[DY:.*]]: tensor<?x4x3x4xf32>, %[[K:.*]]: tensor<3x2x1x4xf32>)
func.func @conv_input_grad_one_channel(%dy: tensor<?x4x3x4xf32>, %k: tensor<3x2x1x4xf32>) -> tensor<?x7x5x1xf32> {
  // CHECK: %[[DC:.*]] = linalg.matmul {{.*}} outs(%{{.*}} : tensor<?x6xf32>)
  // Offset (0, 0) with top padding 1 at stride 2: output rows 1..3 read
  // input rows 1, 3, 5; all three output columns read input columns 0, 2, 4.
  // CHECK: %[[DX0:.*]] = linalg.fill {{.*}} -> tensor<?x7x5x1xf32>
  // CHECK: %[[SLAB:.*]] = tensor.extract_slice %[[DX0]][0, 1, 0, 0] [%{{.*}}, 3, 3, 1] [1, 2, 2, 1]
  // CHECK: %[[BLK:.*]] = tensor.extract_slice %[[DC]][0, 0] [%{{.*}}, 1] [1, 1]
  // CHECK: %[[ADD:.*]] = linalg.generic {indexing_maps = [#[[ROW1]], #[[ID4]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[BLK]] : tensor<?x1xf32>) outs(%[[SLAB]] : tensor<?x3x3x1xf32>)
  // CHECK: arith.addf
  // CHECK: %[[DX1:.*]] = tensor.insert_slice %[[ADD]] into %[[DX0]][0, 1, 0, 0] [%{{.*}}, 3, 3, 1] [1, 2, 2, 1]
  // Offset (0, 1): input columns 1, 3 from output columns 0, 1.
  // CHECK: tensor.extract_slice %[[DX1]][0, 1, 1, 0] [%{{.*}}, 3, 2, 1] [1, 2, 2, 1]
  // CHECK: tensor.extract_slice %[[DC]][0, 1] [%{{.*}}, 1] [1, 1]
  // Offset (1, 0): all four output rows, input rows 0, 2, 4, 6.
  // CHECK: tensor.extract_slice %{{.*}}[0, 0, 0, 0] [%{{.*}}, 4, 3, 1] [1, 2, 2, 1]
  // CHECK: tensor.extract_slice %[[DC]][0, 2] [%{{.*}}, 1] [1, 1]
  // CHECK: linalg.generic {indexing_maps = [#[[ROW0]], #[[ID4]]]
  // The last of the six offsets, (2, 1), gives dx.
  // CHECK: tensor.extract_slice %[[DC]][0, 5] [%{{.*}}, 1] [1, 1]
  // CHECK: %[[DX:.*]] = tensor.insert_slice %{{.*}} into %{{.*}}[0, 1, 1, 0] [%{{.*}}, 3, 2, 1] [1, 2, 2, 1]
  // CHECK: return %[[DX]]
  %0 = dl.conv2d_input_grad %dy, %k strides [2, 2] dilations [1, 1] padding [1, 1, 0, 1] : (tensor<?x4x3x4xf32>, tensor<3x2x1x4xf32>) -> tensor<?x7x5x1xf32>
  return %0 : tensor<?x7x5x1xf32>
}
