// dl-export-abi: C entry points over flat buffers, model functions inlined.
// RUN: dl-opt %s --dl-export-abi=prefix=tiny | FileCheck %s

func.func @forward(%x: tensor<?x4x3xf32> {dl.input = "x"},
                   %w: tensor<12x5xf32> {dl.param = "dense.kernel"},
                   %b: tensor<5xf32> {dl.param = "dense.bias"}) -> tensor<?x5xf32> {
  %0 = dl.flatten %x : tensor<?x4x3xf32> -> tensor<?x12xf32>
  %1 = dl.dense %0, %w, %b : (tensor<?x12xf32>, tensor<12x5xf32>, tensor<5xf32>) -> tensor<?x5xf32>
  return %1 : tensor<?x5xf32>
}
func.func @init_params(%seed: i64) -> (tensor<12x5xf32>, tensor<5xf32>) {
  %0 = dl.random_uniform %seed {stream = 0 : i64, low = -0.5 : f32, high = 0.5 : f32} : tensor<12x5xf32>
  %1 = arith.constant dense<0.0> : tensor<5xf32>
  return %0, %1 : tensor<12x5xf32>, tensor<5xf32>
}

// The model functions are gone; only the entry points remain.
// CHECK-NOT: func.func @forward
// CHECK-NOT: func.func @init_params

// CHECK-LABEL: func.func @tiny_predict
// CHECK-SAME: (%[[P:.*]]: memref<65xf32>, %[[X:.*]]: memref<1xf32>, %[[Y:.*]]: memref<1xf32>, %[[N:.*]]: i64)
// CHECK-SAME: attributes {dl.entry = "predict"}
// CHECK: %[[B:.*]] = arith.index_cast %[[N]] : i64 to index
// CHECK: %[[XV:.*]] = memref.reinterpret_cast %[[X]] to offset: [0], sizes: [%[[B]], 4, 3], strides: [12, 3, 1]
// CHECK: %[[XT:.*]] = bufferization.to_tensor %[[XV]] restrict
// CHECK: %[[WV:.*]] = memref.reinterpret_cast %[[P]] to offset: [0], sizes: [12, 5], strides: [5, 1]
// CHECK: %[[WT:.*]] = bufferization.to_tensor %[[WV]] restrict
// CHECK: %[[BV:.*]] = memref.reinterpret_cast %[[P]] to offset: [60], sizes: [5], strides: [1]
// CHECK: %[[BT:.*]] = bufferization.to_tensor %[[BV]] restrict
// CHECK: %[[F:.*]] = dl.flatten %[[XT]]
// CHECK: %[[D:.*]] = dl.dense %[[F]], %[[WT]], %[[BT]]
// CHECK: %[[YV:.*]] = memref.reinterpret_cast %[[Y]] to offset: [0], sizes: [%[[B]], 5], strides: [5, 1]
// CHECK: bufferization.materialize_in_destination %[[D]] in restrict writable %[[YV]]

// CHECK-LABEL: func.func @tiny_init_params
// CHECK-SAME: (%[[P:.*]]: memref<65xf32>, %[[S:.*]]: i64)
// CHECK-SAME: attributes {dl.entry = "init_params"}
// CHECK: %[[R:.*]] = dl.random_uniform %[[S]]
// CHECK: %[[Z:.*]] = arith.constant dense<0.000000e+00> : tensor<5xf32>
// CHECK: %[[WV:.*]] = memref.reinterpret_cast %[[P]] to offset: [0], sizes: [12, 5]
// CHECK: bufferization.materialize_in_destination %[[R]] in restrict writable %[[WV]]
// CHECK: %[[BV:.*]] = memref.reinterpret_cast %[[P]] to offset: [60], sizes: [5]
// CHECK: bufferization.materialize_in_destination %[[Z]] in restrict writable %[[BV]]
