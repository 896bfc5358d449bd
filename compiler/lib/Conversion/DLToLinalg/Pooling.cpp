//===- Pooling.cpp - max/avg pooling and their gradients to linalg -------===//
//
// Every pooling op is a linalg.generic over (n, i, j, c, a, b): the pooled
// position and the offset in its window. The forward ops reduce over (a, b),
// reading the input with tensor.extract at computed positions (padding reads
// as the reduction's identity); the gradients gather, for each input
// position, what the windows holding it send back, so no two iterations
// write one element. A max pooling whose gradient follows it in its block
// computes each window's argmax with its maximum, once, in the forward pass
// (lowerMaxPoolsWithGradients); the gradient reads those offsets.
//
//===----------------------------------------------------------------------===//
#include "Utils.h"
#include "dl/Conversion/DLToLinalg.h"
#include "dl/Dialect/DL/IR/DLOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Utils/Utils.h"
#include "mlir/IR/Dominance.h"
#include "llvm/ADT/MapVector.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::dl;
using namespace mlir::dl::detail;

namespace {

/// A 2-D pooling's attributes and the static sizes they act on.
struct Window {
  int64_t ph, pw, sh, sw, top, bottom, left, right;
  int64_t h, w;   ///< the input's height and width
  int64_t oh, ow; ///< the pooled tensor's

  Window(ArrayRef<int64_t> pool, ArrayRef<int64_t> strides,
         ArrayRef<int64_t> padding, RankedTensorType input)
      : ph(pool[0]), pw(pool[1]), sh(strides[0]), sw(strides[1]),
        top(padding[0]), bottom(padding[1]), left(padding[2]),
        right(padding[3]), h(input.getDimSize(1)), w(input.getDimSize(2)),
        oh((h + top + bottom - ph) / sh + 1),
        ow((w + left + right - pw) / sw + 1) {}
};

Value indexConst(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// Inside a window iteration (n, i, j, c, a, b): the input element under
/// offset (a, b) of window (i, j), or `padValue` where that is padding.
/// Read with tensor.extract rather than from a tensor.pad, whose copy into
/// the padded buffer needs a runtime call (memrefCopy).
Value readWindow(OpBuilder &b, Location loc, Value x, const Window &win,
                 double padValue) {
  auto idx = [&](int64_t i) -> Value {
    return linalg::IndexOp::create(b, loc, i);
  };
  Value zero = indexConst(b, loc, 0);
  Value inside;
  auto axis = [&](Value i, Value a, int64_t stride, int64_t before,
                  int64_t size) {
    Value p = arith::AddIOp::create(
        b, loc, arith::MulIOp::create(b, loc, i, indexConst(b, loc, stride)),
        a);
    p = arith::SubIOp::create(b, loc, p, indexConst(b, loc, before));
    Value ok = arith::AndIOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, p, zero),
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, p,
                              indexConst(b, loc, size)));
    inside =
        inside ? arith::AndIOp::create(b, loc, inside, ok).getResult() : ok;
    // Clamped so the (discarded) read stays in bounds.
    return arith::SelectOp::create(b, loc, ok, p, zero).getResult();
  };
  Value y = axis(idx(1), idx(4), win.sh, win.top, win.h);
  Value x0 = axis(idx(2), idx(5), win.sw, win.left, win.w);
  Value v =
      tensor::ExtractOp::create(b, loc, x, ValueRange{idx(0), y, x0, idx(3)});
  return arith::SelectOp::create(b, loc, inside, v, f32Const(b, loc, padValue));
}

/// The sizes of the pooled tensor of `x` ([N, oh, ow, C]).
SmallVector<OpFoldResult> pooledSizes(OpBuilder &b, Location loc, Value x,
                                      const Window &win) {
  return {tensor::getMixedSize(b, loc, x, 0), b.getIndexAttr(win.oh),
          b.getIndexAttr(win.ow), tensor::getMixedSize(b, loc, x, 3)};
}

