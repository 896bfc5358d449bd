// dl.weights (dlc --weights): the parameters become a global and the entry
// points lose their params argument; read-only weights export no training.
// RUN: dl-opt %s --split-input-file --dl-train-pipeline --dl-export-abi=prefix=b | FileCheck %s

module attributes {dl.weights = dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]> : tensor<6xf32>} {
  func.func @forward(%x: tensor<?x3xf32> {dl.input = "x"}, %w: tensor<3x2xf32> {dl.param = "w"}) -> tensor<?x2xf32> {
    %0 = dl.dense %x, %w : (tensor<?x3xf32>, tensor<3x2xf32>) -> tensor<?x2xf32>
    return %0 : tensor<?x2xf32>
  }
  func.func @init_params(%seed: i64) -> (tensor<3x2xf32>) {
    %0 = dl.random_uniform %seed {stream = 0 : i64, low = -0.5 : f32, high = 0.5 : f32} : tensor<3x2xf32>
    return %0 : tensor<3x2xf32>
  }
  func.func @loss(%x: tensor<?x3xf32> {dl.input = "x"}, %t: tensor<?x2xf32> {dl.targets}, %w: tensor<3x2xf32> {dl.param = "w"}) -> tensor<f32>
      attributes {dl.gradient = "gradients", dl.train_step = "train_step", dl.optimizer = #dl.sgd<learning_rate = 0.1, momentum = 0.000000e+00, nesterov = false>} {
    %0 = dl.dense %x, %w : (tensor<?x3xf32>, tensor<3x2xf32>) -> tensor<?x2xf32>
    %1 = dl.mean_squared_error %0, %t : (tensor<?x2xf32>, tensor<?x2xf32>) -> tensor<f32>
    return %1 : tensor<f32>
  }
}

// CHECK: memref.global "private" constant @b_weights : memref<6xf32> = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00]> {alignment = 64 : i64}
// CHECK-LABEL: func.func @b_predict(%{{.*}}: memref<1xf32>, %{{.*}}: memref<1xf32>, %{{.*}}: i64)
// CHECK: memref.get_global @b_weights
// CHECK-NOT: func.func @b_init_params
// CHECK-NOT: func.func @b_train_step
// CHECK-NOT: func.func @b_gradients
// CHECK-LABEL: func.func @b_eval_step(
// CHECK-NOT: dl.weights

// -----

module attributes {dl.weights = dense<[1.0, 2.0]> : tensor<2xf32>, dl.weights_writable} {
  func.func @forward(%x: tensor<?x2xf32> {dl.input = "x"}, %w: tensor<2xf32> {dl.param = "w"}) -> tensor<?x2xf32> {
    %0 = dl.relu %x : tensor<?x2xf32>
    return %0 : tensor<?x2xf32>
  }
  func.func @init_params(%seed: i64) -> (tensor<2xf32>) {
    %0 = arith.constant dense<0.0> : tensor<2xf32>
    return %0 : tensor<2xf32>
  }
}

// Writable: a mutable global and a pointer to it.
// CHECK: memref.global "private" @b_weights : memref<2xf32> = dense<[1.000000e+00, 2.000000e+00]>
// CHECK-LABEL: func.func @b_params() -> !llvm.ptr
// CHECK-SAME: attributes {dl.entry = "params"}
// CHECK: memref.extract_aligned_pointer_as_index
// CHECK: llvm.inttoptr
