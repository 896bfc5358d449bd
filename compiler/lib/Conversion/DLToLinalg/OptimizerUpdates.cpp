//===- OptimizerUpdates.cpp - optimizer updates to linalg -----------------===//
//
// One generic with several outputs per parameter.
//
//===----------------------------------------------------------------------===//
#include "Utils.h"
#include "dl/Conversion/DLToLinalg.h"
#include "dl/Dialect/DL/IR/DLOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>

using namespace mlir;
using namespace mlir::dl;
using namespace mlir::dl::detail;

namespace {
/// An elementwise update over `operands` = (param, grad, state...) that
/// yields (param', state'...). The old param and state are the generic's
/// outs (destination-passing style), so bufferization updates them in place
/// in the caller's buffers instead of writing new ones and copying back.
/// With a `decay` (an f32 computed outside the loop) the body sees the
/// parameter already decayed, p - p * decay (a dl.weight_decay folded in by
/// decayedParam).
SmallVector<Value> updateGeneric(
    OpBuilder &b, Location loc, ValueRange operands, unsigned numResults,
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)> body,
    Value decay = {}) {
  assert(numResults + 1 == operands.size() && "every state but grad updated");
  auto type = cast<RankedTensorType>(operands.front().getType());
  SmallVector<Value> outs{operands[0]};
  outs.append(operands.begin() + 2, operands.end());
  SmallVector<AffineMap> maps(operands.size(),
                              b.getMultiDimIdentityMap(type.getRank()));
  SmallVector<IteratorType> par(type.getRank(), IteratorType::parallel);
  SmallVector<Value> results = generic(
      b, loc, ValueRange{operands[1]}, outs, maps, par,
      [&](OpBuilder &nb, Location l, ValueRange a) {
        // Back to (param, grad, state...) order for the body.
        SmallVector<Value> args{a[1], a[0]};
        args.append(a.begin() + 2, a.end());
        if (decay)
          args[0] = arith::SubFOp::create(
              nb, l, args[0], arith::MulFOp::create(nb, l, args[0], decay));
        return body(nb, l, args);
      });
  // The update runs over every parameter every step and is bound by its
  // arithmetic: allow a * b + c to become one FMA (PyTorch's fused CPU
  // kernels contract the same way; FMA rounds once, so it is the more
  // accurate form).
  auto contract = arith::FastMathFlagsAttr::get(b.getContext(),
                                                arith::FastMathFlags::contract);
  results.front().getDefiningOp()->walk([&](arith::ArithFastMathInterface op) {
    op->setAttr(op.getFastMathAttrName(), contract);
  });
  return results;
}

float attrValue(FloatAttr a) { return float(a.getValueAsDouble()); }

/// The learning rate of an update, once per step outside its loop: the
/// attribute, or the run-time rate operand (a schedule's value).
Value learningRate(OpBuilder &b, Location loc, FloatAttr attr, Value lr) {
  return lr ? scalarTensorValue(b, loc, lr) : f32Const(b, loc, attrValue(attr));
}

/// A weight decay's factor: `decay`, times the run-time rate when it has one.
Value decayFactor(OpBuilder &b, Location loc, WeightDecayOp wd, Value lr) {
  Value decay = f32Const(b, loc, attrValue(wd.getDecayAttr()));
  if (!lr)
    return decay;
  return arith::MulFOp::create(b, loc, decay, scalarTensorValue(b, loc, lr));
}

/// The parameter an update reads, and its weight decay: when the update's
/// parameter is a dl.weight_decay used only here, the decay is applied in
/// the update's own loop (one pass over the parameter instead of two) and
/// the update reads and writes the undecayed parameter in place.
std::pair<Value, Value> decayedParam(ConversionPatternRewriter &rewriter,
                                     Location loc, Value original,
                                     Value converted) {
  auto wd = original.getDefiningOp<WeightDecayOp>();
  if (!wd || !wd->hasOneUse())
    return {converted, Value()};
  Value lr = wd.getLr() ? rewriter.getRemappedValue(wd.getLr()) : Value();
  return {rewriter.getRemappedValue(wd.getParam()),
          decayFactor(rewriter, loc, wd, lr)};
}

