// dl.dropout and dl.training_key print and parse back to the same IR; the
// autodiff VJP of dropout is dropout of the cotangent with the same key,
// rate and stream (the mask recomputed, not stored).
// RUN: dl-opt %s | dl-opt | FileCheck %s
// RUN: dl-opt %s --dl-autodiff | FileCheck %s --check-prefix=VJP

// CHECK-LABEL: func.func @ops
// CHECK-SAME: (%[[X:.*]]: tensor<?x8xf32>, %[[C:.*]]: tensor<?x4x4x3xf32>, %[[K:.*]]: tensor<i64>, %[[SEED:.*]]: tensor<4xf32>, %[[STEP:.*]]: tensor<f32>)
func.func @ops(%x: tensor<?x8xf32>, %c: tensor<?x4x4x3xf32>, %key: tensor<i64>,
               %seed: tensor<4xf32>, %step: tensor<f32>)
    -> (tensor<?x8xf32>, tensor<?x4x4x3xf32>, tensor<i64>) {
  // CHECK: dl.dropout %[[X]], %[[K]] {rate = 2.500000e-01 : f32, stream = 3 : i64} : tensor<?x8xf32>
  %0 = dl.dropout %x, %key {rate = 0.25 : f32, stream = 3 : i64} : tensor<?x8xf32>
  // CHECK: dl.dropout %[[C]], %[[K]] {rate = 0.000000e+00 : f32, spatial, stream = 0 : i64} : tensor<?x4x4x3xf32>
  %1 = dl.dropout %c, %key {rate = 0.0 : f32, stream = 0 : i64, spatial} : tensor<?x4x4x3xf32>
  // CHECK: dl.training_key %[[SEED]], %[[STEP]] : tensor<4xf32>, tensor<f32>
  %2 = dl.training_key %seed, %step : tensor<4xf32>, tensor<f32>
  return %0, %1, %2 : tensor<?x8xf32>, tensor<?x4x4x3xf32>, tensor<i64>
}

// VJP-LABEL: func.func @grad
// VJP-SAME: (%[[X:.*]]: tensor<?x8xf32> {dl.input = "x"}, %[[K:.*]]: tensor<i64> {dl.key}, %[[W:.*]]: tensor<8x2xf32>
// VJP: %[[H:.*]] = dl.dense %[[X]]
// VJP: dl.dropout %[[H]], %[[K]] {rate = 5.000000e-01 : f32, stream = 7 : i64}
// VJP: %[[DY:.*]] = dl.matmul
// VJP: dl.dropout %[[DY]], %[[K]] {rate = 5.000000e-01 : f32, stream = 7 : i64} : tensor<?x8xf32>
func.func @loss(%x: tensor<?x8xf32> {dl.input = "x"}, %key: tensor<i64> {dl.key},
                %w: tensor<8x2xf32> {dl.param = "w"},
                %v: tensor<8x8xf32> {dl.param = "v"})
    -> tensor<f32> attributes {dl.gradient = "grad"} {
  %h = dl.dense %x, %v : (tensor<?x8xf32>, tensor<8x8xf32>) -> tensor<?x8xf32>
  %y = dl.dropout %h, %key {rate = 0.5 : f32, stream = 7 : i64} : tensor<?x8xf32>
  %z = dl.dense %y, %w : (tensor<?x8xf32>, tensor<8x2xf32>) -> tensor<?x2xf32>
  %l = dl.mean_squared_error %z, %z : (tensor<?x2xf32>, tensor<?x2xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
