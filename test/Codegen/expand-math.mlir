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

// tanh on f32 (scalar or vector) is computed in double, from our f64 exp
// (no math op left for upstream or libm), rounded once to float; tiny |x|
// and NaN return x.
// CHECK-LABEL: func.func @tanh_vector
func.func @tanh_vector(%x: vector<8xf32>) -> vector<8xf32> {
  // CHECK: math.absf %{{.*}} : vector<8xf32>
  // CHECK: arith.cmpf ult, %{{.*}}, %{{.*}} : vector<8xf32>
  // CHECK: arith.extf %{{.*}} : vector<8xf32> to vector<8xf64>
  // CHECK: arith.bitcast %{{.*}} : vector<8xi64> to vector<8xf64>
  // CHECK: arith.divf %{{.*}} : vector<8xf64>
  // CHECK: arith.truncf %{{.*}} : vector<8xf64> to vector<8xf32>
  // CHECK: math.copysign %{{.*}} : vector<8xf32>
  // CHECK: arith.select
  // CHECK-NOT: math.tanh
  // CHECK-NOT: math.exp
  // CHECK: return
  %0 = math.tanh %x : vector<8xf32>
  return %0 : vector<8xf32>
}

// exp on f64 (sigmoid computes in double) is ours too: upstream expands
// only f32, and LLVM would call libm's exp.
// CHECK-LABEL: func.func @exp_f64
func.func @exp_f64(%x: f64) -> f64 {
  // CHECK: arith.fptosi %{{.*}} : f64 to i64
  // CHECK: arith.shli
  // CHECK: arith.bitcast %{{.*}} : i64 to f64
  // CHECK-NOT: math.exp
  // CHECK: return
  %0 = math.exp %x : f64
  return %0 : f64
}
