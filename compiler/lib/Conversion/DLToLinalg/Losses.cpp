//===- Losses.cpp - losses, their gradients and metrics to linalg ---------===//
//
// Each loss is one reduction into a 0-d tensor, a mean over the batch or
// over every element; each loss's gradient op is one elementwise generic;
// count_correct compares row-wise argmaxes.
//
//===----------------------------------------------------------------------===//
#include "Utils.h"
#include "dl/Conversion/DLToLinalg.h"
#include "dl/Dialect/DL/IR/DLOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Utils/Utils.h"

#include <cmath>

using namespace mlir;
using namespace mlir::dl;
using namespace mlir::dl::detail;

namespace {
/// Size `d` of `v` as an f32 scalar (the batch, for means).
Value dimAsF32(OpBuilder &b, Location loc, Value v, int64_t d) {
  Value size = tensor::getMixedSize(b, loc, v, d).dyn_cast<Value>();
  if (!size)
    return f32Const(b, loc,
                    double(cast<RankedTensorType>(v.getType()).getDimSize(d)));
  Value i64 = arith::IndexCastOp::create(b, loc, b.getI64Type(), size);
  return arith::UIToFPOp::create(b, loc, b.getF32Type(), i64);
}

/// 1 / (number of elements of `v`), as an f32 scalar.
Value inverseCount(OpBuilder &b, Location loc, Value v, bool batchOnly) {
  auto type = cast<RankedTensorType>(v.getType());
  Value n = dimAsF32(b, loc, v, 0);
  if (!batchOnly)
    for (int64_t d = 1; d < type.getRank(); ++d)
      n = arith::MulFOp::create(b, loc, n, dimAsF32(b, loc, v, d));
  return arith::DivFOp::create(b, loc, f32Const(b, loc, 1.0), n);
}

/// Per-row max and sum of exp(z - max) of logits [B, C].
std::pair<Value, Value> rowMaxAndSumExp(OpBuilder &b, Location loc, Value z) {
  Value max = reduceRows(b, loc, z, {}, -INFINITY,
                         [](OpBuilder &nb, Location l, ValueRange a) {
                           return arith::MaximumFOp::create(nb, l, a[0], a[1]);
                         });
  Value sum = reduceRows(b, loc, z, {max}, 0.0,
                         [](OpBuilder &nb, Location l, ValueRange a) -> Value {
                           Value e = math::ExpOp::create(
                               nb, l, arith::SubFOp::create(nb, l, a[0], a[1]));
                           return arith::AddFOp::create(nb, l, a[2], e);
                         });
  return {max, sum};
}

/// logsumexp per row: max + log(sum exp(z - max)).
Value rowLogSumExp(OpBuilder &b, Location loc, Value z) {
  auto [max, sum] = rowMaxAndSumExp(b, loc, z);
  return generic(
      b, loc, {max, sum}, {emptyLike(b, loc, max)},
      {b.getMultiDimIdentityMap(1), b.getMultiDimIdentityMap(1),
       b.getMultiDimIdentityMap(1)},
      {IteratorType::parallel}, [](OpBuilder &nb, Location l, ValueRange a) {
        Value lg = math::LogOp::create(nb, l, a[1]);
        return SmallVector<Value>{arith::AddFOp::create(nb, l, a[0], lg)};
      })[0];
}

/// Whether class index `c` (an index) equals label (i32).
Value isLabel(OpBuilder &b, Location loc, Value label, unsigned dim) {
  Value c = arith::IndexCastOp::create(b, loc, b.getI32Type(),
                                       linalg::IndexOp::create(b, loc, dim));
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, c, label);
}

/// Sums `term` over every element of `pred`-shaped operands into a 0-d
/// tensor. Each operand comes with its map from (b, c, ...) iteration space.
Value sumAll(OpBuilder &b, Location loc, int64_t rank, ValueRange inputs,
             ArrayRef<AffineMap> inputMaps,
             function_ref<Value(OpBuilder &, Location, ValueRange)> term) {
  Value acc = filled(b, loc, {}, 0.0);
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(AffineMap::get(rank, 0, {}, b.getContext()));
  SmallVector<IteratorType> iters(rank, IteratorType::reduction);
  return generic(b, loc, inputs, {acc}, maps, iters,
                 [&](OpBuilder &nb, Location l, ValueRange a) {
                   Value t = term(nb, l, a.drop_back());
                   return SmallVector<Value>{
                       arith::AddFOp::create(nb, l, a.back(), t)};
                 })[0];
}

