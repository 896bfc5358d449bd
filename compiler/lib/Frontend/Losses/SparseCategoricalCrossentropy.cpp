//===- SparseCategoricalCrossentropy.cpp - sparse_categorical_crossentropy
//---===//
//
// Keras's sparse_categorical_crossentropy: class indices against a softmax,
// computed from the logits before it (dl.sparse_softmax_cross_entropy).
//
//===----------------------------------------------------------------------===//
#include "dl/Dialect/DL/IR/DLOps.h"
#include "dl/Frontend/Emit.h"
#include "dl/Frontend/Registry.h"

using namespace dlc;

namespace {

class SparseCE final : public LossKind {
public:
  SparseCE()
      : LossKind("sparse_categorical_crossentropy", {}, TargetKind::ClassIndex,
                 "softmax") {}

  mlir::Value emit(EmitContext &e, mlir::Value prediction,
                   mlir::Value targets) const override {
    return mlir::dl::SparseSoftmaxCrossEntropyOp::create(
        e.b, e.loc, e.scalarType(), prediction, targets);
  }
};

} // namespace

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const LossKind &lossSparseCategoricalCrossentropy() {
  static const SparseCE kind;
  return kind;
}
} // namespace dlc::registry
