//===- ExpandDynamicGroups.cpp - multi-dynamic expand_shape as a view -----===//
//
// See Passes.td: memref.expand_shape with more than one dynamic size in a
// reassociation group (a variable time axis next to the batch) becomes the
// reinterpret_cast it stands for, which expand-strided-metadata then takes.
//
//===----------------------------------------------------------------------===//
#include "dl/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::dl {
#define GEN_PASS_DEF_DLEXPANDDYNAMICGROUPS
#include "dl/Codegen/Passes.h.inc"
} // namespace mlir::dl

using namespace mlir;

namespace {

/// Whether some group of `op` has more than one dynamic size.
bool hasMultiDynamicGroup(memref::ExpandShapeOp op) {
  MemRefType type = op.getResultType();
  for (const ReassociationIndices &group : op.getReassociationIndices())
    if (llvm::count_if(group, [&](int64_t d) { return type.isDynamicDim(d); }) >
        1)
      return true;
  return false;
}

/// `x` * `y`, folded when both are constants.
OpFoldResult mul(OpBuilder &b, Location loc, OpFoldResult x, OpFoldResult y) {
  std::optional<int64_t> cx = getConstantIntValue(x),
                         cy = getConstantIntValue(y);
  if (cx && cy)
    return b.getIndexAttr(*cx * *cy);
  return OpFoldResult(
      arith::MulIOp::create(b, loc, getValueOrCreateConstantIndexOp(b, loc, x),
                            getValueOrCreateConstantIndexOp(b, loc, y)));
}

struct ExpandDynamicGroups
    : mlir::dl::impl::DLExpandDynamicGroupsBase<ExpandDynamicGroups> {
  void runOnOperation() override {
    SmallVector<memref::ExpandShapeOp> work;
    getOperation()->walk([&](memref::ExpandShapeOp op) {
      if (hasMultiDynamicGroup(op))
        work.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (memref::ExpandShapeOp op : work) {
      Location loc = op.getLoc();
      rewriter.setInsertionPoint(op);
      auto meta =
          memref::ExtractStridedMetadataOp::create(rewriter, loc, op.getSrc());
      // The source's strides and offset: static from its type where known.
      SmallVector<int64_t> srcStrides;
      int64_t srcOffset;
      if (failed(op.getSrcType().getStridesAndOffset(srcStrides, srcOffset))) {
        op.emitError("dl-expand-dynamic-groups: the source has no strided "
                     "layout");
        return signalPassFailure();
      }
      auto known = [&](int64_t v, Value dynamic) -> OpFoldResult {
        return ShapedType::isDynamic(v) ? OpFoldResult(dynamic)
                                        : rewriter.getIndexAttr(v);
      };
      SmallVector<OpFoldResult> sizes = op.getMixedOutputShape();
      SmallVector<OpFoldResult> strides(sizes.size());
      SmallVector<ReassociationIndices> groups = op.getReassociationIndices();
      for (auto [d, group] : llvm::enumerate(groups)) {
        // Row-major inside the group, from the source dimension's stride.
        OpFoldResult stride = known(srcStrides[d], meta.getStrides()[d]);
        for (int64_t k : llvm::reverse(group)) {
          strides[k] = stride;
          stride = mul(rewriter, loc, stride, sizes[k]);
        }
      }
      rewriter.replaceOpWithNewOp<memref::ReinterpretCastOp>(
          op, op.getResultType(), meta.getBaseBuffer(),
          known(srcOffset, meta.getOffset()), sizes, strides);
    }
  }
};

} // namespace
