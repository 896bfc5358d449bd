//===- Recurrence.cpp - dl.scan and its shape ops to scf and tensor -------===//
//
// dl.scan becomes an scf.for over time with tensor iter_args: the carries,
// then one [B, T, ...] tensor per per-step output that each step writes its
// slice into. The body's dl ops are moved into the loop unchanged and
// lowered by the other patterns, so a cell needs no lowering of its own.
// Bufferization turns the iter_args and the slices into in-place buffers.
// Also the orthogonal initialiser the recurrent kernels start from.
//
//===----------------------------------------------------------------------===//
#include "Utils.h"
#include "dl/Conversion/DLToLinalg.h"
#include "dl/Dialect/DL/IR/DLOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Utils/Utils.h"

using namespace mlir;
using namespace mlir::dl;
using namespace mlir::dl::detail;

namespace {

/// Offsets, sizes and strides of step `t` of a [B, T, ...] tensor whose
/// step-slices have the sizes `step`.
void timeSlice(OpBuilder &b, Value t, ArrayRef<OpFoldResult> step,
               SmallVectorImpl<OpFoldResult> &offsets,
               SmallVectorImpl<OpFoldResult> &sizes,
               SmallVectorImpl<OpFoldResult> &strides) {
  sizes.assign(step.begin(), step.end());
  sizes.insert(sizes.begin() + 1, b.getIndexAttr(1));
  offsets.assign(sizes.size(), b.getIndexAttr(0));
  offsets[1] = t;
  strides.assign(sizes.size(), b.getIndexAttr(1));
}

struct ScanLowering : OpConversionPattern<ScanOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ScanOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    unsigned nc = op.getInits().size();
    Value first = adaptor.getSequences()[0];
    Value batch = tensor::DimOp::create(rewriter, loc, first, 0);
    Value time = tensor::DimOp::create(rewriter, loc, first, 1);

    // The carries start as copies of their initial values: the loop
    // overwrites them in place, and the initial values may have other
    // readers (after the loop, or when a one-step loop is inlined).
    SmallVector<Value> iterInits;
    for (Value init : adaptor.getInits())
      iterInits.push_back(linalg::CopyOp::create(rewriter, loc, init,
                                                 emptyLike(rewriter, loc, init))
                              .getResult(0));
    // The stacked outputs start empty; every step writes its slice.
    for (Value r : op.getStacked()) {
      auto type = cast<RankedTensorType>(r.getType());
      SmallVector<Value> dynamic;
      for (int64_t d = 0; d < type.getRank(); ++d) {
        if (!type.isDynamicDim(d))
          continue;
        if (d > 1)
          return rewriter.notifyMatchFailure(
              op, "a per-step output has a dynamic size past the batch");
        dynamic.push_back(d == 0 ? batch : time);
      }
      iterInits.push_back(tensor::EmptyOp::create(
          rewriter, loc, type.getShape(), type.getElementType(), dynamic));
    }

    // Each sequence's step sizes, computed before the loop: the body's
    // buffers then have loop-invariant sizes and are hoisted out of it.
    SmallVector<SmallVector<OpFoldResult>> stepSizes;
    for (Value seq : adaptor.getSequences()) {
      stepSizes.push_back(tensor::getMixedSizes(rewriter, loc, seq));
      stepSizes.back().erase(stepSizes.back().begin() + 1);
    }

    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    auto loop = scf::ForOp::create(rewriter, loc, zero, time, one, iterInits);
    Block *loopBody = loop.getBody();
    rewriter.setInsertionPointToStart(loopBody);
    Value t = loop.getInductionVar();
    if (op.getReverse()) {
      // T - 1 - i: the reverse scan visits the last step first.
      Value last = arith::SubIOp::create(rewriter, loc, time, one);
      t = arith::SubIOp::create(rewriter, loc, last, t);
    }

    SmallVector<Value> args(loop.getRegionIterArgs().take_front(nc));
    Block &body = op.getBodyBlock();
    for (auto [i, seq] : llvm::enumerate(adaptor.getSequences())) {
      auto stepType =
          cast<RankedTensorType>(body.getArgument(nc + i).getType());
      SmallVector<OpFoldResult> offsets, sizes, strides;
      timeSlice(rewriter, t, stepSizes[i], offsets, sizes, strides);
      args.push_back(tensor::ExtractSliceOp::create(
          rewriter, loc, stepType, seq, offsets, sizes, strides));
    }
    llvm::append_range(args, adaptor.getInvariants());

