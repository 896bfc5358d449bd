// The pooling ops' linalg form: generics over (n, i, j, c, a, b), the window
// offset (a, b) a reduction whose bounds come from an empty [ph, pw] tensor;
// the input read with tensor.extract, padding reading as the reduction's
// identity. The gradients gather per input position, so each writes every
// element of its result once; their reduction runs over the candidate
// windows of a position, ceil(ph / sh) x ceil(pw / sw) of them, not over the
// ph x pw offsets. Where windows do not overlap there is one candidate and
// no reduction: the gather is all parallel, with no zero fill.
// RUN: dl-opt %s --convert-dl-to-linalg | FileCheck %s --implicit-check-not=dl.

// CHECK-DAG: #[[WIN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[HW:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d2)>
// CHECK-DAG: #[[ID4:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// CHECK-LABEL: func.func @max_pool
// CHECK-SAME: (%[[X:.*]]: tensor<?x7x5x3xf32>)
func.func @max_pool(%x: tensor<?x7x5x3xf32>) -> tensor<?x4x3x3xf32> {
  // CHECK: %[[NEG:.*]] = arith.constant 0xFF800000 : f32
  // CHECK: %[[INIT:.*]] = linalg.fill ins(%[[NEG]] : f32) outs(%{{.*}} : tensor<?x4x3x3xf32>)
  // CHECK: %[[W:.*]] = tensor.empty() : tensor<2x2xf32>
  // CHECK: %[[Y:.*]] = linalg.generic {indexing_maps = [#[[WIN]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%[[W]] : tensor<2x2xf32>) outs(%[[INIT]] : tensor<?x4x3x3xf32>)
  // CHECK: %[[E:.*]] = tensor.extract %[[X]]
  // CHECK: %[[V:.*]] = arith.select %{{.*}}, %[[E]], %{{.*}} : f32
  // CHECK: arith.maximumf %[[V]], %{{.*}} : f32
  // CHECK: return %[[Y]]
  %0 = dl.max_pool2d %x pool [2, 2] strides [2, 2] padding [0, 1, 0, 1] : tensor<?x7x5x3xf32> -> tensor<?x4x3x3xf32>
  return %0 : tensor<?x4x3x3xf32>
}

// CHECK-LABEL: func.func @avg_pool
func.func @avg_pool(%x: tensor<?x3x3x2xf32>) -> tensor<?x2x2x2xf32> {
  // The sum of each window, then a division by its count of input elements.
  // CHECK: %[[S:.*]] = linalg.generic
  // CHECK: arith.addf
  // CHECK: %[[C:.*]] = arith.constant dense<{{\[\[}}4.000000e+00, 2.000000e+00], [2.000000e+00, 1.000000e+00]]> : tensor<2x2xf32>
  // CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[S]], %[[C]] : tensor<?x2x2x2xf32>, tensor<2x2xf32>)
  // CHECK: arith.divf
  // CHECK: return %[[Y]]
  %0 = dl.avg_pool2d %x pool [2, 2] strides [2, 2] padding [0, 1, 0, 1] : tensor<?x3x3x2xf32> -> tensor<?x2x2x2xf32>
  return %0 : tensor<?x2x2x2xf32>
}

// CHECK-LABEL: func.func @max_pool_grad
// CHECK-SAME: (%[[DY:.*]]: tensor<?x4x3x3xf32>, %[[X:.*]]: tensor<?x7x5x3xf32>)
func.func @max_pool_grad(%dy: tensor<?x4x3x3xf32>, %x: tensor<?x7x5x3xf32>) -> tensor<?x7x5x3xf32> {
  // Each window's first maximum (ties to the smallest row-major offset)...
  // CHECK: %[[ARG:.*]]:2 = linalg.generic {{.*}} outs(%{{.*}}, %{{.*}} : tensor<?x4x3x3xf32>, tensor<?x4x3x3xi32>)
  // CHECK: arith.cmpf ogt
  // CHECK: arith.cmpf oeq
  // CHECK: arith.cmpi slt
  // ...then each input position takes dy from the windows whose maximum it is:
  // 2x2 windows at stride 2 do not overlap, so one candidate window: its
  // value or 0, written once, nothing added to a zero fill.
  // CHECK-NOT: linalg.fill
  // CHECK: %[[E:.*]] = tensor.empty(%{{.*}}) : tensor<?x7x5x3xf32>
  // CHECK-NOT: linalg.fill
  // CHECK: %[[DX:.*]] = linalg.generic {indexing_maps = [#[[ID4]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} outs(%[[E]] : tensor<?x7x5x3xf32>)
  // CHECK-DAG: tensor.extract %[[ARG]]#1
  // CHECK-DAG: tensor.extract %[[DY]]
  // CHECK: %[[V:.*]] = arith.select %{{.*}}, %{{.*}}, %{{.*}} : f32
  // CHECK-NEXT: linalg.yield %[[V]]
  // CHECK: return %[[DX]]
  %0 = dl.max_pool2d_grad %dy, %x pool [2, 2] strides [2, 2] padding [0, 1, 0, 1] : (tensor<?x4x3x3xf32>, tensor<?x7x5x3xf32>) -> tensor<?x7x5x3xf32>
  return %0 : tensor<?x7x5x3xf32>
}

