//===- Activations.cpp - activations and their gradients to linalg --------===//
//
// The elementwise activations and their gradients are one elementwise generic
// each; softmax, log_softmax and their gradients reduce over the last
// dimension. Where a function needs exp, it is evaluated in double and rounded
// once to float (dl-expand-math expands the f64 exp without libm), so the
// result is within about 1 ulp (gelu's erfc is a double fit of its own);
// log_softmax's log and log1p use upstream's float polynomials.
// docs/numerics.md gives the measured errors.
//
//===----------------------------------------------------------------------===//
#include "Utils.h"
#include "dl/Conversion/DLToLinalg.h"
#include "dl/Dialect/DL/IR/DLOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/Utils/Utils.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

#include <cmath>

using namespace mlir;
using namespace mlir::dl;
using namespace mlir::dl::detail;

namespace {
/// Scalar arithmetic for the rules below, on f32 and f64 values.
struct Scalar {
  ImplicitLocOpBuilder b;
  Scalar(OpBuilder &builder, Location loc) : b(loc, builder) {}

  Value f32(double v) {
    return arith::ConstantOp::create(b, b.getF32FloatAttr(v));
  }
  Value f64(double v) {
    return arith::ConstantOp::create(b, b.getF64FloatAttr(v));
  }
  Value ext(Value x) { return arith::ExtFOp::create(b, b.getF64Type(), x); }
  Value trunc(Value x) { return arith::TruncFOp::create(b, b.getF32Type(), x); }
  Value add(Value x, Value y) { return arith::AddFOp::create(b, x, y); }
  Value sub(Value x, Value y) { return arith::SubFOp::create(b, x, y); }
  Value mul(Value x, Value y) { return arith::MulFOp::create(b, x, y); }
  Value div(Value x, Value y) { return arith::DivFOp::create(b, x, y); }
  Value neg(Value x) { return arith::NegFOp::create(b, x); }
  Value abs(Value x) { return math::AbsFOp::create(b, x); }
  Value exp(Value x) { return math::ExpOp::create(b, x); }
  Value max(Value x, Value y) { return arith::MaximumFOp::create(b, x, y); }
  Value min(Value x, Value y) { return arith::MinimumFOp::create(b, x, y); }
  Value cmp(arith::CmpFPredicate p, Value x, Value y) {
    return arith::CmpFOp::create(b, p, x, y);
  }
  Value gt(Value x, double c) {
    return cmp(arith::CmpFPredicate::OGT, x, f32(c));
  }
  Value lt(Value x, double c) {
    return cmp(arith::CmpFPredicate::OLT, x, f32(c));
  }
  Value both(Value p, Value q) { return arith::AndIOp::create(b, p, q); }
  Value select(Value c, Value t, Value f) {
    return arith::SelectOp::create(b, c, t, f);
  }
  /// `r`, or NaN where the f32 `x` is -inf: x sigmoid(x) is -inf * 0 there
  /// in PyTorch, where the clamped double exp leaves sigmoid a tiny number.
  Value nanAtNegInf(Value x, Value r) {
    Value negInf = cmp(arith::CmpFPredicate::OEQ, x, f32(-INFINITY));
    return select(negInf, f32(NAN), r);
  }
  /// sigmoid of an f64 value, in f64.
  Value sigmoid64(Value xd) {
    Value one = f64(1.0);
    return div(one, add(one, exp(neg(xd))));
  }
  /// erfc(z) of an f64 value: Numerical Recipes' erfcc, t exp(-z^2 + P(t))
  /// with t = 1 / (1 + |z| / 2) and a degree-9 Chebyshev fit P, relative
  /// error below 1.2e-7 everywhere, so the left tail keeps its relative
  /// accuracy (upstream's float erfc is off by ~200 ulp near 1e-38, and
  /// 1 + erf(x) by all of it). Only exp, which dl-expand-math expands.
  Value erfc64(Value z) {
    static const double c[] = {-1.26551223, 1.00002368, 0.37409196,  0.09678418,
                               -0.18628806, 0.27886807, -1.13520398, 1.48851587,
                               -0.82215223, 0.17087277};
    Value a = abs(z);
    Value t = div(f64(1.0), add(f64(1.0), mul(f64(0.5), a)));
    Value p = f64(c[9]);
    for (int i = 8; i >= 0; --i)
      p = add(f64(c[i]), mul(t, p));
    Value ans = mul(t, exp(sub(p, mul(a, a))));
    Value nonNeg = cmp(arith::CmpFPredicate::OGE, z, f64(0.0));
    return select(nonNeg, ans, sub(f64(2.0), ans));
  }
  /// Phi(x) = erfc(-x / sqrt 2) / 2, the standard normal CDF, of an f64.
  Value normalCdf64(Value xd) {
    return mul(f64(0.5), erfc64(mul(xd, f64(-M_SQRT1_2))));
  }
};
} // namespace

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