template <typename OpTy> struct LossLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using Adaptor = typename OpConversionPattern<OpTy>::OpAdaptor;
  LogicalResult
  matchAndRewrite(OpTy op, Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, lower(rewriter, op.getLoc(), adaptor.getPrediction(),
                                 adaptor.getTargets()));
    return success();
  }
  static Value lower(OpBuilder &b, Location loc, Value pred, Value targets);
};

template <>
Value LossLowering<SparseSoftmaxCrossEntropyOp>::lower(OpBuilder &b,
                                                       Location loc, Value z,
                                                       Value labels) {
  MLIRContext *ctx = b.getContext();
  Value lse = rowLogSumExp(b, loc, z);
  Value inv = inverseCount(b, loc, z, /*batchOnly=*/true);
  // sum_b (lse[b] - z[b, label[b]]) / B, picking z by comparing indices.
  return sumAll(
      b, loc, 2, {z, labels, lse},
      {AffineMap::getMultiDimIdentityMap(2, ctx), rowMap(ctx), rowMap(ctx)},
      [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
        Value d = arith::SubFOp::create(nb, l, a[2], a[0]);
        Value t = arith::MulFOp::create(nb, l, d, inv);
        return arith::SelectOp::create(nb, l, isLabel(nb, l, a[1], 1), t,
                                       f32Const(nb, l, 0.0));
      });
}

template <>
Value LossLowering<SoftmaxCrossEntropyOp>::lower(OpBuilder &b, Location loc,
                                                 Value z, Value t) {
  MLIRContext *ctx = b.getContext();
  Value lse = rowLogSumExp(b, loc, z);
  Value inv = inverseCount(b, loc, z, /*batchOnly=*/true);
  AffineMap full = AffineMap::getMultiDimIdentityMap(2, ctx);
  return sumAll(b, loc, 2, {z, t, lse}, {full, full, rowMap(ctx)},
                [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                  Value d = arith::SubFOp::create(nb, l, a[2], a[0]);
                  Value w = arith::MulFOp::create(nb, l, a[1], d);
                  return arith::MulFOp::create(nb, l, w, inv);
                });
}

template <>
Value LossLowering<SigmoidCrossEntropyOp>::lower(OpBuilder &b, Location loc,
                                                 Value z, Value t) {
  int64_t rank = cast<RankedTensorType>(z.getType()).getRank();
  Value inv = inverseCount(b, loc, z, /*batchOnly=*/false);
  AffineMap full = b.getMultiDimIdentityMap(rank);
  return sumAll(b, loc, rank, {z, t}, {full, full},
                [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                  // max(z, 0) - z t + log1p(exp(-|z|)): never overflows.
                  Value zero = f32Const(nb, l, 0.0);
                  Value relu = arith::MaximumFOp::create(nb, l, a[0], zero);
                  Value zt = arith::MulFOp::create(nb, l, a[0], a[1]);
                  Value negAbs = arith::NegFOp::create(
                      nb, l, math::AbsFOp::create(nb, l, a[0]));
                  Value soft = math::Log1pOp::create(
                      nb, l, math::ExpOp::create(nb, l, negAbs));
                  Value v = arith::AddFOp::create(
                      nb, l, arith::SubFOp::create(nb, l, relu, zt), soft);
                  return arith::MulFOp::create(nb, l, v, inv);
                });
}

