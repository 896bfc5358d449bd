// dl.scan, dl.yield, dl.zeros, dl.merge_time, dl.split_time and
// dl.orthogonal print and parse back.
// RUN: dl-opt %s | dl-opt | FileCheck %s

// CHECK-LABEL: func.func @rnn
// CHECK: %[[M:.*]] = dl.merge_time %{{.*}} : tensor<?x7x3xf32> -> tensor<?x3xf32>
// CHECK: %[[S:.*]] = dl.split_time %{{.*}} like %{{.*}} : (tensor<?x4xf32>, tensor<?x7x3xf32>) -> tensor<?x7x4xf32>
// CHECK: %[[Z:.*]] = dl.zeros %{{.*}} : tensor<?x7x3xf32> -> tensor<?x4xf32>
// CHECK: %{{.*}}:2 = dl.scan carries(%[[Z]] : tensor<?x4xf32>) sequences(%[[S]] : tensor<?x7x4xf32>) invariants(%{{.*}} : tensor<4x4xf32>) -> (tensor<?x4xf32>, tensor<?x7x4xf32>) {
// CHECK-NEXT: ^bb0(%[[H:.*]]: tensor<?x4xf32>, %[[XT:.*]]: tensor<?x4xf32>, %[[W:.*]]: tensor<4x4xf32>):
// CHECK-NEXT: %[[P:.*]] = dl.dense %[[H]], %[[W]]
// CHECK-NEXT: %[[A:.*]] = dl.add %[[XT]], %[[P]]
// CHECK-NEXT: %[[T:.*]] = dl.tanh %[[A]]
// CHECK-NEXT: dl.yield %[[T]], %[[T]] : tensor<?x4xf32>, tensor<?x4xf32>
// CHECK-NEXT: }
func.func @rnn(%x: tensor<?x7x3xf32>, %k: tensor<3x4xf32>, %r: tensor<4x4xf32>) -> tensor<?x7x4xf32> {
  %m = dl.merge_time %x : tensor<?x7x3xf32> -> tensor<?x3xf32>
  %p = dl.dense %m, %k : (tensor<?x3xf32>, tensor<3x4xf32>) -> tensor<?x4xf32>
  %s = dl.split_time %p like %x : (tensor<?x4xf32>, tensor<?x7x3xf32>) -> tensor<?x7x4xf32>
  %h0 = dl.zeros %x : tensor<?x7x3xf32> -> tensor<?x4xf32>
  %h, %hs = dl.scan carries(%h0 : tensor<?x4xf32>) sequences(%s : tensor<?x7x4xf32>) invariants(%r : tensor<4x4xf32>) -> (tensor<?x4xf32>, tensor<?x7x4xf32>) {
  ^bb0(%hp: tensor<?x4xf32>, %xt: tensor<?x4xf32>, %w: tensor<4x4xf32>):
    %0 = dl.dense %hp, %w : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
    %1 = dl.add %xt, %0 : tensor<?x4xf32>
    %2 = dl.tanh %1 : tensor<?x4xf32>
    dl.yield %2, %2 : tensor<?x4xf32>, tensor<?x4xf32>
  }
  return %hs : tensor<?x7x4xf32>
}

// A reverse scan with no carry and no invariant; a dynamic time axis.
// CHECK-LABEL: func.func @reverse
// CHECK: dl.scan reverse carries() sequences(%{{.*}} : tensor<?x?x2xf32>) invariants() -> (tensor<?x?x2xf32>) {
// CHECK: dl.yield %{{.*}} : tensor<?x2xf32>
func.func @reverse(%x: tensor<?x?x2xf32>) -> tensor<?x?x2xf32> {
  %0 = dl.scan reverse carries() sequences(%x : tensor<?x?x2xf32>) invariants() -> (tensor<?x?x2xf32>) {
  ^bb0(%xt: tensor<?x2xf32>):
    %1 = dl.relu %xt : tensor<?x2xf32>
    dl.yield %1 : tensor<?x2xf32>
  }
  return %0 : tensor<?x?x2xf32>
}

// CHECK-LABEL: func.func @orthogonal
// CHECK: dl.random_normal %{{.*}} {stddev = 1.000000e+00 : f32, stream = 0 : i64, unclipped} : tensor<3x5xf32>
// CHECK: dl.orthogonal %{{.*}} : tensor<3x5xf32>
func.func @orthogonal(%seed: i64) -> tensor<3x5xf32> {
  %0 = dl.random_normal %seed {stream = 0 : i64, stddev = 1.0 : f32, unclipped} : tensor<3x5xf32>
  %1 = dl.orthogonal %0 : tensor<3x5xf32>
  return %1 : tensor<3x5xf32>
}
