//===- BinaryCrossentropy.cpp - binary_crossentropy ---===//
//
// Keras's binary_crossentropy: targets in [0, 1] against a sigmoid, computed
// from the logits before it (dl.sigmoid_cross_entropy).
//
//===----------------------------------------------------------------------===//
#include "dl/Dialect/DL/IR/DLOps.h"
#include "dl/Frontend/Emit.h"
#include "dl/Frontend/Registry.h"

using namespace dlc;

namespace {

class BinaryCE final : public LossKind {
public:
  BinaryCE()
      : LossKind("binary_crossentropy", {}, TargetKind::LikeOutput, "sigmoid") {
  }

  mlir::Value emit(EmitContext &e, mlir::Value prediction,
                   mlir::Value targets) const override {
    return mlir::dl::SigmoidCrossEntropyOp::create(e.b, e.loc, e.scalarType(),
                                                   prediction, targets);
  }
};

} // namespace

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const LossKind &lossBinaryCrossentropy() {
  static const BinaryCE kind;
  return kind;
}
} // namespace dlc::registry
