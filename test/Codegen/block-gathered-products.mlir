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

// Left whole: the sample's index used other than as the first index of the
// product's view (the rows read are then not known to be the sample's).
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
