// dl-workspace: every allocation of a batch entry point (by its dl.entry
// attribute) gets a slot in one caller-provided buffer;
// F_workspace_size(batch) and an allocating F come with it. Both size the
// workspace from a batch (and length) of at least 0: F_ws rejects a size
// below 1 before it touches the workspace, and a negative size must not
// become a huge allocation first.
// RUN: dl-opt %s --split-input-file --dl-workspace --canonicalize --cse \
// RUN:   --verify-diagnostics | FileCheck %s

// Slots: [batch, 4] f32 (batch * 16 bytes), then [3] f32 (12 bytes), whose
// lifetimes do not overlap: they share one piece at offset 0, of the larger
// of the two (16 * batch + 12, rounded up to 64); then a ragged block of at
// most 8 x 4 f32 in the loop's body (affine.min bounded: 128 bytes). Not an
// entry point: @t_helper is left alone, and so is @t_other_predict, whose
// name alone makes it none.
#min = affine_map<(d0)[s0] -> (8, s0 - d0)>
// CHECK-LABEL: func.func @t_predict_workspace_size(
// CHECK-SAME:    %[[B:.*]]: i64) -> i64 attributes {dl.entry = "predict_workspace_size"}
// CHECK:         %[[BC:.*]] = arith.maxsi %[[B]], %c0_i64 : i64
// CHECK:         %[[N:.*]] = arith.index_cast %[[BC]] : i64 to index
// CHECK:         %[[BYTES:.*]] = arith.muli %[[N]], %c16
// CHECK:         %[[MAX:.*]] = arith.addi %[[BYTES]], %c12
// CHECK:         %[[UP:.*]] = arith.ceildivui %[[MAX]], %c64
// CHECK:         %[[R:.*]] = arith.muli %[[UP]], %c64
// CHECK:         %[[T:.*]] = arith.addi %[[R]], %c128
// CHECK:         %[[T64:.*]] = arith.index_cast %[[T]] : index to i64
// CHECK:         return %[[T64]]
// CHECK-LABEL: func.func @t_predict(
// CHECK-SAME:    %{{.*}}: memref<1xf32>, %{{.*}}: memref<1xf32>, %[[B:.*]]: i64) attributes {dl.entry = "predict"} {
// CHECK:         arith.maxsi %[[B]], %c0_i64 : i64
// CHECK:         %[[HEAP:.*]] = memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?xi8>
// CHECK:         %[[ARG:.*]] = memref.reinterpret_cast %[[HEAP]] to offset: [0], sizes: [1], strides: [1] : memref<?xi8> to memref<1xi8>
// CHECK:         call @t_predict_ws(%{{.*}}, %{{.*}}, %[[B]], %[[ARG]])
// CHECK:         memref.dealloc %[[HEAP]]
// CHECK-LABEL: func.func @t_predict_ws(
// CHECK-SAME:    %{{.*}}: memref<1xf32>, %{{.*}}: memref<1xf32>, %{{.*}}: i64, %[[WS:.*]]: memref<1xi8>) attributes {dl.entry = "predict_ws"} {
// CHECK-NOT:     memref.alloc
// CHECK:         %[[BUF:.*]] = memref.reinterpret_cast %[[WS]] to offset: [0], sizes: [%{{.*}}], strides: [1] : memref<1xi8> to memref<?xi8>
// CHECK:         memref.view %[[BUF]][%c0][%{{.*}}] : memref<?xi8> to memref<?x4xf32>
// CHECK:         memref.view %[[BUF]][%c0][] : memref<?xi8> to memref<3xf32>
// CHECK:         scf.for
// CHECK:           %[[SZ:.*]] = affine.min
// CHECK:           memref.view %[[BUF]][%{{.*}}][%[[SZ]]] : memref<?xi8> to memref<?x4xf32>
// CHECK-NOT:     memref.dealloc
// CHECK-NOT:     memref.alloc
// CHECK:         return
// CHECK-LABEL: func.func @t_helper(
// CHECK:         memref.alloc
// CHECK-NOT:     func.func @t_other_predict_ws
// CHECK-LABEL: func.func @t_other_predict(
// CHECK-SAME:    %{{.*}}: memref<1xf32>, %{{.*}}: i64) {
// CHECK:         %[[N:.*]] = arith.index_cast
// CHECK-NEXT:    memref.alloc(%[[N]])
// CHECK-NOT:     func.func @t_other_predict_ws
func.func @t_predict(%x: memref<1xf32>, %y: memref<1xf32>, %batch: i64)
    attributes {dl.entry = "predict"} {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c20 = arith.constant 20 : index
  %cst = arith.constant 1.0 : f32
  %n = arith.index_cast %batch : i64 to index
  %a = memref.alloc(%n) {alignment = 64 : i64} : memref<?x4xf32>
  linalg.fill ins(%cst : f32) outs(%a : memref<?x4xf32>)
  %b = memref.alloc() {alignment = 64 : i64} : memref<3xf32>
  linalg.fill ins(%cst : f32) outs(%b : memref<3xf32>)
  scf.for %i = %c0 to %c20 step %c8 {
    %s = affine.min #min(%i)[%c20]
    %c = memref.alloc(%s) {alignment = 64 : i64} : memref<?x4xf32>
    linalg.fill ins(%cst : f32) outs(%c : memref<?x4xf32>)
    memref.dealloc %c : memref<?x4xf32>
  }
  memref.dealloc %a : memref<?x4xf32>
  memref.dealloc %b : memref<3xf32>
  return
}
func.func @t_helper(%n: index, %out: memref<?xf32>) {
  %a = memref.alloc(%n) : memref<?xf32>
  %cst = arith.constant 1.0 : f32
  linalg.fill ins(%cst : f32) outs(%a : memref<?xf32>)
  memref.copy %a, %out : memref<?xf32> to memref<?xf32>
  memref.dealloc %a : memref<?xf32>
  return
}
func.func @t_other_predict(%x: memref<1xf32>, %batch: i64) {
  %n = arith.index_cast %batch : i64 to index
  %a = memref.alloc(%n) : memref<?xf32>
  %c0 = arith.constant 0 : index
  %v = memref.load %a[%c0] : memref<?xf32>
  memref.store %v, %x[%c0] : memref<1xf32>
  memref.dealloc %a : memref<?xf32>
  return
}

