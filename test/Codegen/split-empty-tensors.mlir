// dl-split-empty-tensors: each use of a tensor.empty, and of a linalg.fill
// into one, gets its own clone right before the user (before the user's
// ancestor in the original's block), so One-Shot Analysis sees one alias
// set per op chain instead of one for the whole model.
// RUN: dl-opt %s --dl-split-empty-tensors | FileCheck %s

// CSE's form: one empty for two layers' outputs, one zero fill for two
// products; the second product sits in a loop.
// CHECK-LABEL: func.func @shared(
// CHECK-SAME:    %[[X:.*]]: tensor<4x4xf32>, %[[Y:.*]]: tensor<4x4xf32>
// CHECK:         %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:         %[[E0:.*]] = tensor.empty() : tensor<4x4xf32>
// CHECK-NEXT:    %[[R0:.*]] = linalg.exp ins(%[[X]] : tensor<4x4xf32>) outs(%[[E0]] : tensor<4x4xf32>)
// CHECK-NEXT:    %[[E1:.*]] = tensor.empty() : tensor<4x4xf32>
// CHECK-NEXT:    %[[F1:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[E1]] : tensor<4x4xf32>)
// CHECK-NEXT:    %[[M0:.*]] = linalg.matmul ins(%[[X]], %[[Y]] : tensor<4x4xf32>, tensor<4x4xf32>) outs(%[[F1]] : tensor<4x4xf32>)
// CHECK-NEXT:    %[[E2:.*]] = tensor.empty() : tensor<4x4xf32>
// CHECK-NEXT:    %[[R1:.*]] = linalg.exp ins(%[[Y]] : tensor<4x4xf32>) outs(%[[E2]] : tensor<4x4xf32>)
// CHECK-NEXT:    %[[E3:.*]] = tensor.empty() : tensor<4x4xf32>
// CHECK-NEXT:    %[[F3:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[E3]] : tensor<4x4xf32>)
// CHECK-NEXT:    scf.for
// CHECK-NEXT:      linalg.matmul ins(%[[Y]], %[[X]] : tensor<4x4xf32>, tensor<4x4xf32>) outs(%[[F3]] : tensor<4x4xf32>)
// CHECK:         return %[[R0]], %[[M0]], %[[R1]]
func.func @shared(%x: tensor<4x4xf32>, %y: tensor<4x4xf32>, %n: index)
    -> (tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %e = tensor.empty() : tensor<4x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x4xf32>) -> tensor<4x4xf32>
  %r0 = linalg.exp ins(%x : tensor<4x4xf32>) outs(%e : tensor<4x4xf32>) -> tensor<4x4xf32>
  %m0 = linalg.matmul ins(%x, %y : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f : tensor<4x4xf32>) -> tensor<4x4xf32>
  %r1 = linalg.exp ins(%y : tensor<4x4xf32>) outs(%e : tensor<4x4xf32>) -> tensor<4x4xf32>
  %m1 = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %x) -> tensor<4x4xf32> {
    %m = linalg.matmul ins(%y, %x : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f : tensor<4x4xf32>) -> tensor<4x4xf32>
    scf.yield %m : tensor<4x4xf32>
  }
  return %r0, %m0, %r1, %m1 : tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>
}