template <>
Value LossLowering<MeanSquaredErrorOp>::lower(OpBuilder &b, Location loc,
                                              Value p, Value t) {
  int64_t rank = cast<RankedTensorType>(p.getType()).getRank();
  Value inv = inverseCount(b, loc, p, /*batchOnly=*/false);
  AffineMap full = b.getMultiDimIdentityMap(rank);
  return sumAll(b, loc, rank, {p, t}, {full, full},
                [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                  Value d = arith::SubFOp::create(nb, l, a[0], a[1]);
                  return arith::MulFOp::create(
                      nb, l, arith::MulFOp::create(nb, l, d, d), inv);
                });
}

template <>
Value LossLowering<MeanAbsoluteErrorOp>::lower(OpBuilder &b, Location loc,
                                               Value p, Value t) {
  int64_t rank = cast<RankedTensorType>(p.getType()).getRank();
  Value inv = inverseCount(b, loc, p, /*batchOnly=*/false);
  AffineMap full = b.getMultiDimIdentityMap(rank);
  return sumAll(b, loc, rank, {p, t}, {full, full},
                [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                  Value d = arith::SubFOp::create(nb, l, a[0], a[1]);
                  return arith::MulFOp::create(
                      nb, l, math::AbsFOp::create(nb, l, d), inv);
                });
}

/// The scale of every element of a loss gradient: dloss / (batch or element
/// count).
Value gradScale(OpBuilder &b, Location loc, Value lossGrad, Value pred,
                bool batchOnly) {
  return arith::MulFOp::create(b, loc, scalarTensorValue(b, loc, lossGrad),
                               inverseCount(b, loc, pred, batchOnly));
}

/// (softmax(z) * sum(t) - t) * scale, one generic; sum(t) = 1 for class
/// indices, which are compared with the column index instead of read.
Value softmaxCrossEntropyGrad(OpBuilder &b, Location loc, Value pred,
                              Value targets, Value lossGrad, bool sparse) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = cast<RankedTensorType>(pred.getType()).getRank();
  AffineMap full = b.getMultiDimIdentityMap(rank);
  SmallVector<IteratorType> par(rank, IteratorType::parallel);
  Value scale = gradScale(b, loc, lossGrad, pred, /*batchOnly=*/true);
  auto [max, sum] = rowMaxAndSumExp(b, loc, pred);
  Value tsum;
  if (!sparse)
    tsum = reduceRows(b, loc, targets, {}, 0.0,
                      [](OpBuilder &nb, Location l, ValueRange a) {
                        return arith::AddFOp::create(nb, l, a[0], a[1]);
                      });
  SmallVector<Value> ins{pred, max, sum, targets};
  SmallVector<AffineMap> maps{full, rowMap(ctx), rowMap(ctx),
                              sparse ? rowMap(ctx) : full};
  if (!sparse) {
    ins.push_back(tsum);
    maps.push_back(rowMap(ctx));
  }
  maps.push_back(full);
  return generic(
      b, loc, ins, {emptyLike(b, loc, pred)}, maps, par,
      [&](OpBuilder &nb, Location l, ValueRange a) {
        Value e = math::ExpOp::create(nb, l,
                                      arith::SubFOp::create(nb, l, a[0], a[1]));
        Value p = arith::DivFOp::create(nb, l, e, a[2]);
        Value t;
        if (sparse) {
          t = arith::SelectOp::create(nb, l, isLabel(nb, l, a[3], 1),
                                      f32Const(nb, l, 1.0),
                                      f32Const(nb, l, 0.0));
        } else {
          t = a[3];
          p = arith::MulFOp::create(nb, l, p, a[4]);
        }
        Value d = arith::SubFOp::create(nb, l, p, t);
        return SmallVector<Value>{arith::MulFOp::create(nb, l, d, scale)};
      })[0];
}

