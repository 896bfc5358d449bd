//===- Minimum.cpp - minimum ----------------------------------------------===//
//
// Keras's Minimum: the elementwise minimum (NaN if any input is NaN).
//
//===----------------------------------------------------------------------===//
#include "Merge.h"

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const LayerKind &layerMinimum() {
  static const detail::ElementwiseMerge<~0u, detail::FoldWith<mlir::dl::MinOp>>
      kind("minimum", "Minimum");
  return kind;
}
} // namespace dlc::registry
