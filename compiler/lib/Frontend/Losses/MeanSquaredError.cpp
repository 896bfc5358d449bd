//===- MeanSquaredError.cpp - mean_squared_error ---===//
//
// Keras's mean_squared_error (alias mse): mean((p - t)^2) over every element.
//
//===----------------------------------------------------------------------===//
#include "OpLoss.h"

#include "dl/Dialect/DL/IR/DLOps.h"

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const LossKind &lossMeanSquaredError() {
  static constexpr llvm::StringRef kAliases[] = {"mse"};
  static const OpLoss<mlir::dl::MeanSquaredErrorOp> kind(
      "mean_squared_error", kAliases, TargetKind::LikeOutput, "");
  return kind;
}
} // namespace dlc::registry
