//===- MaxPooling2D.cpp - max_pooling2d -----------------------------------===//
//
// Keras's MaxPooling2D: the maximum of each window of
// [H, W, C] (see Pooling2D.h).
//
//===----------------------------------------------------------------------===//
#include "Pooling2D.h"

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const LayerKind &layerMaxPooling2D() {
  static const detail::Pooling2D<mlir::dl::MaxPool2DOp> kind("max_pooling2d",
                                                             "MaxPooling2D");
  return kind;
}
} // namespace dlc::registry
