//===- DLToLinalg.cpp - lower dl ops to linalg on tensors ------------------===//
//
// Every dl op becomes a few structured linalg ops; nothing here schedules
// loops. Tiling, vectorisation and fusion act on the linalg form later, where
// upstream transformations already understand it.
//
//===----------------------------------------------------------------------===//
#include "dl/Conversion/Passes.h"
#include "dl/Dialect/DL/IR/DLOps.h"

#include "mlir/Dialect/Tensor/Utils/Utils.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cmath>

namespace mlir::dl {
#define GEN_PASS_DEF_CONVERTDLTOLINALG
#include "dl/Conversion/Passes.h.inc"
} // namespace mlir::dl

using namespace mlir;
using namespace mlir::dl;

namespace {
using utils::IteratorType;

/// tensor.empty with the shape of `like` (dynamic sizes read with tensor.dim).
Value emptyLike(OpBuilder &b, Location loc, Value like) {
  auto type = cast<RankedTensorType>(like.getType());
  return tensor::EmptyOp::create(b, loc, tensor::getMixedSizes(b, loc, like),
                                 type.getElementType());
}

/// An empty tensor of the given static/dynamic sizes, dynamic ones taken from
/// dimension `dims[i]` of `like`.
Value emptyWithDims(OpBuilder &b, Location loc, Value like,
                    ArrayRef<int64_t> dims, Type elementType) {
  SmallVector<OpFoldResult> sizes;
  for (int64_t d : dims)
    sizes.push_back(tensor::getMixedSize(b, loc, like, d));
  return tensor::EmptyOp::create(b, loc, sizes, elementType);
}

Value f32Const(OpBuilder &b, Location loc, double v) {
  return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v));
}

/// A parallel elementwise generic over `inputs` (all of the result's shape).
Value elementwise(
    OpBuilder &b, Location loc, ValueRange inputs,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  Value init = emptyLike(b, loc, inputs.front());
  auto type = cast<RankedTensorType>(init.getType());
  AffineMap id = b.getMultiDimIdentityMap(type.getRank());
  SmallVector<AffineMap> maps(inputs.size() + 1, id);
  SmallVector<IteratorType> iters(type.getRank(), IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, inputs, ValueRange{init}, maps, iters,
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               Value r = body(nb, nl, args.drop_back());
               linalg::YieldOp::create(nb, nl, r);
             })
      .getResult(0);
}


/// A linalg.generic over `inputs` and `inits` with explicit maps; `body`
/// gets the block arguments (inputs then outputs) and returns the yields.
SmallVector<Value> generic(
    OpBuilder &b, Location loc, ValueRange inputs, ValueRange inits,
    ArrayRef<AffineMap> maps, ArrayRef<IteratorType> iters,
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)> body) {
  SmallVector<Type> types;
  for (Value v : inits)
    types.push_back(v.getType());
  auto op = linalg::GenericOp::create(
      b, loc, types, inputs, inits, maps, iters,
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        linalg::YieldOp::create(nb, nl, body(nb, nl, args));
      });
  return SmallVector<Value>(op.getResults());
}

/// A filled tensor: static `shape` with `?` sizes taken from `dynSizes`.
Value filled(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
             double value) {
  Value init = tensor::EmptyOp::create(b, loc, sizes, b.getF32Type());
  return linalg::FillOp::create(b, loc, ValueRange{f32Const(b, loc, value)},
                                ValueRange{init})
      .getResult(0);
}

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

Value scalarTensorValue(OpBuilder &b, Location loc, Value t) {
  return tensor::ExtractOp::create(b, loc, t, ValueRange{});
}

AffineMap rowMap(MLIRContext *ctx) {
  return AffineMap::get(2, 0, {getAffineDimExpr(0, ctx)}, ctx);
}

