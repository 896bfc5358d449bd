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
#include "mlir/Support/Timing.h"
#include "llvm/Support/SourceMgr.h"

#include <memory>
#include <string>

namespace dlc {

struct SourceModel {
  std::string path;
  llvm::SourceMgr srcMgr;
  ModelSpec spec;
};

/// --time-passes: while one exists, every pass manager dlc builds, and the
/// LLVM steps after them, record their times in it; its destructor prints
/// the report (MLIR's, slowest first) to stderr.
class PassTiming {
public:
  PassTiming();
  ~PassTiming();
  PassTiming(const PassTiming &) = delete;
  PassTiming &operator=(const PassTiming &) = delete;
  /// The timer of the one in effect, or null.
  static mlir::TimingScope *current();
  /// A timer for one step named `name` under the current one (a no-op
  /// without --time-passes).
  static mlir::TimingScope step(llvm::StringRef name);

private:
  mlir::DefaultTimingManager manager; // destroyed last: prints the report
  mlir::TimingScope root;
};

/// dlc's pass-manager setup: MLIR's command-line options (--mlir-print-ir-*,
/// ...), --time-passes and --verify-each.
void configurePassManager(mlir::PassManager &pm);

/// --verify-each: verify the IR after every MLIR pass. Off by default in
/// release builds (it was ~15% of compiling the MLP and a sixth of a deep
/// model's compile: the passes themselves report what they reject, dl-opt,
/// which the pass tests use, always verifies, and runPipeline verifies each
/// pipeline's result); on in builds with assertions and in the sanitizer and
/// fuzzing builds.
void setVerifyEachPass(bool on);

/// Runs `pm` on `module`, then verifies the module once; a module that does
/// not verify is an internal error (reported).
mlir::LogicalResult runPipeline(mlir::PassManager &pm, mlir::ModuleOp module);

/// Reads, parses and checks `path`; diagnostics go to stderr. Null on error.
std::unique_ptr<SourceModel> loadSourceModel(const std::string &path);

/// A context with every dialect the pipeline uses registered; runPipeline
/// loads them and turns on multithreading (a cache hit needs neither).
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
