// dl-flush-denormals: functions that compute on floats, and OpenMP parallel
// regions, run with subnormals flushed (x86 MXCSR FTZ|DAZ = 0x8040 = 32832,
// AArch64 FPCR.FZ = 1 << 24 = 16777216) and give the caller its mode back
// at every exit (AArch64's exception flags live in FPSR, untouched).
// RUN: dl-opt %s --dl-flush-denormals=arch=x86 | FileCheck %s --check-prefix=X86
// RUN: dl-opt %s --dl-flush-denormals=arch=aarch64 | FileCheck %s --check-prefix=A64
// RUN: not dl-opt %s --dl-flush-denormals=arch=riscv 2>&1 | FileCheck %s --check-prefix=ERR

// ERR: error: dl-flush-denormals: unknown arch 'riscv'; expected x86 or aarch64

// Two exits: each puts back the caller's FTZ and DAZ bits and keeps the
// exception flags the body raised (MXCSR & ~0x8040 = -32833).
// X86-LABEL: llvm.func @step(
// X86-SAME:    denormal_fp_math = "preserve-sign,preserve-sign"
// X86:         %[[ONE:.*]] = llvm.mlir.constant(1 : i32) : i32
// X86-NEXT:    %[[SLOT:.*]] = llvm.alloca %[[ONE]] x i32
// X86-NEXT:    llvm.call_intrinsic "llvm.x86.sse.stmxcsr"(%[[SLOT]])
// X86-NEXT:    %[[OLD:.*]] = llvm.load %[[SLOT]] : !llvm.ptr -> i32
// X86-NEXT:    %[[BITS:.*]] = llvm.mlir.constant(32832 : i32) : i32
// X86-NEXT:    %[[NEW:.*]] = llvm.or %[[OLD]], %[[BITS]] : i32
// X86-NEXT:    llvm.store %[[NEW]], %[[SLOT]] : i32, !llvm.ptr
// X86-NEXT:    llvm.call_intrinsic "llvm.x86.sse.ldmxcsr"(%[[SLOT]])
// X86-NEXT:    %[[CALLER:.*]] = llvm.and %[[OLD]], %[[BITS]] : i32
// X86:         llvm.cond_br
// X86:         %[[MASK:.*]] = llvm.mlir.constant(-32833 : i32) : i32
// X86-NEXT:    llvm.call_intrinsic "llvm.x86.sse.stmxcsr"(%[[SLOT]])
// X86-NEXT:    %[[CUR:.*]] = llvm.load %[[SLOT]] : !llvm.ptr -> i32
// X86-NEXT:    %[[FLAGS:.*]] = llvm.and %[[CUR]], %[[MASK]] : i32
// X86-NEXT:    %[[BACK:.*]] = llvm.or %[[FLAGS]], %[[CALLER]] : i32
// X86-NEXT:    llvm.store %[[BACK]], %[[SLOT]] : i32, !llvm.ptr
// X86-NEXT:    llvm.call_intrinsic "llvm.x86.sse.ldmxcsr"(%[[SLOT]])
// X86-NEXT:    llvm.return
// X86:         llvm.fmul
// X86:         llvm.call_intrinsic "llvm.x86.sse.stmxcsr"(%[[SLOT]])
// X86:         llvm.or %{{.*}}, %[[CALLER]] : i32
// X86-NEXT:    llvm.store
// X86-NEXT:    llvm.call_intrinsic "llvm.x86.sse.ldmxcsr"(%[[SLOT]])
// X86-NEXT:    llvm.return

// A64-LABEL: llvm.func @step(
// A64-SAME:    denormal_fp_math = "preserve-sign,preserve-sign"
// A64:         %[[OLD:.*]] = llvm.call_intrinsic "llvm.aarch64.get.fpcr"() : () -> i64
// A64-NEXT:    %[[BITS:.*]] = llvm.mlir.constant(16777216 : i64) : i64
// A64-NEXT:    %[[NEW:.*]] = llvm.or %[[OLD]], %[[BITS]] : i64
// A64-NEXT:    llvm.call_intrinsic "llvm.aarch64.set.fpcr"(%[[NEW]])
// A64:         llvm.call_intrinsic "llvm.aarch64.set.fpcr"(%[[OLD]])
// A64-NEXT:    llvm.return
// A64:         llvm.call_intrinsic "llvm.aarch64.set.fpcr"(%[[OLD]])
// A64-NEXT:    llvm.return
llvm.func @step(%p: !llvm.ptr, %n: i64) {
  %c0 = llvm.mlir.constant(0 : i64) : i64
  %empty = llvm.icmp "eq" %n, %c0 : i64
  llvm.cond_br %empty, ^done, ^work
^done:
  llvm.return
^work:
  %x = llvm.load %p : !llvm.ptr -> f32
  %y = llvm.fmul %x, %x : f32
  llvm.store %y, %p : f32, !llvm.ptr
  llvm.return
}