struct SGDUpdateLowering : OpConversionPattern<SGDUpdateOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SGDUpdateOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value lr =
        learningRate(rewriter, loc, op.getLearningRateAttr(), adaptor.getLr());
    float mu = attrValue(op.getMomentumAttr());
    bool nesterov = op.getNesterov();
    auto [param, decay] =
        decayedParam(rewriter, loc, op.getParam(), adaptor.getParam());
    SmallVector<Value> ins{param, adaptor.getGrad()};
    if (adaptor.getVelocity())
      ins.push_back(adaptor.getVelocity());
    bool momentum = ins.size() == 3;
    rewriter.replaceOp(
        op, updateGeneric(
                rewriter, loc, ins, momentum ? 2 : 1,
                [&](OpBuilder &b, Location l, ValueRange a) {
                  Value step = a[1];
                  SmallVector<Value> out;
                  Value v;
                  if (momentum) {
                    v = arith::AddFOp::create(
                        b, l,
                        arith::MulFOp::create(b, l, f32Const(b, l, mu), a[2]),
                        a[1]);
                    step = nesterov ? arith::AddFOp::create(
                                          b, l, a[1],
                                          arith::MulFOp::create(
                                              b, l, f32Const(b, l, mu), v))
                                    : v;
                  }
                  out.push_back(arith::SubFOp::create(
                      b, l, a[0], arith::MulFOp::create(b, l, lr, step)));
                  if (momentum)
                    out.push_back(v);
                  return out;
                },
                decay));
    return success();
  }
};

struct AdamUpdateLowering : OpConversionPattern<AdamUpdateOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AdamUpdateOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    Value lr = learningRate(b, loc, op.getLearningRateAttr(), adaptor.getLr());
    float b1 = attrValue(op.getBeta_1Attr()),
          b2 = attrValue(op.getBeta_2Attr());
    float eps = attrValue(op.getEpsilonAttr());
    // Bias corrections, once per step outside the loop: 1 - beta^t with
    // beta^t = exp(t ln beta).
    Value t = scalarTensorValue(b, loc, adaptor.getStep());
    auto correction = [&](float beta) -> Value {
      Value pow = math::ExpOp::create(
          b, loc,
          arith::MulFOp::create(b, loc, t,
                                f32Const(b, loc, std::log(double(beta)))));
      return arith::SubFOp::create(b, loc, f32Const(b, loc, 1.0), pow);
    };
    Value stepSize = arith::DivFOp::create(b, loc, lr, correction(b1));
    Value invSqrtBc2 = math::RsqrtOp::create(b, loc, correction(b2));
    auto [param, decay] =
        decayedParam(rewriter, loc, op.getParam(), adaptor.getParam());
    rewriter.replaceOp(
        op, updateGeneric(
                b, loc,
                {param, adaptor.getGrad(), adaptor.getM(), adaptor.getV()}, 3,
                [&](OpBuilder &nb, Location l, ValueRange a) {
                  auto c = [&](float v) { return f32Const(nb, l, v); };
                  Value g = a[1];
                  Value m = arith::AddFOp::create(
                      nb, l, arith::MulFOp::create(nb, l, c(b1), a[2]),
                      arith::MulFOp::create(nb, l, c(1 - b1), g));
                  Value g2 = arith::MulFOp::create(nb, l, g, g);
                  Value v = arith::AddFOp::create(
                      nb, l, arith::MulFOp::create(nb, l, c(b2), a[3]),
                      arith::MulFOp::create(nb, l, c(1 - b2), g2));
                  Value denom = arith::AddFOp::create(
                      nb, l,
                      arith::MulFOp::create(
                          nb, l, math::SqrtOp::create(nb, l, v), invSqrtBc2),
                      c(eps));
                  Value upd = arith::DivFOp::create(
                      nb, l, arith::MulFOp::create(nb, l, stepSize, m), denom);
                  return SmallVector<Value>{
                      arith::SubFOp::create(nb, l, a[0], upd), m, v};
                },
                decay));
    return success();
  }
};