// -----

// An entry point without a workspace form (dl.entry "train_step") is left
// alone, whatever it allocates.
// CHECK-LABEL: func.func @t_train_step(
// CHECK-SAME:    attributes {dl.entry = "train_step"}
// CHECK:         memref.alloc
// CHECK-NOT:     func.func @t_train_step_ws
func.func @t_train_step(%x: memref<1xf32>, %batch: i64) -> f32
    attributes {dl.entry = "train_step"} {
  %n = arith.index_cast %batch : i64 to index
  %a = memref.alloc(%n) : memref<?xf32>
  %c0 = arith.constant 0 : index
  %v = memref.load %a[%c0] : memref<?xf32>
  memref.dealloc %a : memref<?xf32>
  return %v : f32
}

// -----

// A size the batch does not determine and nothing bounds: an error, not a
// silent heap allocation in the _ws function.
func.func @t_eval_step(%x: memref<1xf32>, %batch: i64, %k: index)
    attributes {dl.entry = "eval_step"} {
  // expected-error @+1 {{dl-workspace: no bound on dimension 0 of this allocation}}
  %a = memref.alloc(%k) : memref<?xf32>
  memref.dealloc %a : memref<?xf32>
  return
}

// -----

// An allocation with a layout a view of the workspace cannot have.
func.func @t_predict(%x: memref<1xf32>, %batch: i64)
    attributes {dl.entry = "predict"} {
  // expected-error @+1 {{dl-workspace: cannot place a 'memref<4x4xf32, strided<[8, 1]>>'}}
  %a = memref.alloc() : memref<4x4xf32, strided<[8, 1]>>
  memref.dealloc %a : memref<4x4xf32, strided<[8, 1]>>
  return
}

// -----

