// dl-fuse-contraction-consumers: a large product whose one use is an
// elementwise op is computed a block of rows at a time inside the consumer's
// tile loop, its accumulator a small block-shaped buffer.
// RUN: dl-opt %s --split-input-file --dl-fuse-contraction-consumers \
// RUN:   --canonicalize --cse | FileCheck %s
// RUN: dl-opt %s --split-input-file \
// RUN:   --dl-fuse-contraction-consumers="tile-bytes=65536" \
// RUN:   --canonicalize --cse | FileCheck %s --check-prefix=BIG

#xt = affine_map<(d0, d1, d2) -> (d2, d0)>
#dy = affine_map<(d0, d1, d2) -> (d2, d1)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>
#id = affine_map<(d0, d1) -> (d0, d1)>

// dW = x^T * dy (784 x 128, 401 KB) consumed by an SGD-style update. Rows of
// 512 bytes, 16 KiB blocks: 32 rows, but 16 divides 784 (32 does not), so
// every block is 16 x 128 and static.
// CHECK-LABEL: func.func @dw_update(
// CHECK-SAME:    %[[X:[a-z0-9]+]]: tensor<?x784xf32>, %[[DY:[a-z0-9]+]]: tensor<?x128xf32>, %[[P:[a-z0-9]+]]: tensor<784x128xf32>)
// CHECK:       %[[R:.*]] = scf.for %[[I:.*]] = %c0 to %c784 step %c16 iter_args(%[[PI:.*]] = %[[P]])
// CHECK:         %[[XS:.*]] = tensor.extract_slice %[[X]][0, %[[I]]] [%{{.*}}, 16] [1, 1]
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<16x128xf32>
// CHECK:         %[[F:.*]] = linalg.fill ins(%{{.*}}) outs(%[[E]] : tensor<16x128xf32>)
// CHECK:         %[[G:.*]] = linalg.generic {{.*}} ins(%[[XS]], %{{.*}} : tensor<?x16xf32>, tensor<?x128xf32>) outs(%[[F]] : tensor<16x128xf32>)
// CHECK:         %[[PS:.*]] = tensor.extract_slice %[[PI]][%[[I]], 0] [16, 128] [1, 1]
// CHECK:         %[[U:.*]] = linalg.generic {{.*}} ins(%[[G]] : tensor<16x128xf32>) outs(%[[PS]] : tensor<16x128xf32>)
// CHECK:         %[[INS:.*]] = tensor.insert_slice %[[U]] into %[[PI]][%[[I]], 0] [16, 128] [1, 1]
// CHECK:         scf.yield %[[INS]]
// CHECK:       return %[[R]]
// With 64 KiB blocks (128 rows), 112 is the nearest divisor.
// BIG-LABEL: func.func @dw_update(
// BIG:         scf.for %{{.*}} = %c0 to %c784 step %c112
// BIG:           tensor.empty() : tensor<112x128xf32>
func.func @dw_update(%x: tensor<?x784xf32>, %dy: tensor<?x128xf32>, %p: tensor<784x128xf32>) -> tensor<784x128xf32> {
  %zero = arith.constant 0.0 : f32
  %lr = arith.constant 0.01 : f32
  %e = tensor.empty() : tensor<784x128xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<784x128xf32>) -> tensor<784x128xf32>
  %g = linalg.generic {indexing_maps = [#xt, #dy, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %dy : tensor<?x784xf32>, tensor<?x128xf32>) outs(%f : tensor<784x128xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<784x128xf32>
  %u = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%g : tensor<784x128xf32>) outs(%p : tensor<784x128xf32>) {
  ^bb0(%gi: f32, %pi: f32):
    %d = arith.mulf %gi, %lr : f32
    %n = arith.subf %pi, %d : f32
    linalg.yield %n : f32
  } -> tensor<784x128xf32>
  return %u : tensor<784x128xf32>
}

// -----

#xt = affine_map<(d0, d1, d2) -> (d2, d0)>
#dy = affine_map<(d0, d1, d2) -> (d2, d1)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>
#id = affine_map<(d0, d1) -> (d0, d1)>

