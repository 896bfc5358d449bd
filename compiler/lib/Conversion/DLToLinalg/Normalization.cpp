//===- Normalization.cpp - layer_norm and its gradient to linalg ---------===//
//
// Both work on rows: the input collapsed to [rows, C] (every leading
// dimension, the batch first, is a row index). The statistics are two
// passes over each row (mean, then the mean square of the deviations) in
// f32, and the gradient recomputes them rather than reading them from the
// forward: one more pass over the input, no per-row tensor kept alive
// between the passes. Batch normalisation's statistics are per column (one
// [C] vector each), in one pass (sums about a shifted origin, see
// columnStats), and its gradient reads the forward's and sums over every
// dimension but the channel's, at the input's rank.
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

using namespace mlir;
using namespace mlir::dl;
using namespace mlir::dl::detail;

namespace {

/// The inverse of toRows, to the shape of `like`.
Value fromRows(OpBuilder &b, Location loc, Value rows, Value like) {
  auto type = cast<RankedTensorType>(like.getType());
  int64_t rank = type.getRank();
  if (rank == 2)
    return rows;
  ReassociationIndices lead = llvm::to_vector(llvm::seq<int64_t>(0, rank - 1));
  SmallVector<OpFoldResult> sizes;
  for (int64_t d = 0; d < rank; ++d)
    sizes.push_back(tensor::getMixedSize(b, loc, like, d));
  return tensor::ExpandShapeOp::create(
      b, loc, type, rows, SmallVector<ReassociationIndices>{lead, {rank - 1}},
      sizes);
}

/// Per row of `x` [R, C]: the mean and 1 / sqrt(variance + epsilon).
std::pair<Value, Value> rowStats(OpBuilder &b, Location loc, Value x,
                                 double epsilon) {
  int64_t c = cast<RankedTensorType>(x.getType()).getDimSize(1);
  Value sum = reduceRows(
      b, loc, x, {}, 0.0, [](OpBuilder &nb, Location nl, ValueRange a) {
        return arith::AddFOp::create(nb, nl, a[0], a[1]).getResult();
      });
  Value invC = f32Const(b, loc, 1.0 / double(c));
  Value mean =
      elementwise(b, loc, sum, [&](OpBuilder &nb, Location nl, ValueRange a) {
        return arith::MulFOp::create(nb, nl, a[0], invC).getResult();
      });
  Value sq = reduceRows(
      b, loc, x, {mean}, 0.0, [](OpBuilder &nb, Location nl, ValueRange a) {
        Value d = arith::SubFOp::create(nb, nl, a[0], a[1]);
        Value dd = arith::MulFOp::create(nb, nl, d, d);
        return arith::AddFOp::create(nb, nl, dd, a[2]).getResult();
      });
  Value eps = f32Const(b, loc, epsilon);
  Value one = f32Const(b, loc, 1.0);
  Value rstd =
      elementwise(b, loc, sq, [&](OpBuilder &nb, Location nl, ValueRange a) {
        Value var = arith::MulFOp::create(nb, nl, a[0], invC);
        Value s = math::SqrtOp::create(nb, nl,
                                       arith::AddFOp::create(nb, nl, var, eps));
        return arith::DivFOp::create(nb, nl, one, s).getResult();
      });
  return {mean, rstd};
}

struct LayerNormLowering : OpConversionPattern<LayerNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LayerNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    Value x = toRows(rewriter, loc, adaptor.getInput());
    auto [mean, rstd] =
        rowStats(rewriter, loc, x, op.getEpsilon().convertToDouble());
    AffineMap full = AffineMap::getMultiDimIdentityMap(2, ctx);
    AffineMap col = AffineMap::get(2, 0, {getAffineDimExpr(1, ctx)}, ctx);
    Value y = generic(
        rewriter, loc, {x, mean, rstd, adaptor.getGamma(), adaptor.getBeta()},
        {emptyLike(rewriter, loc, x)},
        {full, rowMap(ctx), rowMap(ctx), col, col, full},
        {IteratorType::parallel, IteratorType::parallel},
        [](OpBuilder &b, Location l, ValueRange a) {
          Value xhat = arith::MulFOp::create(
              b, l, arith::SubFOp::create(b, l, a[0], a[1]), a[2]);
          Value scaled = arith::MulFOp::create(b, l, xhat, a[3]);
          return SmallVector<Value>{arith::AddFOp::create(b, l, scaled, a[4])};
        })[0];
    rewriter.replaceOp(op, fromRows(rewriter, loc, y, adaptor.getInput()));
    return success();
  }
};

