// dl-vectorize-contractions with `outline`: one private kernel per shape
// class, called by every product of that class (any offset), each memref
// passed as base buffer, offset and dynamic sizes (strides here are static)
// and rebuilt inside with memref.reinterpret_cast. A kernel called twice is
// kept out of line (noinline); one called once is left to LLVM's inliner.
// Without `outline` the nests stay in place.
// RUN: dl-opt %s --split-input-file \
// RUN:   --dl-vectorize-contractions="lanes=4 mr=2 kc=8 mc=4 outline" \
// RUN:   | FileCheck %s
// RUN: dl-opt %s --split-input-file \
// RUN:   --dl-vectorize-contractions="lanes=4 mr=2 kc=8 mc=4" \
// RUN:   | FileCheck %s --check-prefix=INPLACE

// Two layers' kernels at offsets 8 and 200 of one parameter buffer share
// @dl_contraction_0; the 16 x 4 product is a class of its own.
// CHECK-LABEL: func.func @two_layers(
// CHECK-SAME:    %[[X:[a-z0-9]+]]: memref<?x12xf32>, %[[K1:[a-z0-9]+]]: memref<12x16xf32, strided<[16, 1], offset: 8>>, %[[K2:[a-z0-9]+]]: memref<12x16xf32, strided<[16, 1], offset: 200>>, %[[K3:[a-z0-9]+]]: memref<16x4xf32>, %[[Y1:[a-z0-9]+]]: memref<?x16xf32>, %[[Y2:[a-z0-9]+]]: memref<?x16xf32>, %[[Z:[a-z0-9]+]]: memref<?x4xf32>)
// CHECK-NOT:   linalg.matmul
// CHECK:       %[[XB:.*]], %[[XO:.*]], %[[XS:.*]]:2, %{{.*}}:2 = memref.extract_strided_metadata %[[X]]
// CHECK:       %[[K1B:.*]], %[[K1O:.*]], %{{.*}}:2, %{{.*}}:2 = memref.extract_strided_metadata %[[K1]]
// CHECK:       %[[Y1B:.*]], %[[Y1O:.*]], %[[Y1S:.*]]:2, %{{.*}}:2 = memref.extract_strided_metadata %[[Y1]]
// CHECK:       call @dl_contraction_0(%[[XB]], %[[XO]], %[[XS]]#0, %[[K1B]], %[[K1O]], %[[Y1B]], %[[Y1O]], %[[Y1S]]#0) : (memref<f32>, index, index, memref<f32>, index, memref<f32>, index, index) -> ()
// CHECK:       %[[K2B:.*]], %[[K2O:.*]], %{{.*}}:2, %{{.*}}:2 = memref.extract_strided_metadata %[[K2]]
// CHECK:       call @dl_contraction_0(%{{.*}}, %{{.*}}, %{{.*}}, %[[K2B]], %[[K2O]],
// CHECK:       call @dl_contraction_1(
// CHECK-NOT:   call
// CHECK:       return
// CHECK-LABEL: func.func private @dl_contraction_0(
// CHECK-SAME:    %[[A:[a-z0-9]+]]: memref<f32>, %[[AO:[a-z0-9]+]]: index, %[[M:[a-z0-9]+]]: index, %[[B:[a-z0-9]+]]: memref<f32>, %[[BO:[a-z0-9]+]]: index, %[[C:[a-z0-9]+]]: memref<f32>, %[[CO:[a-z0-9]+]]: index, %[[CM:[a-z0-9]+]]: index)
// CHECK-SAME:    attributes {llvm.linkage = #llvm.linkage<internal>, passthrough = ["noinline"]}
// CHECK-NEXT:    memref.reinterpret_cast %[[A]] to offset: [%[[AO]]], sizes: [%[[M]], 12], strides: [12, 1] : memref<f32> to memref<?x12xf32, strided<[12, 1], offset: ?>>
// CHECK-NEXT:    memref.reinterpret_cast %[[B]] to offset: [%[[BO]]], sizes: [12, 16], strides: [16, 1] : memref<f32> to memref<12x16xf32, strided<[16, 1], offset: ?>>
// CHECK-NEXT:    memref.reinterpret_cast %[[C]] to offset: [%[[CO]]], sizes: [%[[CM]], 16], strides: [16, 1] : memref<f32> to memref<?x16xf32, strided<[16, 1], offset: ?>>
// CHECK:         vector.fma
// CHECK-LABEL: func.func private @dl_contraction_1(
// CHECK-NOT:     noinline
// CHECK-SAME:    attributes {llvm.linkage = #llvm.linkage<internal>}
// CHECK-NEXT:    memref.reinterpret_cast
// CHECK-SAME:      to memref<?x16xf32, strided<[16, 1], offset: ?>>
// CHECK-NEXT:    memref.reinterpret_cast
// CHECK-SAME:      to memref<16x4xf32, strided<[4, 1], offset: ?>>

// INPLACE-LABEL: func.func @two_layers(
// INPLACE-NOT:   call
// INPLACE-NOT:   func.func private
// INPLACE:       vector.fma
func.func @two_layers(%x: memref<?x12xf32>,
                      %k1: memref<12x16xf32, strided<[16, 1], offset: 8>>,
                      %k2: memref<12x16xf32, strided<[16, 1], offset: 200>>,
                      %k3: memref<16x4xf32>, %y1: memref<?x16xf32>,
                      %y2: memref<?x16xf32>, %z: memref<?x4xf32>) {
  linalg.matmul ins(%x, %k1 : memref<?x12xf32>, memref<12x16xf32, strided<[16, 1], offset: 8>>) outs(%y1 : memref<?x16xf32>)
  linalg.matmul ins(%x, %k2 : memref<?x12xf32>, memref<12x16xf32, strided<[16, 1], offset: 200>>) outs(%y2 : memref<?x16xf32>)
  linalg.matmul ins(%y1, %k3 : memref<?x16xf32>, memref<16x4xf32>) outs(%z : memref<?x4xf32>)
  return
}

// -----

// A kernel that packs B (a static M of at least pack-min-m) gets its panel buffer from the caller (so that
// dl-workspace can place it), and rebuilds it at offset 0 whatever offset
// the caller's view reports: the buffer is an allocation of its own.
// CHECK-LABEL: func.func @packed(
// CHECK:       %[[P:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x8x8xf32>
// CHECK:       %[[PB:.*]], %[[PO:.*]], %{{.*}}:3, %{{.*}}:3 = memref.extract_strided_metadata %[[P]]
// CHECK:       call @dl_contraction_0(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[PB]], %[[PO]])
// CHECK-NEXT:  memref.dealloc %[[P]]
// CHECK-LABEL: func.func private @dl_contraction_0(
// CHECK-SAME:    %[[PANELS:[a-z0-9]+]]: memref<f32>, %{{[a-z0-9]+}}: index)
// CHECK:         memref.reinterpret_cast %[[PANELS]] to offset: [0], sizes: [2, 8, 8], strides: [64, 8, 1] : memref<f32> to memref<2x8x8xf32>
// INPLACE-LABEL: func.func @packed(
// INPLACE-NOT:   call
func.func @packed(%a: memref<1024x12xf32>, %b: memref<12x16xf32>, %c: memref<1024x16xf32>) {
  linalg.matmul ins(%a, %b : memref<1024x12xf32>, memref<12x16xf32>) outs(%c : memref<1024x16xf32>)
  return
}
