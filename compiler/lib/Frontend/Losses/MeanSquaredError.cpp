//===- MeanSquaredError.cpp - mean_squared_error ---===//
//
// Keras's mean_squared_error (alias mse): mean((p - t)^2) over every element.
//
//===----------------------------------------------------------------------===//
#include "dl/Dialect/DL/IR/DLOps.h"
#include "dl/Frontend/Emit.h"
#include "dl/Frontend/Registry.h"

using namespace dlc;

namespace {

class MSE final : public LossKind {
public:
  static constexpr llvm::StringRef kAliases[] = {"mse"};
  MSE()
      : LossKind("mean_squared_error", kAliases, TargetKind::LikeOutput, "") {}

  mlir::Value emit(EmitContext &e, mlir::Value prediction,
                   mlir::Value targets) const override {
    return mlir::dl::MeanSquaredErrorOp::create(e.b, e.loc, e.scalarType(),
                                                prediction, targets);
  }
};

} // namespace

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const LossKind &lossMeanSquaredError() {
  static const MSE kind;
  return kind;
}
} // namespace dlc::registry