/// The maps of a window iteration (n, i, j, c, a, b): the window's shape
/// tensor at (a, b) (it gives the loops over a and b their bounds), then
/// `numPooled` tensors at (n, i, j, c).
SmallVector<AffineMap> windowMaps(MLIRContext *ctx, unsigned numPooled) {
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineMap> maps{AffineMap::get(6, 0, {d(4), d(5)}, ctx)};
  for (unsigned i = 0; i < numPooled; ++i)
    maps.push_back(AffineMap::get(6, 0, {d(0), d(1), d(2), d(3)}, ctx));
  return maps;
}

SmallVector<IteratorType> windowIterators() {
  return {IteratorType::parallel,  IteratorType::parallel,
          IteratorType::parallel,  IteratorType::parallel,
          IteratorType::reduction, IteratorType::reduction};
}

/// An empty [ph, pw] tensor: only its shape is used.
Value windowShape(OpBuilder &b, Location loc, const Window &win) {
  return tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{win.ph, win.pw},
                                 b.getF32Type());
}

/// Max or sum of each window of the input.
Value reduceWindows(OpBuilder &b, Location loc, Value x, const Window &win,
                    bool max) {
  double identity = max ? -INFINITY : 0.0;
  Value init = filled(b, loc, pooledSizes(b, loc, x, win), identity);
  return generic(
      b, loc, {windowShape(b, loc, win)}, {init}, windowMaps(b.getContext(), 1),
      windowIterators(), [&](OpBuilder &nb, Location l, ValueRange a) {
        Value v = readWindow(nb, l, x, win, identity);
        Value r = max ? arith::MaximumFOp::create(nb, l, v, a[1]).getResult()
                      : arith::AddFOp::create(nb, l, a[1], v).getResult();
        return SmallVector<Value>{r};
      })[0];
}

/// `v` [N, oh, ow, C] divided by the number of input (not padding) elements
/// of each window.
Value divideByCounts(OpBuilder &b, Location loc, Value v, const Window &win) {
  SmallVector<float> counts;
  for (int64_t i = 0; i < win.oh; ++i) {
    int64_t y = i * win.sh - win.top;
    int64_t rows = std::min(y + win.ph, win.h) - std::max<int64_t>(y, 0);
    for (int64_t j = 0; j < win.ow; ++j) {
      int64_t x = j * win.sw - win.left;
      int64_t cols = std::min(x + win.pw, win.w) - std::max<int64_t>(x, 0);
      counts.push_back(float(rows * cols));
    }
  }
  auto countType = RankedTensorType::get({win.oh, win.ow}, b.getF32Type());
  Value countTensor = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(countType, ArrayRef<float>(counts)));
  MLIRContext *ctx = b.getContext();
  AffineMap id = b.getMultiDimIdentityMap(4);
  AffineMap hw = AffineMap::get(
      4, 0, {getAffineDimExpr(1, ctx), getAffineDimExpr(2, ctx)}, ctx);
  return generic(b, loc, {v, countTensor}, {emptyLike(b, loc, v)}, {id, hw, id},
                 SmallVector<IteratorType>(4, IteratorType::parallel),
                 [](OpBuilder &nb, Location l, ValueRange a) {
                   return SmallVector<Value>{
                       arith::DivFOp::create(nb, l, a[0], a[1])};
                 })[0];
}

