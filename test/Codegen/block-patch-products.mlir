// dl-block-patch-products: a generic that writes a convolution's patches
// [N * R, K], sample n into rows [n * R, (n + 1) * R) (row map d0 * R + r with
// r covering [0, R)), read only by products into zero fills, as the rows of
// the result (the forward product) or reduced over them (the filter
// gradient), with K above the other operand's columns: each product becomes
// a loop over the samples that makes the sample's patches [R, K] and
// computes its part from them, in a buffer [R, K] of its own; the whole
// patches are gone.
// RUN: dl-opt %s --split-input-file --dl-block-patch-products | FileCheck %s

#rows = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2)>
#cols = affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d4, d5)>
#patch = affine_map<(d0, d1, d2, d3, d4, d5) -> ((d0 * 2 + d1) * 2 + d2, (d3 * 2 + d4) * 2 + d5)>
#km = affine_map<(d0, d1, d2) -> (d2, d0)>
#kn = affine_map<(d0, d1, d2) -> (d2, d1)>
#mn = affine_map<(d0, d1, d2) -> (d0, d1)>

// x [N, 3, 3, 2], a 2x2 kernel: R = 2 * 2 = 4 rows a sample, K = 8 columns.
// CHECK-LABEL: func.func @conv(
// CHECK-SAME:    %[[X:[a-z0-9]+]]: tensor<?x3x3x2xf32>, %[[W:[a-z0-9]+]]: tensor<8x3xf32>, %[[D:[a-z0-9]+]]: tensor<?x3xf32>
// CHECK:       %[[FWD:.*]] = scf.for %[[N:[a-z0-9_]+]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %{{.*}}) -> (tensor<?x3xf32>) {
// The sample's patches in a buffer of their own, not in rows of the whole.
// CHECK-NOT:     tensor.extract_slice {{.*}} : tensor<?x8xf32> to tensor<4x8xf32>
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<4x8xf32>
// CHECK:         %[[P:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x2x2xf32>, tensor<2x2x2xf32>) outs(%[[E]] : tensor<4x8xf32>)
// CHECK:           %[[I:.*]] = linalg.index 0 : index
// CHECK:           %[[S:.*]] = affine.apply #{{.*}}(%[[N]])[%[[I]]]
// CHECK:           tensor.extract %[[X]][%[[S]], %{{.*}}, %{{.*}}, %{{.*}}]
// CHECK:         %[[ROW:.*]] = arith.muli %[[N]], %{{.*}} : index
// CHECK:         %[[SL:.*]] = tensor.extract_slice %[[ACC]][%[[ROW]], 0] [4, 3] [1, 1]
// CHECK:         %[[F:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[SL]] : tensor<4x3xf32>)
// CHECK:         %[[M:.*]] = linalg.matmul ins(%[[P]], %[[W]] : tensor<4x8xf32>, tensor<8x3xf32>) outs(%[[F]] : tensor<4x3xf32>)
// CHECK:         %[[IN:.*]] = tensor.insert_slice %[[M]] into %[[ACC]][%[[ROW]], 0] [4, 3] [1, 1]
// CHECK:         scf.yield %[[IN]]
// CHECK:       %[[ZERO:.*]] = linalg.fill {{.*}} -> tensor<8x3xf32>
// CHECK:       %[[GRAD:.*]] = scf.for %[[N2:[a-z0-9_]+]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[G:.*]] = %[[ZERO]]) -> (tensor<8x3xf32>) {
// CHECK-NOT:     tensor.extract_slice {{.*}} : tensor<?x8xf32> to tensor<4x8xf32>
// CHECK:         %[[E2:.*]] = tensor.empty() : tensor<4x8xf32>
// CHECK:         %[[P2:.*]] = linalg.generic {{.*}} outs(%[[E2]] : tensor<4x8xf32>)
// CHECK:         %[[ROW2:.*]] = arith.muli %[[N2]], %{{.*}} : index
// CHECK:         %[[DN:.*]] = tensor.extract_slice %[[D]][%[[ROW2]], 0] [4, 3] [1, 1]
// CHECK:         %[[M2:.*]] = linalg.matmul indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}] ins(%[[P2]], %[[DN]] : tensor<4x8xf32>, tensor<4x3xf32>) outs(%[[G]] : tensor<8x3xf32>)
// CHECK:         scf.yield %[[M2]]
// CHECK:       return %[[FWD]], %[[GRAD]]
func.func @conv(%x: tensor<?x3x3x2xf32>, %w: tensor<8x3xf32>, %d: tensor<?x3xf32>) -> (tensor<?x3xf32>, tensor<8x3xf32>) {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?x3x3x2xf32>
  %m = arith.muli %n, %c4 : index
  %rs = tensor.empty(%n) : tensor<?x2x2xf32>
  %cs = tensor.empty() : tensor<2x2x2xf32>
  %e = tensor.empty(%m) : tensor<?x8xf32>
  %p = linalg.generic {indexing_maps = [#rows, #cols, #patch], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%rs, %cs : tensor<?x2x2xf32>, tensor<2x2x2xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in: f32, %in2: f32, %out: f32):
    %s = linalg.index 0 : index
    %i = linalg.index 1 : index
    %j = linalg.index 2 : index
    %a = linalg.index 3 : index
    %b = linalg.index 4 : index
    %c = linalg.index 5 : index
    %y = arith.addi %i, %a : index
    %z = arith.addi %j, %b : index
    %v = tensor.extract %x[%s, %y, %z, %c] : tensor<?x3x3x2xf32>
    linalg.yield %v : f32
  } -> tensor<?x8xf32>
  %e1 = tensor.empty(%m) : tensor<?x3xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<?x3xf32>) -> tensor<?x3xf32>
  %fwd = linalg.matmul ins(%p, %w : tensor<?x8xf32>, tensor<8x3xf32>) outs(%f1 : tensor<?x3xf32>) -> tensor<?x3xf32>
  %e2 = tensor.empty() : tensor<8x3xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<8x3xf32>) -> tensor<8x3xf32>
  %grad = linalg.matmul indexing_maps = [#km, #kn, #mn] ins(%p, %d : tensor<?x8xf32>, tensor<?x3xf32>) outs(%f2 : tensor<8x3xf32>) -> tensor<8x3xf32>
  return %fwd, %grad : tensor<?x3xf32>, tensor<8x3xf32>
}

