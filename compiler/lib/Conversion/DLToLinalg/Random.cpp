//===- Random.cpp - random initialisers and dropout to linalg -------------===//
//
// Counter-based: every element is a hash (SplitMix64's mixer) of the seed
// (or a dropout's training key), the op's stream and the element's index, so
// the generic carries no state from one element to the next, and a dropout
// mask is recomputed by its VJP instead of being stored.
//
//===----------------------------------------------------------------------===//
#include "Utils.h"
#include "dl/Conversion/DLToLinalg.h"
#include "dl/Dialect/DL/IR/DLContract.h"
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
/// SplitMix64's finaliser: a bijective mix of 64 bits.
Value mix64(OpBuilder &b, Location loc, Value z) {
  auto c = [&](uint64_t v) {
    return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(int64_t(v)));
  };
  auto xorShift = [&](Value v, uint64_t s) {
    return arith::XOrIOp::create(b, loc, v,
                                 arith::ShRUIOp::create(b, loc, v, c(s)));
  };
  z = arith::MulIOp::create(b, loc, xorShift(z, 30), c(0xBF58476D1CE4E5B9ull));
  z = arith::MulIOp::create(b, loc, xorShift(z, 27), c(0x94D049BB133111EBull));
  return xorShift(z, 31);
}

constexpr uint64_t kGolden = 0x9E3779B97F4A7C15ull;

/// Uniform in [0, 1) from the top 24 bits: exactly representable in f32.
Value toUnit(OpBuilder &b, Location loc, Value bits) {
  Value top = arith::ShRUIOp::create(
      b, loc, bits, arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(40)));
  Value f = arith::UIToFPOp::create(b, loc, b.getF32Type(), top);
  return arith::MulFOp::create(b, loc, f, f32Const(b, loc, 1.0 / 16777216.0));
}

/// A generic over a static tensor whose body gets the element's row-major
/// index (i64) and the per-tensor key mix64(seed + (stream + 1) * golden).
Value randomTensor(
    OpBuilder &b, Location loc, RankedTensorType type, Value seed,
    int64_t stream,
    function_ref<Value(OpBuilder &, Location, Value key, Value index)> body) {
  Value streamOffset = arith::ConstantOp::create(
      b, loc, b.getI64IntegerAttr(int64_t(uint64_t(stream + 1) * kGolden)));
  Value key = mix64(b, loc, arith::AddIOp::create(b, loc, seed, streamOffset));
  Value init =
      tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
  AffineMap id = b.getMultiDimIdentityMap(type.getRank());
  SmallVector<IteratorType> iters(type.getRank(), IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, ValueRange{}, ValueRange{init},
             ArrayRef<AffineMap>{id}, iters,
             [&](OpBuilder &nb, Location nl, ValueRange) {
               Value linear = arith::ConstantIndexOp::create(nb, nl, 0);
               for (int64_t d = 0; d < type.getRank(); ++d) {
                 Value size =
                     arith::ConstantIndexOp::create(nb, nl, type.getDimSize(d));
                 linear = arith::AddIOp::create(
                     nb, nl, arith::MulIOp::create(nb, nl, linear, size),
                     linalg::IndexOp::create(nb, nl, d));
               }
               Value idx =
                   arith::IndexCastOp::create(nb, nl, nb.getI64Type(), linear);
               linalg::YieldOp::create(nb, nl, body(nb, nl, key, idx));
             })
      .getResult(0);
}

/// Bits for draw `which` of element `idx`: mix64(key + (2 idx + which + 1) g).
Value drawBits(OpBuilder &b, Location loc, Value key, Value idx, int which) {
  auto c = [&](uint64_t v) {
    return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(int64_t(v)));
  };
  Value n = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, idx, c(2)), c(which + 1));
  return mix64(b, loc,
               arith::AddIOp::create(
                   b, loc, key, arith::MulIOp::create(b, loc, n, c(kGolden))));
}

struct RandomUniformLowering : OpConversionPattern<RandomUniformOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(RandomUniformOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    double low = op.getLow().convertToDouble();
    double high = op.getHigh().convertToDouble();
    rewriter.replaceOp(
        op, randomTensor(rewriter, op.getLoc(), op.getType(), adaptor.getSeed(),
                         op.getStream(),
                         [&](OpBuilder &b, Location l, Value key, Value idx) {
                           Value u = toUnit(b, l, drawBits(b, l, key, idx, 0));
                           return arith::AddFOp::create(
                               b, l, f32Const(b, l, low),
                               arith::MulFOp::create(
                                   b, l, u, f32Const(b, l, high - low)));
                         }));
    return success();
  }
};

