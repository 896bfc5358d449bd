// The linalg form of the backward-pass, loss, metric and optimizer ops.
// RUN: dl-opt %s --convert-dl-to-linalg | FileCheck %s

// CHECK-DAG: #[[MK:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[NK:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[KM:.*]] = affine_map<(d0, d1, d2) -> (d2, d0)>
// CHECK-DAG: #[[KN:.*]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-DAG: #[[MN:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>

// CHECK-LABEL: func.func @matmuls
func.func @matmuls(%dy: tensor<?x3xf32>, %w: tensor<4x3xf32>, %x: tensor<?x4xf32>) -> (tensor<?x4xf32>, tensor<4x3xf32>) {
  // CHECK: linalg.generic {indexing_maps = [#[[MK]], #[[NK]], #[[MN]]], iterator_types = ["parallel", "parallel", "reduction"]}
  %0 = dl.matmul %dy, %w {transpose_rhs} : (tensor<?x3xf32>, tensor<4x3xf32>) -> tensor<?x4xf32>
  // CHECK: linalg.generic {indexing_maps = [#[[KM]], #[[KN]], #[[MN]]], iterator_types = ["parallel", "parallel", "reduction"]}
  %1 = dl.matmul %x, %dy {transpose_lhs} : (tensor<?x4xf32>, tensor<?x3xf32>) -> tensor<4x3xf32>
  return %0, %1 : tensor<?x4xf32>, tensor<4x3xf32>
}

// CHECK-LABEL: func.func @batch_sum_and_reshape
func.func @batch_sum_and_reshape(%dy: tensor<?x4xf32>) -> (tensor<4xf32>, tensor<?x2x2xf32>) {
  // CHECK: linalg.generic {{.*}} iterator_types = ["reduction", "parallel"]} ins(%{{.*}} : tensor<?x4xf32>) outs(%{{.*}} : tensor<4xf32>)
  %0 = dl.batch_sum %dy : tensor<?x4xf32> -> tensor<4xf32>
  // CHECK: tensor.expand_shape %{{.*}} {{\[}}[0], [1, 2]] output_shape [%{{.*}}, 2, 2] : tensor<?x4xf32> into tensor<?x2x2xf32>
  %1 = dl.reshape %dy : tensor<?x4xf32> -> tensor<?x2x2xf32>
  return %0, %1 : tensor<4xf32>, tensor<?x2x2xf32>
}

// CHECK-LABEL: func.func @activation_grads
func.func @activation_grads(%dy: tensor<?x4xf32>, %v: tensor<?x4xf32>) -> (tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>) {
  // CHECK: arith.cmpf ogt
  // CHECK: arith.select
  %0 = dl.relu_grad %dy, %v : tensor<?x4xf32>
  // CHECK: arith.subf
  // CHECK: arith.mulf
  %1 = dl.sigmoid_grad %dy, %v : tensor<?x4xf32>
  // CHECK: arith.mulf
  // CHECK: arith.subf
  %2 = dl.tanh_grad %dy, %v : tensor<?x4xf32>
  // Row sum of dy * y, then y * (dy - s).
  // CHECK: iterator_types = ["parallel", "reduction"]
  // CHECK: iterator_types = ["parallel", "parallel"]
  %3 = dl.softmax_grad %dy, %v : tensor<?x4xf32>
  return %0, %1, %2, %3 : tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>
}

// CHECK-LABEL: func.func @losses
func.func @losses(%z: tensor<?x4xf32>, %y: tensor<?xi32>, %t: tensor<?x4xf32>) -> (tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>) {
  // logsumexp per row (max, sum of exp, log), then a full reduction to 0-d
  // that picks z[label] by comparing the class index.
  // CHECK: math.log
  // CHECK: linalg.index 1
  // CHECK: arith.cmpi eq
  // CHECK: -> tensor<f32>
  %0 = dl.sparse_softmax_cross_entropy %z, %y : (tensor<?x4xf32>, tensor<?xi32>) -> tensor<f32>
  // CHECK: -> tensor<f32>
  %1 = dl.softmax_cross_entropy %z, %t : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<f32>
  // CHECK: math.absf
  // CHECK: math.log1p
  %2 = dl.sigmoid_cross_entropy %z, %t : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<f32>
  // CHECK: arith.subf
  // CHECK: arith.mulf
  %3 = dl.mean_squared_error %z, %t : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<f32>
  return %0, %1, %2, %3 : tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>
}