// CHECK-LABEL: func.func @avg_pool_grad
// CHECK-SAME: (%[[DY:.*]]: tensor<?x2x2x2xf32>)
func.func @avg_pool_grad(%dy: tensor<?x2x2x2xf32>) -> tensor<?x3x3x2xf32> {
  // dy / count, then gathered by every input position of each window.
  // CHECK: %[[SHARE:.*]] = linalg.generic {indexing_maps = [#{{.*}}, #[[HW]], #{{.*}}]{{.*}} ins(%[[DY]], %{{.*}} : tensor<?x2x2x2xf32>, tensor<2x2xf32>)
  // CHECK: arith.divf
  // CHECK: %[[DX:.*]] = linalg.generic
  // CHECK: tensor.extract %[[SHARE]]
  // CHECK: return %[[DX]]
  %0 = dl.avg_pool2d_grad %dy pool [2, 2] strides [2, 2] padding [0, 1, 0, 1] : tensor<?x2x2x2xf32> -> tensor<?x3x3x2xf32>
  return %0 : tensor<?x3x3x2xf32>
}

// CHECK-LABEL: func.func @overlapping_pool_grad
func.func @overlapping_pool_grad(%dy: tensor<?x3x4x2xf32>) -> tensor<?x7x5x2xf32> {
  // 3x2 windows at strides [2, 1]: a position lies in at most ceil(3 / 2) = 2
  // windows along y and ceil(2 / 1) = 2 along x.
  // CHECK: linalg.generic
  // CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<2x2xf32>) outs(%{{.*}} : tensor<?x7x5x2xf32>)
  %0 = dl.avg_pool2d_grad %dy pool [3, 2] strides [2, 1] padding [0, 0, 0, 0] : tensor<?x3x4x2xf32> -> tensor<?x7x5x2xf32>
  return %0 : tensor<?x7x5x2xf32>
}

// A max pooling and its gradient on the same input and window: one generic
// computes each window's maximum and argmax in the forward pass (the
// maximum by selection, so a NaN wins as with arith.maximumf); the gradient
// gathers with those offsets and finds none itself.
// CHECK-LABEL: func.func @max_pool_and_grad
// CHECK-SAME: (%[[X:.*]]: tensor<?x7x5x3xf32>, %[[DY:.*]]: tensor<?x4x3x3xf32>)
func.func @max_pool_and_grad(%x: tensor<?x7x5x3xf32>, %dy: tensor<?x4x3x3xf32>) -> (tensor<?x4x3x3xf32>, tensor<?x7x5x3xf32>) {
  // CHECK: %[[ARG:.*]]:2 = linalg.generic {{.*}} outs(%{{.*}}, %{{.*}} : tensor<?x4x3x3xf32>, tensor<?x4x3x3xi32>)
  // CHECK: %[[E:.*]] = tensor.extract %[[X]]
  // CHECK: %[[V:.*]] = arith.select %{{.*}}, %[[E]], %{{.*}} : f32
  // CHECK: %[[GT:.*]] = arith.cmpf ogt, %[[V]], %[[BEST:[^ ]*]] : f32
  // CHECK: %[[NAN:.*]] = arith.cmpf uno, %[[V]], %[[V]] : f32
  // CHECK: %[[TAKE:.*]] = arith.ori %{{.*}}, %[[NAN]] : i1
  // CHECK: arith.select %[[TAKE]], %[[V]], %[[BEST]] : f32
  // CHECK-NOT: arith.maximumf
  // CHECK: %[[DX:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<?x7x5x3xf32>)
  // CHECK-DAG: tensor.extract %[[ARG]]#1
  // CHECK-DAG: tensor.extract %[[DY]]
  // CHECK-NOT: linalg.generic
  // CHECK: return %[[ARG]]#0, %[[DX]]
  %0 = dl.max_pool2d %x pool [2, 2] strides [2, 2] padding [0, 1, 0, 1] : tensor<?x7x5x3xf32> -> tensor<?x4x3x3xf32>
  %1 = dl.max_pool2d_grad %dy, %x pool [2, 2] strides [2, 2] padding [0, 1, 0, 1] : (tensor<?x4x3x3xf32>, tensor<?x7x5x3xf32>) -> tensor<?x7x5x3xf32>
  return %0, %1 : tensor<?x4x3x3xf32>, tensor<?x7x5x3xf32>
}

