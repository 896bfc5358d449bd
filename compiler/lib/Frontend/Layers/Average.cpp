//===- Average.cpp - average ----------------------------------------------===//
//
// Keras's Average: the elementwise mean of two or more inputs of one shape.
//
//===----------------------------------------------------------------------===//
#include "Merge.h"

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const LayerKind &layerAverage() {
  static const detail::ElementwiseMerge<~0u, detail::SumThenAverage> kind(
      "average", "Average");
  return kind;
}
} // namespace dlc::registry
