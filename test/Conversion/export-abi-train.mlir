// The training entry points: results go back into the buffers named by their
// dl.param / dl.state attributes, in place.
// RUN: dl-opt %s --dl-train-pipeline --dl-export-abi=prefix=t | FileCheck %s

func.func @forward(%x: tensor<?x3xf32> {dl.input = "x"},
                   %w: tensor<3x2xf32> {dl.param = "dense.kernel"}) -> tensor<?x2xf32> {
  %0 = dl.dense %x, %w : (tensor<?x3xf32>, tensor<3x2xf32>) -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}
func.func @init_params(%seed: i64) -> (tensor<3x2xf32>) {
  %0 = dl.random_uniform %seed {stream = 0 : i64, low = -0.5 : f32, high = 0.5 : f32} : tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}
func.func @loss(%x: tensor<?x3xf32> {dl.input = "x"}, %y: tensor<?x2xf32> {dl.targets},
                %w: tensor<3x2xf32> {dl.param = "dense.kernel"}) -> tensor<f32>
    attributes {dl.gradient = "gradients", dl.train_step = "train_step",
                dl.optimizer = #dl.sgd<learning_rate = 0.1, momentum = 0.9, nesterov = false>} {
  %0 = dl.dense %x, %w : (tensor<?x3xf32>, tensor<3x2xf32>) -> tensor<?x2xf32>
  %1 = dl.mean_squared_error %0, %y : (tensor<?x2xf32>, tensor<?x2xf32>) -> tensor<f32>
  return %1 : tensor<f32>
}

// CHECK-LABEL: func.func @t_gradients(
// CHECK-SAME: %{{.*}}: memref<6xf32>, %{{.*}}: memref<1xf32>, %{{.*}}: memref<1xf32>, %{{.*}}: i64, %[[G:.*]]: memref<6xf32>) -> f32
// CHECK-SAME: attributes {dl.entry = "gradients"}
// CHECK: %[[GV:.*]] = memref.reinterpret_cast %[[G]] to offset: [0], sizes: [3, 2]
// CHECK: bufferization.materialize_in_destination %{{.*}} in restrict writable %[[GV]]

// State: the step counter, then one velocity per parameter element; every
// slot starts on a 64-byte (16-float) boundary.
// CHECK-LABEL: func.func @t_train_step_metrics(
// CHECK-SAME: %[[P:.*]]: memref<6xf32>, %[[S:.*]]: memref<22xf32>, %{{.*}}: memref<1xf32>, %{{.*}}: memref<1xf32>, %{{.*}}: i64, %[[M:.*]]: memref<2xf32>)
// CHECK-SAME: attributes {dl.entry = "train_step_metrics"}
// CHECK-DAG: %[[PV:.*]] = memref.reinterpret_cast %[[P]] to offset: [0], sizes: [3, 2]
// CHECK-DAG: %[[PT:.*]] = bufferization.to_tensor %[[PV]] restrict writable
// CHECK-DAG: %[[STEP:.*]] = memref.reinterpret_cast %[[S]] to offset: [0], sizes: [], strides: []
// CHECK-DAG: %[[VEL:.*]] = memref.reinterpret_cast %[[S]] to offset: [16], sizes: [3, 2]
// CHECK: %[[NEWP:.*]], %[[NEWV:.*]] = dl.sgd_update %[[PT]]
// CHECK-DAG: bufferization.materialize_in_destination %{{.*}} in restrict writable %[[STEP]]
// CHECK-DAG: bufferization.materialize_in_destination %[[NEWV]] in restrict writable %[[VEL]]
// CHECK-DAG: bufferization.materialize_in_destination %[[NEWP]] in restrict writable %[[PV]]
// CHECK: memref.store %{{.*}}, %[[M]]

// CHECK-LABEL: func.func @t_train_step(
// CHECK: %[[A:.*]] = memref.alloca() : memref<2xf32>
// CHECK: call @t_train_step_metrics({{.*}}, %[[A]])
// CHECK-LABEL: func.func @t_opt_state_size() -> i64
// CHECK-SAME: attributes {dl.entry = "opt_state_size"}
// CHECK: arith.constant 22 : i64
// CHECK-LABEL: func.func @t_init_opt_state(
// CHECK: linalg.fill
// train_step split at the allreduce: train_gradients reads opt_state without
// writing it and writes the trainable tensors' gradients (6 floats here);
// apply_gradients reads them and updates params and opt_state in place.
// CHECK-LABEL: func.func @t_train_gradients(
// CHECK-SAME: %{{.*}}: memref<6xf32>, %[[TS:.*]]: memref<22xf32>, %{{.*}}: memref<1xf32>, %{{.*}}: memref<1xf32>, %{{.*}}: i64, %[[TG:.*]]: memref<6xf32>, %[[TM:.*]]: memref<2xf32>)
// CHECK-SAME: attributes {dl.entry = "train_gradients"}
// CHECK: %[[TSTEP:.*]] = memref.reinterpret_cast %[[TS]] to offset: [0], sizes: [], strides: []
// CHECK-NEXT: bufferization.to_tensor %[[TSTEP]] restrict :
// CHECK: %[[TGV:.*]] = memref.reinterpret_cast %[[TG]] to offset: [0], sizes: [3, 2]
// CHECK-NEXT: bufferization.materialize_in_destination %{{.*}} in restrict writable %[[TGV]]
// CHECK: memref.store %{{.*}}, %[[TM]]
// CHECK-LABEL: func.func @t_apply_gradients(
// CHECK-SAME: %[[AP:.*]]: memref<6xf32>, %[[AS:.*]]: memref<22xf32>, %[[AG:.*]]: memref<6xf32>)
// CHECK-SAME: attributes {dl.entry = "apply_gradients"}
// CHECK-DAG: %[[ASTEP:.*]] = memref.reinterpret_cast %[[AS]] to offset: [0], sizes: [], strides: []
// CHECK-DAG: %[[APV:.*]] = memref.reinterpret_cast %[[AP]] to offset: [0], sizes: [3, 2]
// CHECK-DAG: %[[AVEL:.*]] = memref.reinterpret_cast %[[AS]] to offset: [16], sizes: [3, 2]
// CHECK-DAG: %[[AGV:.*]] = memref.reinterpret_cast %[[AG]] to offset: [0], sizes: [3, 2]
// CHECK-DAG: %[[AGT:.*]] = bufferization.to_tensor %[[AGV]] restrict :
// CHECK: %[[ANEWP:.*]], %[[ANEWV:.*]] = dl.sgd_update %{{.*}}, %[[AGT]], %{{.*}}
// CHECK-DAG: bufferization.materialize_in_destination %{{.*}} in restrict writable %[[ASTEP]]
// CHECK-DAG: bufferization.materialize_in_destination %[[ANEWV]] in restrict writable %[[AVEL]]
// CHECK-DAG: bufferization.materialize_in_destination %[[ANEWP]] in restrict writable %[[APV]]
// CHECK-LABEL: func.func @t_eval_step(
// CHECK: dl.mean_squared_error
