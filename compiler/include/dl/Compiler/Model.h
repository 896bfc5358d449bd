//===- Model.h - a .dl file read, checked and lowered -------------*- C++
//-*-===//
//
// What every dlc command starts from: compile to an object, JIT for
// gradcheck and training.
//
//===----------------------------------------------------------------------===//
#ifndef DL_COMPILER_MODEL_H
#define DL_COMPILER_MODEL_H

#include "dl/Compiler/Pipeline.h"
#include "dl/Frontend/ModelSpec.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/SourceMgr.h"

#include <memory>
#include <string>

namespace dlc {

struct SourceModel {
  std::string path;
  llvm::SourceMgr srcMgr;
  ModelSpec spec;
};

/// Reads, parses and checks `path`; diagnostics go to stderr. Null on error.
std::unique_ptr<SourceModel> loadSourceModel(const std::string &path);

/// A context with every dialect the pipeline uses.
std::unique_ptr<mlir::MLIRContext> createContext();

/// MLIRGen alone: the model's functions before autodiff (the
/// `--emit=dl-forward` form, what `dl-opt --dl-train-pipeline` takes).
mlir::OwningOpRef<mlir::ModuleOp> generateForwardModule(mlir::MLIRContext &ctx,
                                                        SourceModel &model);

/// The dl-level passes (autodiff, optimizer) on a forward module, in place.
mlir::LogicalResult runDLPipeline(mlir::ModuleOp module);

/// MLIRGen and the dl-level passes (autodiff, optimizer): the `--emit=dl` form.
mlir::OwningOpRef<mlir::ModuleOp> generateModule(mlir::MLIRContext &ctx,
                                                 SourceModel &model);

/// The rest of the pipeline down to the LLVM dialect, in place.
mlir::LogicalResult lowerToLLVMDialect(mlir::ModuleOp module,
                                       const PipelineOptions &options);

} // namespace dlc

#endif // DL_COMPILER_MODEL_H