/// For each window of `x`: its maximum and the row-major offset a * pw + b
/// (i32) of its first maximum: ties go to the smallest offset whatever the
/// loop order. The maximum is the element at that offset: `reduceWindows`'s
/// but for the sign of a zero among +0 and -0. With `carry` (of x's type),
/// also carry's element at that offset, a third result.
SmallVector<Value> argmaxWindows(OpBuilder &b, Location loc, Value x,
                                 const Window &win, Value carry = {}) {
  SmallVector<OpFoldResult> sizes = pooledSizes(b, loc, x, win);
  Value maxInit = filled(b, loc, sizes, -INFINITY);
  Value offsetInit =
      linalg::FillOp::create(
          b, loc,
          ValueRange{arith::ConstantIntOp::create(
              b, loc, b.getI32Type(), std::numeric_limits<int32_t>::max())},
          ValueRange{tensor::EmptyOp::create(b, loc, sizes, b.getI32Type())})
          .getResult(0);
  SmallVector<Value> inits{maxInit, offsetInit};
  if (carry)
    inits.push_back(filled(b, loc, sizes, 0.0));
  return generic(
      b, loc, {windowShape(b, loc, win)}, inits,
      windowMaps(b.getContext(), inits.size()), windowIterators(),
      [&](OpBuilder &nb, Location l, ValueRange a) {
        Value v = readWindow(nb, l, x, win, -INFINITY);
        Value offset = arith::AddIOp::create(
            nb, l,
            arith::MulIOp::create(nb, l, linalg::IndexOp::create(nb, l, 4),
                                  indexConst(nb, l, win.pw)),
            linalg::IndexOp::create(nb, l, 5));
        offset = arith::IndexCastOp::create(nb, l, nb.getI32Type(), offset);
        Value greater =
            arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OGT, v, a[1]);
        Value equal =
            arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OEQ, v, a[1]);
        Value earlier = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt,
                                              offset, a[2]);
        // A NaN is taken too (and keeps the window: nothing compares
        // greater than it), so the maximum propagates NaN like
        // arith.maximumf, and its offset is that of the last NaN, as in
        // PyTorch.
        Value nan =
            arith::CmpFOp::create(nb, l, arith::CmpFPredicate::UNO, v, v);
        Value take = arith::OrIOp::create(
            nb, l,
            arith::OrIOp::create(nb, l, greater,
                                 arith::AndIOp::create(nb, l, equal, earlier)),
            nan);
        SmallVector<Value> next{
            arith::SelectOp::create(nb, l, take, v, a[1]),
            arith::SelectOp::create(nb, l, take, offset, a[2])};
        if (carry)
          next.push_back(arith::SelectOp::create(
              nb, l, take, readWindow(nb, l, carry, win, 0.0), a[3]));
        return next;
      });
}

