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
