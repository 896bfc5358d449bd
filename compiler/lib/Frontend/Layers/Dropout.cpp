//===- Dropout.cpp - dropout(rate) ----------------------------------------===//
//
// Keras's Dropout: in training, each element is zeroed with probability
// `rate` and the rest scaled by 1 / (1 - rate); at inference, the identity.
//
//===----------------------------------------------------------------------===//
#include "Dropout.h"

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const LayerKind &layerDropout() {
  static const detail::DropoutLayer kind("dropout", "Dropout",
                                         /*spatial=*/false);
  return kind;
}
} // namespace dlc::registry
