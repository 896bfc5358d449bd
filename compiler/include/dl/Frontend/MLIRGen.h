//===- MLIRGen.h - ModelSpec to the dl dialect --------------------*- C++
//-*-===//
#ifndef DL_FRONTEND_MLIRGEN_H
#define DL_FRONTEND_MLIRGEN_H

#include "dl/Dialect/DL/IR/DLContract.h"
#include "dl/Frontend/ModelSpec.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace llvm {
class SourceMgr;
}

namespace dlc {

// The contract's names, owned by the dialect (DLContract.h).
using mlir::dl::kForwardFunc;
using mlir::dl::kFrozenAttr;
using mlir::dl::kGradientsFunc;
using mlir::dl::kGradOfAttr;
using mlir::dl::kInitFunc;
using mlir::dl::kInputAttr;
using mlir::dl::kKeyAttr;
using mlir::dl::kLossFunc;
using mlir::dl::kMetricAttr;
using mlir::dl::kParamAttr;
using mlir::dl::kStateAttr;
using mlir::dl::kTargetsAttr;
using mlir::dl::kTrainStepFunc;
using mlir::dl::kWeightsAttr;
using mlir::dl::kWritableWeightsAttr;

/// Builds a module holding `@forward(x, params...) -> y`,
/// `@init_params(seed) -> params...` and, with a train section,
/// `@loss(x, targets, params...) -> (loss [, correct])` in the dl dialect.
/// Every op carries the file:line:col of the layer that produced it.
mlir::OwningOpRef<mlir::ModuleOp> generateDL(mlir::MLIRContext &ctx,
                                             const ModelSpec &spec,
                                             const llvm::SourceMgr &srcMgr);

} // namespace dlc

#endif // DL_FRONTEND_MLIRGEN_H