// A model with a variable axis: the length is the second i64 argument,
// after the batch. A [batch, length, 4] f32 slot (16 * batch * length
// bytes: the constant factors first); F_workspace_size(batch,
// length); F sizes the workspace from a batch and length of at least 0
// (F_ws rejects either below 1 before using it).
// CHECK-LABEL: func.func @v_predict_workspace_size
// CHECK-SAME: (%[[B:.*]]: i64, %[[T:.*]]: i64) -> i64
// CHECK-DAG: %[[BC:.*]] = arith.maxsi %[[B]], %c0_i64 : i64
// CHECK-DAG: %[[TC:.*]] = arith.maxsi %[[T]], %c0_i64 : i64
// CHECK-DAG: %[[BI:.*]] = arith.index_cast %[[BC]] : i64 to index
// CHECK-DAG: %[[TI:.*]] = arith.index_cast %[[TC]] : i64 to index
// CHECK: %[[BT:.*]] = arith.muli %[[BI]], %[[TI]] : index
// CHECK: %[[BT16:.*]] = arith.muli %[[BT]], %c16 : index
// CHECK: arith.ceildivui %[[BT16]], %c64 : index
// CHECK-LABEL: func.func @v_predict
// CHECK-SAME: (%{{.*}}: memref<1xf32>, %[[B:.*]]: i64, %[[T:.*]]: i64)
// CHECK: arith.maxsi %[[T]], %c0_i64 : i64
// CHECK: memref.alloc
// CHECK: call @v_predict_ws(%{{.*}}, %[[B]], %[[T]], %{{.*}})
// CHECK-LABEL: func.func @v_predict_ws
// CHECK-SAME: (%{{.*}}: memref<1xf32>, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: memref<1xi8>)
func.func @v_predict(%x: memref<1xf32>, %batch: i64, %length: i64)
    attributes {dl.entry = "predict"} {
  %b = arith.index_cast %batch : i64 to index
  %t = arith.index_cast %length : i64 to index
  %a = memref.alloc(%b, %t) : memref<?x?x4xf32>
  memref.dealloc %a : memref<?x?x4xf32>
  return
}

// -----

// The batch and the length are the entry point's only i64 arguments.
// expected-error @+1 {{dl-workspace: more than two i64 arguments (the batch and the length)}}
func.func @t_eval_step(%x: memref<1xf32>, %batch: i64, %length: i64, %other: i64)
    attributes {dl.entry = "eval_step"} {
  return
}

// -----

// expected-error @+1 {{dl-workspace: no batch argument}}
func.func @m_train_step_metrics(%x: memref<1xf32>)
    attributes {dl.entry = "train_step_metrics"} {
  return
}

// -----

// Sizes read through views, as im2col makes them: an allocation sized by
// dimension 0 of collapse_shape [batch, 5, 4, 6] -> [batch * 20, 6] gets
// batch * 20 rows (batch * 20 * 4 * 4 = batch * 320 bytes) in the plan,
// after the input's batch * 5 * 4 * 6 * 4 = batch * 480 (used again at the
// end: the two do not share).
// CHECK-LABEL: func.func @v_predict_workspace_size(
// CHECK-SAME:    %[[B:.*]]: i64) -> i64
// CHECK:         %[[BC:.*]] = arith.maxsi %[[B]], %c0_i64 : i64
// CHECK:         %[[N:.*]] = arith.index_cast %[[BC]] : i64 to index
// CHECK:         arith.muli %[[N]], %c480
// CHECK:         arith.muli %[[N]], %c320
// CHECK-LABEL: func.func @v_predict_ws(
// CHECK-NOT:     memref.alloc
// CHECK:         return
func.func @v_predict(%x: memref<1xf32>, %y: memref<1xf32>, %batch: i64)
    attributes {dl.entry = "predict"} {
  %c0 = arith.constant 0 : index
  %cst = arith.constant 1.0 : f32
  %n = arith.index_cast %batch : i64 to index
  %a = memref.alloc(%n) {alignment = 64 : i64} : memref<?x5x4x6xf32>
  linalg.fill ins(%cst : f32) outs(%a : memref<?x5x4x6xf32>)
  %v = memref.collapse_shape %a [[0, 1, 2], [3]] : memref<?x5x4x6xf32> into memref<?x6xf32>
  %m = memref.dim %v, %c0 : memref<?x6xf32>
  %b = memref.alloc(%m) {alignment = 64 : i64} : memref<?x4xf32>
  linalg.fill ins(%cst : f32) outs(%b : memref<?x4xf32>)
  linalg.fill ins(%cst : f32) outs(%a : memref<?x5x4x6xf32>)
  memref.dealloc %b : memref<?x4xf32>
  memref.dealloc %a : memref<?x5x4x6xf32>
  return
}

