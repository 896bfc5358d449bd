// Column sums for column-sums-correctness.test: each function's outputs
// start from their given values, as the generic reads them.
#row = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#last = affine_map<(d0, d1, d2, d3) -> (d3)>

// Batch normalisation's statistics about a shift k.
func.func @stats(%x: memref<37x32xf32>, %k: memref<32xf32>, %s1: memref<32xf32>, %s2: memref<32xf32>) {
  linalg.generic {indexing_maps = [#row, #col, #col, #col], iterator_types = ["reduction", "parallel"]}
      ins(%x, %k : memref<37x32xf32>, memref<32xf32>) outs(%s1, %s2 : memref<32xf32>, memref<32xf32>) {
  ^bb0(%xi: f32, %ki: f32, %a: f32, %b: f32):
    %d = arith.subf %xi, %ki : f32
    %n1 = arith.addf %a, %d : f32
    %n2 = math.fma %d, %d, %b : f32
    linalg.yield %n1, %n2 : f32, f32
  }
  return
}

// A bias gradient over [N, H, W, C].
func.func @bias4(%dy: memref<3x5x7x16xf32>, %db: memref<16xf32>) {
  linalg.generic {indexing_maps = [#id4, #last], iterator_types = ["reduction", "reduction", "reduction", "parallel"]}
      ins(%dy : memref<3x5x7x16xf32>) outs(%db : memref<16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.addf %in, %out : f32
    linalg.yield %0 : f32
  }
  return
}

// Batch normalisation's gradient sums: sum(dy * (x - mean)) and sum(dy).
func.func @grad(%dy: memref<29x64xf32>, %x: memref<29x64xf32>, %mean: memref<64xf32>, %o1: memref<64xf32>, %o2: memref<64xf32>) {
  linalg.generic {indexing_maps = [#row, #row, #col, #col, #col], iterator_types = ["reduction", "parallel"]}
      ins(%dy, %x, %mean : memref<29x64xf32>, memref<29x64xf32>, memref<64xf32>) outs(%o1, %o2 : memref<64xf32>, memref<64xf32>) {
  ^bb0(%g: f32, %xi: f32, %m: f32, %a: f32, %b: f32):
    %d = arith.subf %xi, %m : f32
    %n1 = math.fma %g, %d, %a : f32
    %n2 = arith.addf %b, %g : f32
    linalg.yield %n1, %n2 : f32, f32
  }
  return
}

// Ten columns (no whole number of vector registers), a ReLU's gradient
// summed, a running maximum, and a scalar from above.
func.func @narrow(%x: memref<33x10xf32>, %o1: memref<10xf32>, %o2: memref<10xf32>, %s: f32) {
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [#row, #col, #col], iterator_types = ["reduction", "parallel"]}
      ins(%x : memref<33x10xf32>) outs(%o1, %o2 : memref<10xf32>, memref<10xf32>) {
  ^bb0(%xi: f32, %a: f32, %b: f32):
    %pos = arith.cmpf ogt, %xi, %zero : f32
    %r = arith.select %pos, %xi, %zero : f32
    %rs = arith.mulf %r, %s : f32
    %n1 = arith.addf %a, %rs : f32
    %n2 = arith.maximumf %b, %xi : f32
    linalg.yield %n1, %n2 : f32, f32
  }
  return
}

// Batch normalisation's gradient sums over [N, H, W, C] with the gradient
// of a 2x2 max pooling computed in place: per row (n, h, w) the window
// (h / 2, w / 2) and the offset, scalars; per column the argmax and the
// pooled gradient read as rows of the pooled tensors (the last row and
// column of the odd-sized input lie in no window).
func.func @pooled_grad(%x: memref<2x5x5x16xf32>, %mean: memref<16xf32>, %am: memref<2x2x2x16xi32>, %g: memref<2x2x2x16xf32>, %o1: memref<16xf32>, %o2: memref<16xf32>) {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [#id4, #last, #last, #last], iterator_types = ["reduction", "reduction", "reduction", "parallel"]}
      ins(%x, %mean : memref<2x5x5x16xf32>, memref<16xf32>) outs(%o1, %o2 : memref<16xf32>, memref<16xf32>) {
  ^bb0(%xi: f32, %m: f32, %a: f32, %b: f32):
    %n = linalg.index 0 : index
    %h = linalg.index 1 : index
    %w = linalg.index 2 : index
    %c = linalg.index 3 : index
    %i = arith.divui %h, %c2 : index
    %j = arith.divui %w, %c2 : index
    %iok = arith.cmpi ult, %i, %c2 : index
    %jok = arith.cmpi ult, %j, %c2 : index
    %ok = arith.andi %iok, %jok : i1
    %ic = arith.select %ok, %i, %c0 : index
    %jc = arith.select %ok, %j, %c0 : index
    %dh = arith.remui %h, %c2 : index
    %dw = arith.remui %w, %c2 : index
    %dh2 = arith.muli %dh, %c2 : index
    %off = arith.addi %dh2, %dw : index
    %off32 = arith.index_cast %off : index to i32
    %best = memref.load %am[%n, %ic, %jc, %c] : memref<2x2x2x16xi32>
    %is = arith.cmpi eq, %best, %off32 : i32
    %hit = arith.andi %ok, %is : i1
    %gv = memref.load %g[%n, %ic, %jc, %c] : memref<2x2x2x16xf32>
    %dy = arith.select %hit, %gv, %zero : f32
    %d = arith.subf %xi, %m : f32
    %n1 = math.fma %dy, %d, %a : f32
    %n2 = arith.addf %b, %dy : f32
    linalg.yield %n1, %n2 : f32, f32
  }
  return
}

// A row copy, not a sum: a 'same' 3 x 3 convolution's im2col over a
// [2, 4, 4, 32] input, as the conv2d lowering writes it (the inputs only
// give the loops their extents; positions outside the input read 0).
func.func @im2col(%shape: memref<2x4x4xf32>, %taps: memref<3x3x32xf32>, %x: memref<2x4x4x32xf32>, %cols: memref<32x288xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [affine_map<(n, h, w, i, j, c) -> (n, h, w)>, affine_map<(n, h, w, i, j, c) -> (i, j, c)>, affine_map<(n, h, w, i, j, c) -> ((n * 4 + h) * 4 + w, (i * 3 + j) * 32 + c)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%shape, %taps : memref<2x4x4xf32>, memref<3x3x32xf32>) outs(%cols : memref<32x288xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %n = linalg.index 0 : index
    %h = linalg.index 1 : index
    %w = linalg.index 2 : index
    %i = linalg.index 3 : index
    %j = linalg.index 4 : index
    %c = linalg.index 5 : index
    %hi0 = arith.addi %h, %i : index
    %hi = arith.subi %hi0, %c1 : index
    %wj0 = arith.addi %w, %j : index
    %wj = arith.subi %wj0, %c1 : index
    %h_lo = arith.cmpi sge, %hi, %c0 : index
    %h_hi = arith.cmpi slt, %hi, %c4 : index
    %h_in = arith.andi %h_lo, %h_hi : i1
    %w_lo = arith.cmpi sge, %wj, %c0 : index
    %w_hi = arith.cmpi slt, %wj, %c4 : index
    %w_in = arith.andi %w_lo, %w_hi : i1
    %in = arith.andi %h_in, %w_in : i1
    %hs = arith.select %h_in, %hi, %c0 : index
    %ws = arith.select %w_in, %wj, %c0 : index
    %v = memref.load %x[%n, %hs, %ws, %c] : memref<2x4x4x32xf32>
    %r = arith.select %in, %v, %zero : f32
    linalg.yield %r : f32
  }
  return
}
