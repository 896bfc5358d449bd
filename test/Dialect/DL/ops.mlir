// Every dl op prints and parses back to the same IR.
// RUN: dl-opt %s | dl-opt | FileCheck %s

// CHECK-LABEL: func.func @layers
// CHECK-SAME: (%[[X:.*]]: tensor<?x4x3xf32>, %[[W:.*]]: tensor<12x5xf32>, %[[B:.*]]: tensor<5xf32>)
func.func @layers(%x: tensor<?x4x3xf32>, %w: tensor<12x5xf32>, %b: tensor<5xf32>) -> tensor<?x5xf32> {
  // CHECK: %[[F:.*]] = dl.flatten %[[X]] : tensor<?x4x3xf32> -> tensor<?x12xf32>
  %0 = dl.flatten %x : tensor<?x4x3xf32> -> tensor<?x12xf32>
  // CHECK: %[[D:.*]] = dl.dense %[[F]], %[[W]], %[[B]] : (tensor<?x12xf32>, tensor<12x5xf32>, tensor<5xf32>) -> tensor<?x5xf32>
  %1 = dl.dense %0, %w, %b : (tensor<?x12xf32>, tensor<12x5xf32>, tensor<5xf32>) -> tensor<?x5xf32>
  // CHECK: %[[N:.*]] = dl.dense %[[F]], %[[W]] : (tensor<?x12xf32>, tensor<12x5xf32>) -> tensor<?x5xf32>
  %2 = dl.dense %0, %w : (tensor<?x12xf32>, tensor<12x5xf32>) -> tensor<?x5xf32>
  // CHECK: %[[R:.*]] = dl.relu %[[D]] : tensor<?x5xf32>
  %3 = dl.relu %1 : tensor<?x5xf32>
  // CHECK: %[[S:.*]] = dl.sigmoid %[[R]] : tensor<?x5xf32>
  %4 = dl.sigmoid %3 : tensor<?x5xf32>
  // CHECK: %[[T:.*]] = dl.tanh %[[S]] : tensor<?x5xf32>
  %5 = dl.tanh %4 : tensor<?x5xf32>
  // CHECK: %[[P:.*]] = dl.softmax %[[T]] : tensor<?x5xf32>
  %6 = dl.softmax %5 : tensor<?x5xf32>
  // CHECK: return %[[P]]
  return %6 : tensor<?x5xf32>
}

// CHECK-LABEL: func.func @init
func.func @init(%seed: i64) -> (tensor<12x5xf32>, tensor<5x2xf32>) {
  // CHECK: dl.random_uniform %{{.*}} {high = 5.000000e-01 : f32, low = -5.000000e-01 : f32, stream = 0 : i64} : tensor<12x5xf32>
  %0 = dl.random_uniform %seed {stream = 0 : i64, low = -0.5 : f32, high = 0.5 : f32} : tensor<12x5xf32>
  // CHECK: dl.random_normal %{{.*}} {stddev = 1.000000e-01 : f32, stream = 1 : i64} : tensor<5x2xf32>
  %1 = dl.random_normal %seed {stream = 1 : i64, stddev = 0.1 : f32} : tensor<5x2xf32>
  return %0, %1 : tensor<12x5xf32>, tensor<5x2xf32>
}