// -----

// Equal sizes are computed once: a deep model has thousands of slots but a
// few distinct sizes. Three [batch, 16] f32 slots (batch * 64 bytes, already
// aligned: no rounding) between two [2] f32 (8 -> 64 bytes each), all used
// again at the end (so none shares another's memory). The size
// is 3 * 64 * batch + 2 * 64; the offsets 0, 64b, 64b + 64, 128b + 64,
// 128b + 128 (b the batch).
// CHECK-LABEL: func.func @r_predict_workspace_size(
// CHECK-SAME:    %[[B:.*]]: i64) -> i64
// CHECK:         %[[BC:.*]] = arith.maxsi %[[B]], %c0_i64 : i64
// CHECK-NEXT:    %[[N:.*]] = arith.index_cast %[[BC]] : i64 to index
// CHECK-NEXT:    %[[ALL:.*]] = arith.muli %[[N]], %c192 : index
// CHECK-NEXT:    %[[T:.*]] = arith.addi %[[ALL]], %c128 : index
// CHECK-NEXT:    %[[T64:.*]] = arith.index_cast %[[T]] : index to i64
// CHECK-NEXT:    return %[[T64]]
// CHECK-LABEL: func.func @r_predict_ws(
// CHECK-SAME:    %{{.*}}: memref<1xf32>, %[[B:.*]]: i64, %[[WS:.*]]: memref<1xi8>)
// CHECK-DAG:     %[[N:.*]] = arith.index_cast %[[B]] : i64 to index
// CHECK-DAG:     %[[S:.*]] = arith.muli %[[N]], %c64 : index
// CHECK-DAG:     %[[O2:.*]] = arith.addi %[[S]], %c64 : index
// CHECK-DAG:     %[[S2:.*]] = arith.addi %[[S]], %[[S]] : index
// CHECK-DAG:     %[[O3:.*]] = arith.addi %[[S2]], %c64 : index
// CHECK-DAG:     %[[O4:.*]] = arith.addi %[[S2]], %c128 : index
// CHECK-DAG:     %[[S3:.*]] = arith.addi %[[S2]], %[[S]] : index
// CHECK-DAG:     %[[T:.*]] = arith.addi %[[S3]], %c128 : index
// CHECK:         %[[BUF:.*]] = memref.reinterpret_cast %[[WS]] to offset: [0], sizes: [%[[T]]]
// CHECK:         memref.view %[[BUF]][%c0][%[[N]]] : memref<?xi8> to memref<?x16xf32>
// CHECK:         memref.view %[[BUF]][%[[S]]][] : memref<?xi8> to memref<2xf32>
// CHECK:         memref.view %[[BUF]][%[[O2]]][%[[N]]] : memref<?xi8> to memref<?x16xf32>
// CHECK:         memref.view %[[BUF]][%[[O3]]][] : memref<?xi8> to memref<2xf32>
// CHECK:         memref.view %[[BUF]][%[[O4]]][%[[N]]] : memref<?xi8> to memref<?x16xf32>
func.func @r_predict(%x: memref<1xf32>, %batch: i64)
    attributes {dl.entry = "predict"} {
  %cst = arith.constant 1.0 : f32
  %n = arith.index_cast %batch : i64 to index
  %a0 = memref.alloc(%n) {alignment = 64 : i64} : memref<?x16xf32>
  linalg.fill ins(%cst : f32) outs(%a0 : memref<?x16xf32>)
  %c0 = memref.alloc() {alignment = 64 : i64} : memref<2xf32>
  linalg.fill ins(%cst : f32) outs(%c0 : memref<2xf32>)
  %a1 = memref.alloc(%n) {alignment = 64 : i64} : memref<?x16xf32>
  linalg.fill ins(%cst : f32) outs(%a1 : memref<?x16xf32>)
  %c1 = memref.alloc() {alignment = 64 : i64} : memref<2xf32>
  linalg.fill ins(%cst : f32) outs(%c1 : memref<2xf32>)
  %a2 = memref.alloc(%n) {alignment = 64 : i64} : memref<?x16xf32>
  linalg.fill ins(%cst : f32) outs(%a2 : memref<?x16xf32>)
  linalg.fill ins(%cst : f32) outs(%a0 : memref<?x16xf32>)
  linalg.fill ins(%cst : f32) outs(%c0 : memref<2xf32>)
  linalg.fill ins(%cst : f32) outs(%a1 : memref<?x16xf32>)
  linalg.fill ins(%cst : f32) outs(%c1 : memref<2xf32>)
  return
}