    auto yield = cast<YieldOp>(body.getTerminator());
    rewriter.inlineBlockBefore(&body, loopBody, loopBody->end(), args);
    rewriter.setInsertionPoint(yield);
    // Each per-step output into its slice of the stacked result. Its sizes
    // are the batch (read before the loop) and static ones: nothing in the
    // loop reads a carry's size after the carry is overwritten below.
    SmallVector<Value> stacked;
    for (auto [j, value] : llvm::enumerate(yield.getValues().drop_front(nc))) {
      auto type = cast<RankedTensorType>(value.getType());
      SmallVector<OpFoldResult> step{batch};
      for (int64_t d : type.getShape().drop_front())
        step.push_back(rewriter.getIndexAttr(d));
      SmallVector<OpFoldResult> offsets, sizes, strides;
      timeSlice(rewriter, t, step, offsets, sizes, strides);
      stacked.push_back(tensor::InsertSliceOp::create(
          rewriter, loc, value, loop.getRegionIterArgs()[nc + j], offsets,
          sizes, strides));
    }
    // The next carries are copied into the carries' own buffers, so the
    // loop's tensors stay in place (one buffer per carry for all steps;
    // bufferization requires a loop to yield its iter_args' buffers).
    SmallVector<Value> next;
    for (auto [value, carry] :
         llvm::zip(yield.getValues().take_front(nc), loop.getRegionIterArgs()))
      next.push_back(
          linalg::CopyOp::create(rewriter, loc, value, carry).getResult(0));
    llvm::append_range(next, stacked);
    scf::YieldOp::create(rewriter, loc, next);
    rewriter.eraseOp(yield);
    rewriter.replaceOp(op, loop.getResults());
    return success();
  }
};

/// `v` as `type` (a static size the op's type knows and `v`'s does not).
Value castTo(OpBuilder &b, Location loc, Value v, Type type) {
  return v.getType() == type ? v : tensor::CastOp::create(b, loc, type, v);
}

struct ZerosLowering : OpConversionPattern<ZerosOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ZerosOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getType();
    SmallVector<OpFoldResult> sizes;
    for (int64_t d = 0; d < type.getRank(); ++d)
      sizes.push_back(
          d == 0 && type.isDynamicDim(0)
              ? tensor::getMixedSize(rewriter, loc, adaptor.getBatchLike(), 0)
              : rewriter.getIndexAttr(type.getDimSize(d)));
    rewriter.replaceOp(
        op, castTo(rewriter, loc, filled(rewriter, loc, sizes, 0.0), type));
    return success();
  }
};

/// [[0, 1], [2], ..., [rank - 1]] for a rank-`rank` [B, T, ...] tensor.
SmallVector<ReassociationIndices> batchTimeAndRest(int64_t rank) {
  SmallVector<ReassociationIndices> groups{{0, 1}};
  for (int64_t d = 2; d < rank; ++d)
    groups.push_back({d});
  return groups;
}

struct MergeTimeLowering : OpConversionPattern<MergeTimeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MergeTimeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value v = tensor::CollapseShapeOp::create(
        rewriter, loc, adaptor.getInput(),
        batchTimeAndRest(op.getInput().getType().getRank()));
    rewriter.replaceOp(op, castTo(rewriter, loc, v, op.getType()));
    return success();
  }
};

struct SplitTimeLowering : OpConversionPattern<SplitTimeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SplitTimeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getType();
    SmallVector<OpFoldResult> shape{
        tensor::getMixedSize(rewriter, loc, adaptor.getLike(), 0),
        tensor::getMixedSize(rewriter, loc, adaptor.getLike(), 1)};
    for (int64_t d : type.getShape().drop_front(2))
      shape.push_back(rewriter.getIndexAttr(d));
    SmallVector<int64_t> staticShape;
    SmallVector<Value> dynamic;
    dispatchIndexOpFoldResults(shape, dynamic, staticShape);
    auto expanded = RankedTensorType::get(staticShape, type.getElementType());
    Value v = tensor::ExpandShapeOp::create(
        rewriter, loc, expanded, adaptor.getInput(),
        batchTimeAndRest(type.getRank()), shape);
    rewriter.replaceOp(op, castTo(rewriter, loc, v, type));
    return success();
  }
};

