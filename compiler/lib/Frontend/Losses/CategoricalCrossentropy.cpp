//===- CategoricalCrossentropy.cpp - categorical_crossentropy ---===//
//
// Keras's categorical_crossentropy: one-hot rows against a softmax, computed
// from the logits before it (dl.softmax_cross_entropy).
//
//===----------------------------------------------------------------------===//
#include "OpLoss.h"

#include "dl/Dialect/DL/IR/DLOps.h"

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const LossKind &lossCategoricalCrossentropy() {
  static const OpLoss<mlir::dl::SoftmaxCrossEntropyOp> kind(
      "categorical_crossentropy", {}, TargetKind::Distribution, "softmax");
  return kind;
}
} // namespace dlc::registry