template <>
Value ElementwiseLowering<Relu6Op>::scalar(OpBuilder &b, Location loc,
                                           ValueRange a) {
  Scalar s(b, loc);
  return s.min(s.max(a[0], s.f32(0.0)), s.f32(6.0));
}
template <>
Value ElementwiseLowering<HardSigmoidOp>::scalar(OpBuilder &b, Location loc,
                                                 ValueRange a) {
  // PyTorch's order of operations: relu6(x + 3) / 6.
  Scalar s(b, loc);
  Value t = s.add(a[0], s.f32(3.0));
  return s.div(s.min(s.max(t, s.f32(0.0)), s.f32(6.0)), s.f32(6.0));
}
template <>
Value ElementwiseLowering<SoftsignOp>::scalar(OpBuilder &b, Location loc,
                                              ValueRange a) {
  Scalar s(b, loc);
  return s.div(a[0], s.add(s.f32(1.0), s.abs(a[0])));
}
template <>
Value ElementwiseLowering<SoftplusOp>::scalar(OpBuilder &b, Location loc,
                                              ValueRange a) {
  // max(x, 0) + log1p(exp(-|x|)): no overflow for large x, and the small
  // term keeps its relative accuracy for very negative x.
  Scalar s(b, loc);
  Value x = a[0];
  Value e = s.trunc(s.exp(s.neg(s.ext(s.abs(x)))));
  Value small = math::Log1pOp::create(s.b, e);
  return s.add(s.max(x, s.f32(0.0)), small);
}
template <>
Value ElementwiseLowering<SiluOp>::scalar(OpBuilder &b, Location loc,
                                          ValueRange a) {
  Scalar s(b, loc);
  Value xd = s.ext(a[0]);
  return s.nanAtNegInf(a[0], s.trunc(s.mul(xd, s.sigmoid64(xd))));
}
template <>
Value ElementwiseLowering<GeluOp>::scalar(OpBuilder &b, Location loc,
                                          ValueRange a) {
  // Keras's and PyTorch's default, the exact (erf) form, in double.
  Scalar s(b, loc);
  Value xd = s.ext(a[0]);
  return s.trunc(s.mul(xd, s.normalCdf64(xd)));
}
template <>
Value ElementwiseLowering<ExponentialOp>::scalar(OpBuilder &b, Location loc,
                                                 ValueRange a) {
  Scalar s(b, loc);
  return s.trunc(s.exp(s.ext(a[0])));
}

