//===- BlockPatchProducts.cpp - patches made a sample at a time ----------===//
//
// See Passes.td. A convolution lowered through im2col writes its patches,
// [N * OH * OW, KH * KW * C], for the forward product and the filter
// gradient to read back: 17.8 MB for the CNN's second convolution at batch
// 128, written to memory once and read from it twice. Made a sample at a
// time inside each product's loop, a sample's block (139 KB) is read from
// L2 by the product right after it is written.
//
//===----------------------------------------------------------------------===//
#include "SampleRows.h"
#include "dl/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineExpr.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/TilingInterface.h"

namespace mlir::dl {
#define GEN_PASS_DEF_DLBLOCKPATCHPRODUCTS
#include "dl/Codegen/Passes.h.inc"
} // namespace mlir::dl

using namespace mlir;

namespace {

/// How a product reads the patches P [M, K] (its first operand): as rows of
/// its result (C[m, n] = sum_k P[m, k] B[k, n], the forward product), or
/// reduced over them (C[k, n] = sum_m P[m, k] D[m, n], the filter gradient).
enum class PatchUse { Rows, Reduced };

/// How `use`'s product reads the patches, if it is one this pass blocks:
/// one whose patches have more columns (K) than its other operand (the
/// first convolution's K = 9 against 32 filters: its patches are a small
/// part of the traffic, and making them twice, for the forward product and
/// the filter gradient, cost more than reading them back).
std::optional<PatchUse> patchUse(OpOperand &use) {
  auto op = dyn_cast<linalg::LinalgOp>(use.getOwner());
  if (!op || use.getOperandNumber() != 0 || op.getNumLoops() != 3 ||
      op.getNumReductionLoops() != 1 || op.getNumDpsInits() != 1 ||
      op.getNumDpsInputs() != 2 || !linalg::isaContractionOpInterface(op) ||
      !op.hasPureTensorSemantics() ||
      op.getDpsInputOperand(1)->get() == use.get() ||
      !dl::isZeroFill(op.getDpsInitOperand(0)->get()))
    return std::nullopt;
  MLIRContext *ctx = op.getContext();
  auto map = [&](unsigned a, unsigned b) {
    return AffineMap::get(
        3, 0, {getAffineDimExpr(a, ctx), getAffineDimExpr(b, ctx)}, ctx);
  };
  if (op.getMatchingIndexingMap(op.getDpsInputOperand(1)) != map(2, 1) ||
      op.getMatchingIndexingMap(op.getDpsInitOperand(0)) != map(0, 1))
    return std::nullopt;
  auto patches = cast<RankedTensorType>(use.get().getType());
  auto other =
      cast<RankedTensorType>(op.getDpsInputOperand(1)->get().getType());
  if (patches.isDynamicDim(1) || other.isDynamicDim(1) ||
      patches.getDimSize(1) <= other.getDimSize(1))
    return std::nullopt;
  AffineMap lhs = op.getMatchingIndexingMap(op.getDpsInputOperand(0));
  if (lhs == map(0, 2))
    return PatchUse::Rows;
  if (lhs == map(2, 0))
    return PatchUse::Reduced;
  return std::nullopt;
}

/// R where `op` writes patches a sample at a time: an all-parallel generic
/// on tensors whose body does not read its one init [M, K], written at row
/// d0 * R + r(d1, ...) and a column free of d0, where r covers [0, R)
/// exactly at its extremes. Sample n (its first loop) then writes rows
/// [n * R, (n + 1) * R), each once.
std::optional<int64_t> patchRows(linalg::GenericOp op) {
  if (!op.hasPureTensorSemantics() || op.getNumDpsInits() != 1 ||
      op.getNumLoops() < 2 || op.getNumParallelLoops() != op.getNumLoops() ||
      !op.getMatchingBlockArgument(op.getDpsInitOperand(0)).use_empty())
    return std::nullopt;
  AffineMap out = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (out.getNumResults() != 2 || out.getNumSymbols() != 0 ||
      out.getResult(1).isFunctionOfDim(0))
    return std::nullopt;
  std::optional<dl::SampleRows> rows = dl::sampleRows(
      out.getResult(0), out.getNumDims(), op.getStaticLoopRanges());
  if (!rows || rows->first != 0 || rows->last != rows->rows - 1)
    return std::nullopt;
  return rows->rows;
}

/// Replaces `use`'s product by a loop over the samples that makes each
/// sample's patches (the tile of `patches` at n) and computes that sample's
/// part of the product from them.
LogicalResult block(linalg::GenericOp patches, int64_t rows, OpOperand &use,
                    PatchUse kind, RewriterBase &rw) {
  auto product = cast<linalg::LinalgOp>(use.getOwner());
  Location loc = product.getLoc();
  rw.setInsertionPoint(product);
  SmallVector<Range> domain =
      cast<TilingInterface>(patches.getOperation()).getIterationDomain(rw);
  Value samples = getValueOrCreateConstantIndexOp(rw, loc, domain[0].size);
  Value zero = arith::ConstantIndexOp::create(rw, loc, 0);
  Value one = arith::ConstantIndexOp::create(rw, loc, 1);
  Value init = product.getDpsInitOperand(0)->get();
  auto fill = init.getDefiningOp<linalg::FillOp>();
  // Rows: each iteration fills its own rows, so the loop starts from the
  // fill's destination and no pass zeroes the whole result first.
  if (kind == PatchUse::Rows)
    init = fill.getDpsInitOperand(0)->get();
  bool tiled = true;
  auto loop = scf::ForOp::create(
      rw, loc, zero, samples, one, ValueRange{init},
      [&](OpBuilder &b, Location loc, Value n, ValueRange acc) {
        SmallVector<OpFoldResult> offsets, sizes;
        for (auto [i, range] : llvm::enumerate(domain)) {
          offsets.push_back(i == 0 ? OpFoldResult(n) : range.offset);
          sizes.push_back(i == 0 ? b.getIndexAttr(1) : range.size);
        }
        FailureOr<TilingResult> tile =
            cast<TilingInterface>(patches.getOperation())
                .getTiledImplementation(b, offsets, sizes);
        if (failed(tile) || tile->tiledValues.size() != 1) {
          tiled = false;
          scf::YieldOp::create(b, loc, acc);
          return;
        }
        // The sample's patches go into a buffer of their own, not into
        // rows of one as large as all the patches: that one would be
        // written through to memory, a new 139 KB at each sample, where
        // this one is reused and stays in L1/L2.
        Operation *tiledOp = tile->tiledOps.front();
        auto tileType =
            dyn_cast<RankedTensorType>(tile->tiledValues[0].getType());
        auto dps = dyn_cast<DestinationStyleOpInterface>(tiledOp);
        if (tileType && tileType.hasStaticShape() && dps &&
            dps.getNumDpsInits() == 1 &&
            dps.getDpsInitOperand(0)->get().getType() == tileType) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(tiledOp);
          Value own = tensor::EmptyOp::create(b, loc, tileType.getShape(),
                                              tileType.getElementType());
          Value slice = dps.getDpsInitOperand(0)->get();
          dps.getDpsInitOperand(0)->set(own);
          if (Operation *dead = slice.getDefiningOp();
              dead && dead->use_empty())
            dead->erase();
        }
        Value part = tile->tiledValues[0];
        Value first = arith::MulIOp::create(
            b, loc, n, arith::ConstantIndexOp::create(b, loc, rows));
        auto sliceOf = [&](Value v) -> Value {
          SmallVector<OpFoldResult> at{first, b.getIndexAttr(0)};
          SmallVector<OpFoldResult> extent{b.getIndexAttr(rows),
                                           tensor::getMixedSize(b, loc, v, 1)};
          SmallVector<OpFoldResult> unit(2, b.getIndexAttr(1));
          return tensor::ExtractSliceOp::create(b, loc, v, at, extent, unit);
        };
        if (kind == PatchUse::Rows) {
          auto slice =
              cast<tensor::ExtractSliceOp>(sliceOf(acc[0]).getDefiningOp());
          Value out = linalg::FillOp::create(b, loc, fill.getInputs(),
                                             slice.getResult())
                          .getResult(0);
          Operation *step = b.clone(*product.getOperation());
          step->setOperand(0, part);
          step->setOperand(2, out);
          step->getResult(0).setType(out.getType());
          Value next = tensor::InsertSliceOp::create(
              b, loc, step->getResult(0), acc[0], slice.getMixedOffsets(),
              slice.getMixedSizes(), slice.getMixedStrides());
          scf::YieldOp::create(b, loc, next);
        } else {
          Value rhs = sliceOf(product.getDpsInputOperand(1)->get());
          Operation *step = b.clone(*product.getOperation());
          step->setOperand(0, part);
          step->setOperand(1, rhs);
          step->setOperand(2, acc[0]);
          scf::YieldOp::create(b, loc, step->getResult(0));
        }
      });
  if (!tiled) {
    rw.eraseOp(loop);
    return failure();
  }
  rw.replaceOp(product, loop.getResults());
  if (fill->use_empty())
    rw.eraseOp(fill);
  return success();
}

struct BlockPatchProducts
    : mlir::dl::impl::DLBlockPatchProductsBase<BlockPatchProducts> {
  void runOnOperation() override {
    SmallVector<std::pair<linalg::GenericOp, int64_t>> work;
    getOperation()->walk([&](linalg::GenericOp op) {
      std::optional<int64_t> rows = patchRows(op);
      if (rows && !op->use_empty() &&
          llvm::all_of(op->getUses(),
                       [](OpOperand &use) { return patchUse(use); }))
        work.push_back({op, *rows});
    });
    IRRewriter rewriter(&getContext());
    for (auto [op, rows] : work) {
      SmallVector<OpOperand *> uses;
      for (OpOperand &use : op->getUses())
        uses.push_back(&use);
      // Not an error where one fails: that product reads the whole patches,
      // which stay, only slower.
      for (OpOperand *use : uses)
        (void)block(op, rows, *use, *patchUse(*use), rewriter);
      if (op->use_empty())
        rewriter.eraseOp(op);
    }
  }
};

} // namespace