/// The gradient of the input [N, h, w, C]: each position (y, x) sums, over
/// the windows (i, j) holding it at offset (a, b), `values[n, i, j, c]`;
/// with `argmax`, only where the window's maximum is at that offset.
/// The reduction runs over the candidate windows, not over the offsets: a
/// position lies in at most ceil(ph / sh) windows along y (one when the
/// windows do not overlap), where a loop over the ph offsets would visit
/// ph of them, most empty (ph * pw per element for a global pooling).
///
/// Windows that do not overlap (stride >= pool) give each position one
/// candidate: then the generic is all parallel over [N, h, w, C], with no
/// zero fill, and cheap enough for dl-fuse-elementwise to compute again in
/// each consumer (batch normalisation's gradient reads it twice).
Value gatherWindows(OpBuilder &b, Location loc, Value values, Value argmax,
                    const Window &win) {
  int64_t candY = llvm::divideCeil(win.ph, win.sh);
  int64_t candX = llvm::divideCeil(win.pw, win.sw);
  bool single = candY == 1 && candX == 1;
  SmallVector<OpFoldResult> sizes{tensor::getMixedSize(b, loc, values, 0),
                                  b.getIndexAttr(win.h), b.getIndexAttr(win.w),
                                  tensor::getMixedSize(b, loc, values, 3)};
  MLIRContext *ctx = b.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  SmallVector<IteratorType> iters;
  Value init;
  if (single) {
    init = tensor::EmptyOp::create(b, loc, sizes, b.getF32Type());
    maps.push_back(AffineMap::getMultiDimIdentityMap(4, ctx));
    iters.assign(4, IteratorType::parallel);
  } else {
    init = filled(b, loc, sizes, 0.0);
    inputs.push_back(tensor::EmptyOp::create(
        b, loc, ArrayRef<int64_t>{candY, candX}, b.getF32Type()));
    maps = {AffineMap::get(6, 0, {d(4), d(5)}, ctx),
            AffineMap::get(6, 0, {d(0), d(1), d(2), d(3)}, ctx)};
    iters = windowIterators();
  }
  return generic(
      b, loc, inputs, {init}, maps, iters,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value zero = indexConst(nb, l, 0);
        auto idx = [&](int64_t i) -> Value {
          // The one candidate is the last window starting at or before the
          // position (q = 0).
          if (single && i >= 4)
            return zero;
          return linalg::IndexOp::create(nb, l, i);
        };
        // Along one axis, the q-th window back from the last one starting
        // at or before `pos` (in padded coordinates t = pos + before):
        // i = t / stride - q, holding `pos` at offset a = t - i * stride,
        // if i is a window (0 <= i < count) and a is inside it (a < pool).
        auto windowOf = [&](Value pos, Value q, int64_t before, int64_t stride,
                            int64_t pool, int64_t count, Value &a,
                            Value &valid) {
          Value t =
              arith::AddIOp::create(nb, l, pos, indexConst(nb, l, before));
          Value s = indexConst(nb, l, stride);
          Value last = arith::DivUIOp::create(nb, l, t, s);
          Value i = arith::SubIOp::create(nb, l, last, q);
          a = arith::SubIOp::create(nb, l, t,
                                    arith::MulIOp::create(nb, l, i, s));
          valid = arith::AndIOp::create(
              nb, l,
              arith::AndIOp::create(
                  nb, l,
                  arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ule, q,
                                        last),
                  arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt, i,
                                        indexConst(nb, l, count))),
              arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt, a,
                                    indexConst(nb, l, pool)));
          // Clamped so the (discarded) read stays in bounds.
          return arith::SelectOp::create(nb, l, valid, i, zero).getResult();
        };
        Value validY, validX, offY, offX;
        Value i = windowOf(idx(1), idx(4), win.top, win.sh, win.ph, win.oh,
                           offY, validY);
        Value j = windowOf(idx(2), idx(5), win.left, win.sw, win.pw, win.ow,
                           offX, validX);
        SmallVector<Value> at{idx(0), i, j, idx(3)};
        Value hit = arith::AndIOp::create(nb, l, validY, validX);
        if (argmax) {
          Value offset = arith::AddIOp::create(
              nb, l,
              arith::MulIOp::create(nb, l, offY, indexConst(nb, l, win.pw)),
              offX);
          offset = arith::IndexCastOp::create(nb, l, nb.getI32Type(), offset);
          Value best = tensor::ExtractOp::create(nb, l, argmax, at);
          hit = arith::AndIOp::create(
              nb, l, hit,
              arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq, best,
                                    offset));
        }
        Value v = tensor::ExtractOp::create(nb, l, values, at);
        v = arith::SelectOp::create(nb, l, hit, v, f32Const(nb, l, 0.0));
        if (single)
          return SmallVector<Value>{v};
        return SmallVector<Value>{arith::AddFOp::create(nb, l, args[1], v)};
      })[0];
}

Value castTo(OpBuilder &b, Location loc, Value v, Type type) {
  return v.getType() == type ? v : tensor::CastOp::create(b, loc, type, v);
}

struct MaxPool2DLowering : OpConversionPattern<MaxPool2DOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MaxPool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Window win(op.getPool(), op.getStrides(), op.getPadding(),
               op.getInput().getType());
    Value y = reduceWindows(rewriter, op.getLoc(), adaptor.getInput(), win,
                            /*max=*/true);
    rewriter.replaceOp(op, castTo(rewriter, op.getLoc(), y, op.getType()));
    return success();
  }
};

struct AvgPool2DLowering : OpConversionPattern<AvgPool2DOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AvgPool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Window win(op.getPool(), op.getStrides(), op.getPadding(),
               op.getInput().getType());
    Value sum =
        reduceWindows(rewriter, loc, adaptor.getInput(), win, /*max=*/false);
    Value y = divideByCounts(rewriter, loc, sum, win);
    rewriter.replaceOp(op, castTo(rewriter, loc, y, op.getType()));
    return success();
  }
};

struct MaxPool2DGradLowering : OpConversionPattern<MaxPool2DGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MaxPool2DGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Window win(op.getPool(), op.getStrides(), op.getPadding(),
               op.getInput().getType());
    Value argmax = argmaxWindows(rewriter, loc, adaptor.getInput(), win)[1];
    Value dx = gatherWindows(rewriter, loc, adaptor.getGrad(), argmax, win);
    rewriter.replaceOp(op, castTo(rewriter, loc, dx, op.getType()));
    return success();
  }
};