/// (sigmoid(z) - t) * scale, or 2 (p - t) * scale for the squared error.
Value elementwiseLossGrad(OpBuilder &b, Location loc, Value pred, Value targets,
                          Value lossGrad, bool sigmoid) {
  int64_t rank = cast<RankedTensorType>(pred.getType()).getRank();
  AffineMap full = b.getMultiDimIdentityMap(rank);
  SmallVector<IteratorType> par(rank, IteratorType::parallel);
  Value scale = gradScale(b, loc, lossGrad, pred, /*batchOnly=*/false);
  return generic(
      b, loc, {pred, targets}, {emptyLike(b, loc, pred)}, {full, full, full},
      par, [&](OpBuilder &nb, Location l, ValueRange a) {
        Value p = a[0];
        if (sigmoid) {
          Value one = f32Const(nb, l, 1.0);
          Value e = math::ExpOp::create(nb, l, arith::NegFOp::create(nb, l, p));
          p = arith::DivFOp::create(nb, l, one,
                                    arith::AddFOp::create(nb, l, one, e));
        }
        Value d = arith::SubFOp::create(nb, l, p, a[1]);
        if (!sigmoid) // d/dp (p - t)^2 = 2 (p - t)
          d = arith::MulFOp::create(nb, l, d, f32Const(nb, l, 2.0));
        return SmallVector<Value>{arith::MulFOp::create(nb, l, d, scale)};
      })[0];
}

/// sign(p - t) * scale, with sign(0) = 0 as PyTorch's L1Loss (and Keras's
/// tf.abs gradient): two selects, no division.
Value absoluteErrorGrad(OpBuilder &b, Location loc, Value pred, Value targets,
                        Value lossGrad) {
  int64_t rank = cast<RankedTensorType>(pred.getType()).getRank();
  AffineMap full = b.getMultiDimIdentityMap(rank);
  SmallVector<IteratorType> par(rank, IteratorType::parallel);
  Value scale = gradScale(b, loc, lossGrad, pred, /*batchOnly=*/false);
  return generic(
      b, loc, {pred, targets}, {emptyLike(b, loc, pred)}, {full, full, full},
      par, [&](OpBuilder &nb, Location l, ValueRange a) {
        Value zero = f32Const(nb, l, 0.0);
        Value negScale = arith::NegFOp::create(nb, l, scale);
        Value above =
            arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OGT, a[0], a[1]);
        Value below =
            arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OLT, a[0], a[1]);
        Value g = arith::SelectOp::create(
            nb, l, above, scale,
            arith::SelectOp::create(nb, l, below, negScale, zero));
        return SmallVector<Value>{g};
      })[0];
}

/// One pattern per loss gradient op; `lower` is the loss's formula.
template <typename OpTy> struct LossGradLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using Adaptor = typename OpConversionPattern<OpTy>::OpAdaptor;
  LogicalResult
  matchAndRewrite(OpTy op, Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, lower(rewriter, op.getLoc(), adaptor.getPrediction(),
                                 adaptor.getTargets(), adaptor.getLossGrad()));
    return success();
  }
  static Value lower(OpBuilder &b, Location loc, Value pred, Value targets,
                     Value lossGrad);
};

template <>
Value LossGradLowering<SparseSoftmaxCrossEntropyGradOp>::lower(
    OpBuilder &b, Location loc, Value z, Value labels, Value lossGrad) {
  return softmaxCrossEntropyGrad(b, loc, z, labels, lossGrad, /*sparse=*/true);
}

template <>
Value LossGradLowering<SoftmaxCrossEntropyGradOp>::lower(OpBuilder &b,
                                                         Location loc, Value z,
                                                         Value t,
                                                         Value lossGrad) {
  return softmaxCrossEntropyGrad(b, loc, z, t, lossGrad, /*sparse=*/false);
}

template <>
Value LossGradLowering<SigmoidCrossEntropyGradOp>::lower(OpBuilder &b,
                                                         Location loc, Value z,
                                                         Value t,
                                                         Value lossGrad) {
  return elementwiseLossGrad(b, loc, z, t, lossGrad, /*sigmoid=*/true);
}

template <>
Value LossGradLowering<MeanSquaredErrorGradOp>::lower(OpBuilder &b,
                                                      Location loc, Value p,
                                                      Value t, Value lossGrad) {
  return elementwiseLossGrad(b, loc, p, t, lossGrad, /*sigmoid=*/false);
}

template <>
Value LossGradLowering<MeanAbsoluteErrorGradOp>::lower(OpBuilder &b,
                                                       Location loc, Value p,
                                                       Value t,
                                                       Value lossGrad) {
  return absoluteErrorGrad(b, loc, p, t, lossGrad);
}

