//===- SplitEmptyTensors.cpp - one tensor.empty (and fill) per use --------===//
//
// See Passes.td: shared tensor.empty / linalg.fill values put every layer in
// one alias set of One-Shot Analysis, whose conflict checks then grow with
// the square of the model's depth; a clone per use keeps them per chain.
//
//===----------------------------------------------------------------------===//
#include "dl/Codegen/Passes.h"

#include "mlir/IR/IRMapping.h"

namespace mlir::dl {
#define GEN_PASS_DEF_DLSPLITEMPTYTENSORS
#include "dl/Codegen/Passes.h.inc"
} // namespace mlir::dl

using namespace mlir;

namespace {

/// Where a clone of `def` for the use `use` goes: before the use's ancestor
/// in `def`'s block, so a fill lands next to the op that reads it; right
/// after `def` when the user is not nested in that block.
void setInsertionPointFor(OpBuilder &b, Operation *def, OpOperand &use) {
  if (Operation *ancestor =
          def->getBlock()->findAncestorOpInBlock(*use.getOwner()))
    b.setInsertionPoint(ancestor);
  else
    b.setInsertionPointAfter(def);
}

/// A linalg.fill whose destination is a tensor.empty: its value depends on
/// nothing but the fill value, so a clone is as good as the original.
bool isFillOfEmpty(linalg::FillOp fill) {
  return fill.hasPureTensorSemantics() &&
         fill.getOutputs()[0].getDefiningOp<tensor::EmptyOp>();
}

/// A use that gets its own clone: the init (outs) of a linalg op, which
/// writes it whole or accumulates into it. Other uses (a slice extracted
/// from it and inserted back, an input) share the original: bufferization
/// matches an extract_slice with its insert_slice only on one value.
bool ownsClone(OpOperand &use) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(use.getOwner());
  return linalgOp && linalgOp.isDpsInit(&use);
}

/// Gives each use of `op`'s single result that ownsClone a clone of `op`
/// (made by `cloneAt`) before it. The other uses keep `op`; without any,
/// it is erased. An op with one use stays as it is.
template <typename CloneFn>
void splitUses(OpBuilder &b, Operation *op, CloneFn cloneAt) {
  Value result = op->getResult(0);
  if (result.hasOneUse() || result.use_empty())
    return;
  SmallVector<OpOperand *> uses;
  for (OpOperand &use : result.getUses())
    if (ownsClone(use))
      uses.push_back(&use);
  for (OpOperand *use : uses) {
    setInsertionPointFor(b, op, *use);
    use->set(cloneAt(b));
  }
  if (result.use_empty())
    op->erase();
}

struct SplitEmptyTensors
    : mlir::dl::impl::DLSplitEmptyTensorsBase<SplitEmptyTensors> {
  void runOnOperation() override {
    SmallVector<linalg::FillOp> fills;
    getOperation()->walk([&](linalg::FillOp fill) {
      if (isFillOfEmpty(fill))
        fills.push_back(fill);
    });
    OpBuilder b(&getContext());
    // Fills first: each clone brings a clone of its tensor.empty, so the
    // empties are split afterwards among the users that are left.
    for (linalg::FillOp fill : fills)
      splitUses(b, fill, [&](OpBuilder &b) {
        IRMapping map;
        Operation *empty = fill.getOutputs()[0].getDefiningOp();
        map.map(empty->getResult(0), b.clone(*empty)->getResult(0));
        return b.clone(*fill, map)->getResult(0);
      });
    SmallVector<tensor::EmptyOp> empties;
    getOperation()->walk([&](tensor::EmptyOp e) { empties.push_back(e); });
    for (tensor::EmptyOp empty : empties) {
      if (empty->use_empty()) {
        empty->erase(); // an erased fill's: its clones have their own
        continue;
      }
      splitUses(b, empty,
                [&](OpBuilder &b) { return b.clone(*empty)->getResult(0); });
    }
  }
};

} // namespace