struct AvgPool2DGradLowering : OpConversionPattern<AvgPool2DGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AvgPool2DGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Window win(op.getPool(), op.getStrides(), op.getPadding(), op.getType());
    Value share = divideByCounts(rewriter, loc, adaptor.getGrad(), win);
    Value dx = gatherWindows(rewriter, loc, share, Value(), win);
    rewriter.replaceOp(op, castTo(rewriter, loc, dx, op.getType()));
    return success();
  }
};

} // namespace

void mlir::dl::lowerMaxPoolsWithGradients(Operation *root) {
  // Each gradient with its forward op (getForwardPool).
  SmallVector<std::pair<MaxPool2DGradOp, MaxPool2DOp>> pairs;
  root->walk([&](MaxPool2DGradOp grad) {
    if (MaxPool2DOp fwd = grad.getForwardPool())
      pairs.push_back({grad, fwd});
  });
  // A batch normalisation's gradient whose cotangent is such a gradient
  // (batch_normalization, relu, max_pooling2d: the CNN's block) sums over
  // the windows instead of the positions; the forward pool then carries
  // the normalisation's input at each window's argmax. One per pool, whose
  // input dominates the pool (in the forward pass, it does).
  DominanceInfo dominance(root);
  llvm::DenseMap<Operation *, BatchNormGradOp> normOf; // of a gradient
  llvm::DenseMap<Operation *, Value> carryOf;          // of a forward pool
  for (auto [grad, fwd] : pairs) {
    if (carryOf.count(fwd) || !grad->hasOneUse())
      continue;
    auto norm = dyn_cast<BatchNormGradOp>(*grad->user_begin());
    if (norm && norm.getGrad() == grad.getResult() &&
        norm.getInput().getType() == fwd.getInput().getType() &&
        dominance.properlyDominates(norm.getInput(), fwd)) {
      normOf[grad] = norm;
      carryOf[fwd] = norm.getInput();
    }
  }
  struct Forward {
    Value argmax, carried;
  };
  llvm::MapVector<Operation *, Forward> forwardOf;
  for (auto [grad, fwd] : pairs) {
    Forward &f = forwardOf[fwd];
    if (!f.argmax) {
      OpBuilder b(fwd);
      Window win(fwd.getPool(), fwd.getStrides(), fwd.getPadding(),
                 fwd.getInput().getType());
      Value carry = carryOf.lookup(fwd);
      SmallVector<Value> r =
          argmaxWindows(b, fwd.getLoc(), fwd.getInput(), win, carry);
      fwd.getResult().replaceAllUsesWith(
          castTo(b, fwd.getLoc(), r[0], fwd.getType()));
      f.argmax = r[1];
      if (carry)
        f.carried = r[2];
    }
    OpBuilder b(grad);
    Window win(grad.getPool(), grad.getStrides(), grad.getPadding(),
               grad.getInput().getType());
    Value dx = gatherWindows(b, grad.getLoc(), grad.getGrad(), f.argmax, win);
    dx = castTo(b, grad.getLoc(), dx, grad.getType());
    if (BatchNormGradOp norm = normOf.lookup(grad)) {
      b.setInsertionPoint(norm);
      Value values = grad.getGrad();
      SmallVector<Value> results = batchNormGrad(
          b, norm.getLoc(), dx, norm.getInput(), norm.getGamma(),
          norm.getMean(), norm.getVariance(),
          norm.getEpsilon().convertToDouble(),
          {values, castTo(b, norm.getLoc(), f.carried, values.getType())});
      for (auto [r, v] : llvm::zip_equal(norm->getResults(), results))
        r.replaceAllUsesWith(castTo(b, norm.getLoc(), v, r.getType()));
      norm.erase();
    }
    grad.getResult().replaceAllUsesWith(dx);
    grad.erase();
  }
  for (auto &entry : forwardOf)
    entry.first->erase();
}

void mlir::dl::populateDLToLinalgPoolingPatterns(RewritePatternSet &patterns) {
  patterns.add<MaxPool2DLowering, AvgPool2DLowering, MaxPool2DGradLowering,
               AvgPool2DGradLowering>(patterns.getContext());
}
