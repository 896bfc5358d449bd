//===- ExpandMath.cpp - polynomial approximations of math ops -------------===//
//
// Upstream's approximations for most functions, and two of our own that are
// accurate to the last bit of float, which the activations need:
// - math.exp on f64 (the activations compute in double, see below): range
//   reduction by ln 2 and a degree-11 Taylor polynomial, relative error below
//   1e-14 over the double range;
// - math.tanh on f32 as 1 - 2 / (exp(2|x|) + 1) in double, rounded once to
//   float: within 1 ulp of tanh over the whole float range, where upstream's
//   float rational is off by up to 4.3 ulp and saturates to 1 from 7.999
//   (the correctly rounded tanh is 1 only from 9.0109). Branch-free, so the
//   loop vectoriser still takes it (at half the float width).
// docs/numerics.md gives the measured bounds and how they are measured.
//
//===----------------------------------------------------------------------===//
#include "dl/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::dl {
#define GEN_PASS_DEF_DLEXPANDMATH
#include "dl/Codegen/Passes.h.inc"
} // namespace mlir::dl

using namespace mlir;

namespace {
/// `like` (a scalar type or a vector of one) with element type `elem`.
Type withElement(Type like, Type elem) {
  if (auto v = dyn_cast<VectorType>(like))
    return v.clone(elem);
  return elem;
}

/// A splat float constant of type `t` (scalar or vector).
Value fConst(ImplicitLocOpBuilder &b, Type t, double v) {
  auto attr = b.getFloatAttr(getElementTypeOrSelf(t), v);
  if (auto vt = dyn_cast<VectorType>(t))
    return arith::ConstantOp::create(b, DenseElementsAttr::get(vt, attr));
  return arith::ConstantOp::create(b, attr);
}

/// A splat integer constant of type `t` (scalar or vector).
Value iConst(ImplicitLocOpBuilder &b, Type t, int64_t v) {
  auto attr = b.getIntegerAttr(getElementTypeOrSelf(t), v);
  if (auto vt = dyn_cast<VectorType>(t))
    return arith::ConstantOp::create(b, DenseElementsAttr::get(vt, attr));
  return arith::ConstantOp::create(b, attr);
}

Value cmp(ImplicitLocOpBuilder &b, arith::CmpFPredicate p, Value l, Value r) {
  return arith::CmpFOp::create(b, p, l, r);
}

/// exp(y) for f64 (or a vector of it): y = k ln2 + r, |r| <= ln2 / 2,
/// exp(y) = 2^k * P(r). Inputs beyond [-708, 709] are clamped (the results
/// there are far outside float's range); NaN stays NaN.
Value expF64(ImplicitLocOpBuilder &b, Value y) {
  Type t = y.getType();
  Type it = withElement(t, b.getI64Type());
  using P = arith::CmpFPredicate;
  Value hi = fConst(b, t, 709.0), lo = fConst(b, t, -708.0);
  y = arith::SelectOp::create(b, cmp(b, P::OGT, y, hi), hi, y);
  y = arith::SelectOp::create(b, cmp(b, P::OLT, y, lo), lo, y);
  // k = round(y / ln2) by adding and subtracting 1.5 * 2^52 (no fast-math
  // flags, so this is kept): llvm.roundeven would be a libm call on CPUs
  // without SSE4.1.
  Value magic = fConst(b, t, 0x1.8p52);
  Value k = arith::SubFOp::create(
      b,
      arith::AddFOp::create(
          b, arith::MulFOp::create(b, y, fConst(b, t, 1.4426950408889634)),
          magic),
      magic);
  // NaN would make the integer conversion poison: use k = 0 for it (r, and
  // so the result, is NaN anyway).
  k = arith::SelectOp::create(b, cmp(b, P::ORD, k, k), k, fConst(b, t, 0.0));
  // Cody-Waite: ln2Hi has 21 trailing zero bits, so k * ln2Hi is exact.
  Value r = arith::SubFOp::create(
      b, y,
      arith::MulFOp::create(b, k, fConst(b, t, 6.93147180369123816490e-01)));
  r = arith::SubFOp::create(
      b, r,
      arith::MulFOp::create(b, k, fConst(b, t, 1.90821492927058770002e-10)));
  // Taylor to r^11: the remainder is below 7e-15 relative for |r| <= ln2/2.
  double fact = 1.0;
  for (int n = 2; n <= 11; ++n)
    fact *= n;
  Value p = fConst(b, t, 1.0 / fact);
  for (int n = 10; n >= 0; --n) {
    fact /= n + 1;
    p = arith::AddFOp::create(b, arith::MulFOp::create(b, p, r),
                              fConst(b, t, 1.0 / fact));
  }
  // 2^k from the exponent bits; k is in [-1022, 1023], a normal double.
  Value ki = arith::FPToSIOp::create(b, it, k);
  Value bits = arith::ShLIOp::create(
      b, arith::AddIOp::create(b, ki, iConst(b, it, 1023)), iConst(b, it, 52));
  Value scale = arith::BitcastOp::create(b, t, bits);
  return arith::MulFOp::create(b, p, scale);
}

struct ExpF64 : OpRewritePattern<math::ExpOp> {
  ExpF64(MLIRContext *ctx) : OpRewritePattern(ctx, /*benefit=*/2) {}
  LogicalResult matchAndRewrite(math::ExpOp op,
                                PatternRewriter &rewriter) const override {
    if (!getElementTypeOrSelf(op.getType()).isF64())
      return rewriter.notifyMatchFailure(op, "not f64");
    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    rewriter.replaceOp(op, expF64(b, op.getOperand()));
    return success();
  }
};

/// tanh(x) = sign(x) (1 - 2 / (exp(2|x|) + 1)), evaluated in double: its
/// error there is ~1e-15 relative for |x| >= 2^-12, so the one rounding to
/// float is the only one that shows. Below 2^-12, tanh(x) = x (1 - x^2/3)
/// rounds to x or its lower neighbour, and x is returned; from |x| = 10 on,
/// 1 - 2e-9 rounds to 1, so |x| is clamped there.
struct ExactTanhF32 : OpRewritePattern<math::TanhOp> {
  ExactTanhF32(MLIRContext *ctx) : OpRewritePattern(ctx, /*benefit=*/2) {}
  LogicalResult matchAndRewrite(math::TanhOp op,
                                PatternRewriter &rewriter) const override {
    Type t = op.getType();
    if (!getElementTypeOrSelf(t).isF32())
      return rewriter.notifyMatchFailure(op, "not f32");
    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    using P = arith::CmpFPredicate;
    Type dt = withElement(t, b.getF64Type());
    Value x = op.getOperand();
    Value a = math::AbsFOp::create(b, x);
    // Unordered-or-less: NaN takes this path too and comes back unchanged.
    Value small = cmp(b, P::ULT, a, fConst(b, t, 0x1p-12));
    Value cap = fConst(b, t, 10.0);
    a = arith::SelectOp::create(b, cmp(b, P::OLT, a, cap), a, cap);
    Value ad = arith::ExtFOp::create(b, dt, a);
    Value e = expF64(b, arith::AddFOp::create(b, ad, ad));
    Value one = fConst(b, dt, 1.0);
    Value q = arith::DivFOp::create(b, fConst(b, dt, 2.0),
                                    arith::AddFOp::create(b, e, one));
    Value th = arith::TruncFOp::create(b, t, arith::SubFOp::create(b, one, q));
    th = math::CopySignOp::create(b, th, x);
    rewriter.replaceOpWithNewOp<arith::SelectOp>(op, small, x, th);
    return success();
  }
};

struct DLExpandMath : mlir::dl::impl::DLExpandMathBase<DLExpandMath> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    // Ours first (higher benefit); upstream's take every other math op.
    patterns.add<ExpF64, ExactTanhF32>(&getContext());
    populateMathPolynomialApproximationPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
