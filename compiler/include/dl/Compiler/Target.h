//===- Target.h - LLVM dialect to native code ---------------------*- C++
//-*-===//
#ifndef DL_COMPILER_TARGET_H
#define DL_COMPILER_TARGET_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>
#include <string>

namespace llvm {
class LLVMContext;
class Module;
class raw_pwrite_stream;
} // namespace llvm

namespace dlc {

struct TargetOptions {
  std::string triple; ///< Empty: the host's.
  std::string cpu;    ///< Empty or "native": the host's (with its features).
  unsigned optLevel = 2;
};

/// A TargetMachine for the options; PIC so objects link into PIE programs.
llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const TargetOptions &options);

/// Bits of the widest f32 vector register of `tm`'s CPU, for the kernels'
/// register tile: 512 with AVX-512F, 256 with AVX, else 128.
unsigned vectorBitsOf(const llvm::TargetMachine &tm);

/// The floating-point environment dl-flush-denormals sets for `tm`'s
/// target: "x86", "aarch64", or "" where it knows none (code stays IEEE).
std::string flushArchOf(const llvm::TargetMachine &tm);

/// How much of LLVM's -O pipeline translateToLLVMIR runs.
enum class LLVMPipeline {
  /// All of it (buildPerModuleDefaultPipeline).
  Whole,
  /// Only what needs the whole module: interprocedural constant propagation
  /// into the internal kernels and dead argument elimination, which would
  /// stop at the borders of emitObjectSplit's partitions. All of it then
  /// runs again on each partition, in parallel.
  Interprocedural,
};

/// Translates an LLVM-dialect module and runs LLVM's -O pipeline on it, or
/// the part of it that `pipeline` names.
llvm::Expected<std::unique_ptr<llvm::Module>>
translateToLLVMIR(mlir::ModuleOp module, llvm::LLVMContext &ctx,
                  llvm::TargetMachine &tm, unsigned optLevel,
                  LLVMPipeline pipeline = LLVMPipeline::Whole);

/// LLVM's -O pipeline at `optLevel` (buildPerModuleDefaultPipeline, less the
/// late partial unrolling), nothing at 0.
void runLLVMPipeline(llvm::Module &module, llvm::TargetMachine &tm,
                     unsigned optLevel);

/// Writes an object file (or assembly) for `module`.
llvm::Error emitMachineCode(llvm::Module &module, llvm::TargetMachine &tm,
                            llvm::raw_pwrite_stream &os, bool assembly);

} // namespace dlc

#endif // DL_COMPILER_TARGET_H
