// dl-fuse-elementwise: upstream's elementwise fusion, but no producer is
// fused into a loop that broadcasts it, and no reshape moves into a generic
// with a reduction.
// RUN: dl-opt %s --split-input-file --dl-fuse-elementwise | FileCheck %s

#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
#v = affine_map<(d0) -> (d0)>

// The per-channel scale gamma / sqrt(var + eps) stays a [C] loop: fused, it
// would be a square root and a division per element of [R, C]. The
// elementwise producer of the same shape (x - mean) is fused.
// CHECK-LABEL: func.func @broadcast_producer(
// CHECK:       %[[S:.*]] = linalg.generic {{.*}} iterator_types = ["parallel"]} ins(%{{.*}}, %{{.*}} : tensor<32xf32>, tensor<32xf32>)
// CHECK:         math.sqrt
// CHECK:       } -> tensor<32xf32>
// CHECK:       %[[Y:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]} ins(%{{.*}}, %{{.*}}, %[[S]] : tensor<?x32xf32>, tensor<32xf32>, tensor<32xf32>)
// CHECK-NOT:     math.sqrt
// CHECK:         arith.subf
// CHECK:         arith.mulf
// CHECK:       } -> tensor<?x32xf32>
// CHECK-NOT:   linalg.generic
// CHECK:       return %[[Y]]
func.func @broadcast_producer(%x: tensor<?x32xf32>, %mean: tensor<32xf32>, %gamma: tensor<32xf32>, %var: tensor<32xf32>) -> tensor<?x32xf32> {
  %eps = arith.constant 1.0e-3 : f32
  %e = tensor.empty() : tensor<32xf32>
  %scale = linalg.generic {indexing_maps = [#v, #v, #v], iterator_types = ["parallel"]}
      ins(%gamma, %var : tensor<32xf32>, tensor<32xf32>) outs(%e : tensor<32xf32>) {
  ^bb0(%g: f32, %vv: f32, %o: f32):
    %a = arith.addf %vv, %eps : f32
    %s = math.sqrt %a : f32
    %r = arith.divf %g, %s : f32
    linalg.yield %r : f32
  } -> tensor<32xf32>
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x32xf32>
  %e2 = tensor.empty(%n) : tensor<?x32xf32>
  %d = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %mean : tensor<?x32xf32>, tensor<32xf32>) outs(%e2 : tensor<?x32xf32>) {
  ^bb0(%xi: f32, %m: f32, %o: f32):
    %r = arith.subf %xi, %m : f32
    linalg.yield %r : f32
  } -> tensor<?x32xf32>
  %y = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%d, %scale : tensor<?x32xf32>, tensor<32xf32>) outs(%e2 : tensor<?x32xf32>) {
  ^bb0(%di: f32, %s: f32, %o: f32):
    %r = arith.mulf %di, %s : f32
    linalg.yield %r : f32
  } -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}

// -----

#mk = affine_map<(d0, d1, d2) -> (d2, d0)>
#kn = affine_map<(d0, d1, d2) -> (d2, d1)>
#mn = affine_map<(d0, d1, d2) -> (d0, d1)>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// A convolution's filter gradient cols^T x dy reads dy [N, H, W, F] through
// a collapse_shape: the product keeps its rank-2 form (expanded, it was a
// 5-D loop nest out of the contraction kernels' reach). An elementwise
// generic still takes the reshape: it runs over [N, H, W, F] and its result
// is collapsed instead.
// CHECK-LABEL: func.func @product_keeps_reshape(
// CHECK:       %[[DY:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0, 1, 2], [3]] : tensor<?x26x26x32xf32> into tensor<?x32xf32>
// CHECK:       linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%{{.*}}, %[[DY]] : tensor<?x9xf32>, tensor<?x32xf32>)
func.func @product_keeps_reshape(%cols: tensor<?x9xf32>, %dy: tensor<?x26x26x32xf32>) -> tensor<9x32xf32> {
  %m = tensor.collapse_shape %dy [[0, 1, 2], [3]] : tensor<?x26x26x32xf32> into tensor<?x32xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<9x32xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<9x32xf32>) -> tensor<9x32xf32>
  %r = linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%cols, %m : tensor<?x9xf32>, tensor<?x32xf32>) outs(%z : tensor<9x32xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  } -> tensor<9x32xf32>
  return %r : tensor<9x32xf32>
}

// CHECK-LABEL: func.func @elementwise_takes_reshape(
// CHECK-NOT:   tensor.collapse_shape
// CHECK:       %[[R:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%{{.*}} : tensor<?x26x26x32xf32>)
// CHECK:       tensor.collapse_shape %[[R]]
func.func @elementwise_takes_reshape(%dy: tensor<?x26x26x32xf32>, %out: tensor<?x32xf32>) -> tensor<?x32xf32> {
  %m = tensor.collapse_shape %dy [[0, 1, 2], [3]] : tensor<?x26x26x32xf32> into tensor<?x32xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%m : tensor<?x32xf32>) outs(%out : tensor<?x32xf32>) {
  ^bb0(%a: f32, %o: f32):
    %n = arith.negf %a : f32
    linalg.yield %n : f32
  } -> tensor<?x32xf32>
  return %r : tensor<?x32xf32>
}