struct LayerNormGradLowering : OpConversionPattern<LayerNormGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LayerNormGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    Value dy = toRows(rewriter, loc, adaptor.getGrad());
    Value x = toRows(rewriter, loc, adaptor.getInput());
    Value gamma = adaptor.getGamma();
    int64_t c = cast<RankedTensorType>(x.getType()).getDimSize(1);
    auto [mean, rstd] =
        rowStats(rewriter, loc, x, op.getEpsilon().convertToDouble());
    AffineMap full = AffineMap::getMultiDimIdentityMap(2, ctx);
    AffineMap row = rowMap(ctx);
    AffineMap col = AffineMap::get(2, 0, {getAffineDimExpr(1, ctx)}, ctx);
    auto xhatOf = [](OpBuilder &b, Location l, Value xv, Value m, Value r) {
      return arith::MulFOp::create(b, l, arith::SubFOp::create(b, l, xv, m), r)
          .getResult();
    };

    // Per row: sum(g) and sum(g * xhat), g = dy * gamma.
    Value rowInit = emptyWithDims(rewriter, loc, x, {0}, rewriter.getF32Type());
    Value zero = f32Const(rewriter, loc, 0.0);
    rowInit = linalg::FillOp::create(rewriter, loc, ValueRange{zero},
                                     ValueRange{rowInit})
                  .getResult(0);
    SmallVector<Value> sums = generic(
        rewriter, loc, {dy, x, mean, rstd, gamma}, {rowInit, rowInit},
        {full, full, row, row, col, row, row},
        {IteratorType::parallel, IteratorType::reduction},
        [&](OpBuilder &b, Location l, ValueRange a) {
          Value g = arith::MulFOp::create(b, l, a[0], a[4]);
          Value gx =
              arith::MulFOp::create(b, l, g, xhatOf(b, l, a[1], a[2], a[3]));
          return SmallVector<Value>{arith::AddFOp::create(b, l, a[5], g),
                                    arith::AddFOp::create(b, l, a[6], gx)};
        });

    // dx = rstd * (g - sum(g) / C - xhat * sum(g * xhat) / C).
    Value invC = f32Const(rewriter, loc, 1.0 / double(c));
    Value dx = generic(
        rewriter, loc, {dy, x, mean, rstd, gamma, sums[0], sums[1]},
        {emptyLike(rewriter, loc, x)},
        {full, full, row, row, col, row, row, full},
        {IteratorType::parallel, IteratorType::parallel},
        [&](OpBuilder &b, Location l, ValueRange a) {
          Value g = arith::MulFOp::create(b, l, a[0], a[4]);
          Value xhat = xhatOf(b, l, a[1], a[2], a[3]);
          Value m1 = arith::MulFOp::create(b, l, a[5], invC);
          Value m2 = arith::MulFOp::create(b, l, a[6], invC);
          Value t =
              arith::SubFOp::create(b, l, arith::SubFOp::create(b, l, g, m1),
                                    arith::MulFOp::create(b, l, xhat, m2));
          return SmallVector<Value>{arith::MulFOp::create(b, l, a[3], t)};
        })[0];

    // gamma's and beta's: sums over every row.
    Value colInit = filled(rewriter, loc, {rewriter.getIndexAttr(c)}, 0.0);
    SmallVector<Value> params = generic(
        rewriter, loc, {dy, x, mean, rstd}, {colInit, colInit},
        {full, full, row, row, col, col},
        {IteratorType::reduction, IteratorType::parallel},
        [&](OpBuilder &b, Location l, ValueRange a) {
          Value dyx =
              arith::MulFOp::create(b, l, a[0], xhatOf(b, l, a[1], a[2], a[3]));
          return SmallVector<Value>{arith::AddFOp::create(b, l, a[4], dyx),
                                    arith::AddFOp::create(b, l, a[5], a[0])};
        });
    rewriter.replaceOp(op, {fromRows(rewriter, loc, dx, adaptor.getInput()),
                            params[0], params[1]});
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Batch normalisation: statistics per column of the rows [R, C]
//===----------------------------------------------------------------------===//

/// The per-channel statistics of `x` [R, C] over its rows: the mean, the
/// biased variance, 1 / sqrt(variance + epsilon), and 1 / R (a scalar).
struct ColumnStats {
  Value mean, variance, rstd, invCount;
};

