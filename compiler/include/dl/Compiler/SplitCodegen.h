//===- SplitCodegen.h - one object from parallel code generators -*- C++
//-*-===//
#ifndef DL_COMPILER_SPLITCODEGEN_H
#define DL_COMPILER_SPLITCODEGEN_H

#include "dl/Compiler/Target.h"

#include "llvm/ADT/ArrayRef.h"

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

} // namespace dlc

#endif // DL_COMPILER_SPLITCODEGEN_H
