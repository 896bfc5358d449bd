//===- Softmax.cpp - softmax(axis) ----------------------------------------===//
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

/// softmax(axis = -1): Keras's Softmax; only the last axis.
class SoftmaxLayer final : public ActivationLayerBase {
public:
  SoftmaxLayer() : ActivationLayerBase("softmax", "Softmax") {}

  bool check(LayerChecker &c, LayerSpec &layer) const override {
    static const detail::OptionInfo options[] = {
        {"axis", /*positional=*/true}, {"name"}, {"trainable"}};
    return checkCommon(c, layer, options, [&](auto bound) {
      layer.activation = Activation::Softmax;
      if (!bound[0])
        return true;
      const ast::Expr &v = bound[0]->value;
      // Keras counts the batch axis: the last of a rank-r sample is r.
      bool last =
          v.kind == ast::Expr::Kind::Int &&
          (v.intValue == -1 ||
           (c.inputsOk() && v.intValue == int64_t(c.inputShape(0).size())));
      if (last)
        return true;
      c.getDiag().error(v.loc, "softmax: 'axis' other than the last (-1) is "
                               "not supported yet, found " +
                                   detail::describeValue(v));
      return false;
    });
  }
};

} // namespace

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const LayerKind &layerSoftmax() {
  static const SoftmaxLayer kind;
  return kind;
}
} // namespace dlc::registry
