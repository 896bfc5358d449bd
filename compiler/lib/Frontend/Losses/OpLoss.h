//===- OpLoss.h - a loss that is one dl op ----------------------*- C++ -*-===//
//
// Internal to the frontend. Most losses are one dl loss op of (prediction,
// targets); their files only name it and describe the loss.
//
//===----------------------------------------------------------------------===//
#ifndef DL_LIB_FRONTEND_LOSSES_OPLOSS_H
#define DL_LIB_FRONTEND_LOSSES_OPLOSS_H

#include "dl/Frontend/Emit.h"
#include "dl/Frontend/Registry.h"

namespace dlc {

template <typename OpTy> class OpLoss final : public LossKind {
public:
  using LossKind::LossKind;

  mlir::Value emit(EmitContext &e, mlir::Value prediction,
                   mlir::Value targets) const override {
    return OpTy::create(e.b, e.loc, e.scalarType(), prediction, targets);
  }
};

} // namespace dlc

#endif // DL_LIB_FRONTEND_LOSSES_OPLOSS_H
