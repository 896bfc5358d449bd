//===- MeanAbsoluteError.cpp - mean_absolute_error ---===//
//
// Keras's mean_absolute_error (alias mae): mean(|p - t|) over every element;
// its gradient is sign(p - t) / elements, 0 where p == t (PyTorch's L1Loss).
//
//===----------------------------------------------------------------------===//
#include "OpLoss.h"

#include "dl/Dialect/DL/IR/DLOps.h"

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const LossKind &lossMeanAbsoluteError() {
  static constexpr llvm::StringRef kAliases[] = {"mae"};
  static const OpLoss<mlir::dl::MeanAbsoluteErrorOp> kind(
      "mean_absolute_error", kAliases, TargetKind::LikeOutput, "");
  return kind;
}
} // namespace dlc::registry