//===----------------------------------------------------------------------===//
// Layers
//===----------------------------------------------------------------------===//

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
    rewriter.replaceOp(
        op, linalg::MatmulOp::create(
                rewriter, loc, ValueRange{adaptor.getInput(), adaptor.getKernel()},
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

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

/// An elementwise dl op (activation, activation gradient, add): one
/// parallel linalg.generic over its operands; the op's scalar rule is a
/// specialisation of `scalar` taking the operands' elements in order.
template <typename OpTy>
struct ElementwiseLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using Adaptor = typename OpConversionPattern<OpTy>::OpAdaptor;
  LogicalResult
  matchAndRewrite(OpTy op, Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, elementwise(rewriter, op.getLoc(),
                                       adaptor.getOperands(), &scalar));
    return success();
  }
  static Value scalar(OpBuilder &b, Location loc, ValueRange args);
};

template <>
Value ElementwiseLowering<ReluOp>::scalar(OpBuilder &b, Location loc,
                                          ValueRange a) {
  return arith::MaximumFOp::create(b, loc, a[0], f32Const(b, loc, 0.0));
}
template <>
Value ElementwiseLowering<SigmoidOp>::scalar(OpBuilder &b, Location loc,
                                             ValueRange a) {
  Value one = f32Const(b, loc, 1.0);
  Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, a[0]));
  return arith::DivFOp::create(b, loc, one, arith::AddFOp::create(b, loc, one, e));
}
template <>
Value ElementwiseLowering<TanhOp>::scalar(OpBuilder &b, Location loc,
                                          ValueRange a) {
  return math::TanhOp::create(b, loc, a[0]);
}

/// Reduces a [B, N] tensor over its last dimension into [B].
Value reduceRows(OpBuilder &b, Location loc, Value x, ValueRange extra,
                 double initValue,
                 function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  auto type = cast<RankedTensorType>(x.getType());
  Value init = emptyWithDims(b, loc, x, {0}, type.getElementType());
  init = linalg::FillOp::create(b, loc, ValueRange{f32Const(b, loc, initValue)},
                                ValueRange{init})
             .getResult(0);
  MLIRContext *ctx = b.getContext();
  AffineMap full = AffineMap::getMultiDimIdentityMap(2, ctx);
  AffineMap row = AffineMap::get(2, 0, {getAffineDimExpr(0, ctx)}, ctx);
  SmallVector<Value> inputs{x};
  SmallVector<AffineMap> maps{full};
  for (Value e : extra) {
    inputs.push_back(e);
    maps.push_back(row);
  }
  maps.push_back(row);
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
             {IteratorType::parallel, IteratorType::reduction},
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               linalg::YieldOp::create(nb, nl, body(nb, nl, args));
             })
      .getResult(0);
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

//===----------------------------------------------------------------------===//
// Random initialisers
//===----------------------------------------------------------------------===//

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
  Value init = tensor::EmptyOp::create(b, loc, type.getShape(),
                                       type.getElementType());
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
               Value idx = arith::IndexCastOp::create(nb, nl, nb.getI64Type(),
                                                      linear);
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
        op,
        randomTensor(
            rewriter, op.getLoc(), op.getType(), adaptor.getSeed(),
            op.getStream(), [&](OpBuilder &b, Location l, Value key, Value idx) {
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
              z = arith::MinimumFOp::create(b, l, z, f32Const(b, l, 2.0));
              z = arith::MaximumFOp::create(b, l, z, f32Const(b, l, -2.0));
              return arith::MulFOp::create(b, l, z, f32Const(b, l, stddev));
            }));
    return success();
  }
};


//===----------------------------------------------------------------------===//
// Backward-pass building blocks
//===----------------------------------------------------------------------===//

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
        AffineMap::get(3, 0, tl ? ArrayRef<AffineExpr>{k, m}
                                : ArrayRef<AffineExpr>{m, k}, ctx),
        AffineMap::get(3, 0, tr ? ArrayRef<AffineExpr>{n, k}
                                : ArrayRef<AffineExpr>{k, n}, ctx),
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