/// Sums over every dimension but the last of [..., C] (rows [R, C], or
/// [N, H, W, C]) into [C]: `body` gets (inputs..., acc...) where inputs are
/// full or per-column [C] as `perColumn` says (the first is full).
SmallVector<Value> sumColumns(
    OpBuilder &b, Location loc, ValueRange inputs, ArrayRef<bool> perColumn,
    int64_t c, unsigned numSums,
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)> body) {
  MLIRContext *ctx = b.getContext();
  unsigned rank = cast<RankedTensorType>(inputs[0].getType()).getRank();
  AffineMap full = AffineMap::getMultiDimIdentityMap(rank, ctx);
  AffineMap col =
      AffineMap::get(rank, 0, {getAffineDimExpr(rank - 1, ctx)}, ctx);
  SmallVector<AffineMap> maps;
  for (bool pc : perColumn)
    maps.push_back(pc ? col : full);
  Value init = filled(b, loc, {b.getIndexAttr(c)}, 0.0);
  SmallVector<Value> inits(numSums, init);
  maps.append(numSums, col);
  SmallVector<IteratorType> iters(rank - 1, IteratorType::reduction);
  iters.push_back(IteratorType::parallel);
  return generic(b, loc, inputs, inits, maps, iters, body);
}

/// 1 / R as an f32, R the rows of [..., C] (batch x positions), known only
/// at run time.
Value inverseRows(OpBuilder &b, Location loc, Value x) {
  Value rows = tensor::DimOp::create(b, loc, x, 0);
  auto type = cast<RankedTensorType>(x.getType());
  for (int64_t d = 1; d + 1 < type.getRank(); ++d)
    rows = arith::MulIOp::create(b, loc, rows,
                                 tensor::DimOp::create(b, loc, x, d));
  Value rowsF = arith::UIToFPOp::create(
      b, loc, b.getF32Type(),
      arith::IndexCastOp::create(b, loc, b.getI64Type(), rows));
  return arith::DivFOp::create(b, loc, f32Const(b, loc, 1.0), rowsF)
      .getResult();
}

/// The first row of `x` [R, C] as a [C] vector, zero when R = 0: a sum over
/// the slice of min(R, 1) rows, so an empty batch reads nothing.
Value firstRow(OpBuilder &b, Location loc, Value x, int64_t c) {
  Value rows = tensor::DimOp::create(b, loc, x, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value n = arith::MinUIOp::create(b, loc, rows, one);
  Value head = tensor::ExtractSliceOp::create(
      b, loc, x, ArrayRef<OpFoldResult>{b.getIndexAttr(0), b.getIndexAttr(0)},
      ArrayRef<OpFoldResult>{n, b.getIndexAttr(c)},
      ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1)});
  return sumColumns(b, loc, {head}, {false}, c, 1,
                    [](OpBuilder &nb, Location nl, ValueRange a) {
                      return SmallVector<Value>{
                          arith::AddFOp::create(nb, nl, a[0], a[1])};
                    })[0];
}

ColumnStats columnStats(OpBuilder &b, Location loc, Value x, double epsilon) {
  MLIRContext *ctx = b.getContext();
  int64_t c = cast<RankedTensorType>(x.getType()).getDimSize(1);
  ColumnStats s;
  s.invCount = inverseRows(b, loc, x);
  // One sweep over the input (after a convolution, a tensor beyond L2):
  // the sums of d = x - k and of d * d, where k is the first row. The shift
  // keeps the variance S2 / R - (S1 / R)^2 free of the cancellation that
  // E[x^2] - E[x]^2 suffers when the mean is large against the spread: the
  // deviations from one sample are of the order of the spread.
  Value shift = firstRow(b, loc, x, c);
  SmallVector<Value> sums =
      sumColumns(b, loc, {x, shift}, {false, true}, c, 2,
                 [](OpBuilder &nb, Location nl, ValueRange a) {
                   Value d = arith::SubFOp::create(nb, nl, a[0], a[1]);
                   return SmallVector<Value>{
                       arith::AddFOp::create(nb, nl, a[2], d),
                       math::FmaOp::create(nb, nl, d, d, a[3]).getResult()};
                 });
  AffineMap id = AffineMap::getMultiDimIdentityMap(1, ctx);
  Value init = filled(b, loc, {b.getIndexAttr(c)}, 0.0);
  Value zero = f32Const(b, loc, 0.0);
  SmallVector<Value> stats = generic(
      b, loc, {shift, sums[0], sums[1]}, {init, init}, {id, id, id, id, id},
      {IteratorType::parallel}, [&](OpBuilder &nb, Location nl, ValueRange a) {
        Value m1 = arith::MulFOp::create(nb, nl, a[1], s.invCount);
        Value m2 = arith::MulFOp::create(nb, nl, a[2], s.invCount);
        Value mean = arith::AddFOp::create(nb, nl, a[0], m1);
        // Rounding can leave a constant channel's variance a hair below 0.
        Value var = arith::MaximumFOp::create(
            nb, nl,
            arith::SubFOp::create(nb, nl, m2,
                                  arith::MulFOp::create(nb, nl, m1, m1)),
            zero);
        return SmallVector<Value>{mean, var};
      });
  s.mean = stats[0];
  s.variance = stats[1];
  Value eps = f32Const(b, loc, epsilon), one = f32Const(b, loc, 1.0);
  s.rstd = elementwise(
      b, loc, s.variance, [&](OpBuilder &nb, Location nl, ValueRange a) {
        Value v = arith::AddFOp::create(nb, nl, a[0], eps);
        return arith::DivFOp::create(nb, nl, one,
                                     math::SqrtOp::create(nb, nl, v))
            .getResult();
      });
  return s;
}

