//===- Adam.h - adam and adamw ------------------------------------*- C++
//-*-===//
//
// Internal to the frontend: Keras's AdamW is Adam with a default weight
// decay (the decay itself is the optimizer base class's, built by
// dl-optimizer for any optimizer), so both kinds are this class, one per
// file for the registry.
//
//===----------------------------------------------------------------------===//
#ifndef DL_LIB_FRONTEND_OPTIMIZERS_ADAM_H
#define DL_LIB_FRONTEND_OPTIMIZERS_ADAM_H

#include "dl/Dialect/DL/IR/DLAttrs.h"
#include "dl/Frontend/Registry.h"

namespace dlc::detail {

class AdamKind final : public OptimizerKind {
public:
  /// Keras's defaults.
  static constexpr OptimizerOption kOptions[] = {
      {"learning_rate", 0.001, OptimizerOption::Range::Positive},
      {"beta_1", 0.9, OptimizerOption::Range::UnitInterval},
      {"beta_2", 0.999, OptimizerOption::Range::UnitInterval},
      {"epsilon", 1e-7, OptimizerOption::Range::Positive},
  };
  AdamKind(llvm::StringRef name, double defaultWeightDecay)
      : OptimizerKind(name, kOptions), defaultWeightDecay(defaultWeightDecay) {}

  mlir::Attribute buildAttr(mlir::MLIRContext &ctx,
                            llvm::ArrayRef<double> values) const override {
    // Option order = the attribute's parameter order; Sema checked the
    // ranges on the f32 values the attribute holds.
    return mlir::dl::AdamAttr::get(&ctx, float(values[0]), float(values[1]),
                                   float(values[2]), float(values[3]));
  }

  double getDefaultWeightDecay() const override { return defaultWeightDecay; }

private:
  double defaultWeightDecay;
};

} // namespace dlc::detail

#endif // DL_LIB_FRONTEND_OPTIMIZERS_ADAM_H
