//===- RMSprop.cpp - rmsprop ---===//
//
// RMSprop, with optional momentum.
//
//===----------------------------------------------------------------------===//
#include "dl/Frontend/Registry.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

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
const OptimizerKind &optimizerRMSprop() {
  static const RMSprop kind;
  return kind;
}
} // namespace dlc::registry
