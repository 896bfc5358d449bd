// The loop nest of dl-vectorize-contractions on each contraction form, with a
// small tile (4 lanes, 2 x 8 register tile, k blocks of 8, m blocks of 4) so
// the whole nest fits on a screen; vectorize-contractions-avx512.mlir checks
// the default 8 x 32 tile.
// RUN: dl-opt %s --split-input-file \
// RUN:   --dl-vectorize-contractions="lanes=4 mr=2 kc=8 mc=4" \
// RUN:   --canonicalize --cse | FileCheck %s

// Form 1 (dense forward): dynamic batch M, static N and K, a strided kernel
// view whose row stride is dynamic. B is row-contiguous: it is read in place
// unless its row stride is a multiple of 4 KiB, a run-time test here, so
// there are two nests. A dynamic M is never tested against pack-min-m.
// Whole 2 x 8 tiles cover the rows up to M rounded down to mr; the odd last
// row is a 1 x 16 tile (as wide as N allows) with two sets of accumulators
// over k.
// CHECK-LABEL: func.func @matmul_dynamic_m(
// CHECK-SAME:    %[[X:[a-z0-9]+]]: memref<?x12xf32>, %[[W:[a-z0-9]+]]: memref<12x16xf32, strided<[?, 1], offset: 40>>, %[[Y:[a-z0-9]+]]: memref<?x16xf32>)
// CHECK-NOT:   linalg.matmul
// CHECK:       %[[M:.*]] = memref.dim %[[Y]], %c0
// CHECK-NOT:   arith.cmpi sge
// CHECK:       %{{.*}}, %{{.*}}, %{{.*}}:2, %[[STRIDES:.*]]:2 = memref.extract_strided_metadata %[[W]]
// CHECK:       %[[SREM:.*]] = arith.remui %[[STRIDES]]#0, %c1024
// CHECK:       %[[CONFLICT:.*]] = arith.cmpi eq, %[[SREM]], %c0
// CHECK:       scf.if %[[CONFLICT]] {
//   Packed: B[k0:k0+8, :] copied into 2 panels of 8 x 8.
// CHECK:         %[[P:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x8x8xf32>
// CHECK:         %[[REM:.*]] = arith.remui %[[M]], %c2
// CHECK:         %[[MFULL:.*]] = arith.subi %[[M]], %[[REM]]
// CHECK:         scf.for %[[K0:[a-z0-9_]+]] = %c0 to %c12 step %c8 {
// CHECK:           %[[KEND:.*]] = arith.minsi %{{.*}}, %c12
// CHECK:           vector.load %[[W]][
// CHECK:           vector.store %{{.*}}, %[[P]][
// CHECK:           scf.for %[[M1:[a-z0-9_]+]] = %c0 to %[[MFULL]] step %c4 {
// CHECK:             scf.for %[[N0:[a-z0-9_]+]] = %c0 to %c16 step %c8 {
// CHECK:               scf.for %[[M0:[a-z0-9_]+]] = %[[M1]] to %{{.*}} step %c2 {
//   No clamping: every row of a whole tile exists.
// CHECK:                 %[[ROW1:.*]] = arith.addi %[[M0]], %c1
// CHECK:                 %[[PANEL:.*]] = arith.divui %[[N0]], %c8
// CHECK-COUNT-4:         vector.load %[[Y]]
// CHECK:                 %[[ACC:.*]]:4 = scf.for %[[K:[a-z0-9_]+]] = %[[K0]] to %{{.*}} step %c1 iter_args({{.*}}) -> (vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>) {
// CHECK:                   %[[KK:.*]] = arith.subi %[[K]], %[[K0]]
// CHECK:                   %[[B0:.*]] = vector.load %[[P]][%[[PANEL]], %[[KK]], %c0]
// CHECK:                   %[[B1:.*]] = vector.load %[[P]][%[[PANEL]], %[[KK]], %c4]
// CHECK:                   %[[A0:.*]] = memref.load %[[X]][%[[M0]], %[[K]]]
// CHECK:                   %[[A0V:.*]] = vector.broadcast %[[A0]] : f32 to vector<4xf32>
// CHECK:                   vector.fma %[[A0V]], %[[B0]],
// CHECK:                   vector.fma %[[A0V]], %[[B1]],
// CHECK:                   %[[A1:.*]] = memref.load %[[X]][%[[ROW1]], %[[K]]]
// CHECK:                   %[[A1V:.*]] = vector.broadcast %[[A1]] : f32 to vector<4xf32>
// CHECK:                   vector.fma %[[A1V]], %[[B0]],
// CHECK:                   vector.fma %[[A1V]], %[[B1]],
// CHECK:                   scf.yield
// CHECK:                 vector.store %[[ACC]]#0, %[[Y]][%[[M0]], %[[N0]]]
// CHECK:                 vector.store %[[ACC]]#1, %[[Y]][%[[M0]],
// CHECK:                 vector.store %[[ACC]]#2, %[[Y]][%[[ROW1]], %[[N0]]]
// CHECK:                 vector.store %[[ACC]]#3, %[[Y]][%[[ROW1]],
//   The last row when M is odd: 4 vectors, across both panels.
// CHECK:           %[[ODD:.*]] = arith.andi %[[REM]], %c1
// CHECK:           %[[HAS:.*]] = arith.cmpi ne, %[[ODD]], %c0
// CHECK:           scf.if %[[HAS]] {
// CHECK:             %[[HIGH:.*]] = arith.andi %[[REM]], %c-2
// CHECK:             %[[ROW:.*]] = arith.addi %[[MFULL]], %[[HIGH]]
// CHECK-COUNT-4:     vector.load %[[Y]][%[[ROW]],
// CHECK:             %[[KODD:.*]] = arith.remui %{{.*}}, %c2
// CHECK:             %[[KMAIN:.*]] = arith.subi %[[KEND]], %[[KODD]]
// CHECK:             %[[TWO:.*]]:8 = scf.for %[[K:[a-z0-9_]+]] = %[[K0]] to %[[KMAIN]] step %c2 iter_args({{.*}}, %{{.*}} = %cst, %{{.*}} = %cst, %{{.*}} = %cst, %{{.*}} = %cst)
// CHECK:               vector.load %[[P]][%c0, %{{.*}}, %c0]
// CHECK:               vector.load %[[P]][%c0, %{{.*}}, %c4]
// CHECK:               vector.load %[[P]][%c1, %{{.*}}, %c0]
// CHECK:               vector.load %[[P]][%c1, %{{.*}}, %c4]
// CHECK:               memref.load %[[X]][%[[ROW]], %[[K]]]
// CHECK-COUNT-4:       vector.fma
// CHECK:               %[[K1:.*]] = arith.addi %[[K]], %c1
// CHECK:               memref.load %[[X]][%[[ROW]], %[[K1]]]
// CHECK-COUNT-4:       vector.fma
// CHECK:               scf.yield
// CHECK:             %[[ONE:.*]]:4 = scf.for %{{.*}} = %[[KMAIN]] to %[[KEND]] step %c1 iter_args(%{{.*}} = %[[TWO]]#0, %{{.*}} = %[[TWO]]#1, %{{.*}} = %[[TWO]]#2, %{{.*}} = %[[TWO]]#3)
// CHECK:             %[[S0:.*]] = arith.addf %[[ONE]]#0, %[[TWO]]#4
// CHECK:             vector.store %[[S0]], %[[Y]][%[[ROW]], %c0]
// CHECK:         memref.dealloc %[[P]]
// CHECK:       } else {
//   In place: the same nest, B read straight from the kernel view.
// CHECK-NOT:     memref.alloc
// CHECK:         scf.for %[[K0:[a-z0-9_]+]] = %c0 to %c12 step %c8 {
// CHECK:           scf.for %{{.*}} = %c0 to %{{.*}} step %c4 {
// CHECK:             scf.for %[[N0:[a-z0-9_]+]] = %c0 to %c16 step %c8 {
// CHECK:               scf.for
// CHECK:                 scf.for %[[K:[a-z0-9_]+]] = %[[K0]] to
// CHECK:                   vector.load %[[W]][%[[K]], %[[N0]]] : memref<12x16xf32, strided<[?, 1], offset: 40>>, vector<4xf32>
// CHECK-COUNT-4:           vector.fma
// CHECK:           scf.if
// CHECK:             scf.for %[[K:[a-z0-9_]+]] = %[[K0]] to
// CHECK:               vector.load %[[W]][%[[K]], %c12] : memref<12x16xf32, strided<[?, 1], offset: 40>>, vector<4xf32>
// CHECK:       return
func.func @matmul_dynamic_m(%x: memref<?x12xf32>, %w: memref<12x16xf32, strided<[?, 1], offset: 40>>, %y: memref<?x16xf32>) {
  linalg.matmul ins(%x, %w : memref<?x12xf32>, memref<12x16xf32, strided<[?, 1], offset: 40>>) outs(%y : memref<?x16xf32>)
  return
}

