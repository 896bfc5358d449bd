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
// The patches `cols` are packed by a linalg.generic (zero where the window
// covers padding); col2im adds, for each kernel offset, that offset's
// column block of dcols onto the strided slab of the input it read: KH * KW
// elementwise generics with affine maps only, vectorised along C.
//
// The products read dy [N, OH, OW, F] and the kernel [KH, KW, C, F] as
// matrices through tensor.collapse_shape (toRows): free once bufferized.
// Upstream's elementwise fusion would fold such a reshape into the product
// by expanding its loops, leaving a loop nest no kernel matches;
// dl-fuse-elementwise moves no reshape into a generic with a reduction. The
// way back, [M, F] -> [N, OH, OW, F] with the bias and [K, F] -> [KH, KW,
// C, F], are copying generics (O(M * F), against the products'
// O(M * K * F)); without a bias the forward's is a tensor.expand_shape.
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

/// (d0, ..., dr-1) -> (row-major linear index of d0..dr-2 in `dims`, dr-1):
/// an element of [d0, ..., F] in its matrix [d0 * ... * dr-2, F]. Affine, so
/// the copies through it need no division and vectorise along F.
AffineMap matrixMap(MLIRContext *ctx, ArrayRef<int64_t> dims) {
  int64_t rank = dims.size();
  AffineExpr row = getAffineDimExpr(0, ctx);
  for (int64_t d = 1; d < rank - 1; ++d)
    row = row * dims[d] + getAffineDimExpr(d, ctx);
  return AffineMap::get(rank, 0, {row, getAffineDimExpr(rank - 1, ctx)}, ctx);
}

/// The matrix `m` [d0 * ... * dr-1, F] copied into `sizes` [d0, ..., F],
/// plus `bias` [F] if given.
Value fromMatrix(OpBuilder &b, Location loc, Value m,
                 ArrayRef<OpFoldResult> sizes, Value bias = Value()) {
  SmallVector<int64_t> dims;
  for (OpFoldResult s : sizes) {
    std::optional<int64_t> c = getConstantIntValue(s);
    dims.push_back(c ? *c : ShapedType::kDynamic);
  }
  int64_t rank = sizes.size();
  Value init = tensor::EmptyOp::create(b, loc, sizes, b.getF32Type());
  MLIRContext *ctx = b.getContext();
  SmallVector<Value> ins{m};
  SmallVector<AffineMap> maps{matrixMap(ctx, dims)};
  if (bias) {
    ins.push_back(bias);
    maps.push_back(AffineMap::get(rank, 0, getAffineDimExpr(rank - 1, ctx)));
  }
  maps.push_back(b.getMultiDimIdentityMap(rank));
  return generic(
      b, loc, ins, {init}, maps,
      SmallVector<IteratorType>(rank, IteratorType::parallel),
      [&](OpBuilder &nb, Location l, ValueRange a) {
        return SmallVector<Value>{
            bias ? arith::AddFOp::create(nb, l, a[0], a[1]).getResult() : a[0]};
      })[0];
}

