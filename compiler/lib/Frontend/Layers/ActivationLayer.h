//===- ActivationLayer.h - what the activation layers share -----*- C++ -*-===//
//
// Keras's Activation layer and its activation layers (ReLU, LeakyReLU, ELU,
// Softmax): the output is the input with an activation applied, so each only
// sets LayerSpec::activation and emits nothing of its own. The caller applies
// the activation, so a loss folding its activation sees the logits before an
// `activation(softmax)` output layer as it does before a dense layer's.
//
//===----------------------------------------------------------------------===//
#ifndef DL_FRONTEND_LAYERS_ACTIVATIONLAYER_H
#define DL_FRONTEND_LAYERS_ACTIVATIONLAYER_H

#include "../LayerChecker.h"

#include "dl/Frontend/Emit.h"

#include <cmath>

namespace dlc::detail {

/// What the activation layers share: no parameters, the input's shape, and
/// an identity emit.
class ActivationLayerBase : public LayerKind {
public:
  using LayerKind::LayerKind;

  mlir::Value emit(EmitContext &e, const LayerSpec &) const override {
    return e.inputs[0];
  }

protected:
  /// Binds `options` (which must end with name and trainable), reads those
  /// two, and sets the output shape; `read` reads the rest.
  bool checkCommon(
      LayerChecker &c, LayerSpec &layer, llvm::ArrayRef<OptionInfo> options,
      llvm::function_ref<bool(llvm::ArrayRef<const ast::Arg *>)> read) const {
    static const llvm::StringRef notYet[] = {"dtype", "input_shape"};
    llvm::SmallVector<const ast::Arg *> bound;
    bool ok = c.bind(options, notYet, bound);
    if (!ok)
      return false;
    size_t n = bound.size();
    ok &= read(bound);
    ok &= c.readName(bound[n - 2]);
    ok &= c.readTrainable(bound[n - 1], layer);
    if (!ok || !c.inputsOk())
      return false;
    layer.outShape = c.inputShape(0);
    return true;
  }

  /// A number option; the op carries it as an f32, so it must be finite as
  /// one.
  static bool readF32(LayerChecker &c, const ast::Arg *arg,
                      llvm::StringRef option, double &out) {
    if (!arg)
      return true;
    if (!readNumber(c.getDiag(), c.getKind(), option, arg->value, out))
      return false;
    if (std::isfinite(static_cast<float>(out)))
      return true;
    c.getDiag().error(arg->value.loc,
                      c.getKind() + ": '" + option +
                          "' must be finite as a 32-bit float, found " +
                          describeValue(arg->value));
    return false;
  }

  /// A number option that Keras requires to be >= 0.
  static bool readNonNegative(LayerChecker &c, const ast::Arg *arg,
                              llvm::StringRef option, double &out) {
    if (!arg)
      return true;
    if (!readF32(c, arg, option, out))
      return false;
    if (out >= 0.0)
      return true;
    c.getDiag().error(arg->value.loc, c.getKind() + ": '" + option +
                                          "' expects a number >= 0, found " +
                                          describeValue(arg->value));
    return false;
  }
};

} // namespace dlc::detail

#endif // DL_FRONTEND_LAYERS_ACTIVATIONLAYER_H
