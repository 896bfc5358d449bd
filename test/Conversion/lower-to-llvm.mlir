// The whole pipeline: a model becomes two LLVM functions over bare pointers.
// No libm anywhere: dl-expand-math turns exp into a polynomial (left alone,
// math.exp would become llvm.intr.exp, which LLVM calls expf for), and no
// math op is left.
// RUN: dl-opt %s --dl-lower-to-llvm=prefix=tiny | FileCheck %s \
// RUN:   --implicit-check-not=llvm.intr.exp --implicit-check-not=@expf \
// RUN:   --implicit-check-not=math.
// Subnormals are flushed only when the pipeline is told the target's
// floating-point environment (dlc always tells it; see dl-flush-denormals).
// RUN: dl-opt %s --dl-lower-to-llvm=prefix=tiny | FileCheck %s --check-prefix=IEEE
// RUN: dl-opt %s --dl-lower-to-llvm="prefix=tiny flush-denormals=x86" | FileCheck %s --check-prefix=FLUSH
// IEEE-NOT: mxcsr
// FLUSH-LABEL: llvm.func @tiny_predict(
// FLUSH:         llvm.call_intrinsic "llvm.x86.sse.stmxcsr"
// FLUSH:         llvm.call_intrinsic "llvm.x86.sse.ldmxcsr"

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

// CHECK: llvm.func @tiny_predict(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: i64)
// CHECK: llvm.func @tiny_init_params(%{{.*}}: !llvm.ptr, %{{.*}}: i64)