template <>
Value ElementwiseLowering<Relu6GradOp>::scalar(OpBuilder &b, Location loc,
                                               ValueRange a) {
  // PyTorch's convention at the kinks: 0 at x = 0 and at x = 6.
  Scalar s(b, loc);
  Value x = a[1];
  return s.select(s.both(s.gt(x, 0.0), s.lt(x, 6.0)), a[0], s.f32(0.0));
}
template <>
Value ElementwiseLowering<HardSigmoidGradOp>::scalar(OpBuilder &b, Location loc,
                                                     ValueRange a) {
  Scalar s(b, loc);
  Value x = a[1];
  return s.select(s.both(s.gt(x, -3.0), s.lt(x, 3.0)),
                  s.mul(a[0], s.f32(1.0 / 6.0)), s.f32(0.0));
}
template <>
Value ElementwiseLowering<SoftsignGradOp>::scalar(OpBuilder &b, Location loc,
                                                  ValueRange a) {
  Scalar s(b, loc);
  Value d = s.add(s.f32(1.0), s.abs(a[1]));
  return s.div(a[0], s.mul(d, d));
}
template <>
Value ElementwiseLowering<SoftplusGradOp>::scalar(OpBuilder &b, Location loc,
                                                  ValueRange a) {
  Scalar s(b, loc);
  return s.mul(a[0], s.trunc(s.sigmoid64(s.ext(a[1]))));
}
template <>
Value ElementwiseLowering<SiluGradOp>::scalar(OpBuilder &b, Location loc,
                                              ValueRange a) {
  // s (1 + x (1 - s)) in double: the two terms nearly cancel for x < 0.
  Scalar s(b, loc);
  Value xd = s.ext(a[1]);
  Value sg = s.sigmoid64(xd);
  Value one = s.f64(1.0);
  Value d = s.mul(sg, s.add(one, s.mul(xd, s.sub(one, sg))));
  return s.mul(a[0], s.nanAtNegInf(a[1], s.trunc(d)));
}
template <>
Value ElementwiseLowering<GeluGradOp>::scalar(OpBuilder &b, Location loc,
                                              ValueRange a) {
  // Phi(x) + x phi(x), phi(x) = exp(-x^2 / 2) / sqrt(2 pi).
  Scalar s(b, loc);
  Value xd = s.ext(a[1]);
  Value pdf = s.mul(s.exp(s.mul(s.f64(-0.5), s.mul(xd, xd))),
                    s.f64(0.5 * M_2_SQRTPI * M_SQRT1_2));
  Value cdf = s.normalCdf64(xd);
  return s.mul(a[0], s.trunc(s.add(cdf, s.mul(xd, pdf))));
}
template <>
Value ElementwiseLowering<ExponentialGradOp>::scalar(OpBuilder &b, Location loc,
                                                     ValueRange a) {
  return arith::MulFOp::create(b, loc, a[0], a[1]);
}
} // namespace mlir::dl::detail

namespace {
/// An elementwise op with an `alpha` attribute: `rule(scalar, operands,
/// alpha)` in one generic.
template <typename OpTy> struct AlphaLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using Adaptor = typename OpConversionPattern<OpTy>::OpAdaptor;
  LogicalResult
  matchAndRewrite(OpTy op, Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    double alpha = op.getAlpha().convertToDouble();
    rewriter.replaceOp(op,
                       elementwise(rewriter, op.getLoc(), adaptor.getOperands(),
                                   [&](OpBuilder &b, Location l, ValueRange a) {
                                     Scalar s(b, l);
                                     return rule(s, a, alpha);
                                   }));
    return success();
  }
  static Value rule(Scalar &s, ValueRange a, double alpha);
};

