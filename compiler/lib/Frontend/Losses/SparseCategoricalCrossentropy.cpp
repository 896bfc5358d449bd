//===- SparseCategoricalCrossentropy.cpp - sparse_categorical_crossentropy
//---===//
//
// Keras's sparse_categorical_crossentropy: class indices against a softmax,
// computed from the logits before it (dl.sparse_softmax_cross_entropy).
//
//===----------------------------------------------------------------------===//
#include "OpLoss.h"

#include "dl/Dialect/DL/IR/DLOps.h"

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const LossKind &lossSparseCategoricalCrossentropy() {
  static const OpLoss<mlir::dl::SparseSoftmaxCrossEntropyOp> kind(
      "sparse_categorical_crossentropy", {}, TargetKind::ClassIndex, "softmax");
  return kind;
}
} // namespace dlc::registry
