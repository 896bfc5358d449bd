// After bufferization the training step updates parameters and optimizer
// state in the caller's buffers: no copy of any parameter-sized buffer, and
// predict writes straight into y.
// RUN: dl-opt %s --dl-train-pipeline --dl-lower-to-linalg=prefix=t --eliminate-empty-tensors --one-shot-bufferize --canonicalize | FileCheck %s

func.func @forward(%x: tensor<?x3xf32> {dl.input = "x"},
                   %w: tensor<3x2xf32> {dl.param = "w"}) -> tensor<?x2xf32> {
  %0 = dl.dense %x, %w : (tensor<?x3xf32>, tensor<3x2xf32>) -> tensor<?x2xf32>
  %1 = dl.softmax %0 : tensor<?x2xf32>
  return %1 : tensor<?x2xf32>
}
func.func @init_params(%seed: i64) -> (tensor<3x2xf32>) {
  %0 = dl.random_uniform %seed {stream = 0 : i64, low = -0.5 : f32, high = 0.5 : f32} : tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}
func.func @loss(%x: tensor<?x3xf32> {dl.input = "x"}, %y: tensor<?xi32> {dl.targets},
                %w: tensor<3x2xf32> {dl.param = "w"}) -> tensor<f32>
    attributes {dl.gradient = "gradients", dl.train_step = "train_step",
                dl.optimizer = #dl.adam<learning_rate = 1.0e-3, beta_1 = 9.000000e-01, beta_2 = 9.990000e-01, epsilon = 1.000000e-07>} {
  %0 = dl.dense %x, %w : (tensor<?x3xf32>, tensor<3x2xf32>) -> tensor<?x2xf32>
  %1 = dl.sparse_softmax_cross_entropy %0, %y : (tensor<?x2xf32>, tensor<?xi32>) -> tensor<f32>
  return %1 : tensor<f32>
}

// CHECK-LABEL: func.func @t_predict(
// CHECK: %[[Y:.*]] = memref.reinterpret_cast %{{.*}} to offset: [0], sizes: [%{{.*}}, 2], strides: [2, 1]
// The softmax's last loop writes y itself.
// CHECK: linalg.generic {{.*}} outs(%[[Y]] : memref<?x2xf32>)
// CHECK-NOT: memref.copy
// CHECK: return

// CHECK-LABEL: func.func @t_train_step_metrics(
// CHECK-DAG: %[[W:.*]] = memref.reinterpret_cast %{{.*}} to offset: [0], sizes: [3, 2], strides: [2, 1]
// CHECK-DAG: %[[M:.*]] = memref.reinterpret_cast %{{.*}} to offset: [16], sizes: [3, 2], strides: [2, 1]
// CHECK-DAG: %[[V:.*]] = memref.reinterpret_cast %{{.*}} to offset: [32], sizes: [3, 2], strides: [2, 1]
// CHECK: linalg.generic {{.*}} outs(%[[W]], %[[M]], %[[V]] :
// CHECK-NOT: memref.copy {{.*}}3x2xf32
// CHECK: return