/// Row-wise argmax of a [B, C] tensor as i32 (first index on ties).
Value rowArgmax(OpBuilder &b, Location loc, Value x) {
  MLIRContext *ctx = b.getContext();
  OpFoldResult rows = tensor::getMixedSize(b, loc, x, 0);
  Value maxInit = filled(b, loc, {rows}, -INFINITY);
  Value idxInit = tensor::EmptyOp::create(b, loc, ArrayRef<OpFoldResult>{rows},
                                          b.getI32Type());
  idxInit =
      linalg::FillOp::create(
          b, loc,
          ValueRange{arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0))},
          ValueRange{idxInit})
          .getResult(0);
  return generic(
      b, loc, {x}, {maxInit, idxInit},
      {AffineMap::getMultiDimIdentityMap(2, ctx), rowMap(ctx), rowMap(ctx)},
      {IteratorType::parallel, IteratorType::reduction},
      [](OpBuilder &nb, Location l, ValueRange a) {
        Value c = arith::IndexCastOp::create(nb, l, nb.getI32Type(),
                                             linalg::IndexOp::create(nb, l, 1));
        Value better =
            arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OGT, a[0], a[1]);
        return SmallVector<Value>{
            arith::SelectOp::create(nb, l, better, a[0], a[1]),
            arith::SelectOp::create(nb, l, better, c, a[2])};
      })[1];
}

struct CountCorrectLowering : OpConversionPattern<CountCorrectOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(CountCorrectOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    Value pred = adaptor.getPrediction(), targets = adaptor.getTargets();
    auto targetType = cast<RankedTensorType>(targets.getType());
    AffineMap row = b.getMultiDimIdentityMap(1);
    auto count = [&](Value a, Value c) {
      return sumAll(b, loc, 1, {a, c}, {row, row},
                    [](OpBuilder &nb, Location l, ValueRange v) -> Value {
                      Value eq = arith::CmpIOp::create(
                          nb, l, arith::CmpIPredicate::eq, v[0], v[1]);
                      return arith::UIToFPOp::create(nb, l, nb.getF32Type(),
                                                     eq);
                    });
    };
    Value result;
    if (targetType.getRank() == 1) {
      result = count(rowArgmax(b, loc, pred), targets);
    } else if (targetType.getDimSize(1) != 1) {
      result = count(rowArgmax(b, loc, pred), rowArgmax(b, loc, targets));
    } else {
      AffineMap full = b.getMultiDimIdentityMap(2);
      result = sumAll(
          b, loc, 2, {pred, targets}, {full, full},
          [](OpBuilder &nb, Location l, ValueRange v) -> Value {
            Value half = f32Const(nb, l, 0.5);
            Value p = arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OGT,
                                            v[0], half);
            Value t = arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OGT,
                                            v[1], half);
            Value eq =
                arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq, p, t);
            return arith::UIToFPOp::create(nb, l, nb.getF32Type(), eq);
          });
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// l1 sum |x| + l2 sum x^2; a zero factor's term is left out of the loop.
/// A rank >= 2 input is first summed over its leading dimensions into one
/// accumulator per element of the last (parallel, so it vectorises along
/// it), then that row is summed: one serial chain of float additions over a
/// 784x128 kernel would cost more than the rest of an MLP's training step.
struct L1L2PenaltyLowering : OpConversionPattern<L1L2PenaltyOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(L1L2PenaltyOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    Value x = adaptor.getInput();
    int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
    double l1 = op.getL1().convertToFloat(), l2 = op.getL2().convertToFloat();
    auto term = [&](OpBuilder &nb, Location l, Value v) -> Value {
      if (l1 == 0 && l2 == 0)
        return f32Const(nb, l, 0.0);
      Value t;
      if (l1 != 0)
        t = arith::MulFOp::create(nb, l, f32Const(nb, l, l1),
                                  math::AbsFOp::create(nb, l, v));
      if (l2 != 0) {
        Value sq = arith::MulFOp::create(nb, l, f32Const(nb, l, l2),
                                         arith::MulFOp::create(nb, l, v, v));
        t = l1 != 0 ? arith::AddFOp::create(nb, l, t, sq) : sq;
      }
      return t;
    };
    if (rank < 2) {
      AffineMap full = b.getMultiDimIdentityMap(rank);
      rewriter.replaceOp(op,
                         sumAll(b, loc, rank, {x}, {full},
                                [&](OpBuilder &nb, Location l, ValueRange a) {
                                  return term(nb, l, a[0]);
                                }));
      return success();
    }
    MLIRContext *ctx = b.getContext();
    Value row =
        filled(b, loc, {tensor::getMixedSize(b, loc, x, rank - 1)}, 0.0);
    SmallVector<IteratorType> iters(rank - 1, IteratorType::reduction);
    iters.push_back(IteratorType::parallel);
    Value partial =
        generic(b, loc, {x}, {row},
                {b.getMultiDimIdentityMap(rank),
                 AffineMap::get(rank, 0, getAffineDimExpr(rank - 1, ctx))},
                iters, [&](OpBuilder &nb, Location l, ValueRange a) {
                  return SmallVector<Value>{
                      arith::AddFOp::create(nb, l, a[1], term(nb, l, a[0]))};
                })[0];
    rewriter.replaceOp(
        op, sumAll(b, loc, 1, {partial}, {b.getMultiDimIdentityMap(1)},
                   [](OpBuilder &, Location, ValueRange a) { return a[0]; }));
    return success();
  }
};

