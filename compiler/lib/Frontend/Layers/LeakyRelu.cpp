//===- LeakyRelu.cpp - leaky_relu(negative_slope) -------------------------===//
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

/// leaky_relu(negative_slope = 0.3): Keras's LeakyReLU layer (whose default
/// differs from the `leaky_relu` activation's 0.2).
class LeakyReluLayer final : public ActivationLayerBase {
public:
  LeakyReluLayer() : ActivationLayerBase("leaky_relu", "LeakyReLU") {}

  bool check(LayerChecker &c, LayerSpec &layer) const override {
    static const detail::OptionInfo options[] = {
        {"negative_slope", /*positional=*/true}, {"name"}, {"trainable"}};
    return checkCommon(c, layer, options, [&](auto bound) {
      double slope = 0.3;
      if (!readNonNegative(c, bound[0], "negative_slope", slope))
        return false;
      layer.activation = Activation::LeakyRelu;
      layer.activationAlpha = slope;
      return true;
    });
  }
};

} // namespace

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const LayerKind &layerLeakyRelu() {
  static const LeakyReluLayer kind;
  return kind;
}
} // namespace dlc::registry