/// (x - mean) * scale + shift over [R, C] with per-column vectors.
Value scaleShift(OpBuilder &b, Location loc, Value x, Value mean, Value scale,
                 Value shift) {
  MLIRContext *ctx = b.getContext();
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  AffineMap full = AffineMap::getMultiDimIdentityMap(rank, ctx);
  AffineMap last =
      AffineMap::get(rank, 0, {getAffineDimExpr(rank - 1, ctx)}, ctx);
  SmallVector<IteratorType> iters(rank, IteratorType::parallel);
  return generic(b, loc, {x, mean, scale, shift}, {emptyLike(b, loc, x)},
                 {full, last, last, last, full}, iters,
                 [](OpBuilder &nb, Location l, ValueRange a) {
                   Value d = arith::SubFOp::create(nb, l, a[0], a[1]);
                   Value y = math::FmaOp::create(nb, l, d, a[2], a[3]);
                   return SmallVector<Value>{y};
                 })[0];
}

struct BatchNormLowering : OpConversionPattern<BatchNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(BatchNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = toRows(rewriter, loc, adaptor.getInput());
    ColumnStats s =
        columnStats(rewriter, loc, x, op.getEpsilon().convertToDouble());
    Value scale = elementwise(
        rewriter, loc, {adaptor.getGamma(), s.rstd},
        [](OpBuilder &nb, Location nl, ValueRange a) {
          return arith::MulFOp::create(nb, nl, a[0], a[1]).getResult();
        });
    Value y = scaleShift(rewriter, loc, x, s.mean, scale, adaptor.getBeta());
    rewriter.replaceOp(op, {fromRows(rewriter, loc, y, adaptor.getInput()),
                            s.mean, s.variance});
    return success();
  }
};

struct BatchNormInferenceLowering : OpConversionPattern<BatchNormInferenceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(BatchNormInferenceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value eps = f32Const(rewriter, loc, op.getEpsilon().convertToDouble());
    // The per-channel scale first: one sqrt per channel, not per element.
    Value scale =
        elementwise(rewriter, loc, {adaptor.getGamma(), adaptor.getVariance()},
                    [&](OpBuilder &nb, Location nl, ValueRange a) {
                      Value v = arith::AddFOp::create(nb, nl, a[1], eps);
                      return arith::DivFOp::create(
                                 nb, nl, a[0], math::SqrtOp::create(nb, nl, v))
                          .getResult();
                    });
    rewriter.replaceOp(op,
                       scaleShift(rewriter, loc, adaptor.getInput(),
                                  adaptor.getMean(), scale, adaptor.getBeta()));
    return success();
  }
};

struct BatchNormGradLowering : OpConversionPattern<BatchNormGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(BatchNormGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op,
                       batchNormGrad(rewriter, op.getLoc(), adaptor.getGrad(),
                                     adaptor.getInput(), adaptor.getGamma(),
                                     adaptor.getMean(), adaptor.getVariance(),
                                     op.getEpsilon().convertToDouble()));
    return success();
  }
};

} // namespace