// -----

// Memory is shared between allocations whose lifetimes do not overlap (the
// deallocs, all at the end of the block, say nothing: the last use of the
// allocation or of a view of it does). %a and %b, [batch, 16] f32 (64 *
// batch bytes: S), are both live at the copy: offsets 0 and S. %c starts
// after both ended: it shares %a's offset 0. %d has ceil(batch / 4) rows, not
// a polynomial in the batch (1 and 2 would fit a constant): it gets a piece
// of its own (D bytes) at 2S although nothing else is live. A view of %e
// leaves through the loop's iter_args, so its lifetime is unknown: a piece
// of its own at 2S + D, and %f, after the loop, shares %a's again.
// CHECK-LABEL: func.func @s_predict_ws(
// CHECK-SAME:    %{{.*}}: memref<1xf32>, %[[B:.*]]: i64, %[[WS:.*]]: memref<1xi8>)
// CHECK-DAG:     %[[N:.*]] = arith.index_cast %[[B]] : i64 to index
// CHECK-DAG:     %[[S:.*]] = arith.muli %[[N]], %c64 : index
// CHECK-DAG:     %[[S2:.*]] = arith.addi %[[S]], %[[S]] : index
// CHECK-DAG:     %[[Q:.*]] = arith.ceildivui %[[N]], %c4 : index
// CHECK-DAG:     %[[D:.*]] = arith.muli %[[Q]], %c64 : index
// CHECK-DAG:     %[[E:.*]] = arith.addi %[[S2]], %[[D]] : index
// CHECK:         %[[BUF:.*]] = memref.reinterpret_cast %[[WS]]
// CHECK:         %[[VA:.*]] = memref.view %[[BUF]][%c0][%[[N]]] : memref<?xi8> to memref<?x16xf32>
// CHECK:         %[[VB:.*]] = memref.view %[[BUF]][%[[S]]][%[[N]]] : memref<?xi8> to memref<?x16xf32>
// CHECK:         memref.copy %[[VA]], %[[VB]]
// The same offset and size: CSE made %c's view %a's.
// CHECK-NEXT:    linalg.fill ins(%{{.*}} : f32) outs(%[[VA]] : memref<?x16xf32>)
// CHECK-NEXT:    memref.view %[[BUF]][%[[S2]]][%[[Q]]] : memref<?xi8> to memref<?x16xf32>
// CHECK:         memref.view %[[BUF]][%[[E]]][%[[N]]] : memref<?xi8> to memref<?x16xf32>
// CHECK:         scf.for
// CHECK:         }
// CHECK-NEXT:    linalg.fill ins(%{{.*}} : f32) outs(%[[VA]] : memref<?x16xf32>)
// CHECK-NEXT:    return
func.func @s_predict(%x: memref<1xf32>, %batch: i64)
    attributes {dl.entry = "predict"} {
  %cst = arith.constant 1.0 : f32
  %i0 = arith.constant 0 : index
  %i1 = arith.constant 1 : index
  %i4 = arith.constant 4 : index
  %n = arith.index_cast %batch : i64 to index
  %a = memref.alloc(%n) {alignment = 64 : i64} : memref<?x16xf32>
  linalg.fill ins(%cst : f32) outs(%a : memref<?x16xf32>)
  %b = memref.alloc(%n) {alignment = 64 : i64} : memref<?x16xf32>
  memref.copy %a, %b : memref<?x16xf32> to memref<?x16xf32>
  %c = memref.alloc(%n) {alignment = 64 : i64} : memref<?x16xf32>
  linalg.fill ins(%cst : f32) outs(%c : memref<?x16xf32>)
  %q = arith.ceildivui %n, %i4 : index
  %d = memref.alloc(%q) {alignment = 64 : i64} : memref<?x16xf32>
  linalg.fill ins(%cst : f32) outs(%d : memref<?x16xf32>)
  %e = memref.alloc(%n) {alignment = 64 : i64} : memref<?x16xf32>
  %ev = memref.collapse_shape %e [[0, 1]] : memref<?x16xf32> into memref<?xf32>
  %r = scf.for %i = %i0 to %i4 step %i1 iter_args(%acc = %ev) -> (memref<?xf32>) {
    linalg.fill ins(%cst : f32) outs(%acc : memref<?xf32>)
    scf.yield %acc : memref<?xf32>
  }
  %f = memref.alloc(%n) {alignment = 64 : i64} : memref<?x16xf32>
  linalg.fill ins(%cst : f32) outs(%f : memref<?x16xf32>)
  memref.dealloc %a : memref<?x16xf32>
  memref.dealloc %b : memref<?x16xf32>
  memref.dealloc %c : memref<?x16xf32>
  memref.dealloc %d : memref<?x16xf32>
  memref.dealloc %e : memref<?x16xf32>
  memref.dealloc %f : memref<?x16xf32>
  return
}

