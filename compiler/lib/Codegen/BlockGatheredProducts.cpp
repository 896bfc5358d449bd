//===- BlockGatheredProducts.cpp - a product computed a sample at a time --===//
//
// See Passes.td. A convolution's input gradient is a product dcols = dy x
// kernel^T, [N * OH * OW, KH * KW * C], gathered into dx by a generic whose
// sample n reads only dcols[n]. Whole, dcols is nine times dx (4.5 MB for
// the CNN's second convolution at batch 32): written to memory by the
// product and read back by the gather, it made the gather memory-bound.
// A sample at a time, its 139 KB block of dcols stays in L2 in between.
//
//===----------------------------------------------------------------------===//
#include "SampleRows.h"
#include "dl/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/TilingInterface.h"

namespace mlir::dl {
#define GEN_PASS_DEF_DLBLOCKGATHEREDPRODUCTS
#include "dl/Codegen/Passes.h.inc"
} // namespace mlir::dl

using namespace mlir;

namespace {

/// What a gather reads: `view` [N, R, ...] (R static) of the rows of the
/// product `product` [N * R, cols], of one use, into a zero fill.
struct Gathered {
  tensor::ExpandShapeOp view;
  linalg::LinalgOp product;
};

/// A matrix product whose rows are its left operand's rows: A read (m, k),
/// C written (m, n) (linalg.matmul, or with B transposed), into a fill of
/// zero.
bool isRowProduct(linalg::LinalgOp op) {
  if (!op || op.getNumLoops() != 3 || op.getNumReductionLoops() != 1 ||
      op.getNumDpsInits() != 1 || op.getNumDpsInputs() != 2 ||
      !linalg::isaContractionOpInterface(op) || !op.hasPureTensorSemantics())
    return false;
  MLIRContext *ctx = op.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  if (op.getMatchingIndexingMap(op.getDpsInputOperand(0)) !=
          AffineMap::get(3, 0, {d(0), d(2)}, ctx) ||
      op.getMatchingIndexingMap(op.getDpsInitOperand(0)) !=
          AffineMap::get(3, 0, {d(0), d(1)}, ctx))
    return false;
  return dl::isZeroFill(op.getDpsInitOperand(0)->get());
}

/// The product a generic on tensors whose first loop is parallel (a gather,
/// a pooling) reads from, if sample n (that loop) provably reads only its
/// rows: the body reads,
/// with tensor.extract, a view of the product from above whose first index
/// is always `linalg.index 0`; the view splits the product's rows into
/// [N, R] with R static. Reads of other tensors (a bias) do not matter.
std::optional<Gathered> gatheredProduct(linalg::GenericOp op) {
  if (!op.hasPureTensorSemantics() || op.getNumLoops() < 2 ||
      op.getIteratorTypesArray().front() != utils::IteratorType::parallel)
    return std::nullopt;
  auto isSample = [](Value v) {
    auto index = v.getDefiningOp<linalg::IndexOp>();
    return index && index.getDim() == 0;
  };
  tensor::ExpandShapeOp view;
  for (Operation &inner : op.getBlock()->without_terminator()) {
    auto extract = dyn_cast<tensor::ExtractOp>(inner);
    if (!extract || extract.getTensor().getParentBlock() == op.getBlock() ||
        !isSample(extract.getIndices().front()))
      continue;
    if (auto v = extract.getTensor().getDefiningOp<tensor::ExpandShapeOp>()) {
      view = v;
      break;
    }
  }
  if (!view || view.getResultType().getRank() < 2 ||
      llvm::any_of(view->getUsers(),
                   [&](Operation *user) {
                     auto e = dyn_cast<tensor::ExtractOp>(user);
                     return !op->isAncestor(user) || !e ||
                            e.getTensor() != view.getResult() ||
                            !isSample(e.getIndices().front());
                   }) ||
      view.getReassociationIndices().front() != ReassociationIndices{0, 1} ||
      ShapedType::isDynamic(view.getResultType().getDimSize(1)))
    return std::nullopt;
  auto product = view.getSrc().getDefiningOp<linalg::LinalgOp>();
  if (!isRowProduct(product) || !product->hasOneUse())
    return std::nullopt;
  return Gathered{view, product};
}

/// Tiles `op` by one sample and computes, in the loop, the sample's rows of
/// the product it gathers from.
LogicalResult block(linalg::GenericOp op, Gathered g, RewriterBase &rw) {
  scf::SCFTilingOptions tiling;
  SmallVector<OpFoldResult> sizes(op.getNumLoops(), rw.getIndexAttr(0));
  sizes[0] = rw.getIndexAttr(1);
  tiling.setTileSizes(sizes);
  rw.setInsertionPoint(op);
  FailureOr<scf::SCFTilingResult> tiled =
      scf::tileUsingSCF(rw, cast<TilingInterface>(op.getOperation()), tiling);
  if (failed(tiled) || tiled->loops.size() != 1 || tiled->tiledOps.size() != 1)
    return failure();
  auto tiledOp = cast<linalg::GenericOp>(tiled->tiledOps.back());
  auto loop = cast<scf::ForOp>(tiled->loops.front().getOperation());

  // The sample's rows [n * R, (n + 1) * R) of the product, before the tiled
  // gather: the same product on those rows of its left operand.
  Location loc = g.product.getLoc();
  rw.setInsertionPoint(tiledOp);
  RankedTensorType viewType = g.view.getResultType();
  int64_t rows = viewType.getDimSize(1);
  Value lhs = g.product.getDpsInputOperand(0)->get();
  Value first =
      arith::MulIOp::create(rw, loc, loop.getInductionVar(),
                            arith::ConstantIndexOp::create(rw, loc, rows));
  SmallVector<OpFoldResult> lhsSizes{rw.getIndexAttr(rows),
                                     tensor::getMixedSize(rw, loc, lhs, 1)};
  Value lhsRows = tensor::ExtractSliceOp::create(
      rw, loc, lhs, ArrayRef<OpFoldResult>{first, rw.getIndexAttr(0)}, lhsSizes,
      ArrayRef<OpFoldResult>{rw.getIndexAttr(1), rw.getIndexAttr(1)});
  auto fill =
      g.product.getDpsInitOperand(0)->get().getDefiningOp<linalg::FillOp>();
  Value out = g.product->getResult(0);
  SmallVector<OpFoldResult> outSizes{rw.getIndexAttr(rows),
                                     tensor::getMixedSize(rw, loc, out, 1)};
  Value init = tensor::EmptyOp::create(
      rw, loc, outSizes,
      cast<RankedTensorType>(out.getType()).getElementType());
  init = linalg::FillOp::create(rw, loc, fill.getInputs(), ValueRange{init})
             .getResult(0);
  // B [cols, k] (dy x kernel^T): transposed once, before the loop, into
  // [k, cols]. The kernels pack a B [n, k] into panels at every call, a
  // B [k, n] of a product this small they read in place.
  Operation *part;
  Value rhs = g.product.getDpsInputOperand(1)->get();
  MLIRContext *ctx = rw.getContext();
  if (g.product.getMatchingIndexingMap(g.product.getDpsInputOperand(1)) ==
      AffineMap::get(3, 0, {getAffineDimExpr(1, ctx), getAffineDimExpr(2, ctx)},
                     ctx)) {
    OpBuilder::InsertionGuard guard(rw);
    rw.setInsertionPoint(loop);
    Value t = tensor::EmptyOp::create(
        rw, loc,
        ArrayRef<OpFoldResult>{tensor::getMixedSize(rw, loc, rhs, 1),
                               tensor::getMixedSize(rw, loc, rhs, 0)},
        cast<RankedTensorType>(rhs.getType()).getElementType());
    rhs = linalg::TransposeOp::create(rw, loc, rhs, t, ArrayRef<int64_t>{1, 0})
              ->getResult(0);
    rw.setInsertionPointAfterValue(init);
    part = linalg::MatmulOp::create(rw, loc, ValueRange{lhsRows, rhs},
                                    ValueRange{init});
  } else {
    part = rw.clone(*g.product.getOperation());
    part->setOperand(0, lhsRows);
    part->setOperand(2, init);
    part->getResult(0).setType(init.getType());
  }
  // Viewed as one sample [1, R, ...] of the gather's view.
  SmallVector<int64_t> partShape(viewType.getShape());
  partShape[0] = 1;
  SmallVector<OpFoldResult> partSizes;
  for (int64_t i = 0; i < viewType.getRank(); ++i)
    partSizes.push_back(i == 0 ? rw.getIndexAttr(1)
                               : tensor::getMixedSize(rw, loc, g.view, i));
  Value partView = tensor::ExpandShapeOp::create(
      rw, loc, RankedTensorType::get(partShape, viewType.getElementType()),
      part->getResult(0), g.view.getReassociationIndices(), partSizes);

  // The tiled gather reads it at sample 0 (its first loop has one
  // iteration; tiling turned the sample index into the loop's).
  Value zero = arith::ConstantIndexOp::create(rw, loc, 0);
  SmallVector<tensor::ExtractOp> extracts;
  tiledOp.getBlock()->walk([&](tensor::ExtractOp e) {
    if (e.getTensor() == g.view.getResult())
      extracts.push_back(e);
  });
  for (tensor::ExtractOp e : extracts)
    rw.modifyOpInPlace(e, [&] {
      e.getTensorMutable().assign(partView);
      e.getIndicesMutable()[0].assign(zero);
    });

  // A pooling reduces into a fill (-inf, and the argmax's index): filled
  // whole before the loop, the output went to memory and back once more
  // (2.8 MB each at batch 128 for the CNN's first pooling). Each sample's
  // slice is filled in the loop instead, right before it is reduced into.
  // Only for an init written at a projected permutation of the loops, all
  // of its dimensions: the samples' slices then cover it, each filled once.
  for (OpOperand &init : tiledOp.getDpsInitsMutable()) {
    AffineMap written = tiledOp.getMatchingIndexingMap(&init);
    if (!written.isProjectedPermutation() ||
        written.getNumResults() !=
            cast<ShapedType>(init.get().getType()).getRank())
      continue;
    auto slice = init.get().getDefiningOp<tensor::ExtractSliceOp>();
    auto arg = slice ? dyn_cast<BlockArgument>(slice.getSource()) : nullptr;
    if (!arg || arg.getOwner() != loop.getBody() ||
        arg.getArgNumber() < loop.getNumInductionVars() || !slice->hasOneUse())
      continue;
    OpOperand &start = loop.getInitArgsMutable()[arg.getArgNumber() -
                                                 loop.getNumInductionVars()];
    // Read elsewhere only by `op`, replaced below, and for its shape
    // (tiling asks for the sizes).
    auto whole = start.get().getDefiningOp<linalg::FillOp>();
    if (!whole || llvm::any_of(whole->getUsers(), [&](Operation *user) {
          return user != loop && user != op && !isa<tensor::DimOp>(user);
        }))
      continue;
    rw.replaceAllUsesWith(whole.getResult(0), whole.getOutputs()[0]);
    rw.setInsertionPoint(tiledOp);
    Value filled = linalg::FillOp::create(rw, whole.getLoc(), whole.getInputs(),
                                          ValueRange{slice.getResult()})
                       .getResult(0);
    rw.modifyOpInPlace(tiledOp, [&] { init.set(filled); });
    rw.eraseOp(whole);
  }

  rw.replaceOp(op, tiled->replacements);
  // The whole product and its view are dead now.
  rw.eraseOp(g.view);
  rw.eraseOp(g.product);
  if (fill->use_empty())
    rw.eraseOp(fill);
  return success();
}

struct BlockGatheredProducts
    : mlir::dl::impl::DLBlockGatheredProductsBase<BlockGatheredProducts> {
  void runOnOperation() override {
    SmallVector<std::pair<linalg::GenericOp, Gathered>> work;
    getOperation()->walk([&](linalg::GenericOp op) {
      if (std::optional<Gathered> g = gatheredProduct(op))
        work.push_back({op, *g});
    });
    IRRewriter rewriter(&getContext());
    for (auto [op, g] : work)
      (void)block(op, g, rewriter); // Not an error: unblocked is only slower.
  }
};

} // namespace