/// dloss (l1 sign(x) + 2 l2 x), sign(0) = 0.
struct L1L2PenaltyGradLowering : OpConversionPattern<L1L2PenaltyGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(L1L2PenaltyGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    Value dloss = scalarTensorValue(b, loc, adaptor.getLossGrad());
    double l1 = op.getL1().convertToFloat(), l2 = op.getL2().convertToFloat();
    Value l1s = arith::MulFOp::create(b, loc, dloss, f32Const(b, loc, l1));
    Value l2s = arith::MulFOp::create(b, loc, dloss, f32Const(b, loc, 2 * l2));
    rewriter.replaceOp(
        op,
        elementwise(b, loc, {adaptor.getInput()},
                    [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                      Value zero = f32Const(nb, l, 0.0);
                      Value g = arith::MulFOp::create(nb, l, l2s, a[0]);
                      if (l1 == 0)
                        return g;
                      Value pos = arith::CmpFOp::create(
                          nb, l, arith::CmpFPredicate::OGT, a[0], zero);
                      Value neg = arith::CmpFOp::create(
                          nb, l, arith::CmpFPredicate::OLT, a[0], zero);
                      Value sign = arith::SelectOp::create(
                          nb, l, pos, f32Const(nb, l, 1.0),
                          arith::SelectOp::create(nb, l, neg,
                                                  f32Const(nb, l, -1.0), zero));
                      return arith::AddFOp::create(
                          nb, l, g, arith::MulFOp::create(nb, l, l1s, sign));
                    }));
    return success();
  }
};
} // namespace

void mlir::dl::populateDLToLinalgLossPatterns(RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<
      LossLowering<SparseSoftmaxCrossEntropyOp>,
      LossLowering<SoftmaxCrossEntropyOp>, LossLowering<SigmoidCrossEntropyOp>,
      LossLowering<MeanSquaredErrorOp>, LossLowering<MeanAbsoluteErrorOp>>(ctx);
  patterns.add<LossGradLowering<SparseSoftmaxCrossEntropyGradOp>,
               LossGradLowering<SoftmaxCrossEntropyGradOp>,
               LossGradLowering<SigmoidCrossEntropyGradOp>,
               LossGradLowering<MeanSquaredErrorGradOp>,
               LossGradLowering<MeanAbsoluteErrorGradOp>>(ctx);
  patterns.add<CountCorrectLowering>(ctx);
  patterns.add<L1L2PenaltyLowering, L1L2PenaltyGradLowering>(ctx);
}
