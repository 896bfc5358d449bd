// A loss with mae and mse results (dl.metric = "mae", "mse"; MLIRGen adds
// them for metrics = [mae] or [mse]): the metrics buffer of every entry point
// has 4 floats, mae into metrics[2] and mse into metrics[3] from the step's
// own results (no second forward pass), NaN into all 4 for a rejected batch;
// train_step's metrics on the stack have 4 floats too.
// RUN: dl-opt %s --dl-train-pipeline --dl-export-abi=prefix=t | FileCheck %s

func.func @forward(%x: tensor<?x3xf32> {dl.input = "x"},
                   %w: tensor<3x2xf32> {dl.param = "w"}) -> tensor<?x2xf32> {
  %0 = dl.dense %x, %w : (tensor<?x3xf32>, tensor<3x2xf32>) -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}
func.func @init_params(%seed: i64) -> (tensor<3x2xf32>) {
  %0 = dl.random_uniform %seed {stream = 0 : i64, low = -0.5 : f32, high = 0.5 : f32} : tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}
func.func @loss(%x: tensor<?x3xf32> {dl.input = "x"}, %y: tensor<?x2xf32> {dl.targets},
                %w: tensor<3x2xf32> {dl.param = "w"})
    -> (tensor<f32>, tensor<f32> {dl.metric = "mae"}, tensor<f32> {dl.metric = "mse"})
    attributes {dl.gradient = "gradients", dl.train_step = "train_step",
                dl.optimizer = #dl.sgd<learning_rate = 0.1, momentum = 0.0, nesterov = false>} {
  %0 = dl.dense %x, %w : (tensor<?x3xf32>, tensor<3x2xf32>) -> tensor<?x2xf32>
  %1 = dl.mean_squared_error %0, %y : (tensor<?x2xf32>, tensor<?x2xf32>) -> tensor<f32>
  %2 = dl.mean_absolute_error %0, %y : (tensor<?x2xf32>, tensor<?x2xf32>) -> tensor<f32>
  %3 = dl.mean_squared_error %0, %y : (tensor<?x2xf32>, tensor<?x2xf32>) -> tensor<f32>
  return %1, %2, %3 : tensor<f32>, tensor<f32>, tensor<f32>
}

// The mse metric is the loss itself (CSE): metrics[0] and [3] store it.
// CHECK-LABEL: func.func @t_train_step_metrics(
// CHECK-SAME: %[[M:[^:]*]]: memref<4xf32>)
// CHECK: %[[LOSS:.*]] = dl.mean_squared_error
// CHECK: %[[MAE:.*]] = dl.mean_absolute_error
// CHECK: dl.sgd_update
// CHECK: %[[L0:.*]] = tensor.extract %[[LOSS]][]
// CHECK-NEXT: %[[C0:.*]] = arith.constant 0 : index
// CHECK-NEXT: memref.store %[[L0]], %[[M]][%[[C0]]] : memref<4xf32>
// CHECK: %[[A2:.*]] = tensor.extract %[[MAE]][]
// CHECK-NEXT: %[[C2:.*]] = arith.constant 2 : index
// CHECK-NEXT: memref.store %[[A2]], %[[M]][%[[C2]]] : memref<4xf32>
// CHECK-NEXT: %[[S3:.*]] = tensor.extract %[[LOSS]][]
// CHECK-NEXT: %[[C3:.*]] = arith.constant 3 : index
// CHECK-NEXT: memref.store %[[S3]], %[[M]][%[[C3]]] : memref<4xf32>
// CHECK-NEXT: } else {
// CHECK-NEXT: %[[NAN:.*]] = arith.constant 0x7FC00000 : f32
// CHECK-COUNT-4: memref.store %[[NAN]], %[[M]][%{{.*}}] : memref<4xf32>
// CHECK-NEXT: }

// CHECK-LABEL: func.func @t_train_step(
// CHECK: %[[A:.*]] = memref.alloca() : memref<4xf32>
// CHECK: call @t_train_step_metrics({{.*}}, %[[A]])

// CHECK-LABEL: func.func @t_train_gradients(
// CHECK-SAME: memref<4xf32>)

// CHECK-LABEL: func.func @t_eval_step(
// CHECK-SAME: %[[EM:[^:]*]]: memref<4xf32>)
// CHECK: dl.mean_absolute_error
// CHECK: memref.store %{{.*}}, %[[EM]][%{{.*}}] : memref<4xf32>