// -----

// Largest first packs better here, so that plan is kept. %a and %d,
// [batch, 16] f32 (64 * batch bytes: S), do not overlap; %b and %c, [16]
// f32 (64 bytes), are live with each other and with %d. In program order %c
// would take %a's piece (growing it to S + 64) and %d a third one: 2S + 128.
// Largest first, %d takes %a's piece and %b and %c get one each: S + 128.
// CHECK-LABEL: func.func @g_predict_workspace_size(
// CHECK-SAME:    %[[B:.*]]: i64) -> i64
// CHECK:         %[[BC:.*]] = arith.maxsi %[[B]], %c0_i64 : i64
// CHECK-NEXT:    %[[N:.*]] = arith.index_cast %[[BC]] : i64 to index
// CHECK-NEXT:    %[[S:.*]] = arith.muli %[[N]], %c64 : index
// CHECK-NEXT:    %[[T:.*]] = arith.addi %[[S]], %c128 : index
// CHECK-NEXT:    %[[T64:.*]] = arith.index_cast %[[T]] : index to i64
// CHECK-NEXT:    return %[[T64]]
// CHECK-LABEL: func.func @g_predict_ws(
// CHECK-SAME:    %{{.*}}: memref<1xf32>, %[[B:.*]]: i64, %[[WS:.*]]: memref<1xi8>)
// CHECK-DAG:     %[[N:.*]] = arith.index_cast %[[B]] : i64 to index
// CHECK-DAG:     %[[S:.*]] = arith.muli %[[N]], %c64 : index
// CHECK-DAG:     %[[S64:.*]] = arith.addi %[[S]], %c64 : index
// CHECK:         %[[BUF:.*]] = memref.reinterpret_cast %[[WS]]
// CHECK:         %[[VA:.*]] = memref.view %[[BUF]][%c0][%[[N]]] : memref<?xi8> to memref<?x16xf32>
// CHECK:         memref.view %[[BUF]][%[[S]]][] : memref<?xi8> to memref<16xf32>
// CHECK:         memref.view %[[BUF]][%[[S64]]][] : memref<?xi8> to memref<16xf32>
// CHECK-NOT:     memref.view
// CHECK:         linalg.fill ins(%{{.*}} : f32) outs(%[[VA]] : memref<?x16xf32>)
func.func @g_predict(%x: memref<1xf32>, %batch: i64)
    attributes {dl.entry = "predict"} {
  %cst = arith.constant 1.0 : f32
  %n = arith.index_cast %batch : i64 to index
  %a = memref.alloc(%n) {alignment = 64 : i64} : memref<?x16xf32>
  %b = memref.alloc() {alignment = 64 : i64} : memref<16xf32>
  linalg.fill ins(%cst : f32) outs(%a : memref<?x16xf32>)
  %c = memref.alloc() {alignment = 64 : i64} : memref<16xf32>
  %d = memref.alloc(%n) {alignment = 64 : i64} : memref<?x16xf32>
  linalg.fill ins(%cst : f32) outs(%c : memref<16xf32>)
  linalg.fill ins(%cst : f32) outs(%d : memref<?x16xf32>)
  linalg.fill ins(%cst : f32) outs(%b : memref<16xf32>)
  return
}
