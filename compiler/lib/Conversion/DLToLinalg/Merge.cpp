//===- Merge.cpp - the merge layers' ops to linalg and tensor ------------===//
//
// sub, mul, max, min, scale and the max/min gradients are elementwise
// generics (fused with their neighbours later); concat writes each input
// into its block of the result with tensor.insert_slice, slice reads one
// back with tensor.extract_slice: both bufferize to copies of strided views.
//
//===----------------------------------------------------------------------===//
#include "Utils.h"
#include "dl/Conversion/DLToLinalg.h"
#include "dl/Dialect/DL/IR/DLOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Utils/Utils.h"

using namespace mlir;
using namespace mlir::dl;
using namespace mlir::dl::detail;

namespace mlir::dl::detail {
template <>
Value ElementwiseLowering<SubOp>::scalar(OpBuilder &b, Location loc,
                                         ValueRange a) {
  return arith::SubFOp::create(b, loc, a[0], a[1]);
}
template <>
Value ElementwiseLowering<MulOp>::scalar(OpBuilder &b, Location loc,
                                         ValueRange a) {
  return arith::MulFOp::create(b, loc, a[0], a[1]);
}
// maximumf/minimumf propagate NaN, as torch.maximum/minimum do.
template <>
Value ElementwiseLowering<MaxOp>::scalar(OpBuilder &b, Location loc,
                                         ValueRange a) {
  return arith::MaximumFOp::create(b, loc, a[0], a[1]);
}
template <>
Value ElementwiseLowering<MinOp>::scalar(OpBuilder &b, Location loc,
                                         ValueRange a) {
  return arith::MinimumFOp::create(b, loc, a[0], a[1]);
}

namespace {
/// (grad, self, other): grad where `self` wins by `pred`, half on a tie.
Value extremumGrad(OpBuilder &b, Location loc, ValueRange a,
                   arith::CmpFPredicate wins) {
  Value won = arith::CmpFOp::create(b, loc, wins, a[1], a[2]);
  Value tie =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, a[1], a[2]);
  Value half = arith::MulFOp::create(b, loc, a[0], f32Const(b, loc, 0.5));
  Value zero = f32Const(b, loc, 0.0);
  Value lost = arith::SelectOp::create(b, loc, tie, half, zero);
  return arith::SelectOp::create(b, loc, won, a[0], lost);
}
} // namespace

template <>
Value ElementwiseLowering<MaxGradOp>::scalar(OpBuilder &b, Location loc,
                                             ValueRange a) {
  return extremumGrad(b, loc, a, arith::CmpFPredicate::OGT);
}
template <>
Value ElementwiseLowering<MinGradOp>::scalar(OpBuilder &b, Location loc,
                                             ValueRange a) {
  return extremumGrad(b, loc, a, arith::CmpFPredicate::OLT);
}
} // namespace mlir::dl::detail

namespace {

struct ScaleLowering : OpConversionPattern<ScaleOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ScaleOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    double factor = op.getFactor().convertToDouble();
    rewriter.replaceOp(
        op, elementwise(rewriter, op.getLoc(), adaptor.getInput(),
                        [&](OpBuilder &b, Location loc, ValueRange a) {
                          return arith::MulFOp::create(
                              b, loc, a[0], f32Const(b, loc, factor));
                        }));
    return success();
  }
};

/// `src` copied into `dest` (same shape) by linalg.copy, which becomes
/// loops: a memref.copy of strided views would call the runtime's
/// memrefCopy, and an identity linalg.generic folds away into one.
Value copyInto(OpBuilder &b, Location loc, Value src, Value dest) {
  return linalg::CopyOp::create(b, loc, src, dest).getResult(0);
}

/// Offsets and sizes of the block of `like` that starts at `offset` along
/// `axis` and has `like`'s sizes elsewhere.
void blockOf(OpBuilder &b, Location loc, Value like, int64_t axis,
             OpFoldResult offset, SmallVectorImpl<OpFoldResult> &offsets,
             SmallVectorImpl<OpFoldResult> &sizes,
             SmallVectorImpl<OpFoldResult> &strides) {
  int64_t rank = cast<RankedTensorType>(like.getType()).getRank();
  for (int64_t d = 0; d < rank; ++d) {
    offsets.push_back(d == axis ? offset : b.getIndexAttr(0));
    sizes.push_back(tensor::getMixedSize(b, loc, like, d));
    strides.push_back(b.getIndexAttr(1));
  }
}

struct ConcatLowering : OpConversionPattern<ConcatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    int64_t axis = op.getAxis();
    ValueRange inputs = adaptor.getInputs();
    // The batch (dynamic) and the other sizes from the first input.
    SmallVector<OpFoldResult> resultSizes;
    for (int64_t d = 0; d < type.getRank(); ++d)
      resultSizes.push_back(
          d == axis ? rewriter.getIndexAttr(type.getDimSize(axis))
                    : tensor::getMixedSize(rewriter, loc, inputs.front(), d));
    Value result = tensor::EmptyOp::create(rewriter, loc, resultSizes,
                                           type.getElementType());
    int64_t offset = 0;
    for (Value in : inputs) {
      SmallVector<OpFoldResult> offsets, sizes, strides;
      blockOf(rewriter, loc, in, axis, rewriter.getIndexAttr(offset), offsets,
              sizes, strides);
      // Written in place: the copy's destination is the block itself.
      Value block = tensor::ExtractSliceOp::create(rewriter, loc, result,
                                                   offsets, sizes, strides);
      Value copied = copyInto(rewriter, loc, in, block);
      result = tensor::InsertSliceOp::create(rewriter, loc, copied, result,
                                             offsets, sizes, strides);
      offset += cast<RankedTensorType>(in.getType()).getDimSize(axis);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct SliceLowering : OpConversionPattern<SliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    int64_t axis = op.getAxis();
    SmallVector<OpFoldResult> offsets, sizes, strides;
    blockOf(rewriter, loc, adaptor.getInput(), axis,
            rewriter.getIndexAttr(op.getOffset()), offsets, sizes, strides);
    sizes[axis] = rewriter.getIndexAttr(type.getDimSize(axis));
    Value block = tensor::ExtractSliceOp::create(
        rewriter, loc, type, adaptor.getInput(), offsets, sizes, strides);
    SmallVector<int64_t> dims;
    for (int64_t d = 0; d < type.getRank(); ++d)
      dims.push_back(d);
    Value dest =
        emptyWithDims(rewriter, loc, block, dims, type.getElementType());
    rewriter.replaceOp(op, copyInto(rewriter, loc, block, dest));
    return success();
  }
};
} // namespace

void mlir::dl::populateDLToLinalgMergePatterns(RewritePatternSet &patterns) {
  patterns.add<ElementwiseLowering<SubOp>, ElementwiseLowering<MulOp>,
               ElementwiseLowering<MaxOp>, ElementwiseLowering<MinOp>,
               ElementwiseLowering<MaxGradOp>, ElementwiseLowering<MinGradOp>,
               ScaleLowering, ConcatLowering, SliceLowering>(
      patterns.getContext());
}
