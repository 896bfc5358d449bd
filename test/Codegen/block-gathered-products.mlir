// dl-block-gathered-products: a generic whose sample n reads only rows
// [n * R, (n + 1) * R) of a matrix product (through a view [N, R, ...] read
// with the first loop's index) is tiled by one sample, and each iteration
// computes its sample's rows of the product first, from B transposed once
// before the loop (a B [n, k] the kernels would pack at every call).
// RUN: dl-opt %s --split-input-file --dl-block-gathered-products | FileCheck %s

#mk = affine_map<(d0, d1, d2) -> (d0, d2)>
#nk = affine_map<(d0, d1, d2) -> (d1, d2)>
#mn = affine_map<(d0, d1, d2) -> (d0, d1)>
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>

// CHECK-LABEL: func.func @gather(
// CHECK-SAME:    %[[A:[a-z0-9]+]]: tensor<?x4xf32>, %[[B:[a-z0-9]+]]: tensor<6x4xf32>
// CHECK:       %[[BT:.*]] = linalg.transpose ins(%[[B]] : tensor<6x4xf32>) outs(%{{.*}} : tensor<4x6xf32>) permutation = [1, 0]
// CHECK:       %[[R:.*]] = scf.for %[[N:[a-z0-9_]+]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %{{.*}}) -> (tensor<?x3x2xf32>) {
// CHECK:         %[[ROW:.*]] = arith.muli %[[N]], %{{.*}} : index
// CHECK:         %[[AN:.*]] = tensor.extract_slice %[[A]][%[[ROW]], 0] [2, 4] [1, 1] : tensor<?x4xf32> to tensor<2x4xf32>
// CHECK:         %[[F:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<2x6xf32>) -> tensor<2x6xf32>
// CHECK:         %[[P:.*]] = linalg.matmul ins(%[[AN]], %[[BT]] : tensor<2x4xf32>, tensor<4x6xf32>) outs(%[[F]] : tensor<2x6xf32>) -> tensor<2x6xf32>
// CHECK:         %[[V:.*]] = tensor.expand_shape %[[P]] {{\[}}[0, 1], [2, 3]] output_shape [1, 2, 3, 2] : tensor<2x6xf32> into tensor<1x2x3x2xf32>
// CHECK:         %[[Z:.*]] = arith.constant 0 : index
// CHECK:         %[[G:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<1x3x2xf32>)
// CHECK:           tensor.extract %[[V]][%[[Z]], %{{.*}}, %{{.*}}, %{{.*}}] : tensor<1x2x3x2xf32>
// CHECK:           tensor.extract %[[V]][%[[Z]], %{{.*}}, %{{.*}}, %{{.*}}] : tensor<1x2x3x2xf32>
// CHECK:         tensor.insert_slice %[[G]] into %[[ACC]][%[[N]], 0, 0] [1, 3, 2] [1, 1, 1]
// CHECK:       return %[[R]]
// CHECK-NOT:   linalg.matmul
func.func @gather(%a: tensor<?x4xf32>, %b: tensor<6x4xf32>, %n: index) -> tensor<?x3x2xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %zero = arith.constant 0.0 : f32
  %m = tensor.dim %a, %c0 : tensor<?x4xf32>
  %e = tensor.empty(%m) : tensor<?x6xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x6xf32>) -> tensor<?x6xf32>
  %p = linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%a, %b : tensor<?x4xf32>, tensor<6x4xf32>) outs(%f : tensor<?x6xf32>) -> tensor<?x6xf32>
  %v = tensor.expand_shape %p [[0, 1], [2, 3]] output_shape [%n, 2, 3, 2] : tensor<?x6xf32> into tensor<?x2x3x2xf32>
  %o = tensor.empty(%n) : tensor<?x3x2xf32>
  %g = linalg.generic {indexing_maps = [#id3], iterator_types = ["parallel", "parallel", "parallel"]} outs(%o : tensor<?x3x2xf32>) {
  ^bb0(%out: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %c = linalg.index 2 : index
    %r = arith.remui %j, %c2 : index
    %x = tensor.extract %v[%i, %r, %j, %c] : tensor<?x2x3x2xf32>
    %y = tensor.extract %v[%i, %c1, %j, %c] : tensor<?x2x3x2xf32>
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  } -> tensor<?x3x2xf32>
  return %g : tensor<?x3x2xf32>
}

// -----

// Left whole: the product's view read at another sample's rows (first
// index i + 1, not the sample's index).
// CHECK-LABEL: func.func @sample_index_elsewhere(
// CHECK-NOT:   scf.for
// CHECK:       linalg.matmul
#mk = affine_map<(d0, d1, d2) -> (d0, d2)>
#kn = affine_map<(d0, d1, d2) -> (d2, d1)>
#mn = affine_map<(d0, d1, d2) -> (d0, d1)>
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
func.func @sample_index_elsewhere(%a: tensor<?x4xf32>, %b: tensor<4x6xf32>, %n: index) -> tensor<?x3x2xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %m = tensor.dim %a, %c0 : tensor<?x4xf32>
  %e = tensor.empty(%m) : tensor<?x6xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x6xf32>) -> tensor<?x6xf32>
  %p = linalg.matmul ins(%a, %b : tensor<?x4xf32>, tensor<4x6xf32>) outs(%f : tensor<?x6xf32>) -> tensor<?x6xf32>
  %v = tensor.expand_shape %p [[0, 1], [2, 3]] output_shape [%n, 2, 3, 2] : tensor<?x6xf32> into tensor<?x2x3x2xf32>
  %o = tensor.empty(%n) : tensor<?x3x2xf32>
  %g = linalg.generic {indexing_maps = [#id3], iterator_types = ["parallel", "parallel", "parallel"]} outs(%o : tensor<?x3x2xf32>) {
  ^bb0(%out: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %c = linalg.index 2 : index
    %i1 = arith.addi %i, %c1 : index
    %x = tensor.extract %v[%i1, %c1, %j, %c] : tensor<?x2x3x2xf32>
    linalg.yield %x : f32
  } -> tensor<?x3x2xf32>
  return %g : tensor<?x3x2xf32>
}

// -----

// Left whole: the product has another use, which needs all of it.
// CHECK-LABEL: func.func @product_used_twice(
// CHECK-NOT:   scf.for
// CHECK:       linalg.matmul
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
func.func @product_used_twice(%a: tensor<?x4xf32>, %b: tensor<4x6xf32>, %n: index) -> (tensor<?x3x2xf32>, tensor<?x6xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %m = tensor.dim %a, %c0 : tensor<?x4xf32>
  %e = tensor.empty(%m) : tensor<?x6xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x6xf32>) -> tensor<?x6xf32>
  %p = linalg.matmul ins(%a, %b : tensor<?x4xf32>, tensor<4x6xf32>) outs(%f : tensor<?x6xf32>) -> tensor<?x6xf32>
  %v = tensor.expand_shape %p [[0, 1], [2, 3]] output_shape [%n, 2, 3, 2] : tensor<?x6xf32> into tensor<?x2x3x2xf32>
  %o = tensor.empty(%n) : tensor<?x3x2xf32>
  %g = linalg.generic {indexing_maps = [#id3], iterator_types = ["parallel", "parallel", "parallel"]} outs(%o : tensor<?x3x2xf32>) {
  ^bb0(%out: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %c = linalg.index 2 : index
    %x = tensor.extract %v[%i, %c1, %j, %c] : tensor<?x2x3x2xf32>
    linalg.yield %x : f32
  } -> tensor<?x3x2xf32>
  return %g, %p : tensor<?x3x2xf32>, tensor<?x6xf32>
}

// -----

// B already [k, n]: the product is cloned onto the sample's rows as it is,
// with no transpose.
// CHECK-LABEL: func.func @gather_plain_b(
// CHECK-SAME:    %[[A:[a-z0-9]+]]: tensor<?x4xf32>, %[[B:[a-z0-9]+]]: tensor<4x6xf32>
// CHECK-NOT:   linalg.transpose
// CHECK:       scf.for
// CHECK:         %[[AN:.*]] = tensor.extract_slice %[[A]][%{{.*}}, 0] [2, 4] [1, 1] : tensor<?x4xf32> to tensor<2x4xf32>
// CHECK:         linalg.matmul ins(%[[AN]], %[[B]] : tensor<2x4xf32>, tensor<4x6xf32>) outs(%{{.*}} : tensor<2x6xf32>) -> tensor<2x6xf32>
// CHECK:         linalg.generic {{.*}} outs(%{{.*}} : tensor<1x3x2xf32>)
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
func.func @gather_plain_b(%a: tensor<?x4xf32>, %b: tensor<4x6xf32>, %n: index) -> tensor<?x3x2xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %m = tensor.dim %a, %c0 : tensor<?x4xf32>
  %e = tensor.empty(%m) : tensor<?x6xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x6xf32>) -> tensor<?x6xf32>
  %p = linalg.matmul ins(%a, %b : tensor<?x4xf32>, tensor<4x6xf32>) outs(%f : tensor<?x6xf32>) -> tensor<?x6xf32>
  %v = tensor.expand_shape %p [[0, 1], [2, 3]] output_shape [%n, 2, 3, 2] : tensor<?x6xf32> into tensor<?x2x3x2xf32>
  %o = tensor.empty(%n) : tensor<?x3x2xf32>
  %g = linalg.generic {indexing_maps = [#id3], iterator_types = ["parallel", "parallel", "parallel"]} outs(%o : tensor<?x3x2xf32>) {
  ^bb0(%out: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %c = linalg.index 2 : index
    %x = tensor.extract %v[%i, %c1, %j, %c] : tensor<?x2x3x2xf32>
    linalg.yield %x : f32
  } -> tensor<?x3x2xf32>
  return %g : tensor<?x3x2xf32>
}

// -----

// A max pooling (reduction loops after the sample's) that reads a product
// [N * 16, 3] through a view [N, 16, 3] with the sample index first, and a
// bias it reads at the channel: tiled by one sample, each iteration
// computes its 16 rows of the product (B [k, n] as it is) before pooling
// them.
// CHECK-LABEL: func.func @pooling(
// CHECK-SAME:    %[[A:[a-z0-9]+]]: tensor<?x4xf32>, %[[B:[a-z0-9]+]]: tensor<4x3xf32>, %[[BIAS:[a-z0-9]+]]: tensor<3xf32>
// CHECK-NOT:   linalg.transpose
// The output's -inf fill moves into the loop, onto the sample's slice: no
// pass over the whole output before it.
// CHECK:       %[[EMPTY:.*]] = tensor.empty(%{{.*}}) : tensor<?x2x2x3xf32>
// CHECK-NOT:   linalg.fill {{.*}} -> tensor<?x2x2x3xf32>
// CHECK:       %[[R:.*]] = scf.for %[[N:[a-z0-9_]+]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %[[EMPTY]]) -> (tensor<?x2x2x3xf32>) {
// CHECK:         %[[SL:.*]] = tensor.extract_slice %[[ACC]][%[[N]], 0, 0, 0] [1, 2, 2, 3] [1, 1, 1, 1]
// CHECK:         %[[ROW:.*]] = arith.muli %[[N]], %{{.*}} : index
// CHECK:         %[[AN:.*]] = tensor.extract_slice %[[A]][%[[ROW]], 0] [16, 4] [1, 1] : tensor<?x4xf32> to tensor<16x4xf32>
// CHECK:         %[[P:.*]] = linalg.matmul ins(%[[AN]], %[[B]] : tensor<16x4xf32>, tensor<4x3xf32>) outs(%{{.*}} : tensor<16x3xf32>) -> tensor<16x3xf32>
// CHECK:         %[[V:.*]] = tensor.expand_shape %[[P]] {{\[}}[0, 1], [2]] output_shape [1, 16, 3] : tensor<16x3xf32> into tensor<1x16x3xf32>
// CHECK:         %[[FILL:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[SL]] : tensor<1x2x2x3xf32>)
// CHECK:         %[[G:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} {{.*}} outs(%[[FILL]] : tensor<1x2x2x3xf32>)
// CHECK:           tensor.extract %[[V]][%{{.*}}, %{{.*}}, %{{.*}}] : tensor<1x16x3xf32>
// CHECK:           tensor.extract %[[BIAS]][%{{.*}}] : tensor<3xf32>
// CHECK:         tensor.insert_slice %[[G]] into %[[ACC]][%[[N]], 0, 0, 0] [1, 2, 2, 3] [1, 1, 1, 1]
// CHECK:       return %[[R]]
#win = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
#out = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
func.func @pooling(%a: tensor<?x4xf32>, %b: tensor<4x3xf32>, %bias: tensor<3xf32>, %n: index) -> tensor<?x2x2x3xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %m = tensor.dim %a, %c0 : tensor<?x4xf32>
  %e = tensor.empty(%m) : tensor<?x3xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x3xf32>) -> tensor<?x3xf32>
  %p = linalg.matmul ins(%a, %b : tensor<?x4xf32>, tensor<4x3xf32>) outs(%f : tensor<?x3xf32>) -> tensor<?x3xf32>
  %v = tensor.expand_shape %p [[0, 1], [2]] output_shape [%n, 16, 3] : tensor<?x3xf32> into tensor<?x16x3xf32>
  %w = tensor.empty() : tensor<2x2xf32>
  %ninf = arith.constant 0xFF800000 : f32
  %empty = tensor.empty(%n) : tensor<?x2x2x3xf32>
  %init = linalg.fill ins(%ninf : f32) outs(%empty : tensor<?x2x2x3xf32>) -> tensor<?x2x2x3xf32>
  %r = linalg.generic {indexing_maps = [#win, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%w : tensor<2x2xf32>) outs(%init : tensor<?x2x2x3xf32>) {
  ^bb0(%wi: f32, %acc: f32):
    %i0 = linalg.index 0 : index
    %i1 = linalg.index 1 : index
    %i2 = linalg.index 2 : index
    %i3 = linalg.index 3 : index
    %a4 = linalg.index 4 : index
    %a5 = linalg.index 5 : index
    %row = affine.apply affine_map<(d0, d1, d2, d3) -> ((d0 * 2 + d1) * 4 + d2 * 2 + d3)>(%i1, %a4, %i2, %a5)
    %x = tensor.extract %v[%i0, %row, %i3] : tensor<?x16x3xf32>
    %bc = tensor.extract %bias[%i3] : tensor<3xf32>
    %s = arith.addf %x, %bc : f32
    %mx = arith.maximumf %s, %acc : f32
    linalg.yield %mx : f32
  } -> tensor<?x2x2x3xf32>
  return %r : tensor<?x2x2x3xf32>
}
