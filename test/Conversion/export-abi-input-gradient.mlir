// dl-export-abi's input_gradient (saliency): @forward differentiated from
// its input, seeded with the one-hot rows of the class indices at the logits
// before the final softmax; the class indices are checked as labels are.
// RUN: dl-opt %s -split-input-file --dl-export-abi="prefix=t entries=input_gradient" | FileCheck %s --implicit-check-not=func.func

func.func @forward(%x: tensor<?x3xf32> {dl.input = "x"},
                   %w: tensor<3x2xf32> {dl.param = "dense.kernel"}) -> tensor<?x2xf32> {
  %0 = dl.dense %x, %w : (tensor<?x3xf32>, tensor<3x2xf32>) -> tensor<?x2xf32>
  %1 = dl.softmax %0 : tensor<?x2xf32>
  return %1 : tensor<?x2xf32>
}
func.func @init_params(%seed: i64) -> (tensor<3x2xf32>) {
  %0 = dl.random_uniform %seed {stream = 0 : i64, low = -0.5 : f32, high = 0.5 : f32} : tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// CHECK-LABEL: func.func @t_input_gradient
// CHECK-SAME: (%[[P:.*]]: memref<6xf32>, %[[X:.*]]: memref<1xf32>, %[[N:.*]]: i64, %[[C:.*]]: memref<1xi32>, %[[DX:.*]]: memref<1xf32>)
// CHECK-SAME: attributes {dl.entry = "input_gradient"}
// Every class index in [0, 2), unsigned, and a batch >= 1.
// CHECK: %[[BOK:.*]] = arith.cmpi sge, %[[N]]
// CHECK: %[[ALL:.*]] = memref.reinterpret_cast %[[C]]
// CHECK: %[[TWO:.*]] = arith.constant 2 : i32
// CHECK: scf.for
// CHECK: arith.cmpi ult, %{{.*}}, %[[TWO]] : i32
// CHECK: scf.if
// CHECK: %[[XT:.*]] = bufferization.to_tensor
// CHECK: %[[CT:.*]] = bufferization.to_tensor {{.*}} : memref<?xi32> to tensor<?xi32>
// CHECK: %[[WT:.*]] = bufferization.to_tensor {{.*}} to tensor<3x2xf32>
// CHECK: %[[Z:.*]] = dl.dense %[[XT]], %[[WT]]
// The one-hot seed at the logits %[[Z]], not at the softmax.
// CHECK: tensor.dim %[[Z]]
// CHECK: %[[SEED:.*]] = linalg.generic {{.*}} ins(%[[CT]] : tensor<?xi32>)
// CHECK: linalg.index 1
// CHECK: arith.cmpi eq
// CHECK: %[[G:.*]] = dl.matmul %[[SEED]], %[[WT]] {transpose_rhs}
// CHECK: %[[DXV:.*]] = memref.reinterpret_cast %[[DX]] to offset: [0], sizes: [%{{.*}}, 3], strides: [3, 1]
// CHECK: bufferization.materialize_in_destination %[[G]] in restrict writable %[[DXV]]

// -----

// A sample's output that is not a vector (a sequence) has no class to pick:
// no input_gradient.
func.func @forward(%x: tensor<?x4x3xf32> {dl.input = "x"},
                   %w: tensor<3xf32> {dl.param = "s"}) -> tensor<?x4x3xf32> {
  %0 = dl.mul %x, %x : tensor<?x4x3xf32>
  return %0 : tensor<?x4x3xf32>
}
func.func @init_params(%seed: i64) -> (tensor<3xf32>) {
  %0 = arith.constant dense<0.0> : tensor<3xf32>
  return %0 : tensor<3xf32>
}