/// The patches of `x` [N, H, W, C] as a matrix [N * OH * OW, KH * KW * C]:
/// row (n, i, j), column (a, b, c) holds x[n, i * sh + a * dh - top,
/// j * sw + b * dw - left, c], zero in the padding. Read with tensor.extract
/// rather than from a tensor.pad, whose copy into the padded buffer needs a
/// runtime call (memrefCopy).
Value packPatches(OpBuilder &b, Location loc, Value x, const ConvGeometry &g) {
  Value n = tensor::getMixedSize(b, loc, x, 0).dyn_cast<Value>();
  OpFoldResult rows =
      n ? OpFoldResult(
              arith::MulIOp::create(b, loc, n, indexConst(b, loc, g.oh * g.ow))
                  .getResult())
        : OpFoldResult(b.getIndexAttr(
              cast<RankedTensorType>(x.getType()).getDimSize(0) * g.oh * g.ow));
  Value init = tensor::EmptyOp::create(
      b, loc, ArrayRef<OpFoldResult>{rows, b.getIndexAttr(g.kh * g.kw * g.c)},
      b.getF32Type());
  // Loops (n, i, j, a, b, c), written at row (n * OH + i) * OW + j, column
  // (a * KW + b) * C + c: no division per element, and the innermost loop
  // runs along C, contiguous in both x and cols. Two empty tensors [N, OH,
  // OW] and [KH, KW, C] give the loops their bounds (only their shapes are
  // read).
  MLIRContext *ctx = b.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  SmallVector<OpFoldResult> outer{tensor::getMixedSize(b, loc, x, 0),
                                  b.getIndexAttr(g.oh), b.getIndexAttr(g.ow)};
  Value rowShape = tensor::EmptyOp::create(b, loc, outer, b.getF32Type());
  Value colShape = tensor::EmptyOp::create(
      b, loc, ArrayRef<int64_t>{g.kh, g.kw, g.c}, b.getF32Type());
  SmallVector<AffineMap> maps{
      AffineMap::get(6, 0, {d(0), d(1), d(2)}, ctx),
      AffineMap::get(6, 0, {d(3), d(4), d(5)}, ctx),
      AffineMap::get(6, 0,
                     {(d(0) * g.oh + d(1)) * g.ow + d(2),
                      (d(3) * g.kw + d(4)) * g.c + d(5)},
                     ctx)};
  return generic(
      b, loc, {rowShape, colShape}, {init}, maps,
      SmallVector<IteratorType>(6, IteratorType::parallel),
      [&](OpBuilder &nb, Location l, ValueRange) {
        auto idx = [&](int64_t i) -> Value {
          return linalg::IndexOp::create(nb, l, i);
        };
        SmallVector<Value> row{idx(0), idx(1), idx(2)};
        SmallVector<Value> col{idx(3), idx(4), idx(5)};
        Value zero = indexConst(nb, l, 0);
        Value inside;
        auto axis = [&](Value i, Value a, int64_t stride, int64_t dilation,
                        int64_t before, int64_t size, int64_t out, int64_t k) {
          Value p = arith::AddIOp::create(
              nb, l, arith::MulIOp::create(nb, l, i, indexConst(nb, l, stride)),
              arith::MulIOp::create(nb, l, a, indexConst(nb, l, dilation)));
          p = arith::SubIOp::create(nb, l, p, indexConst(nb, l, before));
          // Every window inside the input along this axis (no padding, as
          // `valid`): no check, so the copy is a plain strided one.
          if (before == 0 && (out - 1) * stride + (k - 1) * dilation < size)
            return p;
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
        Value y = axis(row[1], col[0], g.sh, g.dh, g.top, g.h, g.oh, g.kh);
        Value x0 = axis(row[2], col[1], g.sw, g.dw, g.left, g.w, g.ow, g.kw);
        Value v = tensor::ExtractOp::create(nb, l, x,
                                            ValueRange{row[0], y, x0, col[2]});
        if (!inside)
          return SmallVector<Value>{v};
        return SmallVector<Value>{
            arith::SelectOp::create(nb, l, inside, v, f32Const(nb, l, 0.0))};
      })[0];
}

/// C[m, n] = sum_k A(m, k) * B(k, n) into a zeroed C, A read transposed
/// ([k, m]) or B ([n, k]): linalg.matmul with transposed indexing maps, a
/// form the contraction kernel matches.
Value product(OpBuilder &b, Location loc, Value lhs, Value rhs,
              bool transposeLhs) {
  Value acc = filled(b, loc,
                     {tensor::getMixedSize(b, loc, lhs, transposeLhs ? 1 : 0),
                      tensor::getMixedSize(b, loc, rhs, transposeLhs ? 1 : 0)},
                     0.0);
  if (transposeLhs)
    return linalg::MatmulTransposeAOp::create(b, loc, TypeRange{acc.getType()},
                                              ValueRange{lhs, rhs},
                                              ValueRange{acc})
        .getResult(0);
  return linalg::MatmulTransposeBOp::create(b, loc, TypeRange{acc.getType()},
                                            ValueRange{lhs, rhs},
                                            ValueRange{acc})
      .getResult(0);
}

/// The gradient of the input [N, h, w, C] from the patch gradients `dcols`
/// [N * OH * OW, KH * KW * C]: for each kernel offset (a, b), the output
/// positions (i, j) whose patch reads the input add their column block onto
/// the strided slab of dx they read, dx[n, i * sh + a * dh - top,
/// j * sw + b * dw - left, :]. One elementwise add per offset, with affine
/// indexing only and the innermost loop along C in both: it vectorises,
/// where a gather per input element (a division and a select per offset)
/// stayed scalar and took longer than the product before it.
Value col2im(OpBuilder &b, Location loc, Value dcols, OpFoldResult batch,
             const ConvGeometry &g) {
  Value dx = filled(
      b, loc,
      {batch, b.getIndexAttr(g.h), b.getIndexAttr(g.w), b.getIndexAttr(g.c)},
      0.0);
  MLIRContext *ctx = b.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  // Along one axis, the output indices [first, first + count) whose patch
  // reads the input at offset `a`: 0 <= i * stride + a * dilation - before
  // < size, and i < out.
  auto range = [](int64_t a, int64_t stride, int64_t dilation, int64_t before,
                  int64_t size, int64_t out) {
    int64_t shift = a * dilation - before;
    int64_t first =
        shift >= 0 ? 0 : int64_t(llvm::divideCeil(uint64_t(-shift), stride));
    int64_t last = std::min(out - 1, (size - 1 - shift) / stride);
    return std::make_pair(first, std::max<int64_t>(0, last - first + 1));
  };
  for (int64_t a = 0; a < g.kh; ++a) {
    auto [i0, ni] = range(a, g.sh, g.dh, g.top, g.h, g.oh);
    for (int64_t bb = 0; bb < g.kw; ++bb) {
      auto [j0, nj] = range(bb, g.sw, g.dw, g.left, g.w, g.ow);
      if (ni == 0 || nj == 0)
        continue;
      SmallVector<OpFoldResult> offsets{
          b.getIndexAttr(0), b.getIndexAttr(i0 * g.sh + a * g.dh - g.top),
          b.getIndexAttr(j0 * g.sw + bb * g.dw - g.left), b.getIndexAttr(0)};
      SmallVector<OpFoldResult> sizes{batch, b.getIndexAttr(ni),
                                      b.getIndexAttr(nj), b.getIndexAttr(g.c)};
      SmallVector<OpFoldResult> strides{b.getIndexAttr(1), b.getIndexAttr(g.sh),
                                        b.getIndexAttr(g.sw),
                                        b.getIndexAttr(1)};
      Value slab =
          tensor::ExtractSliceOp::create(b, loc, dx, offsets, sizes, strides);
      // The offset's column block of dcols, [N * OH * OW, C], read at row
      // (n * OH + i0 + i) * OW + j0 + j for slab element (n, i, j, c). (A
      // column map d3 + offset on the whole dcols would do, but for offset
      // 0 it is the plain d3, and linalg would take the loop's bound from
      // dcols' width instead of the slab's.)
      Value block = tensor::ExtractSliceOp::create(
          b, loc, dcols,
          ArrayRef<OpFoldResult>{b.getIndexAttr(0),
                                 b.getIndexAttr((a * g.kw + bb) * g.c)},
          ArrayRef<OpFoldResult>{tensor::getMixedSize(b, loc, dcols, 0),
                                 b.getIndexAttr(g.c)},
          ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1)});
      SmallVector<AffineMap> maps{
          AffineMap::get(
              4, 0, {(d(0) * g.oh + d(1) + i0) * g.ow + d(2) + j0, d(3)}, ctx),
          AffineMap::getMultiDimIdentityMap(4, ctx)};
      Value sum = generic(b, loc, {block}, {slab}, maps,
                          SmallVector<IteratorType>(4, IteratorType::parallel),
                          [&](OpBuilder &nb, Location l, ValueRange args) {
                            return SmallVector<Value>{
                                arith::AddFOp::create(nb, l, args[1], args[0])};
                          })[0];
      dx = tensor::InsertSliceOp::create(b, loc, sum, dx, offsets, sizes,
                                         strides);
    }
  }
  return dx;
}

