//===- RMSprop.cpp - rmsprop ---===//
//
// RMSprop, with optional momentum.
//
//===----------------------------------------------------------------------===//
#include "dl/Dialect/DL/IR/DLAttrs.h"
#include "dl/Frontend/Registry.h"

using namespace dlc;
using Range = OptimizerOption::Range;

namespace {

class RMSprop final : public OptimizerKind {
public:
  /// Keras's defaults.
  static constexpr OptimizerOption kOptions[] = {
      {"learning_rate", 0.001, Range::Positive},
      {"rho", 0.9, Range::UnitInterval},
      {"momentum", 0.0, Range::UnitInterval},
      {"epsilon", 1e-7, Range::Positive},
  };
  RMSprop() : OptimizerKind("rmsprop", kOptions) {}

  mlir::Attribute buildAttr(mlir::MLIRContext &ctx,
                            llvm::ArrayRef<double> values) const override {
    // Option order = the attribute's parameter order; Sema checked the
    // ranges on the f32 values the attribute holds.
    return mlir::dl::RMSpropAttr::get(&ctx, float(values[0]), float(values[1]),
                                      float(values[2]), float(values[3]));
  }
};

} // namespace

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const OptimizerKind &optimizerRMSprop() {
  static const RMSprop kind;
  return kind;
}
} // namespace dlc::registry
