//===- SGD.cpp - sgd ---===//
//
// Stochastic gradient descent, with optional (Nesterov) momentum.
//
//===----------------------------------------------------------------------===//
#include "dl/Dialect/DL/IR/DLAttrs.h"
#include "dl/Frontend/Registry.h"

using namespace dlc;
using Range = OptimizerOption::Range;

namespace {

class SGD final : public OptimizerKind {
public:
  /// Keras's defaults.
  static constexpr OptimizerOption kOptions[] = {
      {"learning_rate", 0.01, Range::Positive},
      {"momentum", 0.0, Range::UnitInterval},
      {"nesterov", 0.0, Range::Bool},
  };
  SGD() : OptimizerKind("sgd", kOptions) {}

  mlir::Attribute buildAttr(mlir::MLIRContext &ctx,
                            llvm::ArrayRef<double> values) const override {
    // Option order = the attribute's parameter order; Sema checked the
    // ranges on the f32 values the attribute holds.
    return mlir::dl::SGDAttr::get(&ctx, float(values[0]), float(values[1]),
                                  values[2] != 0);
  }
};

} // namespace

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const OptimizerKind &optimizerSGD() {
  static const SGD kind;
  return kind;
}
} // namespace dlc::registry