SmallVector<Value>
mlir::dl::detail::batchNormGrad(OpBuilder &b, Location loc, Value dy, Value x,
                                Value gamma, Value mean, Value variance,
                                double epsilon, ValueRange pooled) {
  MLIRContext *ctx = b.getContext();
  // At the input's rank, not on rows: a gradient computed where it is
  // read (a max pooling's, dl-fuse-elementwise) needs the positions.
  auto xType = cast<RankedTensorType>(x.getType());
  unsigned rank = xType.getRank();
  int64_t c = xType.getDimSize(rank - 1);
  // The forward's statistics: rstd per channel, and 1 / N.
  ColumnStats s;
  s.mean = mean;
  Value eps = f32Const(b, loc, epsilon);
  Value one = f32Const(b, loc, 1.0);
  s.rstd = elementwise(
      b, loc, variance, [&](OpBuilder &nb, Location nl, ValueRange a) {
        Value v = arith::AddFOp::create(nb, nl, a[0], eps);
        return arith::DivFOp::create(nb, nl, one,
                                     math::SqrtOp::create(nb, nl, v))
            .getResult();
      });
  s.invCount = inverseRows(b, loc, x);
  // beta's cotangent sum(dy) and gamma's sum(dy * xhat), in one pass; rstd
  // is a factor of every term of the latter, applied once per channel.
  // With the pooled form, over the windows: (values, x at each window's
  // argmax) hold the same nonzero terms as (dy, x), a quarter of them
  // for a 2 x 2 pooling, and x no longer has to be read whole twice.
  Value sumsOf = pooled.empty() ? dy : pooled[0];
  Value xOf = pooled.empty() ? x : pooled[1];
  SmallVector<Value> sums =
      sumColumns(b, loc, {sumsOf, xOf, s.mean}, {false, false, true}, c, 2,
                 [](OpBuilder &nb, Location l, ValueRange a) {
                   Value d = arith::SubFOp::create(nb, l, a[1], a[2]);
                   return SmallVector<Value>{
                       math::FmaOp::create(nb, l, a[0], d, a[3]).getResult(),
                       arith::AddFOp::create(nb, l, a[4], a[0])};
                 });
  Value dgamma = elementwise(
      b, loc, {sums[0], s.rstd}, [](OpBuilder &nb, Location l, ValueRange a) {
        return arith::MulFOp::create(nb, l, a[0], a[1]).getResult();
      });
  Value dbeta = sums[1];
  // dx = gamma * rstd * (dy - (sum(dy) + xhat * sum(dy * xhat)) / R)
  //    = a * dy + b * (x - mean) + c with per-channel a = gamma * rstd,
  // b = -a * rstd * sum(dy * xhat) / R and c = -a * sum(dy) / R: those
  // first, once per channel, so the sweep over [R, C] is a subtraction
  // and two FMAs per element, reading three vectors per channel.
  AffineMap full = AffineMap::getMultiDimIdentityMap(rank, ctx);
  AffineMap col =
      AffineMap::get(rank, 0, {getAffineDimExpr(rank - 1, ctx)}, ctx);
  AffineMap id = AffineMap::getMultiDimIdentityMap(1, ctx);
  Value invCount = s.invCount;
  Value init = emptyLike(b, loc, s.mean);
  SmallVector<Value> coef =
      generic(b, loc, {gamma, s.rstd, dgamma, dbeta}, {init, init, init},
              {id, id, id, id, id, id, id}, {IteratorType::parallel},
              [&](OpBuilder &nb, Location l, ValueRange a) {
                Value k = arith::MulFOp::create(nb, l, a[0], a[1]);
                Value nk = arith::NegFOp::create(
                    nb, l, arith::MulFOp::create(nb, l, k, invCount));
                Value bc = arith::MulFOp::create(
                    nb, l, nk, arith::MulFOp::create(nb, l, a[1], a[2]));
                Value cc = arith::MulFOp::create(nb, l, nk, a[3]);
                return SmallVector<Value>{k, bc, cc};
              });
  Value dx = generic(
      b, loc, {dy, x, s.mean, coef[0], coef[1], coef[2]},
      {emptyLike(b, loc, x)}, {full, full, col, col, col, col, full},
      SmallVector<IteratorType>(rank, IteratorType::parallel),
      [&](OpBuilder &nb, Location l, ValueRange a) {
        Value d = arith::SubFOp::create(nb, l, a[1], a[2]);
        Value t = math::FmaOp::create(nb, l, d, a[4], a[5]);
        return SmallVector<Value>{math::FmaOp::create(nb, l, a[0], a[3], t)};
      })[0];
  return {dx, dgamma, dbeta};
}

void mlir::dl::populateDLToLinalgNormalizationPatterns(
    RewritePatternSet &patterns) {
  patterns.add<LayerNormLowering, LayerNormGradLowering, BatchNormLowering,
               BatchNormInferenceLowering, BatchNormGradLowering>(
      patterns.getContext());
}