// CHECK-LABEL: func.func @loss_grads
func.func @loss_grads(%z: tensor<?x4xf32>, %y: tensor<?xi32>, %t: tensor<?x4xf32>, %s: tensor<f32>) -> (tensor<?x4xf32>, tensor<?x4xf32>) {
  // (exp(z - max) / sum - onehot) * dloss / batch, in one elementwise pass.
  // CHECK: tensor.extract %{{.*}}[] : tensor<f32>
  // CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<?x4xf32>)
  // CHECK: math.exp
  // CHECK: arith.divf
  // CHECK: arith.select
  // CHECK: arith.subf
  %0 = dl.sparse_softmax_cross_entropy_grad %z, %y, %s : (tensor<?x4xf32>, tensor<?xi32>, tensor<f32>) -> tensor<?x4xf32>
  // CHECK: arith.constant 2.000000e+00
  %1 = dl.mean_squared_error_grad %z, %t, %s : (tensor<?x4xf32>, tensor<?x4xf32>, tensor<f32>) -> tensor<?x4xf32>
  return %0, %1 : tensor<?x4xf32>, tensor<?x4xf32>
}

// CHECK-LABEL: func.func @dense_target_loss_grads
func.func @dense_target_loss_grads(%z: tensor<?x4xf32>, %t: tensor<?x4xf32>, %s: tensor<f32>) -> (tensor<?x4xf32>, tensor<?x4xf32>) {
  // Target distributions: (softmax(z) * sum(t) - t) * dloss / batch.
  // CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<?x4xf32>)
  // CHECK: math.exp
  // CHECK: arith.divf
  // CHECK: arith.mulf
  // CHECK: arith.subf
  %0 = dl.softmax_cross_entropy_grad %z, %t, %s : (tensor<?x4xf32>, tensor<?x4xf32>, tensor<f32>) -> tensor<?x4xf32>
  // (sigmoid(z) - t) * dloss / elements.
  // CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<?x4xf32>)
  // CHECK: arith.negf
  // CHECK: math.exp
  // CHECK: arith.divf
  // CHECK: arith.subf
  %1 = dl.sigmoid_cross_entropy_grad %z, %t, %s : (tensor<?x4xf32>, tensor<?x4xf32>, tensor<f32>) -> tensor<?x4xf32>
  return %0, %1 : tensor<?x4xf32>, tensor<?x4xf32>
}

// CHECK-LABEL: func.func @count
func.func @count(%z: tensor<?x4xf32>, %y: tensor<?xi32>) -> tensor<f32> {
  // Argmax per row (value and index outputs), then matches counted.
  // CHECK: linalg.generic {{.*}} outs(%{{.*}}, %{{.*}} : tensor<?xf32>, tensor<?xi32>)
  // CHECK: arith.cmpi eq
  // CHECK: arith.uitofp
  %0 = dl.count_correct %z, %y : (tensor<?x4xf32>, tensor<?xi32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// CHECK-LABEL: func.func @updates
func.func @updates(%p: tensor<8xf32>, %g: tensor<8xf32>, %m: tensor<8xf32>, %v: tensor<8xf32>, %t: tensor<f32>) -> (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) {
  // Adam: the bias corrections once, outside the loop; then one generic
  // that reads the gradient and updates p, m and v in place (they are its
  // outs: destination-passing style).
  // CHECK: %[[T:.*]] = tensor.extract
  // CHECK: math.exp
  // CHECK: math.rsqrt
  // Every multiply and add of the update may contract into an FMA.
  // CHECK: linalg.generic {{.*}} ins(%[[G:.*]] : tensor<8xf32>) outs(%[[P:.*]], %[[M:.*]], %[[V:.*]] : tensor<8xf32>, tensor<8xf32>, tensor<8xf32>)
  // CHECK: arith.mulf {{.*}} fastmath<contract> : f32
  // CHECK: arith.addf {{.*}} fastmath<contract> : f32
  // CHECK: math.sqrt {{.*}} fastmath<contract> : f32
  // CHECK: arith.divf {{.*}} fastmath<contract> : f32
  // CHECK: arith.subf {{.*}} fastmath<contract> : f32
  %p1, %m1, %v1 = dl.adam_update %p, %g, %m, %v, %t {learning_rate = 1.0e-3 : f32, beta_1 = 0.9 : f32, beta_2 = 0.999 : f32, epsilon = 1.0e-7 : f32} : (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<f32>) -> (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>)
  // CHECK: linalg.generic {{.*}} ins(%[[G]] : tensor<8xf32>) outs(%[[P]], %[[M]] : tensor<8xf32>, tensor<8xf32>)
  // CHECK: arith.mulf {{.*}} fastmath<contract> : f32
  %p2, %v2 = dl.sgd_update %p, %g, %m {learning_rate = 0.1 : f32, momentum = 0.9 : f32} : (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>)
  return %p1, %m1, %v1, %p2, %v2 : tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>
}
