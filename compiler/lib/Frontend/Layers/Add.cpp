//===- Add.cpp - add ------------------------------------------------------===//
//
// Keras's Add: the elementwise sum of two or more inputs of one shape.
//
//===----------------------------------------------------------------------===//
#include "Merge.h"

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const LayerKind &layerAdd() {
  static const detail::ElementwiseMerge<~0u, detail::FoldWith<mlir::dl::AddOp>>
      kind("add", "Add");
  return kind;
}
} // namespace dlc::registry
