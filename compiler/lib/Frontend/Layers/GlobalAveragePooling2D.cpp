//===- GlobalAveragePooling2D.cpp - global_average_pooling2d --------------===//
//
// Keras's GlobalAveragePooling2D: the mean of each channel over
// the whole [H, W] (see Pooling2D.h).
//
//===----------------------------------------------------------------------===//
#include "Pooling2D.h"

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const LayerKind &layerGlobalAveragePooling2D() {
  static const detail::GlobalPooling2D<mlir::dl::AvgPool2DOp> kind(
      "global_average_pooling2d", "GlobalAveragePooling2D");
  return kind;
}
} // namespace dlc::registry