template <>
Value ElementwiseLowering<AddOp>::scalar(OpBuilder &b, Location loc,
                                         ValueRange a) {
  return arith::AddFOp::create(b, loc, a[0], a[1]);
}

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
      SmallVector<OpFoldResult> shape{tensor::getMixedSize(rewriter, loc, v, 0)};
      for (int64_t d : out.getShape().drop_front())
        shape.push_back(rewriter.getIndexAttr(d));
      v = tensor::ExpandShapeOp::create(rewriter, loc, out, v,
                                        batchAndRest(out.getRank()), shape);
    }
    rewriter.replaceOp(op, v);
    return success();
  }
};

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
    Value s = generic(rewriter, loc, {dy, y},
                      {filled(rewriter, loc,
                              {tensor::getMixedSize(rewriter, loc, dy, 0)}, 0.0)},
                      {full, full, rowMap(ctx)},
                      {IteratorType::parallel, IteratorType::reduction},
                      [](OpBuilder &b, Location l, ValueRange a) {
                        Value p = arith::MulFOp::create(b, l, a[0], a[1]);
                        return SmallVector<Value>{
                            arith::AddFOp::create(b, l, a[2], p)};
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

//===----------------------------------------------------------------------===//
// Losses and metrics
//===----------------------------------------------------------------------===//

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
  return generic(b, loc, {max, sum}, {emptyLike(b, loc, max)},
                 {b.getMultiDimIdentityMap(1), b.getMultiDimIdentityMap(1),
                  b.getMultiDimIdentityMap(1)},
                 {IteratorType::parallel},
                 [](OpBuilder &nb, Location l, ValueRange a) {
                   Value lg = math::LogOp::create(nb, l, a[1]);
                   return SmallVector<Value>{
                       arith::AddFOp::create(nb, l, a[0], lg)};
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

template <typename OpTy>
struct LossLowering : OpConversionPattern<OpTy> {
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
  return sumAll(b, loc, 2, {z, labels, lse},
                {AffineMap::getMultiDimIdentityMap(2, ctx), rowMap(ctx),
                 rowMap(ctx)},
                [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                  Value d = arith::SubFOp::create(nb, l, a[2], a[0]);
                  Value t = arith::MulFOp::create(nb, l, d, inv);
                  return arith::SelectOp::create(nb, l, isLabel(nb, l, a[1], 1),
                                                 t, f32Const(nb, l, 0.0));
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

struct LossGradLowering : OpConversionPattern<LossGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LossGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    MLIRContext *ctx = getContext();
    Value pred = adaptor.getPrediction(), targets = adaptor.getTargets();
    StringRef kind = op.getKind();
    int64_t rank = op.getType().getRank();
    AffineMap full = b.getMultiDimIdentityMap(rank);
    SmallVector<IteratorType> par(rank, IteratorType::parallel);
    bool softmax = kind.contains("softmax");
    // The scale of every element: dloss / (batch or element count).
    Value scale = arith::MulFOp::create(
        b, loc, scalarTensorValue(b, loc, adaptor.getLossGrad()),
        inverseCount(b, loc, pred, /*batchOnly=*/softmax));
    Value result;
    if (kind == "sparse_softmax_cross_entropy" ||
        kind == "softmax_cross_entropy") {
      // (softmax(z) * sum(t) - t) * scale; sum(t) = 1 for class indices.
      auto [max, sum] = rowMaxAndSumExp(b, loc, pred);
      bool sparse = kind.starts_with("sparse");
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
      result = generic(
          b, loc, ins, {emptyLike(b, loc, pred)}, maps, par,
          [&](OpBuilder &nb, Location l, ValueRange a) {
            Value e = math::ExpOp::create(
                nb, l, arith::SubFOp::create(nb, l, a[0], a[1]));
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
    } else {
      bool sigmoid = kind == "sigmoid_cross_entropy";
      result = generic(
          b, loc, {pred, targets}, {emptyLike(b, loc, pred)},
          {full, full, full}, par,
          [&](OpBuilder &nb, Location l, ValueRange a) {
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
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Row-wise argmax of a [B, C] tensor as i32 (first index on ties).
Value rowArgmax(OpBuilder &b, Location loc, Value x) {
  MLIRContext *ctx = b.getContext();
  OpFoldResult rows = tensor::getMixedSize(b, loc, x, 0);
  Value maxInit = filled(b, loc, {rows}, -INFINITY);
  Value idxInit = tensor::EmptyOp::create(b, loc, ArrayRef<OpFoldResult>{rows},
                                          b.getI32Type());
  idxInit = linalg::FillOp::create(
                b, loc,
                ValueRange{arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0))},
                ValueRange{idxInit})
                .getResult(0);
  return generic(b, loc, {x}, {maxInit, idxInit},
                 {AffineMap::getMultiDimIdentityMap(2, ctx), rowMap(ctx),
                  rowMap(ctx)},
                 {IteratorType::parallel, IteratorType::reduction},
                 [](OpBuilder &nb, Location l, ValueRange a) {
                   Value c = arith::IndexCastOp::create(
                       nb, l, nb.getI32Type(), linalg::IndexOp::create(nb, l, 1));
                   Value better = arith::CmpFOp::create(
                       nb, l, arith::CmpFPredicate::OGT, a[0], a[1]);
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
                      return arith::UIToFPOp::create(nb, l, nb.getF32Type(), eq);
                    });
    };
    Value result;
    if (targetType.getRank() == 1) {
      result = count(rowArgmax(b, loc, pred), targets);
    } else if (targetType.getDimSize(1) != 1) {
      result = count(rowArgmax(b, loc, pred), rowArgmax(b, loc, targets));
    } else {
      AffineMap full = b.getMultiDimIdentityMap(2);
      result = sumAll(b, loc, 2, {pred, targets}, {full, full},
                      [](OpBuilder &nb, Location l, ValueRange v) -> Value {
                        Value half = f32Const(nb, l, 0.5);
                        Value p = arith::CmpFOp::create(
                            nb, l, arith::CmpFPredicate::OGT, v[0], half);
                        Value t = arith::CmpFOp::create(
                            nb, l, arith::CmpFPredicate::OGT, v[1], half);
                        Value eq = arith::CmpIOp::create(
                            nb, l, arith::CmpIPredicate::eq, p, t);
                        return arith::UIToFPOp::create(nb, l, nb.getF32Type(),
                                                       eq);
                      });
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Optimizer updates: one generic with several outputs per parameter
//===----------------------------------------------------------------------===//

/// An elementwise update over `operands` = (param, grad, state...) that
/// yields (param', state'...). The old param and state are the generic's
/// outs (destination-passing style), so bufferization updates them in place
/// in the caller's buffers instead of writing new ones and copying back.
SmallVector<Value>
updateGeneric(OpBuilder &b, Location loc, ValueRange operands,
              unsigned numResults,
              function_ref<SmallVector<Value>(OpBuilder &, Location,
                                              ValueRange)> body) {
  assert(numResults + 1 == operands.size() && "every state but grad updated");
  auto type = cast<RankedTensorType>(operands.front().getType());
  SmallVector<Value> outs{operands[0]};
  outs.append(operands.begin() + 2, operands.end());
  SmallVector<AffineMap> maps(operands.size(),
                              b.getMultiDimIdentityMap(type.getRank()));
  SmallVector<IteratorType> par(type.getRank(), IteratorType::parallel);
  SmallVector<Value> results =
      generic(b, loc, ValueRange{operands[1]}, outs, maps, par,
              [&](OpBuilder &nb, Location l, ValueRange a) {
                // Back to (param, grad, state...) order for the body.
                SmallVector<Value> args{a[1], a[0]};
                args.append(a.begin() + 2, a.end());
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

struct SGDUpdateLowering : OpConversionPattern<SGDUpdateOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SGDUpdateOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    float lr = attrValue(op.getLearningRateAttr());
    float mu = attrValue(op.getMomentumAttr());
    bool nesterov = op.getNesterov();
    SmallVector<Value> ins{adaptor.getParam(), adaptor.getGrad()};
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
                      b, l, a[0],
                      arith::MulFOp::create(b, l, f32Const(b, l, lr), step)));
                  if (momentum)
                    out.push_back(v);
                  return out;
                }));
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
    float lr = attrValue(op.getLearningRateAttr());
    float b1 = attrValue(op.getBeta_1Attr()), b2 = attrValue(op.getBeta_2Attr());
    float eps = attrValue(op.getEpsilonAttr());
    // Bias corrections, once per step outside the loop: 1 - beta^t with
    // beta^t = exp(t ln beta).
    Value t = scalarTensorValue(b, loc, adaptor.getStep());
    auto correction = [&](float beta) -> Value {
      Value pow = math::ExpOp::create(
          b, loc, arith::MulFOp::create(b, loc, t, f32Const(b, loc, std::log(double(beta)))));
      return arith::SubFOp::create(b, loc, f32Const(b, loc, 1.0), pow);
    };
    Value stepSize = arith::DivFOp::create(b, loc, f32Const(b, loc, lr),
                                           correction(b1));
    Value invSqrtBc2 = math::RsqrtOp::create(b, loc, correction(b2));
    rewriter.replaceOp(
        op, updateGeneric(
                b, loc,
                {adaptor.getParam(), adaptor.getGrad(), adaptor.getM(),
                 adaptor.getV()},
                3, [&](OpBuilder &nb, Location l, ValueRange a) {
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
                      arith::MulFOp::create(nb, l, math::SqrtOp::create(nb, l, v),
                                            invSqrtBc2),
                      c(eps));
                  Value upd = arith::DivFOp::create(
                      nb, l, arith::MulFOp::create(nb, l, stepSize, m), denom);
                  return SmallVector<Value>{
                      arith::SubFOp::create(nb, l, a[0], upd), m, v};
                }));
    return success();
  }
};

struct RMSpropUpdateLowering : OpConversionPattern<RMSpropUpdateOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(RMSpropUpdateOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    float lr = attrValue(op.getLearningRateAttr());
    float rho = attrValue(op.getRhoAttr());
    float mu = attrValue(op.getMomentumAttr());
    float eps = attrValue(op.getEpsilonAttr());
    SmallVector<Value> ins{adaptor.getParam(), adaptor.getGrad(),
                           adaptor.getSquareAvg()};
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
                          b, l, a[0], arith::MulFOp::create(b, l, c(lr), step)),
                      s};
                  if (momentum)
                    out.push_back(buf);
                  return out;
                }));
    return success();
  }
};

struct ConvertDLToLinalg
    : mlir::dl::impl::ConvertDLToLinalgBase<ConvertDLToLinalg> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addIllegalDialect<DLDialect>();
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           math::MathDialect, tensor::TensorDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(ctx);
    patterns.add<DenseLowering, FlattenLowering, ElementwiseLowering<ReluOp>,
                 ElementwiseLowering<SigmoidOp>, ElementwiseLowering<TanhOp>,
                 SoftmaxLowering, RandomUniformLowering, RandomNormalLowering,
                 MatmulLowering, BatchSumLowering, ReshapeLowering,
                 ElementwiseLowering<AddOp>, ElementwiseLowering<ReluGradOp>,
                 ElementwiseLowering<SigmoidGradOp>,
                 ElementwiseLowering<TanhGradOp>, SoftmaxGradLowering,
                 LossLowering<SparseSoftmaxCrossEntropyOp>,
                 LossLowering<SoftmaxCrossEntropyOp>,
                 LossLowering<SigmoidCrossEntropyOp>,
                 LossLowering<MeanSquaredErrorOp>, LossGradLowering,
                 CountCorrectLowering, SGDUpdateLowering, AdamUpdateLowering,
                 RMSpropUpdateLowering>(ctx);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
