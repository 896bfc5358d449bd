// dl-batch-norm-cancel: in a function that differentiates through
// dl.batch_norm, the bias of the producer it normalises is dropped (the batch
// mean moves by it for the other users), and the sum of the normalisation's
// input cotangent over the normalised rows is a constant zero.
// RUN: dl-opt %s --dl-batch-norm-cancel | FileCheck %s

// CHECK-LABEL: func.func @conv(
// CHECK-SAME: %[[X:[^:]*]]: tensor<?x6x6x2xf32>, %[[K:[^:]*]]: tensor<3x3x2x4xf32>, %[[B:[^:]*]]: tensor<4xf32>
// CHECK: %[[C:.*]] = dl.conv2d %[[X]], %[[K]] strides
// CHECK: %[[Y:.*]], %[[M:.*]], %[[V:.*]] = dl.batch_norm %[[C]],
// CHECK: %[[MOVED:.*]] = dl.add %[[M]], %[[B]] : tensor<4xf32>
// CHECK: %[[DX:.*]], %{{.*}}, %{{.*}} = dl.batch_norm_grad %{{.*}}, %[[C]], %{{.*}}, %[[M]], %[[V]]
// CHECK-NOT: dl.channel_sum
// CHECK: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : tensor<4xf32>
// CHECK: return %[[MOVED]], %[[V]], %[[DX]], %[[ZERO]]
func.func @conv(%x: tensor<?x6x6x2xf32>, %k: tensor<3x3x2x4xf32>, %b: tensor<4xf32>, %g: tensor<4xf32>, %beta: tensor<4xf32>, %mm: tensor<4xf32>, %mv: tensor<4xf32>, %dy: tensor<?x4x4x4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<?x4x4x4xf32>, tensor<4xf32>) {
  %c = dl.conv2d %x, %k, %b strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] : (tensor<?x6x6x2xf32>, tensor<3x3x2x4xf32>, tensor<4xf32>) -> tensor<?x4x4x4xf32>
  %y, %m, %v = dl.batch_norm %c, %g, %beta, %mm, %mv {epsilon = 1.0e-3 : f32} : (tensor<?x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<?x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>)
  %dx, %dg, %db = dl.batch_norm_grad %dy, %c, %g, %m, %v {epsilon = 1.0e-3 : f32} : (tensor<?x4x4x4xf32>, tensor<?x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<?x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>)
  %dbias = dl.channel_sum %dx : tensor<?x4x4x4xf32> -> tensor<4xf32>
  return %m, %v, %dx, %dbias : tensor<4xf32>, tensor<4xf32>, tensor<?x4x4x4xf32>, tensor<4xf32>
}

