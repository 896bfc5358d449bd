// dl-vectorize-column-sums: sums over rows into per-column outputs become
// scf.for loops over the rows with vector<C> accumulators as iteration
// arguments, loaded from the outputs before and stored after; row copies
// (all loops parallel) store one vector per row.
// RUN: dl-opt %s --split-input-file --dl-vectorize-column-sums | FileCheck %s

#row = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>

// Batch normalisation's statistics: the sums of x - k and of its square,
// k a per-column input, read once before the loop.
// CHECK-LABEL: func.func @stats(
// CHECK-SAME:    %[[X:[a-z0-9]+]]: memref<?x32xf32, strided<[32, 1], offset: ?>>, %[[K:[a-z0-9]+]]: memref<32xf32>, %[[S1:[a-z0-9]+]]: memref<32xf32>, %[[S2:[a-z0-9]+]]: memref<32xf32>)
// CHECK-DAG:   %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG:   %[[C1:.*]] = arith.constant 1 : index
// CHECK:       %[[KV:.*]] = vector.load %[[K]][%[[C0]]] : memref<32xf32>, vector<32xf32>
// CHECK:       %[[A1:.*]] = vector.load %[[S1]][%[[C0]]] : memref<32xf32>, vector<32xf32>
// CHECK:       %[[A2:.*]] = vector.load %[[S2]][%[[C0]]] : memref<32xf32>, vector<32xf32>
// CHECK:       %[[R:.*]] = memref.dim %[[X]], %[[C0]]
// CHECK:       %[[F:.*]]:2 = scf.for %[[I:.*]] = %{{.*}} to %[[R]] step %[[C1]] iter_args(%[[B1:.*]] = %[[A1]], %[[B2:.*]] = %[[A2]]) -> (vector<32xf32>, vector<32xf32>) {
// CHECK:         %[[XV:.*]] = vector.load %[[X]][%[[I]], %[[C0]]] : memref<?x32xf32, strided<[32, 1], offset: ?>>, vector<32xf32>
// CHECK:         %[[D:.*]] = arith.subf %[[XV]], %[[KV]] : vector<32xf32>
// CHECK:         %[[N1:.*]] = arith.addf %[[B1]], %[[D]] : vector<32xf32>
// CHECK:         %[[N2:.*]] = math.fma %[[D]], %[[D]], %[[B2]] : vector<32xf32>
// CHECK:         scf.yield %[[N1]], %[[N2]] : vector<32xf32>, vector<32xf32>
// CHECK:       }
// CHECK:       vector.store %[[F]]#0, %[[S1]][%[[C0]]] : memref<32xf32>, vector<32xf32>
// CHECK:       vector.store %[[F]]#1, %[[S2]][%[[C0]]] : memref<32xf32>, vector<32xf32>
// CHECK-NOT:   linalg.generic
func.func @stats(%x: memref<?x32xf32, strided<[32, 1], offset: ?>>, %k: memref<32xf32>,
                 %s1: memref<32xf32>, %s2: memref<32xf32>) {
  linalg.generic {indexing_maps = [#row, #col, #col, #col], iterator_types = ["reduction", "parallel"]}
      ins(%x, %k : memref<?x32xf32, strided<[32, 1], offset: ?>>, memref<32xf32>)
      outs(%s1, %s2 : memref<32xf32>, memref<32xf32>) {
  ^bb0(%xi: f32, %ki: f32, %a: f32, %b: f32):
    %d = arith.subf %xi, %ki : f32
    %n1 = arith.addf %a, %d : f32
    %n2 = math.fma %d, %d, %b : f32
    linalg.yield %n1, %n2 : f32, f32
  }
  return
}

// -----

#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#last = affine_map<(d0, d1, d2, d3) -> (d3)>

// A convolution's bias gradient: dy [N, H, W, C] summed over (n, h, w), one
// loop per reduction dimension, the accumulator carried through all three.
// A scalar captured from above is broadcast once, before the loops.
// CHECK-LABEL: func.func @bias_grad(
// CHECK-SAME:    %[[DY:[a-z0-9]+]]: memref<?x26x26x16xf32>, %[[DB:[a-z0-9]+]]: memref<16xf32, strided<[1], offset: 288>>, %[[S:[a-z0-9]+]]: f32)
// CHECK:       %[[SV:.*]] = vector.broadcast %[[S]] : f32 to vector<16xf32>
// CHECK:       %[[O:.*]] = scf.for %[[N:.*]] = {{.*}} iter_args(%[[A0:.*]] = %{{.*}}) -> (vector<16xf32>) {
// CHECK:         %[[P:.*]] = scf.for %[[H:.*]] = {{.*}} iter_args(%[[A1:.*]] = %[[A0]]) -> (vector<16xf32>) {
// CHECK:           %[[Q:.*]] = scf.for %[[W:.*]] = {{.*}} iter_args(%[[A2:.*]] = %[[A1]]) -> (vector<16xf32>) {
// CHECK:             %[[V:.*]] = vector.load %[[DY]][%[[N]], %[[H]], %[[W]], %{{.*}}] : memref<?x26x26x16xf32>, vector<16xf32>
// CHECK:             %[[M:.*]] = arith.mulf %[[V]], %[[SV]] : vector<16xf32>
// CHECK:             %[[Y:.*]] = arith.addf %[[M]], %[[A2]] : vector<16xf32>
// CHECK:             scf.yield %[[Y]] : vector<16xf32>
// CHECK:           scf.yield %[[Q]] : vector<16xf32>
// CHECK:         scf.yield %[[P]] : vector<16xf32>
// CHECK:       vector.store %[[O]], %[[DB]][%{{.*}}] : memref<16xf32, strided<[1], offset: 288>>, vector<16xf32>
func.func @bias_grad(%dy: memref<?x26x26x16xf32>, %db: memref<16xf32, strided<[1], offset: 288>>, %s: f32) {
  linalg.generic {indexing_maps = [#id4, #last], iterator_types = ["reduction", "reduction", "reduction", "parallel"]}
      ins(%dy : memref<?x26x26x16xf32>) outs(%db : memref<16xf32, strided<[1], offset: 288>>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.mulf %in, %s : f32
    %0 = arith.addf %m, %out : f32
    linalg.yield %0 : f32
  }
  return
}

// -----

#row = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
#rowOut = affine_map<(d0, d1) -> (d0)>
#t = affine_map<(d0, d1) -> (d1, d0)>

// Left as they are: a row reduction (the output indexed by the parallel
// loop that is not last), the columns dynamic, the columns not contiguous,
// more accumulators than registers (2 x 160 floats), a body op without a
// vector form here (math.exp), a transposed input.
// CHECK-LABEL: func.func @rows(
// CHECK:       linalg.generic
func.func @rows(%x: memref<?x32xf32>, %o: memref<?xf32>) {
  linalg.generic {indexing_maps = [#row, #rowOut], iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<?x32xf32>) outs(%o : memref<?xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.addf %in, %out : f32
    linalg.yield %0 : f32
  }
  return
}
// CHECK-LABEL: func.func @dynamic_columns(
// CHECK:       linalg.generic
func.func @dynamic_columns(%x: memref<?x?xf32>, %o: memref<?xf32>) {
  linalg.generic {indexing_maps = [#row, #col], iterator_types = ["reduction", "parallel"]}
      ins(%x : memref<?x?xf32>) outs(%o : memref<?xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.addf %in, %out : f32
    linalg.yield %0 : f32
  }
  return
}
// CHECK-LABEL: func.func @strided_columns(
// CHECK:       linalg.generic
func.func @strided_columns(%x: memref<?x32xf32, strided<[64, 2]>>, %o: memref<32xf32>) {
  linalg.generic {indexing_maps = [#row, #col], iterator_types = ["reduction", "parallel"]}
      ins(%x : memref<?x32xf32, strided<[64, 2]>>) outs(%o : memref<32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.addf %in, %out : f32
    linalg.yield %0 : f32
  }
  return
}
// CHECK-LABEL: func.func @too_wide(
// CHECK:       linalg.generic
func.func @too_wide(%x: memref<?x160xf32>, %o1: memref<160xf32>, %o2: memref<160xf32>) {
  linalg.generic {indexing_maps = [#row, #col, #col], iterator_types = ["reduction", "parallel"]}
      ins(%x : memref<?x160xf32>) outs(%o1, %o2 : memref<160xf32>, memref<160xf32>) {
  ^bb0(%in: f32, %a: f32, %b: f32):
    %0 = arith.addf %in, %a : f32
    %1 = arith.maximumf %in, %b : f32
    linalg.yield %0, %1 : f32, f32
  }
  return
}
// CHECK-LABEL: func.func @exp(
// CHECK:       linalg.generic
func.func @exp(%x: memref<?x32xf32>, %o: memref<32xf32>) {
  linalg.generic {indexing_maps = [#row, #col], iterator_types = ["reduction", "parallel"]}
      ins(%x : memref<?x32xf32>) outs(%o : memref<32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %e = math.exp %in : f32
    %0 = arith.addf %e, %out : f32
    linalg.yield %0 : f32
  }
  return
}
// CHECK-LABEL: func.func @transposed(
// CHECK:       linalg.generic
func.func @transposed(%x: memref<32x?xf32>, %o: memref<32xf32>) {
  linalg.generic {indexing_maps = [#t, #col], iterator_types = ["reduction", "parallel"]}
      ins(%x : memref<32x?xf32>) outs(%o : memref<32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.addf %in, %out : f32
    linalg.yield %0 : f32
  }
  return
}
// A load whose row depends on a column's value (a gather), and the column
// index used other than as a load's last index: left alone.
// CHECK-LABEL: func.func @gather(
// CHECK:       linalg.generic
func.func @gather(%x: memref<?x32xf32>, %rows: memref<?x32xi32>, %o: memref<32xf32>) {
  linalg.generic {indexing_maps = [#row, #col], iterator_types = ["reduction", "parallel"]}
      ins(%x : memref<?x32xf32>) outs(%o : memref<32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = linalg.index 0 : index
    %c = linalg.index 1 : index
    %k = memref.load %rows[%r, %c] : memref<?x32xi32>
    %ki = arith.index_cast %k : i32 to index
    %v = memref.load %x[%ki, %c] : memref<?x32xf32>
    %0 = arith.addf %v, %out : f32
    linalg.yield %0 : f32
  }
  return
}
// CHECK-LABEL: func.func @column_index(
// CHECK:       linalg.generic
func.func @column_index(%x: memref<?x32xf32>, %o: memref<32xf32>) {
  linalg.generic {indexing_maps = [#row, #col], iterator_types = ["reduction", "parallel"]}
      ins(%x : memref<?x32xf32>) outs(%o : memref<32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %c = linalg.index 1 : index
    %ci = arith.index_cast %c : index to i32
    %cf = arith.sitofp %ci : i32 to f32
    %0 = arith.addf %cf, %out : f32
    linalg.yield %0 : f32
  }
  return
}

// -----

// A row copy: all loops parallel, the last over 16 columns, the output's
// last index `e + d_last`, the input only the loops' extents. One
// vector<16> load and store per row, at the output's index with the column
// loop's at 0.
// CHECK-LABEL: func.func @row_copy(
// CHECK-SAME:    %[[X:[a-z0-9]+]]: memref<?x3x16xf32>, %{{.*}}: memref<?x2x16xf32>, %[[O:[a-z0-9]+]]: memref<?x32xf32>)
// CHECK-NOT:   linalg.generic
// CHECK:       scf.for %[[N:[a-z0-9_]+]] = %c0 to %{{.*}} step %{{.*}} {
// CHECK:         scf.for %[[J:[a-z0-9_]+]] = %c0 to %c2 step %{{.*}} {
// CHECK:           %[[J1:.*]] = arith.addi %[[J]], %c1
// CHECK:           %[[V:.*]] = vector.load %[[X]][%[[N]], %[[J1]], %c0] : memref<?x3x16xf32>, vector<16xf32>
// CHECK:           %[[ROW:.*]] = affine.apply #[[MAP0:.*]](%[[N]], %[[J]], %c0)
// CHECK:           %[[COL:.*]] = affine.apply #[[MAP1:.*]](%[[N]], %[[J]], %c0)
// CHECK:           vector.store %[[V]], %[[O]][%[[ROW]], %[[COL]]] : memref<?x32xf32>, vector<16xf32>
func.func @row_copy(%x: memref<?x3x16xf32>, %shape: memref<?x2x16xf32>, %o: memref<?x32xf32>) {
  %c1 = arith.constant 1 : index
  linalg.generic {indexing_maps = [affine_map<(n, j, c) -> (n, j, c)>, affine_map<(n, j, c) -> (n, j * 16 + c)>], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%shape : memref<?x2x16xf32>) outs(%o : memref<?x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = linalg.index 0 : index
    %j = linalg.index 1 : index
    %c = linalg.index 2 : index
    %j1 = arith.addi %j, %c1 : index
    %v = memref.load %x[%n, %j1, %c] : memref<?x3x16xf32>
    linalg.yield %v : f32
  }
  return
}

// -----

// A gather with an elementwise consumer fused in (a convolution's input
// gradient and the ReLU gradient after it): the body reads a row at an index
// computed from the row loops', and the generic's own inputs, a row at the
// loops' indices and a per-column vector, are read as vectors too. The
// output, written whole, is not loaded.
// CHECK-LABEL: func.func @gather_with_inputs(
// CHECK-SAME:    %[[T:[a-z0-9]+]]: memref<?x2x16xf32>, %[[P:[a-z0-9]+]]: memref<?x16xf32>, %[[S:[a-z0-9]+]]: memref<16xf32>, %[[O:[a-z0-9]+]]: memref<?x16xf32>)
// CHECK-NOT:   linalg.generic
// CHECK:       %[[SV:.*]] = vector.load %[[S]][%c0] : memref<16xf32>, vector<16xf32>
// CHECK:       scf.for %[[N:[a-z0-9_]+]] = %c0 to %{{.*}} step %{{.*}} {
// CHECK:         %[[PV:.*]] = vector.load %[[P]][%[[N]], %c0] : memref<?x16xf32>, vector<16xf32>
// CHECK:         %[[R:.*]] = arith.subi %[[N]], %c1
// CHECK:         %[[TV:.*]] = vector.load %[[T]][%[[R]], %c1, %c0] : memref<?x2x16xf32>, vector<16xf32>
// CHECK:         %[[M:.*]] = arith.cmpf ogt, %[[PV]], %{{.*}} : vector<16xf32>
// CHECK:         %[[SEL:.*]] = arith.select %[[M]], %[[TV]], %{{.*}} : vector<16xi1>, vector<16xf32>
// CHECK:         %[[MUL:.*]] = arith.mulf %[[SEL]], %[[SV]] : vector<16xf32>
// CHECK:         vector.store %[[MUL]], %[[O]][%{{.*}}, %{{.*}}] : memref<?x16xf32>, vector<16xf32>
// CHECK-NOT:   vector.load %[[O]]
func.func @gather_with_inputs(%t: memref<?x2x16xf32>, %p: memref<?x16xf32>, %s: memref<16xf32>, %o: memref<?x16xf32>) {
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [affine_map<(n, c) -> (n, c)>, affine_map<(n, c) -> (c)>, affine_map<(n, c) -> (n, c)>], iterator_types = ["parallel", "parallel"]}
      ins(%p, %s : memref<?x16xf32>, memref<16xf32>) outs(%o : memref<?x16xf32>) {
  ^bb0(%pv: f32, %sv: f32, %out: f32):
    %n = linalg.index 0 : index
    %c = linalg.index 1 : index
    %r = arith.subi %n, %c1 : index
    %v = memref.load %t[%r, %c1, %c] : memref<?x2x16xf32>
    %m = arith.cmpf ogt, %pv, %zero : f32
    %sel = arith.select %m, %v, %zero : f32
    %mul = arith.mulf %sel, %sv : f32
    linalg.yield %mul : f32
  }
  return
}

// -----

// Left to the loops (LLVM vectorises these itself): an elementwise generic
// that reads its input's value, and a copy whose output is transposed (the
// column loop not in the last index).
// CHECK-LABEL: func.func @elementwise(
// CHECK:       linalg.generic
func.func @elementwise(%x: memref<?x16xf32>, %o: memref<?x16xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, c) -> (n, c)>, affine_map<(n, c) -> (n, c)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<?x16xf32>) outs(%o : memref<?x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.addf %in, %in : f32
    linalg.yield %0 : f32
  }
  return
}
// CHECK-LABEL: func.func @transposed_copy(
// CHECK:       linalg.generic
func.func @transposed_copy(%x: memref<?x16xf32>, %shape: memref<4x16xf32>, %o: memref<16x4xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, c) -> (n, c)>, affine_map<(n, c) -> (c, n)>], iterator_types = ["parallel", "parallel"]}
      ins(%shape : memref<4x16xf32>) outs(%o : memref<16x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = linalg.index 0 : index
    %c = linalg.index 1 : index
    %v = memref.load %x[%n, %c] : memref<?x16xf32>
    linalg.yield %v : f32
  }
  return
}
