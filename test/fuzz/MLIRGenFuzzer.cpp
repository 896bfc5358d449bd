//===- MLIRGenFuzzer.cpp - libFuzzer target: frontend, MLIRGen, verifiers -===//
//
// Any bytes as a .dl file; a model that passes the frontend is lowered to
// the dl dialect and must verify (dl's op and contract verifiers): the
// frontend accepting what MLIRGen or the verifiers reject is a finding too.
//
//===----------------------------------------------------------------------===//
#include "dl/Dialect/DL/IR/DLDialect.h"
#include "dl/Frontend/Frontend.h"
#include "dl/Frontend/MLIRGen.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

namespace {
mlir::MLIRContext &context() {
  static mlir::MLIRContext *ctx = [] {
    auto *c = new mlir::MLIRContext();
    c->loadDialect<mlir::dl::DLDialect, mlir::func::FuncDialect,
                   mlir::arith::ArithDialect>();
    c->disableMultithreading();
    return c;
  }();
  return *ctx;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::SourceMgr srcMgr;
  unsigned id = srcMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(
          llvm::StringRef(reinterpret_cast<const char *>(data), size),
          "fuzz.dl"),
      llvm::SMLoc());
  std::optional<dlc::ast::Model> model = dlc::parseModel(srcMgr, id);
  if (!model)
    return 0;
  std::optional<dlc::ModelSpec> spec = dlc::checkModel(*model, srcMgr);
  if (!spec)
    return 0;
  mlir::MLIRContext &ctx = context();
  std::string diagnostics;
  mlir::ScopedDiagnosticHandler handler(&ctx, [&](mlir::Diagnostic &d) {
    diagnostics += d.str();
    diagnostics += '\n';
    return mlir::success();
  });
  mlir::OwningOpRef<mlir::ModuleOp> module =
      dlc::generateDL(ctx, *spec, srcMgr);
  if (!module || mlir::failed(mlir::verify(*module))) {
    // The frontend accepted the model: MLIRGen must not fail on it.
    fprintf(stderr, "accepted model not lowered or not verified:\n%s",
            diagnostics.c_str());
    abort();
  }
  return 0;
}
