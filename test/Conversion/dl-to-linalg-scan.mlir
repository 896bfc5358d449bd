// dl.scan becomes an scf.for over the time axis with the carries (copies of
// their initial values) and the stacked outputs as iter_args; each step
// extracts its slice of every sequence, runs the body (lowered by the usual
// patterns), inserts its outputs at its own index (T - 1 - i when
// reversed) and copies the next carries into the carries' buffers. merge_time and
// split_time are a collapse and an expand of [B, T]; zeros is a fill;
// orthogonal is Gram-Schmidt loops, over the rows when they are fewer.
// RUN: dl-opt %s --convert-dl-to-linalg | FileCheck %s --implicit-check-not=dl.

// CHECK-LABEL: func.func @rnn
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0, 1], [2]] : tensor<?x7x3xf32> into tensor<?x3xf32>
// CHECK: linalg.matmul
// CHECK: %[[SEQ:.*]] = tensor.expand_shape %{{.*}} {{\[}}[0, 1], [2]] output_shape [%{{.*}}, 7, 4] : tensor<?x4xf32> into tensor<?x7x4xf32>
// CHECK: %[[H0:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<?x4xf32>)
// CHECK: %[[T:.*]] = tensor.dim %[[SEQ]], %c1
// CHECK: %[[HC:.*]] = linalg.copy ins(%[[H0]] : tensor<?x4xf32>)
// CHECK: %[[STACK:.*]] = tensor.empty(%{{.*}}) : tensor<?x7x4xf32>
// CHECK: %[[LOOP:.*]]:2 = scf.for %[[I:.*]] = %{{.*}} to %[[T]] step %{{.*}} iter_args(%[[H:.*]] = %[[HC]], %[[ACC:.*]] = %[[STACK]]) -> (tensor<?x4xf32>, tensor<?x7x4xf32>) {
// CHECK: %[[XT:.*]] = tensor.extract_slice %[[SEQ]][0, %[[I]], 0] [%{{.*}}, 1, 4] [1, 1, 1] : tensor<?x7x4xf32> to tensor<?x4xf32>
// CHECK: %[[P:.*]] = linalg.matmul ins(%[[H]], %{{.*}} : tensor<?x4xf32>, tensor<4x4xf32>)
// CHECK: %[[S:.*]] = linalg.generic {{.*}} ins(%[[XT]], %[[P]] : tensor<?x4xf32>, tensor<?x4xf32>)
// CHECK: %[[N:.*]] = linalg.generic {{.*}} ins(%[[S]] : tensor<?x4xf32>)
// CHECK: math.tanh
// CHECK: %[[INS:.*]] = tensor.insert_slice %[[N]] into %[[ACC]][0, %[[I]], 0] [%{{.*}}, 1, 4] [1, 1, 1] : tensor<?x4xf32> into tensor<?x7x4xf32>
// CHECK: %[[NEXT:.*]] = linalg.copy ins(%[[N]] : tensor<?x4xf32>) outs(%[[H]] : tensor<?x4xf32>)
// CHECK: scf.yield %[[NEXT]], %[[INS]] : tensor<?x4xf32>, tensor<?x7x4xf32>
// CHECK: return %[[LOOP]]#1
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

// CHECK-LABEL: func.func @reverse
// CHECK: %[[T:.*]] = tensor.dim %{{.*}}, %c1{{.*}} : tensor<?x?x2xf32>
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %[[T]]
// CHECK: %[[LAST:.*]] = arith.subi %[[T]], %{{.*}} : index
// CHECK: %[[STEP:.*]] = arith.subi %[[LAST]], %[[I]] : index
// CHECK: tensor.extract_slice %{{.*}}[0, %[[STEP]], 0]
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, %[[STEP]], 0]
func.func @reverse(%x: tensor<?x?x2xf32>) -> tensor<?x?x2xf32> {
  %0 = dl.scan reverse carries() sequences(%x : tensor<?x?x2xf32>) invariants() -> (tensor<?x?x2xf32>) {
  ^bb0(%xt: tensor<?x2xf32>):
    %1 = dl.relu %xt : tensor<?x2xf32>
    dl.yield %1 : tensor<?x2xf32>
  }
  return %0 : tensor<?x?x2xf32>
}

// CHECK-LABEL: func.func @orthogonal
// CHECK: %[[TR:.*]] = linalg.transpose ins(%{{.*}} : tensor<3x5xf32>) outs(%{{.*}} : tensor<5x3xf32>) permutation = [1, 0]
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[TR]]) -> (tensor<5x3xf32>)
// CHECK: math.sqrt
// CHECK: arith.divf
// CHECK: linalg.transpose ins(%{{.*}} : tensor<5x3xf32>) outs(%{{.*}} : tensor<3x5xf32>) permutation = [1, 0]
func.func @orthogonal(%a: tensor<3x5xf32>) -> tensor<3x5xf32> {
  %1 = dl.orthogonal %a : tensor<3x5xf32>
  return %1 : tensor<3x5xf32>
}
