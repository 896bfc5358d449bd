// dl-collapse-elementwise: elementwise generics over contiguous buffers
// become one 1-D loop over collapse_shape views.
// RUN: dl-opt %s --split-input-file --dl-collapse-elementwise | FileCheck %s

#id = affine_map<(d0, d1) -> (d0, d1)>

// An SGD update of a [128, 10] kernel inside the flat parameter buffer
// (contiguous, offset) and a dynamic block of rows of a [?, 128] buffer:
// both become 1-D.
// CHECK-LABEL: func.func @update(
// CHECK-SAME:    %[[P:[a-z0-9]+]]: memref<128x10xf32, strided<[10, 1], offset: 100480>>, %[[G:[a-z0-9]+]]: memref<128x10xf32>)
// CHECK-DAG:   %[[PC:.*]] = memref.collapse_shape %[[P]] {{\[}}[0, 1]] : memref<128x10xf32, strided<[10, 1], offset: 100480>> into memref<1280xf32, strided<[1], offset: 100480>>
// CHECK-DAG:   %[[GC:.*]] = memref.collapse_shape %[[G]] {{\[}}[0, 1]] : memref<128x10xf32> into memref<1280xf32>
// CHECK:       linalg.generic {{.*}} iterator_types = ["parallel"]} ins(%[[GC]] : memref<1280xf32>) outs(%[[PC]] : memref<1280xf32, strided<[1], offset: 100480>>)
// CHECK-NOT:   linalg.generic
func.func @update(%p: memref<128x10xf32, strided<[10, 1], offset: 100480>>, %g: memref<128x10xf32>) {
  %lr = arith.constant 0.01 : f32
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%g : memref<128x10xf32>) outs(%p : memref<128x10xf32, strided<[10, 1], offset: 100480>>) {
  ^bb0(%gi: f32, %pi: f32):
    %d = arith.mulf %gi, %lr : f32
    %n = arith.subf %pi, %d : f32
    linalg.yield %n : f32
  }
  return
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>

// CHECK-LABEL: func.func @row_block(
// CHECK:       memref.collapse_shape {{.*}} into memref<?xf32, strided<[1], offset: ?>>
// CHECK:       linalg.generic {{.*}} iterator_types = ["parallel"]}
func.func @row_block(%p: memref<?x128xf32, strided<[128, 1], offset: ?>>, %g: memref<?x128xf32>) {
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%g : memref<?x128xf32>) outs(%p : memref<?x128xf32, strided<[128, 1], offset: ?>>) {
  ^bb0(%gi: f32, %pi: f32):
    %n = arith.subf %pi, %gi : f32
    linalg.yield %n : f32
  }
  return
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>

// Left alone: a view with gaps between rows (the first 10 of 16 columns), a
// broadcast operand (not the identity map), and a tensor op.
// CHECK-LABEL: func.func @not_collapsed(
// CHECK-NOT:   memref.collapse_shape
// CHECK-COUNT-3: iterator_types = ["parallel", "parallel"]
func.func @not_collapsed(%p: memref<128x10xf32, strided<[16, 1]>>, %g: memref<128x10xf32>, %b: memref<10xf32>, %q: memref<128x10xf32>, %t: tensor<4x4xf32>) -> tensor<4x4xf32> {
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%g : memref<128x10xf32>) outs(%p : memref<128x10xf32, strided<[16, 1]>>) {
  ^bb0(%gi: f32, %pi: f32):
    %n = arith.subf %pi, %gi : f32
    linalg.yield %n : f32
  }
  linalg.generic {indexing_maps = [#row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%b : memref<10xf32>) outs(%q : memref<128x10xf32>) {
  ^bb0(%bi: f32, %qi: f32):
    %n = arith.addf %qi, %bi : f32
    linalg.yield %n : f32
  }
  %r = linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]}
      outs(%t : tensor<4x4xf32>) {
  ^bb0(%ti: f32):
    %n = arith.addf %ti, %ti : f32
    linalg.yield %n : f32
  } -> tensor<4x4xf32>
  return %r : tensor<4x4xf32>
}

// -----

#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// Left alone: a body that reads its loop indices (a dropout's element
// counter), which the 1-D loop would recover by a division and a remainder
// per element.
// CHECK-LABEL: func.func @reads_indices(
// CHECK-NOT:   memref.collapse_shape
// CHECK:       iterator_types = ["parallel", "parallel", "parallel", "parallel"]
func.func @reads_indices(%x: memref<?x5x5x64xf32>, %y: memref<?x5x5x64xf32>) {
  linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : memref<?x5x5x64xf32>) outs(%y : memref<?x5x5x64xf32>) {
  ^bb0(%xi: f32, %yi: f32):
    %c = linalg.index 3 : index
    %i = arith.index_cast %c : index to i32
    %f = arith.sitofp %i : i32 to f32
    %n = arith.mulf %xi, %f : f32
    linalg.yield %n : f32
  }
  return
}

// -----

// Fills too: the -inf fill before a max-pooling ([?, 13, 13, 32]) becomes
// one 1-D fill (as a loop nest, LLVM vectorised it into scatters); a fill
// of a view with gaps stays as it is.
// CHECK-LABEL: func.func @fills(
// CHECK-SAME:    %[[A:[a-z0-9]+]]: memref<?x13x13x32xf32>, %[[B:[a-z0-9]+]]: memref<4x10xf32, strided<[16, 1]>>)
// CHECK:       %[[FLAT:.*]] = memref.collapse_shape %[[A]] {{\[}}[0, 1, 2, 3]] : memref<?x13x13x32xf32> into memref<?xf32>
// CHECK:       linalg.fill ins(%{{.*}} : f32) outs(%[[FLAT]] : memref<?xf32>)
// CHECK-NOT:   memref.collapse_shape
// CHECK:       linalg.fill ins(%{{.*}} : f32) outs(%[[B]] : memref<4x10xf32, strided<[16, 1]>>)
func.func @fills(%a: memref<?x13x13x32xf32>, %b: memref<4x10xf32, strided<[16, 1]>>) {
  %ninf = arith.constant 0xFF800000 : f32
  linalg.fill ins(%ninf : f32) outs(%a : memref<?x13x13x32xf32>)
  linalg.fill ins(%ninf : f32) outs(%b : memref<4x10xf32, strided<[16, 1]>>)
  return
}