// Left alone: an empty and a fill with one use each, and a fill into a
// tensor that is not empty (%t: it is written in place, not a fresh
// value). A dynamic empty is split with its sizes.
// CHECK-LABEL: func.func @kept(
// CHECK-SAME:    %[[T:.*]]: tensor<4xf32>, %[[N:.*]]: index
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<4xf32>
// CHECK-NEXT:    %[[F:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[T]] : tensor<4xf32>)
// CHECK-NEXT:    %[[G:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E]] : tensor<4xf32>)
// CHECK-NEXT:    linalg.exp ins(%[[F]] : tensor<4xf32>) outs(%[[F]] : tensor<4xf32>)
// CHECK-NEXT:    linalg.exp ins(%[[G]] : tensor<4xf32>) outs(%[[F]] : tensor<4xf32>)
// CHECK-NEXT:    %[[D0:.*]] = tensor.empty(%[[N]]) : tensor<?xf32>
// CHECK-NEXT:    linalg.exp ins(%{{.*}} : tensor<?xf32>) outs(%[[D0]] : tensor<?xf32>)
// CHECK-NEXT:    %[[D1:.*]] = tensor.empty(%[[N]]) : tensor<?xf32>
// CHECK-NEXT:    linalg.exp ins(%{{.*}} : tensor<?xf32>) outs(%[[D1]] : tensor<?xf32>)
func.func @kept(%t: tensor<4xf32>, %n: index, %d: tensor<?xf32>)
    -> (tensor<4xf32>, tensor<4xf32>, tensor<?xf32>, tensor<?xf32>) {
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<4xf32>
  %f = linalg.fill ins(%one : f32) outs(%t : tensor<4xf32>) -> tensor<4xf32>
  %g = linalg.fill ins(%one : f32) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  %a = linalg.exp ins(%f : tensor<4xf32>) outs(%f : tensor<4xf32>) -> tensor<4xf32>
  %b = linalg.exp ins(%g : tensor<4xf32>) outs(%f : tensor<4xf32>) -> tensor<4xf32>
  %de = tensor.empty(%n) : tensor<?xf32>
  %c = linalg.exp ins(%d : tensor<?xf32>) outs(%de : tensor<?xf32>) -> tensor<?xf32>
  %c2 = linalg.exp ins(%c : tensor<?xf32>) outs(%de : tensor<?xf32>) -> tensor<?xf32>
  return %a, %b, %c, %c2 : tensor<4xf32>, tensor<4xf32>, tensor<?xf32>, tensor<?xf32>
}

// A slice extracted from a fill and inserted back keeps the fill it came
// from (one value: bufferized in place); the other init use is split off.
// CHECK-LABEL: func.func @slices(
// CHECK:         %[[E:.*]] = tensor.empty(%{{.*}}) : tensor<?x4xf32>
// CHECK-NEXT:    %[[F:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E]] : tensor<?x4xf32>)
// CHECK-NEXT:    %[[S:.*]] = tensor.extract_slice %[[F]][0, 0] [%{{.*}}, 2] [1, 1]
// CHECK-NEXT:    %[[X:.*]] = linalg.exp ins(%{{.*}} : tensor<?x2xf32>) outs(%[[S]] : tensor<?x2xf32>)
// CHECK-NEXT:    %[[I:.*]] = tensor.insert_slice %[[X]] into %[[F]][0, 0] [%{{.*}}, 2] [1, 1]
// CHECK-NEXT:    %[[E2:.*]] = tensor.empty(%{{.*}}) : tensor<?x4xf32>
// CHECK-NEXT:    %[[F2:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E2]] : tensor<?x4xf32>)
// CHECK-NEXT:    linalg.exp ins(%[[I]] : tensor<?x4xf32>) outs(%[[F2]] : tensor<?x4xf32>)
func.func @slices(%x: tensor<?x2xf32>, %n: index) -> tensor<?x4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty(%n) : tensor<?x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x4xf32>) -> tensor<?x4xf32>
  %s = tensor.extract_slice %f[0, 0] [%n, 2] [1, 1] : tensor<?x4xf32> to tensor<?x2xf32>
  %y = linalg.exp ins(%x : tensor<?x2xf32>) outs(%s : tensor<?x2xf32>) -> tensor<?x2xf32>
  %i = tensor.insert_slice %y into %f[0, 0] [%n, 2] [1, 1] : tensor<?x2xf32> into tensor<?x4xf32>
  %z = linalg.exp ins(%i : tensor<?x4xf32>) outs(%f : tensor<?x4xf32>) -> tensor<?x4xf32>
  return %z : tensor<?x4xf32>
}
