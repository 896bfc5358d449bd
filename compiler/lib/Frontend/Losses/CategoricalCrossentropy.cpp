//===- CategoricalCrossentropy.cpp - categorical_crossentropy ---===//
//
// Keras's categorical_crossentropy: one-hot rows against a softmax, computed
// from the logits before it (dl.softmax_cross_entropy).
//
//===----------------------------------------------------------------------===//
#include "dl/Dialect/DL/IR/DLOps.h"
#include "dl/Frontend/Emit.h"
#include "dl/Frontend/Registry.h"

using namespace dlc;

namespace {

class CategoricalCE final : public LossKind {
public:
  CategoricalCE()
      : LossKind("categorical_crossentropy", {}, TargetKind::Distribution,
                 "softmax") {}

  mlir::Value emit(EmitContext &e, mlir::Value prediction,
                   mlir::Value targets) const override {
    return mlir::dl::SoftmaxCrossEntropyOp::create(e.b, e.loc, e.scalarType(),
                                                   prediction, targets);
  }
};

} // namespace

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const LossKind &lossCategoricalCrossentropy() {
  static const CategoricalCE kind;
  return kind;
}
} // namespace dlc::registry
