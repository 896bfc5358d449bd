//===- MLIRGen.h - ModelSpec to the dl dialect --------------------*- C++ -*-===//
#ifndef DL_FRONTEND_MLIRGEN_H
#define DL_FRONTEND_MLIRGEN_H

#include "dl/Frontend/ModelSpec.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace llvm {
class SourceMgr;
}

namespace dlc {

/// Names of the model functions MLIRGen creates and the exporter reads.
inline constexpr const char *kForwardFunc = "forward";
inline constexpr const char *kInitFunc = "init_params";
inline constexpr const char *kLossFunc = "loss";
inline constexpr const char *kGradientsFunc = "gradients";
inline constexpr const char *kTrainStepFunc = "train_step";
/// Argument attribute naming a parameter (its checkpoint name).
inline constexpr const char *kParamAttr = "dl.param";
/// Argument attribute marking a parameter frozen (trainable = false).
inline constexpr const char *kFrozenAttr = "dl.frozen";
/// Argument attribute naming the model input.
inline constexpr const char *kInputAttr = "dl.input";
/// Argument attribute marking the training targets (labels).
inline constexpr const char *kTargetsAttr = "dl.targets";
/// Argument/result attribute of optimizer state ("step", "m:dense.kernel").
inline constexpr const char *kStateAttr = "dl.state";
/// Result attribute of a metric computed with the loss ("correct").
inline constexpr const char *kMetricAttr = "dl.metric";
/// Module attributes of `dlc --weights`: the flat parameter vector to bake
/// into the object, and whether it stays writable.
inline constexpr const char *kWeightsAttr = "dl.weights";
inline constexpr const char *kWritableWeightsAttr = "dl.weights_writable";
/// Result attribute of a gradient: the parameter it belongs to.
inline constexpr const char *kGradOfAttr = "dl.grad_of";

/// Builds a module holding `@forward(x, params...) -> y`,
/// `@init_params(seed) -> params...` and, with a train section,
/// `@loss(x, targets, params...) -> (loss [, correct])` in the dl dialect. Every op carries the
/// file:line:col of the layer that produced it.
mlir::OwningOpRef<mlir::ModuleOp> generateDL(mlir::MLIRContext &ctx,
                                             const ModelSpec &spec,
                                             const llvm::SourceMgr &srcMgr);

} // namespace dlc

#endif // DL_FRONTEND_MLIRGEN_H
