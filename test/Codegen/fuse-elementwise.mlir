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

// -----

#rows = affine_map<(d0, d1, d2, d3) -> ((d0 * 4 + d1) * 4 + d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (d3)>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#win = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
#out = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>

// A biased ReLU read only by a max pooling's windows (2x2, stride 2: as
// many window reads as elements): computed inside the pooling, from the
// product's rows and the bias at the positions the window reads, and
// never written. The product [N * 16, 3] (row n * 16 + 4 h + w) is read
// through a view [N, 16, 3] with the sample index first, made before the
// pooling (so dl-block-gathered-products can pool it a sample at a time).
// CHECK-LABEL: func.func @into_pooling(
// CHECK-SAME:    %[[M:[^:]*]]: tensor<?x3xf32>, %[[B:[^:]*]]: tensor<3xf32>
// CHECK:       %[[ROWS:.*]] = tensor.dim %[[M]], %{{.*}} : tensor<?x3xf32>
// CHECK:       %[[N:.*]] = arith.divui %[[ROWS]], %{{.*}} : index
// CHECK:       %[[MV:.*]] = tensor.expand_shape %[[M]] {{\[}}[0, 1], [2]] output_shape [%[[N]], 16, 3] : tensor<?x3xf32> into tensor<?x16x3xf32>
// CHECK:       linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK:         %[[I0:.*]] = linalg.index 0 : index
// CHECK:         %[[R:.*]] = affine.apply
// CHECK:         %[[V:.*]] = tensor.extract %[[MV]][%[[I0]], %[[R]], %{{.*}}] : tensor<?x16x3xf32>
// CHECK:         %[[BC:.*]] = tensor.extract %[[B]][%{{.*}}] : tensor<3xf32>
// CHECK:         %[[S:.*]] = arith.addf %[[V]], %[[BC]]
// CHECK:         %[[RELU:.*]] = arith.maximumf %[[S]], %{{.*}}
// CHECK:         arith.maximumf %[[RELU]], %{{.*}}
// CHECK-NOT:   linalg.generic
func.func @into_pooling(%m: tensor<?x3xf32>, %b: tensor<3xf32>, %n: index) -> tensor<?x2x2x3xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty(%n) : tensor<?x4x4x3xf32>
  %y = linalg.generic {indexing_maps = [#rows, #ch, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%m, %b : tensor<?x3xf32>, tensor<3xf32>) outs(%e : tensor<?x4x4x3xf32>) {
  ^bb0(%mi: f32, %bi: f32, %o: f32):
    %s = arith.addf %mi, %bi : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<?x4x4x3xf32>
  %w = tensor.empty() : tensor<2x2xf32>
  %init = tensor.empty(%n) : tensor<?x2x2x3xf32>
  %p = linalg.generic {indexing_maps = [#win, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%w : tensor<2x2xf32>) outs(%init : tensor<?x2x2x3xf32>) {
  ^bb0(%wi: f32, %acc: f32):
    %i0 = linalg.index 0 : index
    %i1 = linalg.index 1 : index
    %i2 = linalg.index 2 : index
    %i3 = linalg.index 3 : index
    %a = linalg.index 4 : index
    %c = linalg.index 5 : index
    %h = affine.apply affine_map<(d0, d1) -> (d0 * 2 + d1)>(%i1, %a)
    %x = affine.apply affine_map<(d0, d1) -> (d0 * 2 + d1)>(%i2, %c)
    %v = tensor.extract %y[%i0, %h, %x, %i3] : tensor<?x4x4x3xf32>
    %mx = arith.maximumf %v, %acc : f32
    linalg.yield %mx : f32
  } -> tensor<?x2x2x3xf32>
  return %p : tensor<?x2x2x3xf32>
}

// -----

#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#win = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
#out = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>

// Left alone: a gather that reads each element of the producer four times
// (a max pooling's gradient over its 2x2 windows), a producer with a
// division (not cheap to compute again), and a producer with another use.
// CHECK-LABEL: func.func @not_into_extract(
// CHECK:       %[[MASKED:.*]] = linalg.generic
// CHECK:       %[[HALVED:.*]] = linalg.generic
// CHECK:       %[[SHARED:.*]] = linalg.generic
// CHECK:       tensor.extract %[[MASKED]]
// CHECK:       tensor.extract %[[HALVED]]
// CHECK:       tensor.extract %[[SHARED]]
func.func @not_into_extract(%g: tensor<?x2x2x3xf32>, %q: tensor<?x2x2x3xf32>, %n: index) -> (tensor<?x4x4x3xf32>, tensor<?x4x4x3xf32>, tensor<?x4x4x3xf32>, tensor<?x2x2x3xf32>) {
  %zero = arith.constant 0.0 : f32
  %two = arith.constant 2.0 : f32
  %e = tensor.empty(%n) : tensor<?x2x2x3xf32>
  %masked = linalg.generic {indexing_maps = [#id4, #id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%g, %q : tensor<?x2x2x3xf32>, tensor<?x2x2x3xf32>) outs(%e : tensor<?x2x2x3xf32>) {
  ^bb0(%gi: f32, %qi: f32, %o: f32):
    %pos = arith.cmpf ogt, %qi, %zero : f32
    %r = arith.select %pos, %gi, %zero : f32
    linalg.yield %r : f32
  } -> tensor<?x2x2x3xf32>
  %halved = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%g : tensor<?x2x2x3xf32>) outs(%e : tensor<?x2x2x3xf32>) {
  ^bb0(%gi: f32, %o: f32):
    %r = arith.divf %gi, %two : f32
    linalg.yield %r : f32
  } -> tensor<?x2x2x3xf32>
  %shared = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%g : tensor<?x2x2x3xf32>) outs(%e : tensor<?x2x2x3xf32>) {
  ^bb0(%gi: f32, %o: f32):
    %r = arith.addf %gi, %gi : f32
    linalg.yield %r : f32
  } -> tensor<?x2x2x3xf32>
  %one = tensor.empty() : tensor<1x1xf32>
  %init = tensor.empty(%n) : tensor<?x4x4x3xf32>
  %d0 = linalg.generic {indexing_maps = [#win, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%one : tensor<1x1xf32>) outs(%init : tensor<?x4x4x3xf32>) {
  ^bb0(%wi: f32, %acc: f32):
    %i0 = linalg.index 0 : index
    %i1 = linalg.index 1 : index
    %i2 = linalg.index 2 : index
    %i3 = linalg.index 3 : index
    %h = affine.apply affine_map<(d0) -> (d0 floordiv 2)>(%i1)
    %x = affine.apply affine_map<(d0) -> (d0 floordiv 2)>(%i2)
    %v = tensor.extract %masked[%i0, %h, %x, %i3] : tensor<?x2x2x3xf32>
    %s = arith.addf %acc, %v : f32
    linalg.yield %s : f32
  } -> tensor<?x4x4x3xf32>
  %w = tensor.empty() : tensor<2x2xf32>
  %init2 = tensor.empty(%n) : tensor<?x1x1x3xf32>
  %d1 = linalg.generic {indexing_maps = [#win, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%w : tensor<2x2xf32>) outs(%init : tensor<?x4x4x3xf32>) {
  ^bb0(%wi: f32, %acc: f32):
    %i0 = linalg.index 0 : index
    %a = linalg.index 4 : index
    %c = linalg.index 5 : index
    %i3 = linalg.index 3 : index
    %v = tensor.extract %halved[%i0, %a, %c, %i3] : tensor<?x2x2x3xf32>
    %s = arith.addf %acc, %v : f32
    linalg.yield %s : f32
  } -> tensor<?x4x4x3xf32>
  %d2 = linalg.generic {indexing_maps = [#win, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%w : tensor<2x2xf32>) outs(%init : tensor<?x4x4x3xf32>) {
  ^bb0(%wi: f32, %acc: f32):
    %i0 = linalg.index 0 : index
    %a = linalg.index 4 : index
    %c = linalg.index 5 : index
    %i3 = linalg.index 3 : index
    %v = tensor.extract %shared[%i0, %a, %c, %i3] : tensor<?x2x2x3xf32>
    %s = arith.addf %acc, %v : f32
    linalg.yield %s : f32
  } -> tensor<?x4x4x3xf32>
  return %d0, %d1, %d2, %shared : tensor<?x4x4x3xf32>, tensor<?x4x4x3xf32>, tensor<?x4x4x3xf32>, tensor<?x2x2x3xf32>
}

// -----

#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch4 = affine_map<(d0, d1, d2, d3) -> (d3)>

// A max pooling's gradient where windows do not overlap (2x2, stride 2),
// read at each position by batch normalisation's sums and by its dx: both
// compute it where they read it (the argmax and pooled gradient read at the
// pooled position), and the [N, 4, 4, 3] tensor is not written.
// CHECK-LABEL: func.func @recompute_in_consumers(
// CHECK-SAME:    %[[G:[^:]*]]: tensor<?x2x2x3xf32>, %[[AM:[^:]*]]: tensor<?x2x2x3xi32>
// CHECK:       linalg.generic {{.*}} iterator_types = ["reduction", "reduction", "reduction", "parallel"]} ins(%{{.*}}, %{{.*}} : tensor<?x4x4x3xf32>, tensor<3xf32>)
// CHECK-DAG:     tensor.extract %[[AM]]
// CHECK-DAG:     tensor.extract %[[G]]
// CHECK:         math.fma
// CHECK:       linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%{{.*}}, %{{.*}} : tensor<?x4x4x3xf32>, tensor<3xf32>)
// CHECK-DAG:     tensor.extract %[[AM]]
// CHECK-DAG:     tensor.extract %[[G]]
// CHECK:         arith.mulf
// CHECK-NOT:   linalg.generic
func.func @recompute_in_consumers(%g: tensor<?x2x2x3xf32>, %am: tensor<?x2x2x3xi32>, %x: tensor<?x4x4x3xf32>, %mean: tensor<3xf32>, %n: index) -> (tensor<3xf32>, tensor<?x4x4x3xf32>) {
  %zero = arith.constant 0.0 : f32
  %c2 = arith.constant 2 : index
  %e = tensor.empty(%n) : tensor<?x4x4x3xf32>
  %dy = linalg.generic {indexing_maps = [#id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      outs(%e : tensor<?x4x4x3xf32>) {
  ^bb0(%o: f32):
    %i0 = linalg.index 0 : index
    %i1 = linalg.index 1 : index
    %i2 = linalg.index 2 : index
    %i3 = linalg.index 3 : index
    %h = arith.divui %i1, %c2 : index
    %w = arith.divui %i2, %c2 : index
    %a = arith.remui %i1, %c2 : index
    %b = arith.remui %i2, %c2 : index
    %a2 = arith.muli %a, %c2 : index
    %off = arith.addi %a2, %b : index
    %off32 = arith.index_cast %off : index to i32
    %best = tensor.extract %am[%i0, %h, %w, %i3] : tensor<?x2x2x3xi32>
    %hit = arith.cmpi eq, %best, %off32 : i32
    %v = tensor.extract %g[%i0, %h, %w, %i3] : tensor<?x2x2x3xf32>
    %r = arith.select %hit, %v, %zero : f32
    linalg.yield %r : f32
  } -> tensor<?x4x4x3xf32>
  %z = tensor.empty() : tensor<3xf32>
  %sum = linalg.generic {indexing_maps = [#id4, #id4, #ch4, #ch4], iterator_types = ["reduction", "reduction", "reduction", "parallel"]}
      ins(%dy, %x, %mean : tensor<?x4x4x3xf32>, tensor<?x4x4x3xf32>, tensor<3xf32>) outs(%z : tensor<3xf32>) {
  ^bb0(%d: f32, %xi: f32, %m: f32, %acc: f32):
    %c = arith.subf %xi, %m : f32
    %f = math.fma %d, %c, %acc : f32
    linalg.yield %f : f32
  } -> tensor<3xf32>
  %dx = linalg.generic {indexing_maps = [#id4, #id4, #ch4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%dy, %x, %mean : tensor<?x4x4x3xf32>, tensor<?x4x4x3xf32>, tensor<3xf32>) outs(%e : tensor<?x4x4x3xf32>) {
  ^bb0(%d: f32, %xi: f32, %m: f32, %o: f32):
    %c = arith.subf %xi, %m : f32
    %p = arith.mulf %d, %c : f32
    linalg.yield %p : f32
  } -> tensor<?x4x4x3xf32>
  return %sum, %dx : tensor<3xf32>, tensor<?x4x4x3xf32>
}

// -----

#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#rows = affine_map<(d0, d1) -> (d0, d1)>

// Left in memory: a gradient one of whose uses is not a generic of its own
// loops (the filter gradient's product reads it as rows).
// CHECK-LABEL: func.func @recompute_not_for_rows(
// CHECK:       %[[DY:.*]] = linalg.generic
// CHECK:         tensor.extract
// CHECK:       linalg.generic {{.*}} ins(%[[DY]] : tensor<?x4x4x3xf32>)
// CHECK:       tensor.collapse_shape %[[DY]]
func.func @recompute_not_for_rows(%g: tensor<?x2x2x3xf32>, %n: index) -> (tensor<?x4x4x3xf32>, tensor<?x3xf32>) {
  %c2 = arith.constant 2 : index
  %e = tensor.empty(%n) : tensor<?x4x4x3xf32>
  %dy = linalg.generic {indexing_maps = [#id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      outs(%e : tensor<?x4x4x3xf32>) {
  ^bb0(%o: f32):
    %i0 = linalg.index 0 : index
    %i1 = linalg.index 1 : index
    %i2 = linalg.index 2 : index
    %i3 = linalg.index 3 : index
    %h = arith.divui %i1, %c2 : index
    %w = arith.divui %i2, %c2 : index
    %v = tensor.extract %g[%i0, %h, %w, %i3] : tensor<?x2x2x3xf32>
    linalg.yield %v : f32
  } -> tensor<?x4x4x3xf32>
  %neg = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%dy : tensor<?x4x4x3xf32>) outs(%e : tensor<?x4x4x3xf32>) {
  ^bb0(%d: f32, %o: f32):
    %m = arith.negf %d : f32
    linalg.yield %m : f32
  } -> tensor<?x4x4x3xf32>
  %rows = tensor.collapse_shape %dy [[0, 1, 2], [3]] : tensor<?x4x4x3xf32> into tensor<?x3xf32>
  return %neg, %rows : tensor<?x4x4x3xf32>, tensor<?x3xf32>
}

// -----

#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch4 = affine_map<(d0, d1, d2, d3) -> (d3)>

// Left in memory: a gather that reads more than it makes (a convolution's
// input gradient, col2im: dcols [N, 16, 2, 3] for dx [N, 4, 4, 3], two
// kernel offsets per position). Recomputed in both consumers, each would
// read all of dcols; made once, dl-block-gathered-products blocks it.
// CHECK-LABEL: func.func @recompute_not_for_larger_sources(
// CHECK:       %[[DX:.*]] = linalg.generic
// CHECK-COUNT-2: tensor.extract
// CHECK:       linalg.generic {{.*}} ins(%[[DX]], %{{.*}}, %{{.*}} : tensor<?x4x4x3xf32>, tensor<?x4x4x3xf32>, tensor<3xf32>)
// CHECK:       linalg.generic {{.*}} ins(%[[DX]], %{{.*}}, %{{.*}} : tensor<?x4x4x3xf32>, tensor<?x4x4x3xf32>, tensor<3xf32>)
func.func @recompute_not_for_larger_sources(%dcols: tensor<?x16x2x3xf32>, %x: tensor<?x4x4x3xf32>, %mean: tensor<3xf32>, %n: index) -> (tensor<3xf32>, tensor<?x4x4x3xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %e = tensor.empty(%n) : tensor<?x4x4x3xf32>
  %dy = linalg.generic {indexing_maps = [#id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      outs(%e : tensor<?x4x4x3xf32>) {
  ^bb0(%o: f32):
    %i0 = linalg.index 0 : index
    %i1 = linalg.index 1 : index
    %i2 = linalg.index 2 : index
    %i3 = linalg.index 3 : index
    %r4 = arith.muli %i1, %c4 : index
    %row = arith.addi %r4, %i2 : index
    %a = tensor.extract %dcols[%i0, %row, %c0, %i3] : tensor<?x16x2x3xf32>
    %b = tensor.extract %dcols[%i0, %row, %c1, %i3] : tensor<?x16x2x3xf32>
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<?x4x4x3xf32>
  %z = tensor.empty() : tensor<3xf32>
  %sum = linalg.generic {indexing_maps = [#id4, #id4, #ch4, #ch4], iterator_types = ["reduction", "reduction", "reduction", "parallel"]}
      ins(%dy, %x, %mean : tensor<?x4x4x3xf32>, tensor<?x4x4x3xf32>, tensor<3xf32>) outs(%z : tensor<3xf32>) {
  ^bb0(%d: f32, %xi: f32, %m: f32, %acc: f32):
    %c = arith.subf %xi, %m : f32
    %f = math.fma %d, %c, %acc : f32
    linalg.yield %f : f32
  } -> tensor<3xf32>
  %dx = linalg.generic {indexing_maps = [#id4, #id4, #ch4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%dy, %x, %mean : tensor<?x4x4x3xf32>, tensor<?x4x4x3xf32>, tensor<3xf32>) outs(%e : tensor<?x4x4x3xf32>) {
  ^bb0(%d: f32, %xi: f32, %m: f32, %o: f32):
    %c = arith.subf %xi, %m : f32
    %p = arith.mulf %d, %c : f32
    linalg.yield %p : f32
  } -> tensor<?x4x4x3xf32>
  return %sum, %dx : tensor<3xf32>, tensor<?x4x4x3xf32>
}