template <>
Value AlphaLowering<LeakyReluOp>::rule(Scalar &s, ValueRange a, double alpha) {
  Value x = a[0];
  return s.select(s.gt(x, 0.0), x, s.mul(x, s.f32(alpha)));
}
template <>
Value AlphaLowering<LeakyReluGradOp>::rule(Scalar &s, ValueRange a,
                                           double alpha) {
  Value dy = a[0];
  return s.select(s.gt(a[1], 0.0), dy, s.mul(dy, s.f32(alpha)));
}
template <>
Value AlphaLowering<EluOp>::rule(Scalar &s, ValueRange a, double alpha) {
  // alpha expm1(x) in double, rounded once. exp(x) - 1 cancels for tiny
  // |x|; there the series x + x^2/2 + x^3/6 is exact to double.
  Value x = a[0];
  Value xd = s.ext(x);
  Value em1 = s.sub(s.exp(xd), s.f64(1.0));
  Value series =
      s.mul(xd, s.add(s.f64(1.0),
                      s.mul(xd, s.add(s.f64(0.5), s.mul(xd, s.f64(1.0 / 6))))));
  Value tiny = s.cmp(arith::CmpFPredicate::OLT, s.abs(xd), s.f64(1e-5));
  em1 = s.select(tiny, series, em1);
  Value neg = s.trunc(s.mul(s.f64(alpha), em1));
  return s.select(s.gt(x, 0.0), x, neg);
}
template <>
Value AlphaLowering<EluGradOp>::rule(Scalar &s, ValueRange a, double alpha) {
  Value dy = a[0], x = a[1];
  Value d = s.trunc(s.mul(s.f64(alpha), s.exp(s.ext(x))));
  return s.select(s.gt(x, 0.0), dy, s.mul(dy, d));
}

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
struct LogSoftmaxLowering : OpConversionPattern<LogSoftmaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LogSoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    // (x - m) - log(sum exp(x - m)), m the row maximum.
    Value max = reduceRows(rewriter, loc, x, {}, -INFINITY,
                           [](OpBuilder &b, Location l, ValueRange a) {
                             return arith::MaximumFOp::create(b, l, a[0], a[1]);
                           });
    Value sum = reduceRows(rewriter, loc, x, {max}, 0.0,
                           [](OpBuilder &b, Location l, ValueRange a) -> Value {
                             Value e = math::ExpOp::create(
                                 b, l, arith::SubFOp::create(b, l, a[0], a[1]));
                             return arith::AddFOp::create(b, l, a[2], e);
                           });
    // One log per row, not per element.
    Value lse = elementwise(rewriter, loc, {sum},
                            [](OpBuilder &b, Location l, ValueRange a) {
                              return math::LogOp::create(b, l, a[0]);
                            });
    Value init = emptyLike(rewriter, loc, x);
    MLIRContext *ctx = getContext();
    AffineMap full = AffineMap::getMultiDimIdentityMap(2, ctx);
    rewriter.replaceOp(
        op, generic(rewriter, loc, {x, max, lse}, {init},
                    {full, rowMap(ctx), rowMap(ctx), full},
                    {IteratorType::parallel, IteratorType::parallel},
                    [](OpBuilder &b, Location l, ValueRange a) {
                      Value d = arith::SubFOp::create(b, l, a[0], a[1]);
                      return SmallVector<Value>{
                          arith::SubFOp::create(b, l, d, a[2])};
                    }));
    return success();
  }
};

struct LogSoftmaxGradLowering : OpConversionPattern<LogSoftmaxGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LogSoftmaxGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    Value dy = adaptor.getGrad(), y = adaptor.getValue();
    AffineMap full = AffineMap::getMultiDimIdentityMap(2, ctx);
    // s[b] = sum_j dy[b, j];  dx = dy - exp(y) s.
    Value s = reduceRows(rewriter, loc, dy, {}, 0.0,
                         [](OpBuilder &b, Location l, ValueRange a) {
                           return arith::AddFOp::create(b, l, a[0], a[1]);
                         });
    rewriter.replaceOp(
        op, generic(rewriter, loc, {dy, y, s}, {emptyLike(rewriter, loc, dy)},
                    {full, full, rowMap(ctx), full},
                    {IteratorType::parallel, IteratorType::parallel},
                    [](OpBuilder &b, Location l, ValueRange a) {
                      Value p = math::ExpOp::create(b, l, a[1]);
                      Value ps = arith::MulFOp::create(b, l, p, a[2]);
                      return SmallVector<Value>{
                          arith::SubFOp::create(b, l, a[0], ps)};
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
  patterns
      .add<ElementwiseLowering<Relu6Op>, ElementwiseLowering<SoftplusOp>,
           ElementwiseLowering<SoftsignOp>, ElementwiseLowering<HardSigmoidOp>,
           ElementwiseLowering<SiluOp>, ElementwiseLowering<GeluOp>,
           ElementwiseLowering<ExponentialOp>, AlphaLowering<LeakyReluOp>,
           AlphaLowering<EluOp>, LogSoftmaxLowering>(ctx);
  patterns.add<
      ElementwiseLowering<Relu6GradOp>, ElementwiseLowering<SoftplusGradOp>,
      ElementwiseLowering<SoftsignGradOp>,
      ElementwiseLowering<HardSigmoidGradOp>, ElementwiseLowering<SiluGradOp>,
      ElementwiseLowering<GeluGradOp>, ElementwiseLowering<ExponentialGradOp>,
      AlphaLowering<LeakyReluGradOp>, AlphaLowering<EluGradOp>,
      LogSoftmaxGradLowering>(ctx);
}
