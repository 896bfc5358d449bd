//===- Convolution.cpp - conv2d and its gradients to linalg ---------------===//
//
// im2col: each convolution becomes a packing step and one rank-2 matrix
// product, in the three forms dl-vectorize-contractions turns into its
// register-blocked kernel (linalg.matmul, A^T x B and A x B^T). With
// M = N * OH * OW output positions, K = KH * KW * C patch elements and F
// filters:
//   forward      y[M, F]  = cols[M, K] x kernel[K, F] (+ bias, as dense)
//   input grad   dcols[M, K] = dy[M, F] x kernel[K, F]^T, then col2im
//   filter grad  dkernel[K, F] = cols[M, K]^T x dy[M, F]
// The patches `cols` [N, OH, OW, KH, KW, C] are packed by a linalg.generic
// (zero where the window covers padding); col2im gathers, for each input
// element, the patch entries that came from it, so no two iterations write
// one element. Collapsing [N, OH, OW, ...] to [M, ...] is a view: the
// batch stays dynamic and dl-workspace rebuilds M from it.
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

namespace {

/// A convolution's attributes and the static sizes they act on.
struct ConvGeometry {
  int64_t kh, kw, c, f, sh, sw, dh, dw, top, left;
  int64_t h, w;   ///< the input's height and width
  int64_t oh, ow; ///< the result's

  ConvGeometry(ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations,
               ArrayRef<int64_t> padding, RankedTensorType input,
               RankedTensorType kernel)
      : kh(kernel.getDimSize(0)), kw(kernel.getDimSize(1)),
        c(kernel.getDimSize(2)), f(kernel.getDimSize(3)), sh(strides[0]),
        sw(strides[1]), dh(dilations[0]), dw(dilations[1]), top(padding[0]),
        left(padding[2]), h(input.getDimSize(1)), w(input.getDimSize(2)),
        oh((h + padding[0] + padding[1] - ((kh - 1) * dh + 1)) / sh + 1),
        ow((w + padding[2] + padding[3] - ((kw - 1) * dw + 1)) / sw + 1) {}
};

Value indexConst(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

Value castTo(OpBuilder &b, Location loc, Value v, Type type) {
  return v.getType() == type ? v : tensor::CastOp::create(b, loc, type, v);
}

/// Collapses `v` into a matrix: its first `rows` dimensions, then the rest.
Value toMatrix(OpBuilder &b, Location loc, Value v, int64_t rows) {
  int64_t rank = cast<RankedTensorType>(v.getType()).getRank();
  ReassociationIndices first, rest;
  for (int64_t i = 0; i < rank; ++i)
    (i < rows ? first : rest).push_back(i);
  return tensor::CollapseShapeOp::create(
      b, loc, v, ArrayRef<ReassociationIndices>{first, rest});
}

/// Expands the matrix `m` back into `sizes`: the first `rows` of them, then
/// the rest.
Value fromMatrix(OpBuilder &b, Location loc, Value m,
                 ArrayRef<OpFoldResult> sizes, int64_t rows) {
  SmallVector<int64_t> shape;
  for (OpFoldResult s : sizes) {
    std::optional<int64_t> c = getConstantIntValue(s);
    shape.push_back(c ? *c : ShapedType::kDynamic);
  }
  ReassociationIndices first, rest;
  for (int64_t i = 0; i < int64_t(sizes.size()); ++i)
    (i < rows ? first : rest).push_back(i);
  auto type = RankedTensorType::get(shape, b.getF32Type());
  return tensor::ExpandShapeOp::create(
      b, loc, type, m, ArrayRef<ReassociationIndices>{first, rest}, sizes);
}

/// The patches of `x` [N, H, W, C]: cols[n, i, j, a, b, c] = x[n, i * sh +
/// a * dh - top, j * sw + b * dw - left, c], zero in the padding. Read with
/// tensor.extract rather than from a tensor.pad, whose copy into the padded
/// buffer needs a runtime call (memrefCopy).
Value packPatches(OpBuilder &b, Location loc, Value x, const ConvGeometry &g) {
  SmallVector<OpFoldResult> sizes{tensor::getMixedSize(b, loc, x, 0),
                                  b.getIndexAttr(g.oh),
                                  b.getIndexAttr(g.ow),
                                  b.getIndexAttr(g.kh),
                                  b.getIndexAttr(g.kw),
                                  b.getIndexAttr(g.c)};
  Value init = tensor::EmptyOp::create(b, loc, sizes, b.getF32Type());
  return generic(
      b, loc, {}, {init}, {b.getMultiDimIdentityMap(6)},
      SmallVector<IteratorType>(6, IteratorType::parallel),
      [&](OpBuilder &nb, Location l, ValueRange) {
        auto idx = [&](int64_t i) -> Value {
          return linalg::IndexOp::create(nb, l, i);
        };
        Value zero = indexConst(nb, l, 0);
        Value inside;
        auto axis = [&](Value i, Value a, int64_t stride, int64_t dilation,
                        int64_t before, int64_t size) {
          Value p = arith::AddIOp::create(
              nb, l, arith::MulIOp::create(nb, l, i, indexConst(nb, l, stride)),
              arith::MulIOp::create(nb, l, a, indexConst(nb, l, dilation)));
          p = arith::SubIOp::create(nb, l, p, indexConst(nb, l, before));
          Value ok = arith::AndIOp::create(
              nb, l,
              arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sge, p, zero),
              arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt, p,
                                    indexConst(nb, l, size)));
          inside = inside ? arith::AndIOp::create(nb, l, inside, ok).getResult()
                          : ok;
          // Clamped so the (discarded) read stays in bounds.
          return arith::SelectOp::create(nb, l, ok, p, zero).getResult();
        };
        Value y = axis(idx(1), idx(3), g.sh, g.dh, g.top, g.h);
        Value x0 = axis(idx(2), idx(4), g.sw, g.dw, g.left, g.w);
        Value v = tensor::ExtractOp::create(nb, l, x,
                                            ValueRange{idx(0), y, x0, idx(5)});
        return SmallVector<Value>{
            arith::SelectOp::create(nb, l, inside, v, f32Const(nb, l, 0.0))};
      })[0];
}

