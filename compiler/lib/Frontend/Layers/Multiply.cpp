//===- Multiply.cpp - multiply --------------------------------------------===//
//
// Keras's Multiply: the elementwise product of two or more inputs.
//
//===----------------------------------------------------------------------===//
#include "Merge.h"

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const LayerKind &layerMultiply() {
  static const detail::ElementwiseMerge<~0u, detail::FoldWith<mlir::dl::MulOp>>
      kind("multiply", "Multiply");
  return kind;
}
} // namespace dlc::registry
