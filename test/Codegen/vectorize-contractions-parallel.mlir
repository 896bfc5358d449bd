// dl-vectorize-contractions{parallel}: the (M block, N tile) loops of each k
// block become one 2-D scf.parallel for products of at least
// parallel-min-flops (2*M*N*K), decided at compile time for static sizes and
// by an scf.if otherwise; without the option there is no scf.parallel. Small
// tile (4 lanes, 2 x 8 register tile, k blocks of 8, m blocks of 4).
// RUN: dl-opt %s --split-input-file \
// RUN:   --dl-vectorize-contractions="lanes=4 mr=2 kc=8 mc=4 parallel=1 parallel-min-flops=2000" \
// RUN:   --canonicalize --cse | FileCheck %s
// RUN: dl-opt %s --split-input-file \
// RUN:   --dl-vectorize-contractions="lanes=4 mr=2 kc=8 mc=4" \
// RUN:   --canonicalize --cse | FileCheck %s --check-prefix=SEQ

// dlc --parallel lowers them to OpenMP (omp.parallel + omp.wsloop, kept in
// the LLVM dialect for the OpenMP translation); plain dlc has none.
// RUN: dlc %examples/mnist_mlp.dl --parallel --emit=llvm-dialect | FileCheck %s --check-prefix=OMP
// RUN: dlc %examples/mnist_mlp.dl --emit=llvm-dialect | FileCheck %s --check-prefix=NOOMP
// OMP: omp.parallel
// OMP: omp.wsloop
// OMP: omp.loop_nest
// NOOMP-NOT: omp.
// RUN: dlc %examples/mnist_mlp.dl --parallel --emit=llvm-ir | FileCheck %s --check-prefix=KMPC
// KMPC: call void {{.*}}@__kmpc_fork_call(

// SEQ-NOT: scf.parallel

// 2*16*16*12 = 6144 flops, static: parallel, no test.
// CHECK-LABEL: func.func @large_static(
// CHECK-NOT:     scf.if
// CHECK:         scf.for %[[K0:[a-z0-9_]+]] = %c0 to %c12 step %c8 {
// CHECK:           scf.parallel (%[[M1:[a-z0-9_]+]], %[[N0:[a-z0-9_]+]]) = (%c0, %c0) to (%c16, %c16) step (%c4, %c8) {
// CHECK:             scf.for %[[M0:[a-z0-9_]+]] = %[[M1]] to %{{.*}} step %c2 {
// CHECK:               vector.fma
// CHECK:             scf.reduce
func.func @large_static(%x: memref<16x12xf32>, %w: memref<12x16xf32>, %y: memref<16x16xf32>) {
  linalg.matmul ins(%x, %w : memref<16x12xf32>, memref<12x16xf32>) outs(%y : memref<16x16xf32>)
  return
}

// -----

// 2*6*8*3 = 288 flops: the sequential nest.
// CHECK-LABEL: func.func @small_static(
// CHECK-NOT:     scf.parallel
// CHECK:         return
func.func @small_static(%x: memref<6x3xf32>, %w: memref<3x8xf32>, %y: memref<6x8xf32>) {
  linalg.matmul ins(%x, %w : memref<6x3xf32>, memref<3x8xf32>) outs(%y : memref<6x8xf32>)
  return
}

// -----

// Dynamic M: M*N*K >= 1000 at run time picks the parallel or the sequential
// tiles, in each k block (the leftover row stays sequential).
// CHECK-LABEL: func.func @dynamic_m(
// CHECK-SAME:    %{{.*}}: memref<?x12xf32>, %{{.*}}: memref<12x16xf32>, %[[Y:[a-z0-9]+]]: memref<?x16xf32>)
// CHECK:         %[[M:.*]] = memref.dim %[[Y]], %c0
// CHECK:         %[[MNK:.*]] = arith.muli %[[M]], %c192
// CHECK:         %[[BIG:.*]] = arith.cmpi uge, %[[MNK]], %c1000
// CHECK:         scf.for %[[K0:[a-z0-9_]+]] = %c0 to %c12 step %c8 {
// CHECK:           scf.if %[[BIG]] {
// CHECK:             scf.parallel (%{{.*}}, %{{.*}}) = (%c0, %c0) to (%{{.*}}, %c16) step (%c4, %c8) {
// CHECK:           } else {
// CHECK:             scf.for %{{.*}} = %c0 to %{{.*}} step %c4 {
// CHECK:               scf.for %{{.*}} = %c0 to %c16 step %c8 {
func.func @dynamic_m(%x: memref<?x12xf32>, %w: memref<12x16xf32>, %y: memref<?x16xf32>) {
  linalg.matmul ins(%x, %w : memref<?x12xf32>, memref<12x16xf32>) outs(%y : memref<?x16xf32>)
  return
}