/// C[m, n] = sum_k A(m, k) * B(k, n) into a zeroed C, A read transposed
/// ([k, m]) or B ([n, k]) as asked: the transposed forms the contraction
/// kernel matches (see dl.matmul's lowering).
Value product(OpBuilder &b, Location loc, Value lhs, Value rhs, bool tl,
              bool tr) {
  MLIRContext *ctx = b.getContext();
  Value acc = filled(b, loc,
                     {tensor::getMixedSize(b, loc, lhs, tl ? 1 : 0),
                      tensor::getMixedSize(b, loc, rhs, tr ? 0 : 1)},
                     0.0);
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
  return generic(
      b, loc, {lhs, rhs}, {acc}, maps,
      {IteratorType::parallel, IteratorType::parallel, IteratorType::reduction},
      [](OpBuilder &nb, Location l, ValueRange a) {
        Value p = arith::MulFOp::create(nb, l, a[0], a[1]);
        return SmallVector<Value>{arith::AddFOp::create(nb, l, a[2], p)};
      })[0];
}

/// The gradient of the input [N, h, w, C] from the patch gradients `dcols`
/// [N, OH, OW, KH, KW, C]: each (y, x) sums, over the kernel offsets (a, b),
/// the entry of the output position (i, j) whose patch put (y, x) there, if
/// that position exists.
Value col2im(OpBuilder &b, Location loc, Value dcols, const ConvGeometry &g) {
  Value init =
      filled(b, loc,
             {tensor::getMixedSize(b, loc, dcols, 0), b.getIndexAttr(g.h),
              b.getIndexAttr(g.w), b.getIndexAttr(g.c)},
             0.0);
  MLIRContext *ctx = b.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  // (n, y, x, c, a, b): an empty [KH, KW] tensor gives (a, b) their bounds.
  Value offsets = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{g.kh, g.kw},
                                          b.getF32Type());
  SmallVector<AffineMap> maps{
      AffineMap::get(6, 0, {d(4), d(5)}, ctx),
      AffineMap::get(6, 0, {d(0), d(1), d(2), d(3)}, ctx)};
  return generic(
      b, loc, {offsets}, {init}, maps,
      {IteratorType::parallel, IteratorType::parallel, IteratorType::parallel,
       IteratorType::parallel, IteratorType::reduction,
       IteratorType::reduction},
      [&](OpBuilder &nb, Location l, ValueRange args) {
        auto idx = [&](int64_t i) -> Value {
          return linalg::IndexOp::create(nb, l, i);
        };
        Value zero = indexConst(nb, l, 0);
        // The output index along one axis whose offset `a` lands on `pos`:
        // i * stride == pos + before - a * dilation, if that i exists.
        auto outputOf = [&](Value pos, Value a, int64_t before, int64_t stride,
                            int64_t dilation, int64_t count, Value &valid) {
          Value p = arith::SubIOp::create(
              nb, l,
              arith::AddIOp::create(nb, l, pos, indexConst(nb, l, before)),
              arith::MulIOp::create(nb, l, a, indexConst(nb, l, dilation)));
          Value s = indexConst(nb, l, stride);
          Value i = arith::DivSIOp::create(nb, l, p, s);
          Value r = arith::RemSIOp::create(nb, l, p, s);
          valid = arith::AndIOp::create(
              nb, l,
              arith::AndIOp::create(
                  nb, l,
                  arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sge, p,
                                        zero),
                  arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq, r,
                                        zero)),
              arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt, i,
                                    indexConst(nb, l, count)));
          // Clamped so the (discarded) read stays in bounds.
          return arith::SelectOp::create(nb, l, valid, i, zero).getResult();
        };
        Value validY, validX;
        Value i = outputOf(idx(1), idx(4), g.top, g.sh, g.dh, g.oh, validY);
        Value j = outputOf(idx(2), idx(5), g.left, g.sw, g.dw, g.ow, validX);
        Value v = tensor::ExtractOp::create(
            nb, l, dcols, ValueRange{idx(0), i, j, idx(4), idx(5), idx(3)});
        Value hit = arith::AndIOp::create(nb, l, validY, validX);
        v = arith::SelectOp::create(nb, l, hit, v, f32Const(nb, l, 0.0));
        return SmallVector<Value>{arith::AddFOp::create(nb, l, args[1], v)};
      })[0];
}

