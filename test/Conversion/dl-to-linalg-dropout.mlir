// dl.dropout's linalg form: one elementwise generic whose body hashes the
// element's index (row-major; batch and channel only when spatial) with the
// per-op key (the training key mixed with the stream, computed once outside
// the loop), keeps the element where the draw is >= rate, scaled by
// 1 / (1 - rate) rounded to f32, and yields 0 elsewhere: no mask tensor.
// dl.training_key assembles the seed from its four 16-bit words.
// RUN: dl-opt %s --convert-dl-to-linalg --canonicalize | FileCheck %s --implicit-check-not=dl.

// CHECK-LABEL: func.func @dropout
// CHECK-SAME: (%[[X:.*]]: tensor<?x8xf32>, %[[K:.*]]: tensor<i64>)
func.func @dropout(%x: tensor<?x8xf32>, %k: tensor<i64>) -> tensor<?x8xf32> {
  // CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
  // CHECK-DAG: %[[SCALE:.*]] = arith.constant 1.33333337 : f32
  // CHECK-DAG: %[[RATE:.*]] = arith.constant 2.500000e-01 : f32
  // The stream offset: (3 + 1) * 0x9E3779B97F4A7C15 mod 2^64.
  // CHECK-DAG: %[[OFF:.*]] = arith.constant 8709371129873690708 : i64
  // CHECK: %[[KEY:.*]] = tensor.extract %[[K]][] : tensor<i64>
  // CHECK: %[[A:.*]] = arith.addi %[[KEY]], %[[OFF]] : i64
  // CHECK: arith.xori %[[A]]
  // CHECK: arith.xori
  // CHECK: %[[OPKEY:.*]] = arith.xori
  // CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]} ins(%[[X]] : tensor<?x8xf32>)
  // CHECK: ^bb0(%[[IN:.*]]: f32, %{{.*}}: f32):
  // CHECK: linalg.index 0 : index
  // CHECK: linalg.index 1 : index
  // CHECK: arith.addi %[[OPKEY]], %{{.*}} : i64
  // CHECK: %[[U:.*]] = arith.mulf %{{.*}}, %{{.*}} : f32
  // CHECK: %[[KEEP:.*]] = arith.cmpf oge, %[[U]], %[[RATE]] : f32
  // CHECK: %[[S:.*]] = arith.mulf %[[IN]], %[[SCALE]] : f32
  // CHECK: %[[Y:.*]] = arith.select %[[KEEP]], %[[S]], %[[ZERO]] : f32
  // CHECK: linalg.yield %[[Y]] : f32
  %0 = dl.dropout %x, %k {rate = 0.25 : f32, stream = 3 : i64} : tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// Spatial: the index counts the batch and channel dimensions only.
// CHECK-LABEL: func.func @spatial
func.func @spatial(%x: tensor<?x4x4x3xf32>, %k: tensor<i64>) -> tensor<?x4x4x3xf32> {
  // CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
  // CHECK-NOT: linalg.index 1
  // CHECK-NOT: linalg.index 2
  // CHECK: linalg.index 0 : index
  // CHECK-NOT: linalg.index 1
  // CHECK-NOT: linalg.index 2
  // CHECK: linalg.index 3 : index
  // CHECK-NOT: linalg.index 1
  // CHECK-NOT: linalg.index 2
  // CHECK: linalg.yield
  %0 = dl.dropout %x, %k {rate = 0.5 : f32, stream = 0 : i64, spatial} : tensor<?x4x4x3xf32>
  return %0 : tensor<?x4x4x3xf32>
}

// CHECK-LABEL: func.func @key
// CHECK-SAME: (%[[S:.*]]: tensor<4xf32>, %[[T:.*]]: tensor<f32>)
func.func @key(%s: tensor<4xf32>, %t: tensor<f32>) -> tensor<i64> {
  // CHECK: %[[W0:.*]] = arith.fptoui %{{.*}} : f32 to i64
  // CHECK: %[[W1:.*]] = arith.fptoui %{{.*}} : f32 to i64
  // CHECK: arith.shli %[[W1]], %c16_i64
  // CHECK: %[[W2:.*]] = arith.fptoui %{{.*}} : f32 to i64
  // CHECK: arith.shli %[[W2]], %c32_i64
  // CHECK: %[[W3:.*]] = arith.fptoui %{{.*}} : f32 to i64
  // CHECK: arith.shli %[[W3]], %c48_i64
  // CHECK: %[[STEP:.*]] = tensor.extract %[[T]][] : tensor<f32>
  // CHECK: arith.fptoui %[[STEP]] : f32 to i64
  // CHECK: arith.xori
  // CHECK: arith.xori
  // CHECK: %[[KEY:.*]] = arith.xori
  // CHECK-NEXT: tensor.from_elements %[[KEY]] : tensor<i64>
  %0 = dl.training_key %s, %t : tensor<4xf32>, tensor<f32>
  return %0 : tensor<i64>
}