// Another window on the same input: each op is lowered on its own.
// CHECK-LABEL: func.func @max_pool_and_other_grad
func.func @max_pool_and_other_grad(%x: tensor<?x7x5x3xf32>, %dy: tensor<?x4x3x3xf32>) -> (tensor<?x6x5x3xf32>, tensor<?x7x5x3xf32>) {
  // CHECK: %[[Y:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<?x6x5x3xf32>)
  // CHECK: arith.maximumf
  // CHECK: %[[ARG:.*]]:2 = linalg.generic {{.*}} outs(%{{.*}}, %{{.*}} : tensor<?x4x3x3xf32>, tensor<?x4x3x3xi32>)
  // CHECK: %[[DX:.*]] = linalg.generic
  // CHECK: tensor.extract %[[ARG]]#1
  // CHECK: return %[[Y]], %[[DX]]
  %0 = dl.max_pool2d %x pool [2, 2] strides [1, 1] padding [0, 0, 0, 1] : tensor<?x7x5x3xf32> -> tensor<?x6x5x3xf32>
  %1 = dl.max_pool2d_grad %dy, %x pool [2, 2] strides [2, 2] padding [0, 1, 0, 1] : (tensor<?x4x3x3xf32>, tensor<?x7x5x3xf32>) -> tensor<?x7x5x3xf32>
  return %0, %1 : tensor<?x6x5x3xf32>, tensor<?x7x5x3xf32>
}

