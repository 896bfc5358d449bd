//===- AdamW.cpp - adamw ---===//
//
// Keras's AdamW: Adam with decoupled weight decay. Keras 3 makes it Adam with
// `weight_decay` required; the decay itself (p -= lr * wd * p before the
// update) is the optimizer base class's, which dl-optimizer builds for any
// optimizer given weight_decay, so this kind emits Adam's attribute and only
// brings its own default decay.
//
//===----------------------------------------------------------------------===//
#include "dl/Dialect/DL/IR/DLAttrs.h"
#include "dl/Frontend/Registry.h"

using namespace dlc;
using Range = OptimizerOption::Range;

namespace {

class AdamW final : public OptimizerKind {
public:
  /// Keras's defaults (as Adam's).
  static constexpr OptimizerOption kOptions[] = {
      {"learning_rate", 0.001, Range::Positive},
      {"beta_1", 0.9, Range::UnitInterval},
      {"beta_2", 0.999, Range::UnitInterval},
      {"epsilon", 1e-7, Range::Positive},
  };
  AdamW() : OptimizerKind("adamw", kOptions) {}

  mlir::Attribute buildAttr(mlir::MLIRContext &ctx,
                            llvm::ArrayRef<double> values) const override {
    return mlir::dl::AdamAttr::get(&ctx, float(values[0]), float(values[1]),
                                   float(values[2]), float(values[3]));
  }

  /// Keras's AdamW default (PyTorch's torch.optim.AdamW defaults to 0.01).
  double getDefaultWeightDecay() const override { return 0.004; }
};

} // namespace

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const OptimizerKind &optimizerAdamW() {
  static const AdamW kind;
  return kind;
}
} // namespace dlc::registry