struct RMSpropUpdateLowering : OpConversionPattern<RMSpropUpdateOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(RMSpropUpdateOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value lr =
        learningRate(rewriter, loc, op.getLearningRateAttr(), adaptor.getLr());
    float rho = attrValue(op.getRhoAttr());
    float mu = attrValue(op.getMomentumAttr());
    float eps = attrValue(op.getEpsilonAttr());
    auto [param, decay] =
        decayedParam(rewriter, loc, op.getParam(), adaptor.getParam());
    SmallVector<Value> ins{param, adaptor.getGrad(), adaptor.getSquareAvg()};
    if (adaptor.getMomentumBuffer())
      ins.push_back(adaptor.getMomentumBuffer());
    bool momentum = ins.size() == 4;
    rewriter.replaceOp(
        op, updateGeneric(
                rewriter, loc, ins, momentum ? 3 : 2,
                [&](OpBuilder &b, Location l, ValueRange a) {
                  auto c = [&](float v) { return f32Const(b, l, v); };
                  Value g = a[1];
                  Value s = arith::AddFOp::create(
                      b, l, arith::MulFOp::create(b, l, c(rho), a[2]),
                      arith::MulFOp::create(b, l, c(1 - rho),
                                            arith::MulFOp::create(b, l, g, g)));
                  Value denom = arith::AddFOp::create(
                      b, l, math::SqrtOp::create(b, l, s), c(eps));
                  Value step = arith::DivFOp::create(b, l, g, denom);
                  Value buf;
                  if (momentum) {
                    buf = arith::AddFOp::create(
                        b, l, arith::MulFOp::create(b, l, c(mu), a[3]), step);
                    step = buf;
                  }
                  SmallVector<Value> out{
                      arith::SubFOp::create(
                          b, l, a[0], arith::MulFOp::create(b, l, lr, step)),
                      s};
                  if (momentum)
                    out.push_back(buf);
                  return out;
                },
                decay));
    return success();
  }
};

/// grad * clip_norm / max(sqrt(sum_squares), clip_norm): the scale is one
/// scalar computed before the loop.
struct ClipByNormLowering : OpConversionPattern<ClipByNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ClipByNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    Value c = f32Const(b, loc, attrValue(op.getClipNormAttr()));
    Value norm = math::SqrtOp::create(
        b, loc, scalarTensorValue(b, loc, adaptor.getSumSquares()));
    Value scale = arith::DivFOp::create(
        b, loc, c, arith::MaximumFOp::create(b, loc, norm, c));
    rewriter.replaceOp(
        op, elementwise(b, loc, {adaptor.getGrad()},
                        [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                          return arith::MulFOp::create(nb, l, a[0], scale);
                        }));
    return success();
  }
};

struct ClipByValueLowering : OpConversionPattern<ClipByValueOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ClipByValueOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    float v = attrValue(op.getClipValueAttr());
    rewriter.replaceOp(
        op, elementwise(rewriter, op.getLoc(), {adaptor.getGrad()},
                        [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                          Value lo = arith::MaximumFOp::create(
                              nb, l, a[0], f32Const(nb, l, -v));
                          return arith::MinimumFOp::create(nb, l, lo,
                                                           f32Const(nb, l, v));
                        }));
    return success();
  }
};

/// p - p * decay, as Keras writes it.
struct WeightDecayLowering : OpConversionPattern<WeightDecayOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(WeightDecayOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value decay = decayFactor(rewriter, op.getLoc(), op, adaptor.getLr());
    rewriter.replaceOp(
        op, elementwise(rewriter, op.getLoc(), {adaptor.getParam()},
                        [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                          return arith::SubFOp::create(
                              nb, l, a[0],
                              arith::MulFOp::create(nb, l, a[0], decay));
                        }));
    return success();
  }
};

/// A schedule's rate: scalar arithmetic on the step, back into a 0-d tensor.
template <typename OpTy> struct ScheduleLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value step = scalarTensorValue(rewriter, loc, adaptor.getStep());
    Value rate = build(rewriter, loc, op, step);
    rewriter.replaceOpWithNewOp<tensor::FromElementsOp>(op, op.getType(),
                                                        ValueRange{rate});
    return success();
  }
  static Value build(OpBuilder &b, Location loc, OpTy op, Value step);
};