/// Channels for which the input gradient is gathered (col2imGather) rather
/// than scattered (col2im): dl-vectorize-column-sums makes one vector<C> of
/// each of the taps' rows, and one channel has no vector to make. Past 64
/// channels (none in the examples or benchmarks) the gather is unmeasured,
/// so the scatter stays.
bool gathersInputGrad(int64_t channels) {
  return channels >= 2 && channels <= 64;
}

/// The gradient of the input [N, h, w, C] from the patch gradients `dcols`
/// [N * OH * OW, KH * KW * C] in one pass over dx: each position (n, y, x)
/// sums, over the kernel offsets (a, b) in row-major order, the row of dcols
/// of the output position whose patch reads it at that offset, if any:
/// i = (y + top - a * dh) / sh when that divides exactly and 0 <= i < OH,
/// likewise j. dcols is read as [N, OH * OW, KH * KW, C], so each read is a
/// row of C contiguous channels at a row that depends on (n, y, x) only: a
/// row copy for dl-vectorize-column-sums, one vector per tap; and sample n
/// reads only dcols[n], so dl-block-gathered-products can compute dcols a
/// sample at a time, each consumed while in cache. col2im's KH * KW read-
/// modify-write passes over dx (9 for 3 x 3) were 5 to 8% of the CNN's step.
/// The sum runs in col2im's order from the same zero, so the two agree bit
/// for bit.
Value col2imGather(OpBuilder &b, Location loc, Value dcols, OpFoldResult batch,
                   const ConvGeometry &g) {
  MLIRContext *ctx = b.getContext();
  Value taps = tensor::ExpandShapeOp::create(
      b, loc,
      RankedTensorType::get(
          {getConstantIntValue(batch).value_or(ShapedType::kDynamic),
           g.oh * g.ow, g.kh * g.kw, g.c},
          b.getF32Type()),
      dcols, SmallVector<ReassociationIndices>{{0, 1}, {2, 3}},
      ArrayRef<OpFoldResult>{batch, b.getIndexAttr(g.oh * g.ow),
                             b.getIndexAttr(g.kh * g.kw), b.getIndexAttr(g.c)});
  Value dx = tensor::EmptyOp::create(
      b, loc,
      ArrayRef<OpFoldResult>{batch, b.getIndexAttr(g.h), b.getIndexAttr(g.w),
                             b.getIndexAttr(g.c)},
      b.getF32Type());
  return generic(
      b, loc, {}, {dx}, {AffineMap::getMultiDimIdentityMap(4, ctx)},
      SmallVector<IteratorType>(4, IteratorType::parallel),
      [&](OpBuilder &nb, Location l, ValueRange) {
        auto idx = [&](int64_t i) -> Value {
          return linalg::IndexOp::create(nb, l, i);
        };
        Value n = idx(0), y = idx(1), x = idx(2), c = idx(3);
        Value zero = indexConst(nb, l, 0);
        // The output index along one axis whose patch reads input position
        // `p` at kernel offset `a` (clamped to 0), and whether there is one.
        auto axis = [&](Value p, int64_t a, int64_t stride, int64_t dilation,
                        int64_t before, int64_t out) {
          Value q = arith::AddIOp::create(nb, l, p, indexConst(nb, l, before));
          Value ok;
          if (int64_t shift = a * dilation) {
            ok = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::uge, q,
                                       indexConst(nb, l, shift));
            q = arith::SubIOp::create(nb, l, q, indexConst(nb, l, shift));
            q = arith::SelectOp::create(nb, l, ok, q, zero);
          }
          auto both = [&](Value cond) {
            return ok ? arith::AndIOp::create(nb, l, ok, cond).getResult()
                      : cond;
          };
          if (stride > 1) {
            Value s = indexConst(nb, l, stride);
            ok = both(arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq,
                                            arith::RemUIOp::create(nb, l, q, s),
                                            zero));
            q = arith::DivUIOp::create(nb, l, q, s);
          }
          ok = both(arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ult, q,
                                          indexConst(nb, l, out)));
          return std::make_pair(
              arith::SelectOp::create(nb, l, ok, q, zero).getResult(), ok);
        };
        Value sum = f32Const(nb, l, 0.0);
        for (int64_t a = 0; a < g.kh; ++a) {
          auto [i, iOk] = axis(y, a, g.sh, g.dh, g.top, g.oh);
          for (int64_t bb = 0; bb < g.kw; ++bb) {
            auto [j, jOk] = axis(x, bb, g.sw, g.dw, g.left, g.ow);
            Value pos = arith::AddIOp::create(
                nb, l, arith::MulIOp::create(nb, l, i, indexConst(nb, l, g.ow)),
                j);
            Value v = tensor::ExtractOp::create(
                nb, l, taps,
                ValueRange{n, pos, indexConst(nb, l, a * g.kw + bb), c});
            Value ok = arith::AndIOp::create(nb, l, iOk, jOk);
            sum = arith::AddFOp::create(
                nb, l, sum,
                arith::SelectOp::create(nb, l, ok, v, f32Const(nb, l, 0.0)));
          }
        }
        return SmallVector<Value>{sum};
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
    Value cols = packPatches(rewriter, loc, x, g);
    Value kernel = toRows(rewriter, loc, adaptor.getKernel());
    Value init = tensor::EmptyOp::create(
        rewriter, loc,
        ArrayRef<OpFoldResult>{tensor::getMixedSize(rewriter, loc, cols, 0),
                               rewriter.getIndexAttr(g.f)},
        rewriter.getF32Type());
    // The product starts from zero (the kernel then keeps its accumulators
    // in registers from the start) and the bias is added by the copy out of
    // the matrix, which runs anyway. Starting from a broadcast bias, as
    // dense does, costs a pass of its own over [M, F], and for F = 32 LLVM
    // vectorised that broadcast across rows, as scatters (12% of a step).
    Value acc = linalg::FillOp::create(rewriter, loc,
                                       ValueRange{f32Const(rewriter, loc, 0.0)},
                                       ValueRange{init})
                    .getResult(0);
    Value y = linalg::MatmulOp::create(rewriter, loc, ValueRange{cols, kernel},
                                       ValueRange{acc})
                  .getResult(0);
    SmallVector<OpFoldResult> sizes{
        tensor::getMixedSize(rewriter, loc, x, 0), rewriter.getIndexAttr(g.oh),
        rewriter.getIndexAttr(g.ow), rewriter.getIndexAttr(g.f)};
    // Without a bias (use_bias = false, or dropped before batch
    // normalisation) the matrix is the result, viewed as [N, OH, OW, F]: a
    // following elementwise op reads it in place, and a reduction (the
    // statistics) needs no copy first.
    if (!adaptor.getBias())
      y = tensor::ExpandShapeOp::create(
          rewriter, loc,
          RankedTensorType::get(
              {cast<RankedTensorType>(x.getType()).getDimSize(0), g.oh, g.ow,
               g.f},
              rewriter.getF32Type()),
          y, SmallVector<ReassociationIndices>{{0, 1, 2}, {3}}, sizes);
    else
      y = fromMatrix(rewriter, loc, y, sizes, adaptor.getBias());
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
    Value dcols = product(rewriter, loc, toRows(rewriter, loc, dy),
                          toRows(rewriter, loc, adaptor.getKernel()),
                          /*transposeLhs=*/false);
    OpFoldResult batch = tensor::getMixedSize(rewriter, loc, dy, 0);
    Value dx = gathersInputGrad(g.c)
                   ? col2imGather(rewriter, loc, dcols, batch, g)
                   : col2im(rewriter, loc, dcols, batch, g);
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
    Value cols = packPatches(rewriter, loc, adaptor.getInput(), g);
    Value dk =
        product(rewriter, loc, cols, toRows(rewriter, loc, adaptor.getGrad()),
                /*transposeLhs=*/true);
    dk = fromMatrix(rewriter, loc, dk,
                    {rewriter.getIndexAttr(g.kh), rewriter.getIndexAttr(g.kw),
                     rewriter.getIndexAttr(g.c), rewriter.getIndexAttr(g.f)});
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
    Value acc =
        filled(rewriter, loc,
               {rewriter.getIndexAttr(op.getType().getDimSize(0))}, 0.0);
    MLIRContext *ctx = getContext();
    SmallVector<IteratorType> iters(rank, IteratorType::reduction);
    iters.back() = IteratorType::parallel;
    rewriter.replaceOp(
        op, generic(rewriter, loc, {adaptor.getInput()}, {acc},
                    {rewriter.getMultiDimIdentityMap(rank),
                     AffineMap::get(rank, 0, {getAffineDimExpr(rank - 1, ctx)},
                                    ctx)},
                    iters, [](OpBuilder &b, Location l, ValueRange a) {
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