// A batch normalisation's gradient whose cotangent is a max pooling's
// gradient sums over the windows: the forward pool carries the
// normalisation's input at each window's argmax (a third result), and the
// sums read the pooled cotangent with it, [N, 4, 3, C], not [N, 7, 5, C];
// dx is still computed at every position, from the pooling's gradient.
// CHECK-LABEL: func.func @norm_pool_grads
// CHECK-SAME: (%[[Y:[a-z0-9]+]]: tensor<?x7x5x3xf32>, {{.*}}, %[[DP:[a-z0-9]+]]: tensor<?x4x3x3xf32>)
// CHECK: %[[ARG:.*]]:3 = linalg.generic {{.*}} outs(%{{.*}}, %{{.*}}, %{{.*}} : tensor<?x4x3x3xf32>, tensor<?x4x3x3xi32>, tensor<?x4x3x3xf32>)
// CHECK: %[[AT:.*]] = tensor.extract %[[Y]]
// CHECK: %[[SEL:.*]] = arith.select %{{.*}}, %[[AT]], %{{.*}} : f32
// CHECK: arith.select %[[TAKE:.*]], %[[SEL]], %{{.*}} : f32
// CHECK: linalg.yield
// CHECK: %[[G:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<?x7x5x3xf32>)
// CHECK: %[[SUMS:.*]]:2 = linalg.generic {{.*}} iterator_types = ["reduction", "reduction", "reduction", "parallel"]} ins(%[[DP]], %[[ARG]]#2, %{{.*}} : tensor<?x4x3x3xf32>, tensor<?x4x3x3xf32>, tensor<3xf32>)
// CHECK: %[[DX:.*]] = linalg.generic {{.*}} ins(%[[G]], %[[Y]], {{.*}} outs(%{{.*}} : tensor<?x7x5x3xf32>)
// CHECK: return %[[ARG]]#0, %[[DX]], %{{.*}}, %[[SUMS]]#1
func.func @norm_pool_grads(%y: tensor<?x7x5x3xf32>, %gamma: tensor<3xf32>, %beta: tensor<3xf32>, %mm: tensor<3xf32>, %mv: tensor<3xf32>, %dp: tensor<?x4x3x3xf32>) -> (tensor<?x4x3x3xf32>, tensor<?x7x5x3xf32>, tensor<3xf32>, tensor<3xf32>) {
  %z, %m, %v = dl.batch_norm %y, %gamma, %beta, %mm, %mv {epsilon = 1.0e-3 : f32} : (tensor<?x7x5x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<?x7x5x3xf32>, tensor<3xf32>, tensor<3xf32>)
  %p = dl.max_pool2d %z pool [2, 2] strides [2, 2] padding [0, 1, 0, 1] : tensor<?x7x5x3xf32> -> tensor<?x4x3x3xf32>
  %g = dl.max_pool2d_grad %dp, %z pool [2, 2] strides [2, 2] padding [0, 1, 0, 1] : (tensor<?x4x3x3xf32>, tensor<?x7x5x3xf32>) -> tensor<?x7x5x3xf32>
  %dx, %dg, %db = dl.batch_norm_grad %g, %y, %gamma, %m, %v {epsilon = 1.0e-3 : f32} : (tensor<?x7x5x3xf32>, tensor<?x7x5x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<?x7x5x3xf32>, tensor<3xf32>, tensor<3xf32>)
  return %p, %dx, %dg, %db : tensor<?x4x3x3xf32>, tensor<?x7x5x3xf32>, tensor<3xf32>, tensor<3xf32>
}

// The pooling's gradient used elsewhere too: the normalisation's gradient
// sums over the positions, and the pool carries nothing.
// CHECK-LABEL: func.func @norm_pool_grad_used_twice
// CHECK-SAME: (%[[Y:[a-z0-9]+]]: tensor<?x7x5x3xf32>
// CHECK: linalg.generic {{.*}} outs(%{{.*}}, %{{.*}} : tensor<?x4x3x3xf32>, tensor<?x4x3x3xi32>)
// CHECK: %[[G:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<?x7x5x3xf32>)
// CHECK: linalg.generic {{.*}} iterator_types = ["reduction", "reduction", "reduction", "parallel"]} ins(%[[G]], %[[Y]], %{{.*}} : tensor<?x7x5x3xf32>, tensor<?x7x5x3xf32>, tensor<3xf32>)
func.func @norm_pool_grad_used_twice(%y: tensor<?x7x5x3xf32>, %gamma: tensor<3xf32>, %beta: tensor<3xf32>, %mm: tensor<3xf32>, %mv: tensor<3xf32>, %dp: tensor<?x4x3x3xf32>) -> (tensor<?x4x3x3xf32>, tensor<?x7x5x3xf32>, tensor<3xf32>, tensor<?x7x5x3xf32>) {
  %z, %m, %v = dl.batch_norm %y, %gamma, %beta, %mm, %mv {epsilon = 1.0e-3 : f32} : (tensor<?x7x5x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<?x7x5x3xf32>, tensor<3xf32>, tensor<3xf32>)
  %p = dl.max_pool2d %z pool [2, 2] strides [2, 2] padding [0, 1, 0, 1] : tensor<?x7x5x3xf32> -> tensor<?x4x3x3xf32>
  %g = dl.max_pool2d_grad %dp, %z pool [2, 2] strides [2, 2] padding [0, 1, 0, 1] : (tensor<?x4x3x3xf32>, tensor<?x7x5x3xf32>) -> tensor<?x7x5x3xf32>
  %dx, %dg, %db = dl.batch_norm_grad %g, %y, %gamma, %m, %v {epsilon = 1.0e-3 : f32} : (tensor<?x7x5x3xf32>, tensor<?x7x5x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<?x7x5x3xf32>, tensor<3xf32>, tensor<3xf32>)
  return %p, %dx, %dg, %g : tensor<?x4x3x3xf32>, tensor<?x7x5x3xf32>, tensor<3xf32>, tensor<?x7x5x3xf32>
}