// -----

// Static M, a multiple of mr: no clamping of rows, no run-time packing test.
// CHECK-LABEL: func.func @matmul_static(
// CHECK-SAME:    %[[X:[a-z0-9]+]]: memref<6x3xf32>, %[[W:[a-z0-9]+]]: memref<3x8xf32>, %[[Y:[a-z0-9]+]]: memref<6x8xf32>)
// CHECK-NOT:   scf.if
// CHECK-NOT:   memref.alloc
// CHECK:       scf.for %[[M1:[a-z0-9_]+]] = %c0 to %c6 step %c4 {
// CHECK:         scf.for %[[M0:[a-z0-9_]+]] = %[[M1]] to %{{.*}} step %c2 {
// CHECK-NEXT:      %[[ROW1:.*]] = arith.addi %[[M0]], %c1
// CHECK-NEXT:      vector.load %[[Y]][%[[M0]], %c0]
// CHECK-NEXT:      vector.load %[[Y]][%[[M0]], %c4]
// CHECK-NEXT:      vector.load %[[Y]][%[[ROW1]], %c0]
// CHECK-NEXT:      vector.load %[[Y]][%[[ROW1]], %c4]
// CHECK-NEXT:      scf.for %[[K:[a-z0-9_]+]] = %c0 to %c3 step %c1
// CHECK:             memref.load %[[X]][%[[M0]], %[[K]]]
// CHECK:             memref.load %[[X]][%[[ROW1]], %[[K]]]
func.func @matmul_static(%x: memref<6x3xf32>, %w: memref<3x8xf32>, %y: memref<6x8xf32>) {
  linalg.matmul ins(%x, %w : memref<6x3xf32>, memref<3x8xf32>) outs(%y : memref<6x8xf32>)
  return
}