// After a dense layer the bias's gradient is a batch_sum of a matrix.
// CHECK-LABEL: func.func @dense(
// CHECK-SAME: %[[X:[^:]*]]: tensor<?x3xf32>, %[[W:[^:]*]]: tensor<3x4xf32>, %[[B:[^:]*]]: tensor<4xf32>
// CHECK: %[[D:.*]] = dl.dense %[[X]], %[[W]] : (tensor<?x3xf32>, tensor<3x4xf32>) -> tensor<?x4xf32>
// CHECK: %{{.*}}, %[[M:.*]], %{{.*}} = dl.batch_norm %[[D]],
// CHECK: %[[MOVED:.*]] = dl.add %[[M]], %[[B]]
// CHECK-NOT: dl.batch_sum
// CHECK: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : tensor<4xf32>
// CHECK-NOT: dl.batch_sum
// CHECK: return %[[MOVED]], %[[ZERO]]
func.func @dense(%x: tensor<?x3xf32>, %w: tensor<3x4xf32>, %b: tensor<4xf32>, %g: tensor<4xf32>, %beta: tensor<4xf32>, %mm: tensor<4xf32>, %mv: tensor<4xf32>, %dy: tensor<?x4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %d = dl.dense %x, %w, %b : (tensor<?x3xf32>, tensor<3x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %y, %m, %v = dl.batch_norm %d, %g, %beta, %mm, %mv {epsilon = 1.0e-3 : f32} : (tensor<?x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<?x4xf32>, tensor<4xf32>, tensor<4xf32>)
  %dx, %dg, %db = dl.batch_norm_grad %dy, %d, %g, %m, %v {epsilon = 1.0e-3 : f32} : (tensor<?x4xf32>, tensor<?x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<?x4xf32>, tensor<4xf32>, tensor<4xf32>)
  %dbias = dl.batch_sum %dx : tensor<?x4xf32> -> tensor<4xf32>
  return %m, %dbias : tensor<4xf32>, tensor<4xf32>
}

// No gradient reads the normalisation (@loss, which evaluation turns into
// the inference form, where the bias counts): the bias stays.
// CHECK-LABEL: func.func @no_gradient(
// CHECK: dl.dense %{{[^,]*}}, %{{[^,]*}}, %{{[^ ]*}} :
// CHECK-NOT: dl.add
func.func @no_gradient(%x: tensor<?x3xf32>, %w: tensor<3x4xf32>, %b: tensor<4xf32>, %g: tensor<4xf32>, %beta: tensor<4xf32>, %mm: tensor<4xf32>, %mv: tensor<4xf32>) -> (tensor<?x4xf32>, tensor<4xf32>) {
  %d = dl.dense %x, %w, %b : (tensor<?x3xf32>, tensor<3x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %y, %m, %v = dl.batch_norm %d, %g, %beta, %mm, %mv {epsilon = 1.0e-3 : f32} : (tensor<?x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<?x4xf32>, tensor<4xf32>, tensor<4xf32>)
  return %y, %m : tensor<?x4xf32>, tensor<4xf32>
}

// The biased result has another reader (a residual branch): the bias stays.
// CHECK-LABEL: func.func @other_use(
// CHECK: dl.dense %{{[^,]*}}, %{{[^,]*}}, %{{[^ ]*}} :
// CHECK-NOT: dl.add %batch_mean
// CHECK: return
func.func @other_use(%x: tensor<?x3xf32>, %w: tensor<3x4xf32>, %b: tensor<4xf32>, %g: tensor<4xf32>, %beta: tensor<4xf32>, %mm: tensor<4xf32>, %mv: tensor<4xf32>, %dy: tensor<?x4xf32>) -> (tensor<?x4xf32>, tensor<?x4xf32>) {
  %d = dl.dense %x, %w, %b : (tensor<?x3xf32>, tensor<3x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %y, %m, %v = dl.batch_norm %d, %g, %beta, %mm, %mv {epsilon = 1.0e-3 : f32} : (tensor<?x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<?x4xf32>, tensor<4xf32>, tensor<4xf32>)
  %dx, %dg, %db = dl.batch_norm_grad %dy, %d, %g, %m, %v {epsilon = 1.0e-3 : f32} : (tensor<?x4xf32>, tensor<?x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<?x4xf32>, tensor<4xf32>, tensor<4xf32>)
  %r = dl.add %y, %d : tensor<?x4xf32>
  return %r, %dx : tensor<?x4xf32>, tensor<?x4xf32>
}

// A sum of a cotangent that is not the normalisation's alone (another
// contribution added), or over fewer dimensions than it normalises
// (batch_sum of a 4-D tensor sums the batch only), stays.
// CHECK-LABEL: func.func @sums_kept(
// CHECK: dl.channel_sum
// CHECK: dl.batch_sum
func.func @sums_kept(%c: tensor<?x4x4x4xf32>, %g: tensor<4xf32>, %beta: tensor<4xf32>, %mm: tensor<4xf32>, %mv: tensor<4xf32>, %dy: tensor<?x4x4x4xf32>, %other: tensor<?x4x4x4xf32>) -> (tensor<4xf32>, tensor<4x4x4xf32>) {
  %y, %m, %v = dl.batch_norm %c, %g, %beta, %mm, %mv {epsilon = 1.0e-3 : f32} : (tensor<?x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<?x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>)
  %dx, %dg, %db = dl.batch_norm_grad %dy, %c, %g, %m, %v {epsilon = 1.0e-3 : f32} : (tensor<?x4x4x4xf32>, tensor<?x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<?x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>)
  %sum = dl.add %dx, %other : tensor<?x4x4x4xf32>
  %s1 = dl.channel_sum %sum : tensor<?x4x4x4xf32> -> tensor<4xf32>
  %s2 = dl.batch_sum %dx : tensor<?x4x4x4xf32> -> tensor<4x4x4xf32>
  return %s1, %s2 : tensor<4xf32>, tensor<4x4x4xf32>
}

// The gradient reads statistics that are not the batch's (the moving ones):
// neither rule applies.
// CHECK-LABEL: func.func @other_statistics(
// CHECK: dl.conv2d %{{[^,]*}}, %{{[^,]*}}, %{{[^ ]*}} strides
// CHECK: dl.channel_sum
func.func @other_statistics(%x: tensor<?x6x6x2xf32>, %k: tensor<3x3x2x4xf32>, %b: tensor<4xf32>, %g: tensor<4xf32>, %beta: tensor<4xf32>, %mm: tensor<4xf32>, %mv: tensor<4xf32>, %dy: tensor<?x4x4x4xf32>) -> (tensor<?x4x4x4xf32>, tensor<4xf32>) {
  %c = dl.conv2d %x, %k, %b strides [1, 1] dilations [1, 1] padding [0, 0, 0, 0] : (tensor<?x6x6x2xf32>, tensor<3x3x2x4xf32>, tensor<4xf32>) -> tensor<?x4x4x4xf32>
  %y, %m, %v = dl.batch_norm %c, %g, %beta, %mm, %mv {epsilon = 1.0e-3 : f32} : (tensor<?x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<?x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>)
  %dx, %dg, %db = dl.batch_norm_grad %dy, %c, %g, %mm, %mv {epsilon = 1.0e-3 : f32} : (tensor<?x4x4x4xf32>, tensor<?x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<?x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>)
  %dbias = dl.channel_sum %dx : tensor<?x4x4x4xf32> -> tensor<4xf32>
  return %y, %dbias : tensor<?x4x4x4xf32>, tensor<4xf32>
}