/// Modified Gram-Schmidt over the columns of a static [n, m] tensor, n >= m,
/// each column projected out twice ("twice is enough": the columns stay
/// orthogonal to f32 precision even for an ill-conditioned input). Scalar
/// loops: it runs once, in the initialiser.
Value gramSchmidt(OpBuilder &b, Location loc, Value q, int64_t n, int64_t m) {
  auto idx = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  Value c0 = idx(0), c1 = idx(1), rows = idx(n);
  // sum_i f(q, i) over the rows, as a scalar.
  auto sumRows = [&](OpBuilder &ob, Value cur,
                     function_ref<Value(OpBuilder &, Value)> term) {
    auto loop = scf::ForOp::create(
        ob, loc, c0, rows, c1, ValueRange{f32Const(ob, loc, 0.0)},
        [&](OpBuilder &ib, Location l, Value i, ValueRange acc) {
          Value s = arith::AddFOp::create(ib, l, acc[0], term(ib, i));
          scf::YieldOp::create(ib, l, s);
        });
    return loop.getResult(0);
  };
  // q[:, j] = f(q, i) for every row i.
  auto mapColumn = [&](OpBuilder &ob, Value cur, Value j,
                       function_ref<Value(OpBuilder &, Value, Value)> f) {
    auto loop = scf::ForOp::create(
        ob, loc, c0, rows, c1, ValueRange{cur},
        [&](OpBuilder &ib, Location l, Value i, ValueRange it) {
          Value v = f(ib, it[0], i);
          scf::YieldOp::create(
              ib, l,
              tensor::InsertOp::create(ib, l, v, it[0], ValueRange{i, j})
                  .getResult());
        });
    return loop.getResult(0);
  };
  auto at = [&](OpBuilder &ob, Value t, Value i, Value j) -> Value {
    return tensor::ExtractOp::create(ob, loc, t, ValueRange{i, j});
  };
  auto columns = scf::ForOp::create(
      b, loc, c0, idx(m), c1, ValueRange{q},
      [&](OpBuilder &jb, Location, Value j, ValueRange jt) {
        Value cur = jt[0];
        for (int pass = 0; pass < 2; ++pass) {
          auto project = scf::ForOp::create(
              jb, loc, c0, j, c1, ValueRange{cur},
              [&](OpBuilder &kb, Location, Value k, ValueRange kt) {
                Value qk = kt[0];
                Value r = sumRows(kb, qk, [&](OpBuilder &ib, Value i) {
                  return arith::MulFOp::create(ib, loc, at(ib, qk, i, k),
                                               at(ib, qk, i, j));
                });
                Value next = mapColumn(
                    kb, qk, j, [&](OpBuilder &ib, Value t, Value i) -> Value {
                      Value p =
                          arith::MulFOp::create(ib, loc, r, at(ib, t, i, k));
                      return arith::SubFOp::create(ib, loc, at(ib, t, i, j), p);
                    });
                scf::YieldOp::create(kb, loc, next);
              });
          cur = project.getResult(0);
        }
        Value sq = sumRows(jb, cur, [&](OpBuilder &ib, Value i) {
          Value v = at(ib, cur, i, j);
          return arith::MulFOp::create(ib, loc, v, v);
        });
        Value inv = arith::DivFOp::create(jb, loc, f32Const(jb, loc, 1.0),
                                          math::SqrtOp::create(jb, loc, sq));
        Value done = mapColumn(
            jb, cur, j, [&](OpBuilder &ib, Value t, Value i) -> Value {
              return arith::MulFOp::create(ib, loc, at(ib, t, i, j), inv);
            });
        scf::YieldOp::create(jb, loc, done);
      });
  return columns.getResult(0);
}

Value transposed(OpBuilder &b, Location loc, Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  Value init = tensor::EmptyOp::create(
      b, loc, ArrayRef<int64_t>{type.getDimSize(1), type.getDimSize(0)},
      type.getElementType());
  return linalg::TransposeOp::create(b, loc, v, init, ArrayRef<int64_t>{1, 0})
      .getResult()[0];
}

struct OrthogonalLowering : OpConversionPattern<OrthogonalOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OrthogonalOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getType();
    int64_t n = type.getDimSize(0), m = type.getDimSize(1);
    Value v = adaptor.getInput();
    // Fewer rows than columns: orthonormalise the rows, as Keras transposes.
    if (n < m)
      v = transposed(rewriter, loc, v);
    v = gramSchmidt(rewriter, loc, v, std::max(n, m), std::min(n, m));
    if (n < m)
      v = transposed(rewriter, loc, v);
    rewriter.replaceOp(op, v);
    return success();
  }
};

} // namespace

void mlir::dl::populateDLToLinalgRecurrencePatterns(
    RewritePatternSet &patterns) {
  patterns.add<ScanLowering, ZerosLowering, MergeTimeLowering,
               SplitTimeLowering, OrthogonalLowering>(patterns.getContext());
}
