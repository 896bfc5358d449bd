//===- ShapeInference.cpp - refine dl result shapes
//------------------------===//
//
// Ops are visited in program order, so a refined producer feeds its refined
// type to the next op's inference. Users outside dl keep their old type
// through a tensor.cast, which canonicalization folds away where it can.
//
//===----------------------------------------------------------------------===//
#include "dl/Dialect/DL/IR/DLOps.h"
#include "dl/Dialect/DL/Transforms/Passes.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"

namespace mlir::dl {
#define GEN_PASS_DEF_DLSHAPEINFERENCE
#include "dl/Dialect/DL/Transforms/Passes.h.inc"
} // namespace mlir::dl

using namespace mlir;

namespace {
/// True if `refined` has a static size everywhere `old` has one, and at least
/// one more.
bool isMorePrecise(RankedTensorType refined, RankedTensorType old) {
  if (refined.getRank() != old.getRank())
    return false;
  bool gained = false;
  for (auto [r, o] : llvm::zip(refined.getShape(), old.getShape())) {
    if (!ShapedType::isDynamic(o) && r != o)
      return false;
    gained |= ShapedType::isDynamic(o) && !ShapedType::isDynamic(r);
  }
  return gained;
}

struct DLShapeInference
    : mlir::dl::impl::DLShapeInferenceBase<DLShapeInference> {
  void runOnOperation() override {
    getOperation()->walk([&](InferTypeOpInterface op) {
      if (!isa<dl::DLDialect>(op->getDialect()))
        return;
      SmallVector<Type> inferred;
      if (failed(op.inferReturnTypes(op->getContext(), op->getLoc(),
                                     op->getOperands(), op->getAttrDictionary(),
                                     op->getPropertiesStorage(),
                                     op->getRegions(), inferred)))
        return;
      for (auto [result, type] : llvm::zip(op->getResults(), inferred)) {
        auto newType = dyn_cast<RankedTensorType>(type);
        auto oldType = dyn_cast<RankedTensorType>(result.getType());
        if (!newType || !oldType || !isMorePrecise(newType, oldType))
          continue;
        result.setType(newType);
        OpBuilder b(op->getContext());
        b.setInsertionPointAfter(op);
        Value back;
        for (OpOperand &use : llvm::make_early_inc_range(result.getUses())) {
          if (isa<dl::DLDialect>(use.getOwner()->getDialect()))
            continue;
          if (!back)
            back = tensor::CastOp::create(b, op->getLoc(), oldType, result);
          if (use.getOwner() != back.getDefiningOp())
            use.set(back);
        }
      }
    });
  }
};
} // namespace
