//===- StridedCopies.cpp - memref.copy of strided views as loops ---------===//
//
// See Passes.td: a copy that is not between two contiguous blocks becomes a
// linalg.copy, so no generated object calls the runner library.
//
//===----------------------------------------------------------------------===//
#include "dl/Codegen/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::dl {
#define GEN_PASS_DEF_DLSTRIDEDCOPIES
#include "dl/Codegen/Passes.h.inc"
} // namespace mlir::dl

using namespace mlir;

namespace {

/// One block of memory without gaps: what memref.copy lowers to memcpy.
/// Row-major strides, each the product of the sizes inside it (the outer
/// size, the batch, may be dynamic).
bool isContiguous(Type t) {
  auto type = dyn_cast<MemRefType>(t);
  if (!type)
    return false;
  if (type.getLayout().isIdentity() || type.getRank() == 0)
    return true;
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(type.getStridesAndOffset(strides, offset)))
    return false;
  int64_t expected = 1;
  for (int64_t d = type.getRank() - 1; d >= 0; --d) {
    if (strides[d] != expected)
      return false;
    if (d == 0)
      break; // the outermost size bounds nothing: it may be dynamic
    if (ShapedType::isDynamic(type.getDimSize(d)))
      return false;
    expected *= type.getDimSize(d);
  }
  return true;
}

struct StridedCopies : mlir::dl::impl::DLStridedCopiesBase<StridedCopies> {
  void runOnOperation() override {
    SmallVector<memref::CopyOp> work;
    getOperation()->walk([&](memref::CopyOp op) {
      if (!isContiguous(op.getSource().getType()) ||
          !isContiguous(op.getTarget().getType()))
        work.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (memref::CopyOp op : work) {
      rewriter.setInsertionPoint(op);
      rewriter.replaceOpWithNewOp<linalg::CopyOp>(op, op.getSource(),
                                                  op.getTarget());
    }
  }
};

} // namespace
