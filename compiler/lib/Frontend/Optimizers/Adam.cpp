//===- Adam.cpp - adam ----------------------------------------------------===//
//
// Adam with bias correction (see Adam.h); no weight decay unless given.
//
//===----------------------------------------------------------------------===//
#include "Adam.h"

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const OptimizerKind &optimizerAdam() {
  static const detail::AdamKind kind("adam", 0.0);
  return kind;
}
} // namespace dlc::registry
