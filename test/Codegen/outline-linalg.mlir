// Equal linalg ops on different buffers (two layers' bias-and-ReLU) share one
// private function, called twice and kept out of line; a different shape
// gets its own, called once (LLVM inlines it back).
// RUN: dl-opt %s --dl-outline-linalg | FileCheck %s

// CHECK-LABEL: func.func @two_layers(
// CHECK:         call @dl_linalg_0(
// CHECK:         call @dl_linalg_0(
// CHECK:         call @dl_linalg_1(
// CHECK-NOT:     linalg.generic
// CHECK:         return
// CHECK-LABEL: func.func private @dl_linalg_0(
// CHECK-SAME:    passthrough = ["noinline"]
// CHECK:         memref.reinterpret_cast
// CHECK:         linalg.generic
// CHECK-LABEL: func.func private @dl_linalg_1(
// CHECK-NOT:     passthrough
// CHECK:         linalg.generic
#id = affine_map<(d0) -> (d0)>
func.func @two_layers(%a: memref<16xf32>, %b: memref<16xf32>, %c: memref<8xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [#id], iterator_types = ["parallel"]} outs(%a : memref<16xf32>) {
  ^bb0(%x: f32):
    %r = arith.maximumf %x, %zero : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [#id], iterator_types = ["parallel"]} outs(%b : memref<16xf32>) {
  ^bb0(%x: f32):
    %r = arith.maximumf %x, %zero : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [#id], iterator_types = ["parallel"]} outs(%c : memref<8xf32>) {
  ^bb0(%x: f32):
    %r = arith.maximumf %x, %zero : f32
    linalg.yield %r : f32
  }
  return
}