// -----

// Left whole: the product's other operand has as many columns as the
// patches (K = 8, 8 filters), and the patches are a small part of its
// traffic (the first convolution of a CNN, K = 9 against 32).
// CHECK-LABEL: func.func @few_columns(
// CHECK-NOT:   scf.for
// CHECK:       linalg.generic
// CHECK:       linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<?x8xf32>, tensor<8x8xf32>)
#rows = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2)>
#cols = affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d4, d5)>
#patch = affine_map<(d0, d1, d2, d3, d4, d5) -> ((d0 * 2 + d1) * 2 + d2, (d3 * 2 + d4) * 2 + d5)>
func.func @few_columns(%x: tensor<?x3x3x2xf32>, %w: tensor<8x8xf32>) -> tensor<?x8xf32> {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?x3x3x2xf32>
  %m = arith.muli %n, %c4 : index
  %rs = tensor.empty(%n) : tensor<?x2x2xf32>
  %cs = tensor.empty() : tensor<2x2x2xf32>
  %e = tensor.empty(%m) : tensor<?x8xf32>
  %p = linalg.generic {indexing_maps = [#rows, #cols, #patch], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%rs, %cs : tensor<?x2x2xf32>, tensor<2x2x2xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in: f32, %in2: f32, %out: f32):
    %s = linalg.index 0 : index
    %i = linalg.index 1 : index
    %c = linalg.index 5 : index
    %v = tensor.extract %x[%s, %i, %i, %c] : tensor<?x3x3x2xf32>
    linalg.yield %v : f32
  } -> tensor<?x8xf32>
  %e1 = tensor.empty(%m) : tensor<?x8xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<?x8xf32>) -> tensor<?x8xf32>
  %fwd = linalg.matmul ins(%p, %w : tensor<?x8xf32>, tensor<8x8xf32>) outs(%f1 : tensor<?x8xf32>) -> tensor<?x8xf32>
  return %fwd : tensor<?x8xf32>
}

