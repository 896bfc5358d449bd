//===- Subtract.cpp - subtract --------------------------------------------===//
//
// Keras's Subtract: the first input minus the second, of one shape.
//
//===----------------------------------------------------------------------===//
#include "Merge.h"

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const LayerKind &layerSubtract() {
  static const detail::ElementwiseMerge<2, detail::FoldWith<mlir::dl::SubOp>>
      kind("subtract", "Subtract");
  return kind;
}
} // namespace dlc::registry