// 100 rows of 1 KiB, no multiple of 8 divides 100: blocks of 16 rows, the
// last one 4 rows, so the block shape is dynamic. A consumer with several
// outputs (Adam's parameter, m and v) has each one sliced.
// CHECK-LABEL: func.func @ragged_rows(
// CHECK:       scf.for %[[I:.*]] = %c0 to %c100 step %c16 iter_args(%[[A:.*]] = %{{.*}}, %[[B:.*]] = %{{.*}})
// CHECK:         %[[SZ:.*]] = affine.min #{{.*}}(%[[I]])
// CHECK:         tensor.empty(%[[SZ]]) : tensor<?x256xf32>
// CHECK:         linalg.fill
// CHECK:         linalg.generic {{.*}} outs(%{{.*}} : tensor<?x256xf32>)
// CHECK:         tensor.extract_slice %[[A]][%[[I]], 0] [%[[SZ]], 256]
// CHECK:         tensor.extract_slice %[[B]][%[[I]], 0] [%[[SZ]], 256]
// CHECK:         } -> (tensor<?x256xf32>, tensor<?x256xf32>)
// CHECK:         tensor.insert_slice
func.func @ragged_rows(%x: tensor<?x100xf32>, %dy: tensor<?x256xf32>, %p: tensor<100x256xf32>, %m: tensor<100x256xf32>) -> (tensor<100x256xf32>, tensor<100x256xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<100x256xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<100x256xf32>) -> tensor<100x256xf32>
  %g = linalg.generic {indexing_maps = [#xt, #dy, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %dy : tensor<?x100xf32>, tensor<?x256xf32>) outs(%f : tensor<100x256xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %mul = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %mul : f32
    linalg.yield %s : f32
  } -> tensor<100x256xf32>
  %u:2 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%g : tensor<100x256xf32>) outs(%p, %m : tensor<100x256xf32>, tensor<100x256xf32>) {
  ^bb0(%gi: f32, %pi: f32, %mi: f32):
    %mn = arith.addf %mi, %gi : f32
    %n = arith.subf %pi, %mn : f32
    linalg.yield %n, %mn : f32, f32
  } -> (tensor<100x256xf32>, tensor<100x256xf32>)
  return %u#0, %u#1 : tensor<100x256xf32>, tensor<100x256xf32>
}

// -----

#xt = affine_map<(d0, d1, d2) -> (d2, d0)>
#dy = affine_map<(d0, d1, d2) -> (d2, d1)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>
#id = affine_map<(d0, d1) -> (d0, d1)>
#tr = affine_map<(d0, d1) -> (d1, d0)>

// Left alone: a product used twice (it would be computed twice), one below
// min-bytes (16 KiB: already in L1), and a consumer that is not elementwise
// (a transposed read needs other rows than its own block's).
// CHECK-LABEL: func.func @not_fused(
// CHECK-NOT:   scf.for
// CHECK:       return
func.func @not_fused(%x: tensor<?x784xf32>, %dy: tensor<?x128xf32>, %xs: tensor<?x32xf32>, %p: tensor<784x128xf32>, %q: tensor<32x128xf32>, %t: tensor<128x784xf32>)
    -> (tensor<784x128xf32>, tensor<784x128xf32>, tensor<32x128xf32>, tensor<128x784xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<784x128xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<784x128xf32>) -> tensor<784x128xf32>
  %g = linalg.generic {indexing_maps = [#xt, #dy, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %dy : tensor<?x784xf32>, tensor<?x128xf32>) outs(%f : tensor<784x128xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<784x128xf32>
  %u = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%g : tensor<784x128xf32>) outs(%p : tensor<784x128xf32>) {
  ^bb0(%gi: f32, %pi: f32):
    %n = arith.subf %pi, %gi : f32
    linalg.yield %n : f32
  } -> tensor<784x128xf32>
  %small0 = tensor.empty() : tensor<32x128xf32>
  %small = linalg.generic {indexing_maps = [#xt, #dy, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%xs, %dy : tensor<?x32xf32>, tensor<?x128xf32>) outs(%small0 : tensor<32x128xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<32x128xf32>
  %v = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%small : tensor<32x128xf32>) outs(%q : tensor<32x128xf32>) {
  ^bb0(%gi: f32, %qi: f32):
    %n = arith.subf %qi, %gi : f32
    linalg.yield %n : f32
  } -> tensor<32x128xf32>
  %g2 = linalg.generic {indexing_maps = [#xt, #dy, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %dy : tensor<?x784xf32>, tensor<?x128xf32>) outs(%f : tensor<784x128xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<784x128xf32>
  %w = linalg.generic {indexing_maps = [#tr, #id], iterator_types = ["parallel", "parallel"]}
      ins(%g2 : tensor<784x128xf32>) outs(%t : tensor<128x784xf32>) {
  ^bb0(%gi: f32, %ti: f32):
    %n = arith.subf %ti, %gi : f32
    linalg.yield %n : f32
  } -> tensor<128x784xf32>
  return %u, %g, %v, %w : tensor<784x128xf32>, tensor<784x128xf32>, tensor<32x128xf32>, tensor<128x784xf32>
}