// -----

// Left whole: the patches have a user that is not such a product (it would
// need them whole anyway).
// CHECK-LABEL: func.func @other_user(
// CHECK-NOT:   scf.for
// CHECK:       linalg.matmul
#rows = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2)>
#cols = affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d4, d5)>
#patch = affine_map<(d0, d1, d2, d3, d4, d5) -> ((d0 * 2 + d1) * 2 + d2, (d3 * 2 + d4) * 2 + d5)>
func.func @other_user(%x: tensor<?x3x3x2xf32>, %w: tensor<8x3xf32>) -> (tensor<?x3xf32>, tensor<?x8xf32>) {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?x3x3x2xf32>
  %m = arith.muli %n, %c4 : index
  %rs = tensor.empty(%n) : tensor<?x2x2xf32>
  %cs = tensor.empty() : tensor<2x2x2xf32>
  %e = tensor.empty(%m) : tensor<?x8xf32>
  %p = linalg.generic {indexing_maps = [#rows, #cols, #patch], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%rs, %cs : tensor<?x2x2xf32>, tensor<2x2x2xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in: f32, %in2: f32, %out: f32):
    %s = linalg.index 0 : index
    %c = linalg.index 5 : index
    %v = tensor.extract %x[%s, %c0, %c0, %c] : tensor<?x3x3x2xf32>
    linalg.yield %v : f32
  } -> tensor<?x8xf32>
  %e1 = tensor.empty(%m) : tensor<?x3xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<?x3xf32>) -> tensor<?x3xf32>
  %fwd = linalg.matmul ins(%p, %w : tensor<?x8xf32>, tensor<8x3xf32>) outs(%f1 : tensor<?x3xf32>) -> tensor<?x3xf32>
  return %fwd, %p : tensor<?x3xf32>, tensor<?x8xf32>
}

// -----

// Left whole: rows d0 * 5 + r with r in [0, 4) leave a row of every sample
// unwritten (the patches' layout is not one of whole samples).
// CHECK-LABEL: func.func @gap(
// CHECK-NOT:   scf.for
// CHECK:       linalg.matmul
#rows = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2)>
#cols = affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d4, d5)>
#gap = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0 * 5 + d1 * 2 + d2, (d3 * 2 + d4) * 2 + d5)>
func.func @gap(%x: tensor<?x3x3x2xf32>, %w: tensor<8x3xf32>, %m: index) -> tensor<?x3xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?x3x3x2xf32>
  %rs = tensor.empty(%n) : tensor<?x2x2xf32>
  %cs = tensor.empty() : tensor<2x2x2xf32>
  %e = tensor.empty(%m) : tensor<?x8xf32>
  %p = linalg.generic {indexing_maps = [#rows, #cols, #gap], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%rs, %cs : tensor<?x2x2xf32>, tensor<2x2x2xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in: f32, %in2: f32, %out: f32):
    %s = linalg.index 0 : index
    %c = linalg.index 5 : index
    %v = tensor.extract %x[%s, %c0, %c0, %c] : tensor<?x3x3x2xf32>
    linalg.yield %v : f32
  } -> tensor<?x8xf32>
  %e1 = tensor.empty(%m) : tensor<?x3xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<?x3xf32>) -> tensor<?x3xf32>
  %fwd = linalg.matmul ins(%p, %w : tensor<?x8xf32>, tensor<8x3xf32>) outs(%f1 : tensor<?x3xf32>) -> tensor<?x3xf32>
  return %fwd : tensor<?x3xf32>
}
