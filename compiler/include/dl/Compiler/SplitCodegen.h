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

/// Writes one relocatable object for the optimised `module`: split into one
/// partition per machine (functions by instruction count, largest first onto
/// the lightest; data in the first), each compiled on its own thread by its
/// machine (the first in place, on this thread), joined by lld -r. The
/// module's internal symbols become hidden globals named
/// `symbolPrefix.<name>`. The object depends on the number of machines, not
/// on the host. With `optimizeAt`, the module had only the simplification
/// half of LLVM's -O pipeline (LLVMPipeline::Simplification), and each
/// partition gets the optimisation half at that level on its thread.
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
/// `codegenThreads` parts, the simplification half of the -O pipeline on the
/// whole module, then emitObjectSplit with the optimisation half per part
/// (`makeMachine` gives the machines beyond `tm`); otherwise the whole -O
/// pipeline and one code generator. Timed as "LLVM IR and LLVM's -O
/// pipeline" and "LLVM code generation" under --time-passes.
llvm::Error emitModuleObject(
    mlir::ModuleOp module, llvm::TargetMachine &tm, const ObjectOptions &o,
    llvm::function_ref<llvm::Expected<std::unique_ptr<llvm::TargetMachine>>()>
        makeMachine,
    llvm::raw_pwrite_stream &os);

} // namespace dlc

#endif // DL_COMPILER_SPLITCODEGEN_H
