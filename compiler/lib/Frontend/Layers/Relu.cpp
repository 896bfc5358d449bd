//===- Relu.cpp - relu(max_value, ...) ------------------------------------===//
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

/// relu(max_value, negative_slope, threshold): Keras's ReLU. The settings
/// that are an activation of the language (relu, relu6, leaky_relu) are
/// supported; a threshold or another cap is not yet.
class ReluLayer final : public ActivationLayerBase {
public:
  ReluLayer() : ActivationLayerBase("relu", "ReLU") {}

  bool check(LayerChecker &c, LayerSpec &layer) const override {
    enum { MaxValue, NegativeSlope, Threshold };
    static const detail::OptionInfo options[] = {
        {"max_value", /*positional=*/true},
        {"negative_slope", /*positional=*/true},
        {"threshold", /*positional=*/true},
        {"name"},
        {"trainable"}};
    return checkCommon(c, layer, options, [&](auto bound) {
      double maxValue = INFINITY, slope = 0.0, threshold = 0.0;
      if (!readNonNegative(c, bound[MaxValue], "max_value", maxValue) ||
          !readNonNegative(c, bound[NegativeSlope], "negative_slope", slope) ||
          !readNonNegative(c, bound[Threshold], "threshold", threshold))
        return false;
      if (threshold != 0.0) {
        c.getDiag().error(bound[Threshold]->value.loc,
                          "relu: 'threshold' other than 0 is not supported "
                          "yet");
        return false;
      }
      bool capped = maxValue != INFINITY;
      if (capped && (maxValue != 6.0 || slope != 0.0)) {
        c.getDiag().error(bound[MaxValue]->value.loc,
                          "relu: 'max_value' other than 6, or with a "
                          "negative_slope, is not supported yet, found " +
                              detail::describeValue(bound[MaxValue]->value));
        return false;
      }
      if (capped)
        layer.activation = Activation::Relu6;
      else if (slope != 0.0) {
        layer.activation = Activation::LeakyRelu;
        layer.activationAlpha = slope;
      } else
        layer.activation = Activation::Relu;
      return true;
    });
  }
};

} // namespace

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const LayerKind &layerRelu() {
  static const ReluLayer kind;
  return kind;
}
} // namespace dlc::registry
