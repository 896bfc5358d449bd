// dl-shape-inference refines `?` sizes that the operands determine.
// RUN: dl-opt %s --dl-shape-inference | FileCheck %s

// CHECK-LABEL: func.func @refine
func.func @refine(%x: tensor<?x4x3xf32>, %w: tensor<12x5xf32>) -> tensor<?x?xf32> {
  // CHECK: %[[F:.*]] = dl.flatten %{{.*}} : tensor<?x4x3xf32> -> tensor<?x12xf32>
  %0 = dl.flatten %x : tensor<?x4x3xf32> -> tensor<?x?xf32>
  // CHECK: %[[D:.*]] = dl.dense %[[F]], %{{.*}} : (tensor<?x12xf32>, tensor<12x5xf32>) -> tensor<?x5xf32>
  %1 = dl.dense %0, %w : (tensor<?x?xf32>, tensor<12x5xf32>) -> tensor<?x?xf32>
  // CHECK: %[[R:.*]] = dl.relu %[[D]] : tensor<?x5xf32>
  %2 = dl.relu %1 : tensor<?x?xf32>
  // The function still returns its declared type.
  // CHECK: %[[C:.*]] = tensor.cast %[[R]] : tensor<?x5xf32> to tensor<?x?xf32>
  // CHECK: return %[[C]]
  return %2 : tensor<?x?xf32>
}
