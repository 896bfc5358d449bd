//===- GlobalMaxPooling2D.cpp - global_max_pooling2d ----------------------===//
//
// Keras's GlobalMaxPooling2D: the maximum of each channel over
// the whole [H, W] (see Pooling2D.h).
//
//===----------------------------------------------------------------------===//
#include "Pooling2D.h"

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const LayerKind &layerGlobalMaxPooling2D() {
  static const detail::GlobalPooling2D<mlir::dl::MaxPool2DOp> kind(
      "global_max_pooling2d", "GlobalMaxPooling2D");
  return kind;
}
} // namespace dlc::registry