struct RandomNormalLowering : OpConversionPattern<RandomNormalOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(RandomNormalOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    double stddev = op.getStddev().convertToDouble();
    rewriter.replaceOp(
        op, randomTensor(
                rewriter, op.getLoc(), op.getType(), adaptor.getSeed(),
                op.getStream(),
                [&](OpBuilder &b, Location l, Value key, Value idx) {
                  // Box-Muller; u1 in (0, 1] keeps log() finite.
                  Value u1 = arith::SubFOp::create(
                      b, l, f32Const(b, l, 1.0),
                      toUnit(b, l, drawBits(b, l, key, idx, 0)));
                  Value u2 = toUnit(b, l, drawBits(b, l, key, idx, 1));
                  Value r = math::SqrtOp::create(
                      b, l,
                      arith::MulFOp::create(b, l, f32Const(b, l, -2.0),
                                            math::LogOp::create(b, l, u1)));
                  Value z = arith::MulFOp::create(
                      b, l, r,
                      math::CosOp::create(
                          b, l,
                          arith::MulFOp::create(b, l, u2,
                                                f32Const(b, l, 2.0 * M_PI))));
                  if (!op.getUnclipped()) {
                    z = arith::MinimumFOp::create(b, l, z, f32Const(b, l, 2.0));
                    z = arith::MaximumFOp::create(b, l, z,
                                                  f32Const(b, l, -2.0));
                  }
                  return arith::MulFOp::create(b, l, z, f32Const(b, l, stddev));
                }));
    return success();
  }
};
/// mix64(key + (stream + 1) g): the per-op key, computed once outside the
/// loop.
Value streamKey(OpBuilder &b, Location loc, Value key, int64_t stream) {
  Value offset = arith::ConstantOp::create(
      b, loc, b.getI64IntegerAttr(int64_t(uint64_t(stream + 1) * kGolden)));
  return mix64(b, loc, arith::AddIOp::create(b, loc, key, offset));
}

/// One elementwise generic: x kept (times 1 / (1 - rate)) where the element's
/// uniform draw is >= rate, else 0. The draw's index is row-major over the
/// tensor, or over (batch, channel) only when spatial.
struct DropoutLowering : OpConversionPattern<DropoutOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DropoutOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto type = cast<RankedTensorType>(x.getType());
    int64_t rank = type.getRank();
    double rate = op.getRate().convertToDouble();
    bool spatial = op.getSpatial();
    Value key = streamKey(rewriter, loc,
                          tensor::ExtractOp::create(
                              rewriter, loc, adaptor.getKey(), ValueRange{}),
                          op.getStream());
    // The sizes the index counts over, read once outside the loop.
    SmallVector<int64_t> dims;
    for (int64_t d = 0; d < rank; ++d)
      if (!spatial || d == 0 || d == rank - 1)
        dims.push_back(d);
    SmallVector<Value> sizes;
    for (int64_t d : dims)
      sizes.push_back(type.isDynamicDim(d)
                          ? Value(tensor::DimOp::create(rewriter, loc, x, d))
                          : Value(arith::ConstantIndexOp::create(
                                rewriter, loc, type.getDimSize(d))));
    // Keras scales by 1 / (1 - rate) computed in double, then rounded to the
    // tensor's f32.
    double scale = 1.0 / (1.0 - rate);
    Value y = elementwise(
        rewriter, loc, ValueRange{x},
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value linear = arith::ConstantIndexOp::create(b, l, 0);
          for (auto [d, size] : llvm::zip(dims, sizes))
            linear = arith::AddIOp::create(
                b, l, arith::MulIOp::create(b, l, linear, size),
                linalg::IndexOp::create(b, l, d));
          Value idx = arith::IndexCastOp::create(b, l, b.getI64Type(), linear);
          Value u = toUnit(b, l, drawBits(b, l, key, idx, 0));
          Value keep = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGE, u,
                                             f32Const(b, l, rate));
          Value scaled =
              arith::MulFOp::create(b, l, args[0], f32Const(b, l, scale));
          return arith::SelectOp::create(b, l, keep, scaled,
                                         f32Const(b, l, 0.0));
        });
    rewriter.replaceOp(op, y);
    return success();
  }
};

/// mix64(seed + (step + 1) g), the seed assembled from its 16-bit words.
struct TrainingKeyLowering : OpConversionPattern<TrainingKeyOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TrainingKeyOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    auto i64 = b.getI64Type();
    auto c = [&](uint64_t v) {
      return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(int64_t(v)));
    };
    auto word = [&](Value t, ValueRange index) {
      Value f = tensor::ExtractOp::create(b, loc, t, index);
      return arith::FPToUIOp::create(b, loc, i64, f);
    };
    Value seed = c(0);
    for (int k = 0; k < kSeedWords; ++k) {
      Value w = word(adaptor.getSeed(),
                     ValueRange{arith::ConstantIndexOp::create(b, loc, k)});
      seed = arith::OrIOp::create(b, loc, seed,
                                  arith::ShLIOp::create(b, loc, w, c(16 * k)));
    }
    Value step = word(adaptor.getStep(), ValueRange{});
    Value n = arith::AddIOp::create(b, loc, step, c(1));
    Value key =
        mix64(b, loc,
              arith::AddIOp::create(
                  b, loc, seed, arith::MulIOp::create(b, loc, n, c(kGolden))));
    rewriter.replaceOp(op, tensor::FromElementsOp::create(b, loc, op.getType(),
                                                          ValueRange{key}));
    return success();
  }
};
} // namespace

void mlir::dl::populateDLToLinalgRandomPatterns(RewritePatternSet &patterns) {
  patterns.add<RandomUniformLowering, RandomNormalLowering, DropoutLowering,
               TrainingKeyLowering>(patterns.getContext());
}
