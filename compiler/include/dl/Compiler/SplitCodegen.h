//===- SplitCodegen.h - one object from parallel code generators -*- C++
//-*-===//
#ifndef DL_COMPILER_SPLITCODEGEN_H
#define DL_COMPILER_SPLITCODEGEN_H

#include "dl/Compiler/Target.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <optional>

namespace dlc {

/// Whether emitObjectSplit can write `tm`'s objects in `partitions` parts
/// (ELF only: lld's ELF driver joins them).
bool canSplitCodegen(const llvm::TargetMachine &tm, unsigned partitions);

/// Writes one relocatable object for `module`: split into one partition per
/// machine (functions by instruction count, largest first onto the
/// lightest, each kernel that LLVM may inline with its callers; data in the
/// first), each compiled on its own thread by its machine (the first in
/// place, on this thread), joined by lld -r. The module's other internal
/// functions and variables become hidden globals named
/// `symbolPrefix.<name>`; its internal constants are copied to each
/// partition. The object depends on the number of machines, not on the
/// host. With `optimizeAt`, the module had only LLVMPipeline::Interprocedural
/// and each partition gets LLVM's whole -O pipeline at that level on its
/// thread.
llvm::Error emitObjectSplit(llvm::Module &module,
                            llvm::ArrayRef<llvm::TargetMachine *> machines,
                            llvm::StringRef symbolPrefix,
                            llvm::raw_pwrite_stream &os,
                            std::optional<unsigned> optimizeAt = std::nullopt);

/// What emitModuleObject needs besides the module and the target.
struct ObjectOptions {
  unsigned optLevel = 2;
  /// Code generators (threads); 1 for the whole -O pipeline and one.
  unsigned codegenThreads = 1;
  /// Names the split object's shared internal symbols (emitObjectSplit).
  llvm::StringRef symbolPrefix;
  /// The LLVM module's source file and identifier, where not empty.
  llvm::StringRef sourceName, moduleName;
};

/// The object of an LLVM-dialect `module`, the one place that decides how
/// (`dlc -o` and the JIT both call it): where canSplitCodegen allows
/// `codegenThreads` parts, LLVMPipeline::Interprocedural on the whole
/// module, then emitObjectSplit with all of the -O pipeline per part
/// (`makeMachine` gives the machines beyond `tm`); otherwise the whole -O
/// pipeline and one code generator. Each step is timed under --time-passes.
llvm::Error emitModuleObject(
    mlir::ModuleOp module, llvm::TargetMachine &tm, const ObjectOptions &o,
    llvm::function_ref<llvm::Expected<std::unique_ptr<llvm::TargetMachine>>()>
        makeMachine,
    llvm::raw_pwrite_stream &os);

} // namespace dlc

#endif // DL_COMPILER_SPLITCODEGEN_H
