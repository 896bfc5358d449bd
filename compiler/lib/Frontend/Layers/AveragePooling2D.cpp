//===- AveragePooling2D.cpp - average_pooling2d ---------------------------===//
//
// Keras's AveragePooling2D: the mean of each window of
// [H, W, C] (see Pooling2D.h).
//
//===----------------------------------------------------------------------===//
#include "Pooling2D.h"

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const LayerKind &layerAveragePooling2D() {
  static const detail::Pooling2D<mlir::dl::AvgPool2DOp> kind(
      "average_pooling2d", "AveragePooling2D");
  return kind;
}
} // namespace dlc::registry
