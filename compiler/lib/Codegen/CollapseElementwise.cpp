//===- CollapseElementwise.cpp - elementwise ops as one 1-D loop ----------===//
//
// See Passes.td: contiguous elementwise generics and fills on buffers are
// rewritten over rank-1 views, so the loop LLVM vectorises is the whole
// buffer.
//
//===----------------------------------------------------------------------===//
#include "dl/Codegen/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::dl {
#define GEN_PASS_DEF_DLCOLLAPSEELEMENTWISE
#include "dl/Codegen/Passes.h.inc"
} // namespace mlir::dl

using namespace mlir;

namespace {

/// One group of all of `op`'s loops: the collapse to a single dimension.
ReassociationIndices allLoops(linalg::GenericOp op) {
  return llvm::to_vector(llvm::seq<int64_t>(0, op.getNumLoops()));
}

/// All loops parallel, every map the identity, every operand a memref that
/// is contiguous across all of its dimensions.
bool isCollapsible(linalg::GenericOp op) {
  ReassociationIndices all = allLoops(op);
  if (!op.hasPureBufferSemantics() || op.getNumLoops() < 2 ||
      op.getNumParallelLoops() != op.getNumLoops())
    return false;
  if (!llvm::all_of(op.getIndexingMapsArray(),
                    [](AffineMap m) { return m.isIdentity(); }))
    return false;
  // A body that reads its loop indices (a dropout's element counter) would
  // recover each from the 1-D index by a division and a remainder per
  // element, and the nest no longer vectorised: a dropout's gradient fused
  // with the ReLU's over [N, 5, 5, 64] took 5% of the CNN's step.
  if (!op.getBody()->getOps<linalg::IndexOp>().empty())
    return false;
  for (Value v : op->getOperands()) {
    auto type = dyn_cast<MemRefType>(v.getType());
    if (!type || type.getRank() != int64_t(op.getNumLoops()) ||
        !memref::CollapseShapeOp::isGuaranteedCollapsible(type, {all}))
      return false;
  }
  return true;
}

/// A fill of a contiguous buffer of rank 2 or more: as a loop nest, LLVM
/// vectorised an outer loop of the -inf fill before a max-pooling (13 x 32
/// per row) into scatters, 40x the time of contiguous stores.
bool isCollapsible(linalg::FillOp op) {
  auto type = dyn_cast<MemRefType>(op.getOutputs()[0].getType());
  if (!op.hasPureBufferSemantics() || !type || type.getRank() < 2)
    return false;
  ReassociationIndices all =
      llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()));
  return memref::CollapseShapeOp::isGuaranteedCollapsible(type, {all});
}

struct CollapseElementwise
    : mlir::dl::impl::DLCollapseElementwiseBase<CollapseElementwise> {
  void runOnOperation() override {
    SmallVector<linalg::GenericOp> work;
    SmallVector<linalg::FillOp> fills;
    getOperation()->walk([&](Operation *op) {
      if (auto generic = dyn_cast<linalg::GenericOp>(op);
          generic && isCollapsible(generic))
        work.push_back(generic);
      else if (auto fill = dyn_cast<linalg::FillOp>(op);
               fill && isCollapsible(fill))
        fills.push_back(fill);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::FillOp op : fills) {
      rewriter.setInsertionPoint(op);
      Value out = op.getOutputs()[0];
      ReassociationIndices all = llvm::to_vector(
          llvm::seq<int64_t>(0, cast<MemRefType>(out.getType()).getRank()));
      Value flat = memref::CollapseShapeOp::create(
          rewriter, op.getLoc(), out, ArrayRef<ReassociationIndices>{all});
      rewriter.replaceOpWithNewOp<linalg::FillOp>(op, op.getInputs(),
                                                  ValueRange{flat});
    }
    for (linalg::GenericOp op : work) {
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::CollapseResult> r =
          linalg::collapseOpIterationDims(op, {allLoops(op)}, rewriter);
      if (failed(r))
        continue; // Correct as it is, only slower.
      rewriter.eraseOp(op);
    }
  }
};

} // namespace
