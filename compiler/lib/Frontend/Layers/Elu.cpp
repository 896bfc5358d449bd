//===- Elu.cpp - elu(alpha) -----------------------------------------------===//
//
// One of the activation layers (ActivationLayer.h).
//
//===----------------------------------------------------------------------===//
#include "ActivationLayer.h"

#include <cmath>

using namespace dlc;
using dlc::detail::ActivationLayerBase;
using llvm::StringRef;

namespace {

/// elu(alpha = 1.0): Keras's ELU.
class EluLayer final : public ActivationLayerBase {
public:
  EluLayer() : ActivationLayerBase("elu", "ELU") {}

  bool check(LayerChecker &c, LayerSpec &layer) const override {
    static const detail::OptionInfo options[] = {
        {"alpha", /*positional=*/true}, {"name"}, {"trainable"}};
    return checkCommon(c, layer, options, [&](auto bound) {
      double alpha = 1.0;
      if (!readF32(c, bound[0], "alpha", alpha))
        return false;
      layer.activation = Activation::Elu;
      layer.activationAlpha = alpha;
      return true;
    });
  }
};

} // namespace

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const LayerKind &layerElu() {
  static const EluLayer kind;
  return kind;
}
} // namespace dlc::registry