// -----

// Form 2 (dx = dy * W^T): B is indexed [n, k], so it is always packed, by
// 4 x 4 blocks transposed in registers (2 rounds of 4 shuffles), the two
// blocks of a panel's 8 columns in a loop. N = 6 is not a multiple of the 8
// columns of a tile: rows of B past N load as zeros (their mask is empty and
// their row index clamped), lanes of C past N are masked off.
// CHECK-LABEL: func.func @transpose_rhs(
// CHECK-SAME:    %[[DY:[a-z0-9]+]]: memref<?x5xf32>, %[[W:[a-z0-9]+]]: memref<6x5xf32>, %[[DX:[a-z0-9]+]]: memref<?x6xf32>)
// CHECK-NOT:   linalg.generic
// CHECK:       %[[P:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x8x8xf32>
// CHECK:       scf.for %[[KK:[a-z0-9_]+]] = %c0 to %c5 step %c4 {
// CHECK:         %[[KLEFT:.*]] = arith.subi %c5, %[[KK]]
// CHECK:         scf.for %[[V:[a-z0-9_]+]] = %c0 to %c2 step %c1 {
// CHECK:           %[[N0:.*]] = arith.muli %[[V]], %c4
// CHECK:           %[[IN0:.*]] = arith.cmpi slt, %[[N0]], %c6
// CHECK:           %[[LEFT0:.*]] = arith.select %[[IN0]], %[[KLEFT]], %c0
// CHECK:           %[[MASK0:.*]] = vector.create_mask %[[LEFT0]] : vector<4xi1>
// CHECK:           %[[ROW0:.*]] = arith.minsi %[[N0]], %c5
// CHECK:           %[[R0:.*]] = vector.maskedload %[[W]][%[[ROW0]], %[[KK]]], %[[MASK0]]
// CHECK:           %[[N1:.*]] = arith.addi %[[N0]], %c1
// CHECK:           %[[R1:.*]] = vector.maskedload %[[W]][%{{.*}}, %[[KK]]]
// CHECK:           %[[N2:.*]] = arith.addi %[[N0]], %c2
// CHECK:           %[[R2:.*]] = vector.maskedload %[[W]][%{{.*}}, %[[KK]]]
// CHECK:           %[[N3:.*]] = arith.addi %[[N0]], %c3
// CHECK:           %[[R3:.*]] = vector.maskedload %[[W]][%{{.*}}, %[[KK]]]
// CHECK:           %[[S0:.*]] = vector.shuffle %[[R0]], %[[R2]] [0, 1, 4, 5]
// CHECK:           %[[S1:.*]] = vector.shuffle %[[R0]], %[[R2]] [2, 3, 6, 7]
// CHECK:           %[[S2:.*]] = vector.shuffle %[[R1]], %[[R3]] [0, 1, 4, 5]
// CHECK:           %[[S3:.*]] = vector.shuffle %[[R1]], %[[R3]] [2, 3, 6, 7]
// CHECK:           %[[T0:.*]] = vector.shuffle %[[S0]], %[[S2]] [0, 4, 2, 6]
// CHECK:           %[[T1:.*]] = vector.shuffle %[[S0]], %[[S2]] [1, 5, 3, 7]
// CHECK:           %[[T2:.*]] = vector.shuffle %[[S1]], %[[S3]] [0, 4, 2, 6]
// CHECK:           %[[T3:.*]] = vector.shuffle %[[S1]], %[[S3]] [1, 5, 3, 7]
// CHECK:           vector.store %[[T0]], %[[P]][%c0, %[[KK]], %[[N0]]]
// CHECK:           vector.store %[[T1]], %[[P]][%c0, %{{.*}}, %[[N0]]]
// CHECK:           vector.store %[[T2]], %[[P]][%c0, %{{.*}}, %[[N0]]]
// CHECK:           vector.store %[[T3]], %[[P]][%c0, %{{.*}}, %[[N0]]]
// CHECK-NOT:       vector.shuffle
// CHECK:         }
// CHECK-NEXT:  }
// CHECK:       scf.for
// CHECK:         %[[NMASK:.*]] = vector.constant_mask [2] : vector<4xi1>
// CHECK:         scf.for %[[M0:[a-z0-9_]+]] =
// CHECK:           vector.load %[[DX]][%[[M0]], %c0]
// CHECK:           vector.maskedload %[[DX]][%[[M0]], %c4], %[[NMASK]]
// CHECK:           scf.for %[[K:[a-z0-9_]+]] = %c0 to %c5 step %c1
// CHECK:             vector.load %[[P]][%c0, %[[K]], %c0]
// CHECK:             vector.load %[[P]][%c0, %[[K]], %c4]
// CHECK:             memref.load %[[DY]][%[[M0]], %[[K]]]
// CHECK:           vector.store %{{.*}}, %[[DX]][%[[M0]], %c0]
// CHECK:           vector.maskedstore %[[DX]][%[[M0]], %c4], %[[NMASK]]
// CHECK:       memref.dealloc %[[P]]
func.func @transpose_rhs(%dy: memref<?x5xf32>, %w: memref<6x5xf32>, %dx: memref<?x6xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%dy, %w : memref<?x5xf32>, memref<6x5xf32>) outs(%dx : memref<?x6xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Form 3 (dW = x^T * dy): A is indexed [k, m]; K (the batch) is dynamic.
// CHECK-LABEL: func.func @transpose_lhs(
// CHECK-SAME:    %[[X:[a-z0-9]+]]: memref<?x6xf32>, %[[DY:[a-z0-9]+]]: memref<?x8xf32>, %[[DW:[a-z0-9]+]]: memref<6x8xf32>)
// CHECK-NOT:   linalg.generic
// CHECK-NOT:   memref.alloc
// CHECK:       %[[K:.*]] = memref.dim %[[X]], %c0
// CHECK:       scf.for %[[K0:[a-z0-9_]+]] = %c0 to %[[K]] step %c8 {
// CHECK:         %[[KEND:.*]] = arith.minsi %{{.*}}, %[[K]]
// CHECK:         scf.for %[[M0:[a-z0-9_]+]] = %{{.*}} to %{{.*}} step %c2
// CHECK:           %[[ROW1:.*]] = arith.addi %[[M0]], %c1
// CHECK:           scf.for %[[KI:[a-z0-9_]+]] = %[[K0]] to %[[KEND]] step %c1
// CHECK:             vector.load %[[DY]][%[[KI]], %c0]
// CHECK:             vector.load %[[DY]][%[[KI]], %c4]
// CHECK:             memref.load %[[X]][%[[KI]], %[[M0]]]
// CHECK:             memref.load %[[X]][%[[KI]], %[[ROW1]]]
// CHECK:           vector.store %{{.*}}, %[[DW]][%[[M0]], %c0]
func.func @transpose_lhs(%x: memref<?x6xf32>, %dy: memref<?x8xf32>, %dw: memref<6x8xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %dy : memref<?x6xf32>, memref<?x8xf32>) outs(%dw : memref<6x8xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// N <= lanes (a 3-class output layer): one vector per tile row, masked.
// CHECK-LABEL: func.func @narrow(
// CHECK:       vector.constant_mask [3] : vector<4xi1>
// CHECK:       scf.for {{.*}} -> (vector<4xf32>, vector<4xf32>) {
// CHECK-COUNT-2: vector.fma
// CHECK-NEXT:    scf.yield
func.func @narrow(%x: memref<?x7xf32>, %w: memref<7x3xf32>, %y: memref<?x3xf32>) {
  linalg.matmul ins(%x, %w : memref<?x7xf32>, memref<7x3xf32>) outs(%y : memref<?x3xf32>)
  return
}

// -----

// Everything dynamic, strides included: lanes past N are masked with
// create_mask, and the packing test checks B's row stride for a multiple of
// 4 KiB (1024 floats); the dynamic M is not tested.
// CHECK-LABEL: func.func @all_dynamic(
// CHECK-SAME:    %{{.*}}: memref<?x?xf32, strided<[?, 1], offset: ?>>, %[[B:[a-z0-9]+]]: memref<?x?xf32, strided<[?, 1], offset: ?>>, %[[C:[a-z0-9]+]]: memref<?x?xf32, strided<[?, 1], offset: ?>>)
// CHECK:       %[[M:.*]] = memref.dim %[[C]], %c0
// CHECK:       %[[N:.*]] = memref.dim %[[C]], %c1
// CHECK-NOT:   arith.cmpi sge
// CHECK:       %{{.*}}, %{{.*}}, %{{.*}}:2, %[[STRIDES:.*]]:2 = memref.extract_strided_metadata %[[B]]
// CHECK:       %[[REM:.*]] = arith.remui %[[STRIDES]]#0, %c1024
// CHECK:       %[[CONFLICT:.*]] = arith.cmpi eq, %[[REM]], %c0
// CHECK:       scf.if %[[CONFLICT]] {
// CHECK:         memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x8x8xf32>
// CHECK:       } else {
// CHECK:         scf.for %[[N0:[a-z0-9_]+]] = %c0 to %[[N]] step %c8 {
// CHECK:           %[[LEFT:.*]] = arith.subi %[[N]], %[[N0]]
// CHECK:           vector.create_mask %[[LEFT]] : vector<4xi1>
// CHECK:           %[[LEFT1:.*]] = arith.subi %[[LEFT]], %c4
// CHECK:           vector.create_mask %[[LEFT1]] : vector<4xi1>
func.func @all_dynamic(%a: memref<?x?xf32, strided<[?, 1], offset: ?>>, %b: memref<?x?xf32, strided<[?, 1], offset: ?>>, %c: memref<?x?xf32, strided<[?, 1], offset: ?>>) {
  linalg.matmul ins(%a, %b : memref<?x?xf32, strided<[?, 1], offset: ?>>, memref<?x?xf32, strided<[?, 1], offset: ?>>) outs(%c : memref<?x?xf32, strided<[?, 1], offset: ?>>)
  return
}

// -----

// A row stride of 1024 floats: B is packed, decided at compile time.
// CHECK-LABEL: func.func @conflict_stride(
// CHECK-NOT:   scf.if
// CHECK:       memref.alloc() {alignment = 64 : i64} : memref<128x8x8xf32>
func.func @conflict_stride(%x: memref<?x8xf32>, %w: memref<8x1024xf32>, %y: memref<?x1024xf32>) {
  linalg.matmul ins(%x, %w : memref<?x8xf32>, memref<8x1024xf32>) outs(%y : memref<?x1024xf32>)
  return
}

// -----

// The output stored transposed (C[n, m]) and the inputs swapped: roles follow
// C's layout, so the lanes still run along C's contiguous dimension.
// CHECK-LABEL: func.func @output_transposed(
// CHECK-SAME:    %[[X:[a-z0-9]+]]: memref<3x5xf32>, %[[W:[a-z0-9]+]]: memref<5x8xf32>, %[[CT:[a-z0-9]+]]: memref<8x3xf32>)
// CHECK-NOT:   linalg.generic
// CHECK:       memref.alloc() {alignment = 64 : i64} : memref<1x8x4xf32>
// CHECK:       vector.maskedload %[[X]]
// CHECK:       scf.for %[[M0:[a-z0-9_]+]] = %{{.*}} to %{{.*}} step %c2
// CHECK:         scf.for %[[K:[a-z0-9_]+]] =
// CHECK:           memref.load %[[W]][%[[K]], %[[M0]]]
func.func @output_transposed(%x: memref<3x5xf32>, %w: memref<5x8xf32>, %ct: memref<8x3xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, m)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%w, %x : memref<5x8xf32>, memref<3x5xf32>) outs(%ct : memref<8x3xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %b, %a : f32
    %s = arith.addf %p, %c : f32
    linalg.yield %s : f32
  }
  return
}
