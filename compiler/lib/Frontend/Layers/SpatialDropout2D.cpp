//===- SpatialDropout2D.cpp - spatial_dropout2d(rate) ---------------------===//
//
// Keras's SpatialDropout2D: dropout of whole channels of [H, W, C] samples
// (one decision per sample and channel), for convolutional features whose
// neighbouring pixels are correlated.
//
//===----------------------------------------------------------------------===//
#include "Dropout.h"

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const LayerKind &layerSpatialDropout2D() {
  static const detail::DropoutLayer kind("spatial_dropout2d",
                                         "SpatialDropout2D", /*spatial=*/true);
  return kind;
}
} // namespace dlc::registry
