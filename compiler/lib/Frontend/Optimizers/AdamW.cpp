//===- AdamW.cpp - adamw --------------------------------------------------===//
//
// Keras's AdamW: Adam (see Adam.h) whose weight_decay defaults to Keras's
// 0.004 (PyTorch's torch.optim.AdamW defaults to 0.01).
//
//===----------------------------------------------------------------------===//
#include "Adam.h"

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const OptimizerKind &optimizerAdamW() {
  static const detail::AdamKind kind("adamw", 0.004);
  return kind;
}
} // namespace dlc::registry
