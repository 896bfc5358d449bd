//===- Layers.cpp - dense, matmul, reshape and friends to linalg ----------===//
//
// The linear algebra and shape ops: dense and the products of its gradients,
// batch sums, flatten/reshape, and add.
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
Value ElementwiseLowering<AddOp>::scalar(OpBuilder &b, Location loc,
                                         ValueRange a) {
  return arith::AddFOp::create(b, loc, a[0], a[1]);
}
} // namespace mlir::dl::detail

namespace {

struct DenseLowering : OpConversionPattern<DenseOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DenseOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    Value init = tensor::EmptyOp::create(
        rewriter, loc,
        ArrayRef<OpFoldResult>{
            tensor::getMixedSize(rewriter, loc, adaptor.getInput(), 0),
            rewriter.getIndexAttr(resultType.getDimSize(1))},
        resultType.getElementType());
    // Start the accumulator at the bias so the matmul adds onto it: one pass
    // over the output instead of a matmul followed by a bias add.
    Value acc;
    if (Value bias = adaptor.getBias())
      acc = linalg::BroadcastOp::create(rewriter, loc, bias, init,
                                        ArrayRef<int64_t>{0})
                .getResult()[0];
    else
      acc = linalg::FillOp::create(rewriter, loc,
                                   ValueRange{f32Const(rewriter, loc, 0.0)},
                                   ValueRange{init})
                .getResult(0);
    rewriter.replaceOp(op,
                       linalg::MatmulOp::create(
                           rewriter, loc,
                           ValueRange{adaptor.getInput(), adaptor.getKernel()},
                           ValueRange{acc})
                           .getResult(0));
    return success();
  }
};

/// [[0], [1, ..., rank-1]]: the batch and everything else.
SmallVector<ReassociationIndices> batchAndRest(int64_t rank) {
  ReassociationIndices rest;
  for (int64_t i = 1; i < rank; ++i)
    rest.push_back(i);
  return {{0}, rest};
}

struct FlattenLowering : OpConversionPattern<FlattenOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(FlattenOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(
        op, op.getType(), adaptor.getInput(),
        batchAndRest(op.getInput().getType().getRank()));
    return success();
  }
};

struct MatmulLowering : OpConversionPattern<MatmulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    bool tl = op.getTransposeLhs(), tr = op.getTransposeRhs();
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    Value acc = filled(rewriter, loc,
                       {tensor::getMixedSize(rewriter, loc, lhs, tl ? 1 : 0),
                        tensor::getMixedSize(rewriter, loc, rhs, tr ? 0 : 1)},
                       0.0);
    acc = tensor::CastOp::create(rewriter, loc, op.getType(), acc);
    AffineExpr m = getAffineDimExpr(0, ctx), n = getAffineDimExpr(1, ctx),
               k = getAffineDimExpr(2, ctx);
    SmallVector<AffineMap> maps{
        AffineMap::get(
            3, 0, tl ? ArrayRef<AffineExpr>{k, m} : ArrayRef<AffineExpr>{m, k},
            ctx),
        AffineMap::get(
            3, 0, tr ? ArrayRef<AffineExpr>{n, k} : ArrayRef<AffineExpr>{k, n},
            ctx),
        AffineMap::get(3, 0, {m, n}, ctx)};
    rewriter.replaceOp(
        op, generic(rewriter, loc, {lhs, rhs}, {acc}, maps,
                    {IteratorType::parallel, IteratorType::parallel,
                     IteratorType::reduction},
                    [](OpBuilder &b, Location l, ValueRange a) {
                      Value p = arith::MulFOp::create(b, l, a[0], a[1]);
                      return SmallVector<Value>{
                          arith::AddFOp::create(b, l, a[2], p)};
                    }));
    return success();
  }
};

struct BatchSumLowering : OpConversionPattern<BatchSumOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(BatchSumOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getType();
    int64_t rank = op.getInput().getType().getRank();
    SmallVector<OpFoldResult> sizes;
    for (int64_t d : type.getShape())
      sizes.push_back(rewriter.getIndexAttr(d));
    Value acc = filled(rewriter, loc, sizes, 0.0);
    SmallVector<AffineExpr> rest;
    for (int64_t d = 1; d < rank; ++d)
      rest.push_back(getAffineDimExpr(d, getContext()));
    SmallVector<IteratorType> iters(rank, IteratorType::parallel);
    iters[0] = IteratorType::reduction;
    rewriter.replaceOp(
        op, generic(rewriter, loc, {adaptor.getInput()}, {acc},
                    {rewriter.getMultiDimIdentityMap(rank),
                     AffineMap::get(rank, 0, rest, getContext())},
                    iters, [](OpBuilder &b, Location l, ValueRange a) {
                      return SmallVector<Value>{
                          arith::AddFOp::create(b, l, a[0], a[1])};
                    }));
    return success();
  }
};

struct ReshapeLowering : OpConversionPattern<ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value v = adaptor.getInput();
    auto in = op.getInput().getType();
    auto out = op.getType();
    // Through [batch, elements]: collapse the input, expand to the result.
    if (in.getRank() > 2)
      v = tensor::CollapseShapeOp::create(rewriter, loc, v,
                                          batchAndRest(in.getRank()));
    if (out.getRank() > 2) {
      SmallVector<OpFoldResult> shape{
          tensor::getMixedSize(rewriter, loc, v, 0)};
      for (int64_t d : out.getShape().drop_front())
        shape.push_back(rewriter.getIndexAttr(d));
      v = tensor::ExpandShapeOp::create(rewriter, loc, out, v,
                                        batchAndRest(out.getRank()), shape);
    }
    rewriter.replaceOp(op, v);
    return success();
  }
};
} // namespace

void mlir::dl::populateDLToLinalgLayerPatterns(RewritePatternSet &patterns) {
  patterns.add<DenseLowering, FlattenLowering, MatmulLowering, BatchSumLowering,
               ReshapeLowering, ElementwiseLowering<AddOp>>(
      patterns.getContext());
}
