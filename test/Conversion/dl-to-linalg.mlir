// Each dl op's linalg form.
// RUN: dl-opt %s --convert-dl-to-linalg | FileCheck %s

// CHECK-LABEL: func.func @dense
// CHECK-SAME: (%[[X:.*]]: tensor<?x12xf32>, %[[W:.*]]: tensor<12x5xf32>, %[[B:.*]]: tensor<5xf32>)
func.func @dense(%x: tensor<?x12xf32>, %w: tensor<12x5xf32>, %b: tensor<5xf32>) -> tensor<?x5xf32> {
  // The bias is broadcast into the accumulator; the matmul adds onto it.
  // CHECK: %[[DIM:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x12xf32>
  // CHECK: %[[E:.*]] = tensor.empty(%[[DIM]]) : tensor<?x5xf32>
  // CHECK: %[[ACC:.*]] = linalg.broadcast ins(%[[B]] : tensor<5xf32>) outs(%[[E]] : tensor<?x5xf32>) dimensions = [0]
  // CHECK: %[[MM:.*]] = linalg.matmul ins(%[[X]], %[[W]] : tensor<?x12xf32>, tensor<12x5xf32>) outs(%[[ACC]] : tensor<?x5xf32>)
  // CHECK: return %[[MM]]
  %0 = dl.dense %x, %w, %b : (tensor<?x12xf32>, tensor<12x5xf32>, tensor<5xf32>) -> tensor<?x5xf32>
  return %0 : tensor<?x5xf32>
}

// CHECK-LABEL: func.func @dense_no_bias
func.func @dense_no_bias(%x: tensor<?x12xf32>, %w: tensor<12x5xf32>) -> tensor<?x5xf32> {
  // CHECK: %[[Z:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<?x5xf32>)
  // CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<?x12xf32>, tensor<12x5xf32>) outs(%[[Z]] : tensor<?x5xf32>)
  %0 = dl.dense %x, %w : (tensor<?x12xf32>, tensor<12x5xf32>) -> tensor<?x5xf32>
  return %0 : tensor<?x5xf32>
}

// CHECK-LABEL: func.func @flatten
func.func @flatten(%x: tensor<?x4x3xf32>) -> tensor<?x12xf32> {
  // CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0], [1, 2]] : tensor<?x4x3xf32> into tensor<?x12xf32>
  %0 = dl.flatten %x : tensor<?x4x3xf32> -> tensor<?x12xf32>
  return %0 : tensor<?x12xf32>
}

// CHECK-LABEL: func.func @activations
func.func @activations(%x: tensor<?x5xf32>) -> tensor<?x5xf32> {
  // CHECK: linalg.generic
  // CHECK: arith.maximumf %{{.*}}, %{{.*}} : f32
  %0 = dl.relu %x : tensor<?x5xf32>
  // sigmoid in double, rounded once to float.
  // CHECK: linalg.generic
  // CHECK: arith.extf %{{.*}} : f32 to f64
  // CHECK: arith.negf %{{.*}} : f64
  // CHECK: math.exp %{{.*}} : f64
  // CHECK: arith.addf %{{.*}} : f64
  // CHECK: arith.divf %{{.*}} : f64
  // CHECK: arith.truncf %{{.*}} : f64 to f32
  %1 = dl.sigmoid %0 : tensor<?x5xf32>
  // CHECK: linalg.generic
  // CHECK: math.tanh
  %2 = dl.tanh %1 : tensor<?x5xf32>
  return %2 : tensor<?x5xf32>
}

// CHECK-LABEL: func.func @softmax
func.func @softmax(%x: tensor<?x5xf32>) -> tensor<?x5xf32> {
  // Row max (from -inf), exp(x - max), row sum, divide.
  // CHECK: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
  // CHECK: %[[MAXINIT:.*]] = linalg.fill ins(%[[NEGINF]] : f32)
  // CHECK: %[[MAX:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%{{.*}} : tensor<?x5xf32>) outs(%[[MAXINIT]] : tensor<?xf32>)
  // CHECK: arith.maximumf
  // CHECK: %[[EXP:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %[[MAX]] : tensor<?x5xf32>, tensor<?xf32>)
  // CHECK: arith.subf
  // CHECK: math.exp
  // CHECK: %[[SUM:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[EXP]] : tensor<?x5xf32>)
  // CHECK: arith.addf
  // CHECK: linalg.generic {{.*}} ins(%[[EXP]], %[[SUM]] : tensor<?x5xf32>, tensor<?xf32>)
  // CHECK: arith.divf
  %0 = dl.softmax %x : tensor<?x5xf32>
  return %0 : tensor<?x5xf32>
}

// CHECK-LABEL: func.func @random
func.func @random(%seed: i64) -> tensor<4x3xf32> {
  // A pure function of (seed, stream, element index).
  // CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<4x3xf32>)
  // CHECK: linalg.index 0
  // CHECK: linalg.index 1
  // CHECK: arith.shrui
  // CHECK: arith.uitofp
  %0 = dl.random_uniform %seed {stream = 3 : i64, low = -1.0 : f32, high = 1.0 : f32} : tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// CHECK-LABEL: func.func @random_normal
func.func @random_normal(%seed: i64) -> tensor<4x3xf32> {
  // CHECK: linalg.generic
  // CHECK: math.log
  // CHECK: math.sqrt
  // CHECK: math.cos
  // CHECK: arith.minimumf
  // CHECK: arith.maximumf
  %0 = dl.random_normal %seed {stream = 3 : i64, stddev = 0.5 : f32} : tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}
