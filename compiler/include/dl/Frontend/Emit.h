//===- Emit.h - what MLIRGen offers a layer's or loss's emission -*- C++
//-*-===//
//
// The context a LayerKind::emit or LossKind::emit builds dl ops in: the
// builder, the location (file:line:col of the layer, named after it), the
// layer's input values and its parameters.
//
//===----------------------------------------------------------------------===//
#ifndef DL_FRONTEND_EMIT_H
#define DL_FRONTEND_EMIT_H

#include "dl/Frontend/ModelSpec.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace dlc {

struct EmitContext {
  mlir::OpBuilder &b;
  mlir::Location loc;
  /// A layer's inputs and its parameters, in the order its check added them.
  llvm::ArrayRef<mlir::Value> inputs = {};
  llvm::ArrayRef<mlir::Value> params = {};
  /// The training key (tensor<i64>) for layers with a training form, and the
  /// layer's position in the model (a default random stream).
  mlir::Value key = {};
  int64_t layerIndex = 0;
  /// Where a layer with statistics to update in training (batch
  /// normalisation) appends (index into `params`, new value); null where
  /// nothing is updated (@forward).
  llvm::SmallVectorImpl<std::pair<unsigned, mlir::Value>> *stateUpdates =
      nullptr;

  /// f32 tensor of `shape` per sample, with a leading dynamic batch.
  mlir::RankedTensorType batchedType(const Shape &shape) const {
    llvm::SmallVector<int64_t> dims{mlir::ShapedType::kDynamic};
    for (int64_t d : shape)
      dims.push_back(d < 0 ? mlir::ShapedType::kDynamic : d);
    return mlir::RankedTensorType::get(dims, b.getF32Type());
  }
  /// tensor<f32>: losses and metrics.
  mlir::RankedTensorType scalarType() const {
    return mlir::RankedTensorType::get({}, b.getF32Type());
  }
};

/// The dl op of activation `a` applied to `x` (`alpha`: leaky_relu's slope,
/// elu's alpha); `x` itself for linear.
mlir::Value emitActivation(mlir::OpBuilder &b, mlir::Location loc, Activation a,
                           double alpha, mlir::Value x);

} // namespace dlc

#endif // DL_FRONTEND_EMIT_H