// No float in sight (a workspace size): left alone.
// X86-LABEL: llvm.func @size(
// X86-NOT:     denormal_fp_math
// X86-NOT:     llvm.call_intrinsic
// X86:         llvm.return
llvm.func @size(%n: i64) -> i64 {
  %c = llvm.mlir.constant(4 : i64) : i64
  %r = llvm.mul %n, %c : i64
  llvm.return %r : i64
}

// Declarations have no body to wrap.
// X86: llvm.func @malloc(i64) -> !llvm.ptr
// X86-NOT: denormal_fp_math
llvm.func @malloc(i64) -> !llvm.ptr

// The body of a parallel region runs on worker threads: it sets and
// restores their mode itself, inside the region.
// X86-LABEL: llvm.func @threaded(
// X86:         llvm.call_intrinsic "llvm.x86.sse.ldmxcsr"
// X86:         omp.parallel {
// X86-NEXT:      %[[ONE:.*]] = llvm.mlir.constant(1 : i32) : i32
// X86-NEXT:      %[[SLOT:.*]] = llvm.alloca %[[ONE]] x i32
// X86-NEXT:      llvm.call_intrinsic "llvm.x86.sse.stmxcsr"(%[[SLOT]])
// X86:           llvm.call_intrinsic "llvm.x86.sse.ldmxcsr"(%[[SLOT]])
// X86:           llvm.fadd
// X86:           llvm.call_intrinsic "llvm.x86.sse.stmxcsr"(%[[SLOT]])
// X86:           llvm.store %{{.*}}, %[[SLOT]] : i32, !llvm.ptr
// X86-NEXT:      llvm.call_intrinsic "llvm.x86.sse.ldmxcsr"(%[[SLOT]])
// X86-NEXT:      omp.terminator
// X86-NEXT:    }
llvm.func @threaded(%p: !llvm.ptr) {
  omp.parallel {
    %x = llvm.load %p : !llvm.ptr -> f32
    %y = llvm.fadd %x, %x : f32
    llvm.store %y, %p : f32, !llvm.ptr
    omp.terminator
  }
  llvm.return
}

// A function local to the module (an outlined kernel: internal or private
// linkage) runs only under a caller that set the mode: it gets the attribute,
// so LLVM folds in the right mode, but no save and restore of its own. A
// caller with no float op of its own computes on floats through it, so it is
// wrapped.
// X86-LABEL: llvm.func internal @kernel(
// X86-SAME:    denormal_fp_math = "preserve-sign,preserve-sign"
// X86-NOT:     llvm.call_intrinsic
// X86:         llvm.fmul
// X86-NOT:     llvm.call_intrinsic
// X86:         llvm.return
llvm.func internal @kernel(%p: !llvm.ptr) {
  %x = llvm.load %p : !llvm.ptr -> f32
  %y = llvm.fmul %x, %x : f32
  llvm.store %y, %p : f32, !llvm.ptr
  llvm.return
}

// X86-LABEL: llvm.func private @private_kernel(
// X86-SAME:    denormal_fp_math = "preserve-sign,preserve-sign"
// X86-NOT:     llvm.call_intrinsic
// X86:         llvm.return
llvm.func private @private_kernel(%p: !llvm.ptr) {
  %x = llvm.load %p : !llvm.ptr -> f32
  %y = llvm.fadd %x, %x : f32
  llvm.store %y, %p : f32, !llvm.ptr
  llvm.return
}

// X86-LABEL: llvm.func @calls_kernel(
// X86-SAME:    denormal_fp_math = "preserve-sign,preserve-sign"
// X86:         llvm.call_intrinsic "llvm.x86.sse.ldmxcsr"
// X86:         llvm.call @kernel
// X86:         llvm.call_intrinsic "llvm.x86.sse.ldmxcsr"
// X86-NEXT:    llvm.return
llvm.func @calls_kernel(%p: !llvm.ptr) {
  llvm.call @kernel(%p) : (!llvm.ptr) -> ()
  llvm.return
}
