//===- Normalization.h - options the normalisation layers share -*- C++ -*-===//
//
// Internal to the frontend's layers: layer_normalization and
// batch_normalization read axis, epsilon, center, scale and the beta and
// gamma initializers alike (as Keras's LayerNormalization and
// BatchNormalization do), so they read them here.
//
//===----------------------------------------------------------------------===//
#ifndef DLC_FRONTEND_LAYERS_NORMALIZATION_H
#define DLC_FRONTEND_LAYERS_NORMALIZATION_H

#include "../LayerChecker.h"

#include <cmath>

namespace dlc::detail {

/// The shared options' arguments (null where not given).
struct NormalizationArgs {
  const ast::Arg *axis, *epsilon, *center, *scale, *betaInit, *gammaInit;
};

/// Reads the shared options into the out-parameters (left at their
/// defaults where not given); `axisNote` says what the last axis is.
inline bool readNormalizationOptions(LayerChecker &c, const char *layer,
                                     const char *axisNote,
                                     const NormalizationArgs &a,
                                     double &epsilon, bool &center, bool &scale,
                                     Initializer &betaInit,
                                     Initializer &gammaInit) {
  bool ok = true;
  double axis = -1;
  if (a.axis &&
      readNumber(c.getDiag(), c.getKind(), "axis", a.axis->value, axis) &&
      axis != -1) {
    // Keras counts the batch: the last axis of samples of rank r is also r.
    bool known = c.numInputs() == 1 && c.inputsOk();
    int64_t last = known ? int64_t(c.inputShape(0).size()) : -1;
    if (!known || axis != double(last)) {
      std::string supported = "'axis = -1'";
      if (known)
        supported += " or 'axis = " + std::to_string(last) + "'";
      c.getDiag().error(a.axis->value.loc,
                        std::string(layer) + ": only the last axis (" +
                            axisNote + ") is supported yet, " + supported +
                            " here, found " + describeValue(a.axis->value));
      ok = false;
    }
  }
  if (a.epsilon) {
    if (!readNumber(c.getDiag(), c.getKind(), "epsilon", a.epsilon->value,
                    epsilon)) {
      ok = false;
    } else if (!(epsilon > 0 && std::isfinite(epsilon) &&
                 static_cast<float>(epsilon) > 0)) {
      c.getDiag().error(a.epsilon->value.loc,
                        std::string(layer) +
                            ": 'epsilon' must be greater than 0 as a 32-bit "
                            "float, found " +
                            describeValue(a.epsilon->value));
      ok = false;
    }
  }
  if (a.center)
    ok &= readBool(c.getDiag(), c.getKind(), "center", a.center->value, center);
  if (a.scale)
    ok &= readBool(c.getDiag(), c.getKind(), "scale", a.scale->value, scale);
  ok &= c.readInitializer(a.betaInit, "beta_initializer", betaInit);
  ok &= c.readInitializer(a.gammaInit, "gamma_initializer", gammaInit);
  return ok;
}

} // namespace dlc::detail

#endif // DLC_FRONTEND_LAYERS_NORMALIZATION_H
