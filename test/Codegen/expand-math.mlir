// dl-expand-math leaves no transcendental call for libm.
// RUN: dl-opt %s --dl-expand-math | FileCheck %s

// CHECK-LABEL: func.func @f
func.func @f(%x: f32) -> (f32, f32) {
  // CHECK-NOT: math.exp
  // CHECK-NOT: math.tanh
  // CHECK: return
  %0 = math.exp %x : f32
  %1 = math.tanh %x : f32
  return %0, %1 : f32, f32
}
