//===- Activation.cpp - activation(name) ----------------------------------===//
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

/// activation(name): Keras's Activation.
class ActivationLayer final : public ActivationLayerBase {
public:
  ActivationLayer() : ActivationLayerBase("activation", "Activation") {}

  bool check(LayerChecker &c, LayerSpec &layer) const override {
    static const detail::OptionInfo options[] = {
        {"activation", /*positional=*/true, /*required=*/true},
        {"name"},
        {"trainable"}};
    return checkCommon(c, layer, options, [&](auto bound) {
      return c.readActivation(bound[0], layer);
    });
  }
};

} // namespace

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const LayerKind &layerActivation() {
  static const ActivationLayer kind;
  return kind;
}
} // namespace dlc::registry