// Keras's ExponentialDecay: lr0 * rate^(step / decay_steps), the power
// as exp(p ln rate) with ln rate folded (as Adam's bias corrections).
template <>
Value ScheduleLowering<ExponentialDecayOp>::build(OpBuilder &b, Location loc,
                                                  ExponentialDecayOp op,
                                                  Value step) {
  auto c = [&](double v) { return f32Const(b, loc, v); };
  Value p =
      arith::DivFOp::create(b, loc, step, c(attrValue(op.getDecayStepsAttr())));
  if (op.getStaircase())
    p = math::FloorOp::create(b, loc, p);
  Value power = math::ExpOp::create(
      b, loc,
      arith::MulFOp::create(
          b, loc, p, c(std::log(double(attrValue(op.getDecayRateAttr()))))));
  return arith::MulFOp::create(
      b, loc, c(attrValue(op.getInitialLearningRateAttr())), power);
}

// Keras's PiecewiseConstantDecay: the value of the first interval
// (.., b0], (b0, b1], ... that holds the step.
template <>
Value ScheduleLowering<PiecewiseConstantDecayOp>::build(
    OpBuilder &b, Location loc, PiecewiseConstantDecayOp op, Value step) {
  ArrayRef<float> boundaries = op.getBoundaries(), values = op.getValues();
  Value rate = f32Const(b, loc, values.back());
  for (size_t i = boundaries.size(); i-- > 0;) {
    Value within = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLE,
                                         step, f32Const(b, loc, boundaries[i]));
    rate = arith::SelectOp::create(b, loc, within, f32Const(b, loc, values[i]),
                                   rate);
  }
  return rate;
}

// Keras's CosineDecay, with its optional linear warm-up.
template <>
Value ScheduleLowering<CosineDecayOp>::build(OpBuilder &b, Location loc,
                                             CosineDecayOp op, Value step) {
  auto c = [&](double v) { return f32Const(b, loc, v); };
  float lr0 = attrValue(op.getInitialLearningRateAttr());
  float decaySteps = attrValue(op.getDecayStepsAttr());
  float alpha = attrValue(op.getAlphaAttr());
  auto decayed = [&](Value s, Value from) -> Value {
    Value fraction = arith::DivFOp::create(b, loc, s, c(decaySteps));
    Value cosine = math::CosOp::create(
        b, loc, arith::MulFOp::create(b, loc, c(M_PI), fraction));
    Value half = arith::MulFOp::create(
        b, loc, c(0.5), arith::AddFOp::create(b, loc, c(1.0), cosine));
    Value scaled = arith::AddFOp::create(
        b, loc, arith::MulFOp::create(b, loc, c(1.0 - alpha), half), c(alpha));
    return arith::MulFOp::create(b, loc, from, scaled);
  };
  FloatAttr target = op.getWarmupTargetAttr();
  if (!target) {
    Value s = arith::MinimumFOp::create(b, loc, step, c(decaySteps));
    return decayed(s, c(lr0));
  }
  float warmupSteps = attrValue(op.getWarmupStepsAttr());
  float to = attrValue(target);
  Value s = arith::MinimumFOp::create(b, loc, step,
                                      c(double(decaySteps) + warmupSteps));
  Value warm = arith::AddFOp::create(
      b, loc,
      arith::MulFOp::create(b, loc, c(double(to) - lr0),
                            arith::DivFOp::create(b, loc, s, c(warmupSteps))),
      c(lr0));
  Value decay =
      decayed(arith::SubFOp::create(b, loc, s, c(warmupSteps)), c(to));
  Value warming = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, s,
                                        c(warmupSteps));
  return arith::SelectOp::create(b, loc, warming, warm, decay);
}
} // namespace

void mlir::dl::populateDLToLinalgOptimizerUpdatePatterns(
    RewritePatternSet &patterns) {
  patterns.add<SGDUpdateLowering, AdamUpdateLowering, RMSpropUpdateLowering,
               ClipByNormLowering, ClipByValueLowering, WeightDecayLowering,
               ScheduleLowering<ExponentialDecayOp>,
               ScheduleLowering<PiecewiseConstantDecayOp>,
               ScheduleLowering<CosineDecayOp>>(patterns.getContext());
}