struct Conv2DLowering : OpConversionPattern<Conv2DOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(Conv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    ConvGeometry g(op.getStrides(), op.getDilations(), op.getPadding(),
                   op.getInput().getType(), op.getKernel().getType());
    Value x = adaptor.getInput();
    Value cols = toMatrix(rewriter, loc, packPatches(rewriter, loc, x, g), 3);
    Value kernel = toMatrix(rewriter, loc, adaptor.getKernel(), 3);
    Value init = tensor::EmptyOp::create(
        rewriter, loc,
        ArrayRef<OpFoldResult>{tensor::getMixedSize(rewriter, loc, cols, 0),
                               rewriter.getIndexAttr(g.f)},
        rewriter.getF32Type());
    // As dense: the accumulator starts at the bias, so the product adds
    // onto it.
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
    Value y = linalg::MatmulOp::create(rewriter, loc, ValueRange{cols, kernel},
                                       ValueRange{acc})
                  .getResult(0);
    y = fromMatrix(rewriter, loc, y,
                   {tensor::getMixedSize(rewriter, loc, x, 0),
                    rewriter.getIndexAttr(g.oh), rewriter.getIndexAttr(g.ow),
                    rewriter.getIndexAttr(g.f)},
                   3);
    rewriter.replaceOp(op, castTo(rewriter, loc, y, op.getType()));
    return success();
  }
};

struct Conv2DInputGradLowering : OpConversionPattern<Conv2DInputGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(Conv2DInputGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    ConvGeometry g(op.getStrides(), op.getDilations(), op.getPadding(),
                   op.getType(), op.getKernel().getType());
    Value dy = adaptor.getGrad();
    Value dcols = product(rewriter, loc, toMatrix(rewriter, loc, dy, 3),
                          toMatrix(rewriter, loc, adaptor.getKernel(), 3),
                          /*tl=*/false, /*tr=*/true);
    dcols =
        fromMatrix(rewriter, loc, dcols,
                   {tensor::getMixedSize(rewriter, loc, dy, 0),
                    rewriter.getIndexAttr(g.oh), rewriter.getIndexAttr(g.ow),
                    rewriter.getIndexAttr(g.kh), rewriter.getIndexAttr(g.kw),
                    rewriter.getIndexAttr(g.c)},
                   3);
    Value dx = col2im(rewriter, loc, dcols, g);
    rewriter.replaceOp(op, castTo(rewriter, loc, dx, op.getType()));
    return success();
  }
};

struct Conv2DFilterGradLowering : OpConversionPattern<Conv2DFilterGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(Conv2DFilterGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    ConvGeometry g(op.getStrides(), op.getDilations(), op.getPadding(),
                   op.getInput().getType(), op.getType());
    Value cols = toMatrix(rewriter, loc,
                          packPatches(rewriter, loc, adaptor.getInput(), g), 3);
    Value dk = product(rewriter, loc, cols,
                       toMatrix(rewriter, loc, adaptor.getGrad(), 3),
                       /*tl=*/true, /*tr=*/false);
    dk = fromMatrix(rewriter, loc, dk,
                    {rewriter.getIndexAttr(g.kh), rewriter.getIndexAttr(g.kw),
                     rewriter.getIndexAttr(g.c), rewriter.getIndexAttr(g.f)},
                    3);
    rewriter.replaceOp(op, castTo(rewriter, loc, dk, op.getType()));
    return success();
  }
};

struct ChannelSumLowering : OpConversionPattern<ChannelSumOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ChannelSumOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    int64_t rank = op.getInput().getType().getRank();
    Value rows = toMatrix(rewriter, loc, adaptor.getInput(), rank - 1);
    Value acc =
        filled(rewriter, loc,
               {rewriter.getIndexAttr(op.getType().getDimSize(0))}, 0.0);
    MLIRContext *ctx = getContext();
    rewriter.replaceOp(
        op, generic(rewriter, loc, {rows}, {acc},
                    {rewriter.getMultiDimIdentityMap(2),
                     AffineMap::get(2, 0, {getAffineDimExpr(1, ctx)}, ctx)},
                    {IteratorType::reduction, IteratorType::parallel},
                    [](OpBuilder &b, Location l, ValueRange a) {
                      return SmallVector<Value>{
                          arith::AddFOp::create(b, l, a[0], a[1])};
                    }));
    return success();
  }
};

} // namespace

void mlir::dl::populateDLToLinalgConvolutionPatterns(
    RewritePatternSet &patterns) {
  patterns.add<Conv2DLowering, Conv2DInputGradLowering,
               Conv2DFilterGradLowering, ChannelSumLowering>(
      patterns.getContext());
}
