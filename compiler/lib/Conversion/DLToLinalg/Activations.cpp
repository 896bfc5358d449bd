//===- Activations.cpp - activations and their gradients to linalg --------===//
//
// relu, sigmoid, tanh and their gradients are one elementwise generic each;
// softmax and its gradient reduce over the last dimension.
//
//===----------------------------------------------------------------------===//
#include "Utils.h"
#include "dl/Conversion/DLToLinalg.h"
#include "dl/Dialect/DL/IR/DLOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/Utils/Utils.h"

#include <cmath>

using namespace mlir;
using namespace mlir::dl;
using namespace mlir::dl::detail;

namespace mlir::dl::detail {
template <>
Value ElementwiseLowering<ReluOp>::scalar(OpBuilder &b, Location loc,
                                          ValueRange a) {
  return arith::MaximumFOp::create(b, loc, a[0], f32Const(b, loc, 0.0));
}
template <>
Value ElementwiseLowering<SigmoidOp>::scalar(OpBuilder &b, Location loc,
                                             ValueRange a) {
  // In double, rounded once to float: within 1 ulp of sigmoid, where a float
  // exp and division would add their errors (2.3 ulp). dl-expand-math
  // expands the f64 exp without libm.
  Type f64 = b.getF64Type();
  Value x = arith::ExtFOp::create(b, loc, f64, a[0]);
  Value one = arith::ConstantOp::create(b, loc, b.getF64FloatAttr(1.0));
  Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
  Value y =
      arith::DivFOp::create(b, loc, one, arith::AddFOp::create(b, loc, one, e));
  return arith::TruncFOp::create(b, loc, b.getF32Type(), y);
}
template <>
Value ElementwiseLowering<TanhOp>::scalar(OpBuilder &b, Location loc,
                                          ValueRange a) {
  return math::TanhOp::create(b, loc, a[0]);
}

// Activation gradients: operands (dy, value).
template <>
Value ElementwiseLowering<ReluGradOp>::scalar(OpBuilder &b, Location loc,
                                              ValueRange a) {
  Value dy = a[0], x = a[1];
  Value pos = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x,
                                    f32Const(b, loc, 0.0));
  return arith::SelectOp::create(b, loc, pos, dy, f32Const(b, loc, 0.0));
}
template <>
Value ElementwiseLowering<SigmoidGradOp>::scalar(OpBuilder &b, Location loc,
                                                 ValueRange a) {
  Value dy = a[0], y = a[1];
  Value oneMinus = arith::SubFOp::create(b, loc, f32Const(b, loc, 1.0), y);
  return arith::MulFOp::create(b, loc, dy,
                               arith::MulFOp::create(b, loc, y, oneMinus));
}
template <>
Value ElementwiseLowering<TanhGradOp>::scalar(OpBuilder &b, Location loc,
                                              ValueRange a) {
  Value dy = a[0], y = a[1];
  Value y2 = arith::MulFOp::create(b, loc, y, y);
  return arith::MulFOp::create(
      b, loc, dy, arith::SubFOp::create(b, loc, f32Const(b, loc, 1.0), y2));
}
} // namespace mlir::dl::detail

namespace {
/// Elementwise over a [B, N] tensor with a per-row [B] operand.
Value rowwise(OpBuilder &b, Location loc, Value x, Value perRow,
              function_ref<Value(OpBuilder &, Location, Value, Value)> body) {
  MLIRContext *ctx = b.getContext();
  AffineMap full = AffineMap::getMultiDimIdentityMap(2, ctx);
  AffineMap row = AffineMap::get(2, 0, {getAffineDimExpr(0, ctx)}, ctx);
  Value init = emptyLike(b, loc, x);
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, ValueRange{x, perRow},
             ValueRange{init}, ArrayRef<AffineMap>{full, row, full},
             {IteratorType::parallel, IteratorType::parallel},
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               linalg::YieldOp::create(nb, nl, body(nb, nl, args[0], args[1]));
             })
      .getResult(0);
}

struct SoftmaxLowering : OpConversionPattern<SoftmaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    // Subtracting the row maximum keeps exp() in range for any logits.
    Value max = reduceRows(rewriter, loc, x, {}, -INFINITY,
                           [](OpBuilder &b, Location l, ValueRange a) {
                             return arith::MaximumFOp::create(b, l, a[0], a[1]);
                           });
    Value e = rowwise(rewriter, loc, x, max,
                      [](OpBuilder &b, Location l, Value v, Value m) -> Value {
                        return math::ExpOp::create(
                            b, l, arith::SubFOp::create(b, l, v, m));
                      });
    Value sum = reduceRows(rewriter, loc, e, {}, 0.0,
                           [](OpBuilder &b, Location l, ValueRange a) {
                             return arith::AddFOp::create(b, l, a[0], a[1]);
                           });
    rewriter.replaceOp(
        op, rowwise(rewriter, loc, e, sum,
                    [](OpBuilder &b, Location l, Value v, Value s) -> Value {
                      return arith::DivFOp::create(b, l, v, s);
                    }));
    return success();
  }
};

struct SoftmaxGradLowering : OpConversionPattern<SoftmaxGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SoftmaxGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    Value dy = adaptor.getGrad(), y = adaptor.getValue();
    AffineMap full = AffineMap::getMultiDimIdentityMap(2, ctx);
    // s[b] = sum_j dy[b, j] y[b, j];  dx = y (dy - s).
    Value s = generic(
        rewriter, loc, {dy, y},
        {filled(rewriter, loc, {tensor::getMixedSize(rewriter, loc, dy, 0)},
                0.0)},
        {full, full, rowMap(ctx)},
        {IteratorType::parallel, IteratorType::reduction},
        [](OpBuilder &b, Location l, ValueRange a) {
          Value p = arith::MulFOp::create(b, l, a[0], a[1]);
          return SmallVector<Value>{arith::AddFOp::create(b, l, a[2], p)};
        })[0];
    rewriter.replaceOp(
        op, generic(rewriter, loc, {dy, y, s}, {emptyLike(rewriter, loc, dy)},
                    {full, full, rowMap(ctx), full},
                    {IteratorType::parallel, IteratorType::parallel},
                    [](OpBuilder &b, Location l, ValueRange a) {
                      Value d = arith::SubFOp::create(b, l, a[0], a[2]);
                      return SmallVector<Value>{
                          arith::MulFOp::create(b, l, a[1], d)};
                    }));
    return success();
  }
};
} // namespace

void mlir::dl::populateDLToLinalgActivationPatterns(
    RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<ElementwiseLowering<ReluOp>, ElementwiseLowering<SigmoidOp>,
               ElementwiseLowering<TanhOp>, SoftmaxLowering>(ctx);
  patterns
      .add<ElementwiseLowering<ReluGradOp>, ElementwiseLowering<SigmoidGradOp>,
           ElementwiseLowering<TanhGradOp>, SoftmaxGradLowering>(ctx);
}
