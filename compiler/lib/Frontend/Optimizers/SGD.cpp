//===- SGD.cpp - sgd ---===//
//
// Stochastic gradient descent, with optional (Nesterov) momentum.
//
//===----------------------------------------------------------------------===//
#include "dl/Frontend/Registry.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

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
    mlir::Builder b(&ctx);
    llvm::SmallVector<mlir::NamedAttribute> attrs{
        b.getNamedAttr("name", b.getStringAttr(getName()))};
    for (auto [option, value] : llvm::zip_equal(kOptions, values))
      attrs.push_back(b.getNamedAttr(
          option.name, option.range == Range::Bool
                           ? mlir::Attribute(b.getBoolAttr(value != 0))
                           : mlir::Attribute(b.getF32FloatAttr(float(value)))));
    return b.getDictionaryAttr(attrs);
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
