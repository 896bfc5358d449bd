//===- BinaryCrossentropy.cpp - binary_crossentropy ---===//
//
// Keras's binary_crossentropy: targets in [0, 1] against a sigmoid, computed
// from the logits before it (dl.sigmoid_cross_entropy).
//
//===----------------------------------------------------------------------===//
#include "OpLoss.h"

#include "dl/Dialect/DL/IR/DLOps.h"

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const LossKind &lossBinaryCrossentropy() {
  static const OpLoss<mlir::dl::SigmoidCrossEntropyOp> kind(
      "binary_crossentropy", {}, TargetKind::LikeOutput, "sigmoid");
  return kind;
}
} // namespace dlc::registry
