// The boundary checks of dl-export-abi (docs/abi.md, "What the entry points
// check"): every entry point with a batch runs its body only when the batch
// is at least 1 and, with int32 labels, every label is below the number of
// classes (3, the output's last axis) as an unsigned compare (so negative
// labels fail too), all scanned first; otherwise it writes NaN metrics and
// returns NaN. train_step leaves the checks to train_step_metrics.
// RUN: dl-opt %s --dl-train-pipeline --dl-export-abi=prefix=t | FileCheck %s

func.func @forward(%x: tensor<?x4xf32> {dl.input = "x"},
                   %w: tensor<4x3xf32> {dl.param = "w"}) -> tensor<?x3xf32> {
  %0 = dl.dense %x, %w : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x3xf32>
  %1 = dl.softmax %0 : tensor<?x3xf32>
  return %1 : tensor<?x3xf32>
}
func.func @init_params(%seed: i64) -> (tensor<4x3xf32>) {
  %0 = dl.random_uniform %seed {stream = 0 : i64, low = -0.5 : f32, high = 0.5 : f32} : tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}
func.func @loss(%x: tensor<?x4xf32> {dl.input = "x"}, %y: tensor<?xi32> {dl.targets},
                %w: tensor<4x3xf32> {dl.param = "w"}) -> tensor<f32>
    attributes {dl.gradient = "gradients", dl.train_step = "train_step",
                dl.optimizer = #dl.sgd<learning_rate = 0.1, momentum = 0.0, nesterov = false>} {
  %0 = dl.dense %x, %w : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x3xf32>
  %1 = dl.sparse_softmax_cross_entropy %0, %y : (tensor<?x3xf32>, tensor<?xi32>) -> tensor<f32>
  return %1 : tensor<f32>
}

// predict: the batch only; a rejected call writes nothing.
// CHECK-LABEL: func.func @t_predict(
// CHECK-SAME: %{{.*}}: memref<12xf32>, %{{.*}}: memref<1xf32>, %[[Y:.*]]: memref<1xf32>, %[[PB:.*]]: i64)
// CHECK: %[[PONE:.*]] = arith.constant 1 : i64
// CHECK: %[[POK:.*]] = arith.cmpi sge, %[[PB]], %[[PONE]] : i64
// CHECK-NEXT: scf.if %[[POK]] {
// CHECK: bufferization.materialize_in_destination
// CHECK-NEXT: } else {
// CHECK-NEXT: }
// CHECK-NEXT: return

// gradients: the labels scanned over the batch (none when the batch is
// bad), then the body or NaN.
// CHECK-LABEL: func.func @t_gradients(
// CHECK-SAME: %{{.*}}: memref<12xf32>, %{{.*}}: memref<1xf32>, %[[GL:.*]]: memref<1xi32>, %[[GB:.*]]: i64, %[[G:.*]]: memref<12xf32>) -> f32
// CHECK: %[[GSIZE:.*]] = arith.cmpi sge, %[[GB]], %{{.*}} : i64
// CHECK: %[[GN:.*]] = arith.select %[[GSIZE]], %{{.*}}, %{{.*}} : i64
// CHECK: %[[GNI:.*]] = arith.index_cast %[[GN]] : i64 to index
// CHECK: %[[GLV:.*]] = memref.reinterpret_cast %[[GL]] to offset: [0], sizes: [%[[GNI]]], strides: [1] : memref<1xi32> to memref<?xi32>
// CHECK: %[[THREE:.*]] = arith.constant 3 : i32
// CHECK: %[[GALL:.*]] = scf.for %[[I:.*]] = %{{.*}} to %[[GNI]] step %{{.*}} iter_args(%[[ACC:.*]] = %true) -> (i1) {
// CHECK-NEXT: %[[LABEL:.*]] = memref.load %[[GLV]][%[[I]]] : memref<?xi32>
// CHECK-NEXT: %[[IN:.*]] = arith.cmpi ult, %[[LABEL]], %[[THREE]] : i32
// CHECK-NEXT: %[[AND:.*]] = arith.andi %[[ACC]], %[[IN]] : i1
// CHECK-NEXT: scf.yield %[[AND]] : i1
// CHECK: %[[GOK:.*]] = arith.andi %[[GSIZE]], %[[GALL]] : i1
// CHECK-NEXT: %[[GR:.*]] = scf.if %[[GOK]] -> (f32) {
// CHECK: bufferization.materialize_in_destination {{.*}} in restrict writable
// CHECK: } else {
// CHECK-NEXT: %[[NAN:.*]] = arith.constant 0x7FC00000 : f32
// CHECK-NEXT: scf.yield %[[NAN]] : f32
// CHECK: return %[[GR]] : f32

// train_step_metrics: NaN into both metrics, params and state untouched.
// CHECK-LABEL: func.func @t_train_step_metrics(
// CHECK-SAME: %[[M:[^:]*]]: memref<2xf32>)
// CHECK: scf.for
// CHECK: arith.cmpi ult
// CHECK: scf.if %{{.*}} {
// CHECK: dl.sgd_update
// CHECK: } else {
// CHECK-NEXT: %[[MNAN:.*]] = arith.constant 0x7FC00000 : f32
// CHECK-NEXT: %[[C0:.*]] = arith.constant 0 : index
// CHECK-NEXT: memref.store %[[MNAN]], %[[M]][%[[C0]]] : memref<2xf32>
// CHECK-NEXT: %[[C1:.*]] = arith.constant 1 : index
// CHECK-NEXT: memref.store %[[MNAN]], %[[M]][%[[C1]]] : memref<2xf32>
// CHECK-NEXT: }

// train_step: no checks of its own (train_step_metrics makes them).
// CHECK-LABEL: func.func @t_train_step(
// CHECK-NOT: scf.if
// CHECK: call @t_train_step_metrics
// CHECK-LABEL: func.func @t_init_opt_state(
// CHECK-NOT: scf.if
// CHECK-LABEL: func.func @t_train_gradients(
// CHECK: arith.cmpi ult
// CHECK: scf.if
// CHECK-LABEL: func.func @t_apply_gradients(
// CHECK-NOT: scf.if
// CHECK-LABEL: func.func @t_eval_step(
// CHECK: arith.cmpi ult
// CHECK: scf.if
