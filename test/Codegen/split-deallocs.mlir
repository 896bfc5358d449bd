// dl-split-deallocs: a bufferization.dealloc of distinct allocations that
// retains nothing becomes one dealloc per allocation, conditions and order
// kept; anything else is left alone.
// RUN: dl-opt %s --split-input-file --dl-split-deallocs | FileCheck %s

// CHECK-LABEL: func.func @distinct(
// CHECK-SAME:    %[[C:.*]]: i1
// CHECK:         %[[A:.*]] = memref.alloc() : memref<4xf32>
// CHECK:         %[[B:.*]] = memref.alloc() : memref<8xf32>
// CHECK:         %[[D:.*]] = memref.alloc() : memref<2xf32>
// CHECK:         %[[T:.*]] = arith.constant true
// CHECK-NEXT:    bufferization.dealloc (%[[A]] : memref<4xf32>) if (%[[T]])
// CHECK-NEXT:    bufferization.dealloc (%[[B]] : memref<8xf32>) if (%[[C]])
// CHECK-NEXT:    bufferization.dealloc (%[[D]] : memref<2xf32>) if (%[[T]])
// CHECK-NEXT:    return
func.func @distinct(%c: i1) {
  %a = memref.alloc() : memref<4xf32>
  %b = memref.alloc() : memref<8xf32>
  %d = memref.alloc() : memref<2xf32>
  %true = arith.constant true
  bufferization.dealloc (%a, %b, %d : memref<4xf32>, memref<8xf32>, memref<2xf32>) if (%true, %c, %true)
  return
}

// -----

// Kept whole: a memref that is a view (it may alias another), the same
// allocation twice, and a dealloc that retains a value (its results say
// which retained values it still owns).
// CHECK-LABEL: func.func @kept(
// CHECK:         bufferization.dealloc (%{{.*}}, %{{.*}} : memref<4xf32>, memref<2xf32, strided<[1], offset: 2>>) if
// CHECK-NEXT:    bufferization.dealloc (%{{.*}}, %{{.*}} : memref<4xf32>, memref<4xf32>) if
// CHECK-NEXT:    bufferization.dealloc (%{{.*}}, %{{.*}} : memref<4xf32>, memref<8xf32>) if ({{.*}}) retain
// CHECK-NOT:     bufferization.dealloc
func.func @kept(%c: i1, %r: memref<4xf32>) -> i1 {
  %a = memref.alloc() : memref<4xf32>
  %b = memref.alloc() : memref<8xf32>
  %v = memref.subview %a[2] [2] [1] : memref<4xf32> to memref<2xf32, strided<[1], offset: 2>>
  bufferization.dealloc (%a, %v : memref<4xf32>, memref<2xf32, strided<[1], offset: 2>>) if (%c, %c)
  bufferization.dealloc (%a, %a : memref<4xf32>, memref<4xf32>) if (%c, %c)
  %o = bufferization.dealloc (%a, %b : memref<4xf32>, memref<8xf32>) if (%c, %c) retain (%r : memref<4xf32>)
  return %o : i1
}
