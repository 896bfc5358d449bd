//===- Maximum.cpp - maximum ----------------------------------------------===//
//
// Keras's Maximum: the elementwise maximum (NaN if any input is NaN).
//
//===----------------------------------------------------------------------===//
#include "Merge.h"

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const LayerKind &layerMaximum() {
  static const detail::ElementwiseMerge<~0u, detail::FoldWith<mlir::dl::MaxOp>>
      kind("maximum", "Maximum");
  return kind;
}
} // namespace dlc::registry
