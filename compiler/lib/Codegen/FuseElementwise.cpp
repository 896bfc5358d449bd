//===- FuseElementwise.cpp - linalg elementwise fusion --------------------===//
//---------------------===//
//
// See Passes.td. Upstream's linalg-fuse-elementwise-ops with two guards in
// its control function, plus two patterns of its own: FuseIntoExtract (a
// cheap producer computed where a pooling's window reads it) and
// RecomputeInConsumers (a pooling's gradient computed in each consumer).
//
//===----------------------------------------------------------------------===//
#include "SampleRows.h"
#include "dl/Codegen/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::dl {
#define GEN_PASS_DEF_DLFUSEELEMENTWISE
#include "dl/Codegen/Passes.h.inc"
} // namespace mlir::dl

using namespace mlir;

namespace {

bool hasReduction(Operation *op) {
  auto linalgOp = dyn_cast_or_null<linalg::LinalgOp>(op);
  return linalgOp && linalgOp.getNumReductionLoops() > 0;
}

/// A producer with one use, fused only where the consumer reads each of its
/// elements once: a [C] vector broadcast over [R, C] is computed once, not R
/// times (batch normalisation's 1 / sqrt(var + eps) per channel was a square
/// root and a division per element once fused).
bool fuseProducer(OpOperand *operand) {
  Operation *producer = operand->get().getDefiningOp();
  if (!producer || !producer->hasOneUse())
    return false;
  auto consumer = dyn_cast<linalg::LinalgOp>(operand->getOwner());
  return !consumer || consumer.getMatchingIndexingMap(operand).isPermutation();
}

/// A reshape moves through a generic only if the generic has no reduction:
/// an expanded product or reduction no longer matches the contraction
/// kernels (a [R, K] x [R, F] product became a 5-D loop nest, 40x slower)
/// nor the column sums.
bool foldReshape(OpOperand *operand) {
  Operation *producer = operand->get().getDefiningOp();
  if (!producer || !producer->hasOneUse())
    return false;
  return !hasReduction(producer) && !hasReduction(operand->getOwner());
}

/// Ops cheap enough to compute again wherever a consumer reads the result:
/// a window that overlaps its neighbours reads an element several times.
bool isCheap(Operation &op) {
  return isa<arith::AddFOp, arith::SubFOp, arith::MulFOp, arith::NegFOp,
             arith::MaximumFOp, arith::MinimumFOp, arith::MaxNumFOp,
             arith::MinNumFOp, arith::CmpFOp, arith::SelectOp, math::FmaOp,
             arith::ConstantOp, linalg::IndexOp, linalg::YieldOp>(op);
}

/// The product of the static sizes (the batch, dynamic, is common to the
/// producer and its consumer).
int64_t staticCount(ArrayRef<int64_t> sizes) {
  int64_t n = 1;
  for (int64_t s : sizes)
    if (!ShapedType::isDynamic(s))
      n *= s;
  return n;
}

/// An all-parallel generic on tensors with one result, written whole (its
/// output not read), whose body's ops all satisfy `cheap`: its element at
/// any position can be computed again where it is read (computeAt).
bool isRecomputable(linalg::GenericOp producer,
                    function_ref<bool(Operation &)> cheap) {
  return producer->getNumResults() == 1 && producer.hasPureTensorSemantics() &&
         producer.getNumParallelLoops() == producer.getNumLoops() &&
         producer.getMatchingIndexingMap(producer.getDpsInitOperand(0))
             .isIdentity() &&
         !producer.payloadUsesValueFromOperand(producer.getDpsInitOperand(0)) &&
         llvm::all_of(producer.getBody()->getOperations(), cheap);
}

/// The element of all-parallel `producer`'s one result at `at`: its body
/// cloned at the insertion point, reading its inputs there. With
/// `viewsBefore`, a matrix input [N * R, F] read at row d0 * R + r is read
/// through a view [N, R, F] made before that op, with the sample index
/// first, so dl-block-gathered-products sees which rows each sample reads.
Value computeAt(RewriterBase &rewriter, Location loc,
                linalg::GenericOp producer, ValueRange at,
                Operation *viewsBefore = nullptr) {
  IRMapping map;
  for (OpOperand *in : producer.getDpsInputOperands()) {
    AffineMap m = producer.getMatchingIndexingMap(in);
    auto apply = [&](AffineMap sub) {
      return affine::makeComposedAffineApply(rewriter, loc, sub,
                                             getAsOpFoldResult(at))
          .getResult();
    };
    Value v = in->get();
    auto type = dyn_cast<RankedTensorType>(v.getType());
    std::optional<dl::SampleRows> rows;
    if (viewsBefore && type && type.getRank() == 2 && !type.isDynamicDim(1) &&
        m.getNumResults() == 2 && m.getNumSymbols() == 0 &&
        !m.getResult(1).isFunctionOfDim(0))
      rows = dl::sampleRows(m.getResult(0), m.getNumDims(),
                            producer.getStaticLoopRanges());
    // Every sample's rows within [0, R): a view [N, R, F] reads the same.
    if (rows && (rows->first < 0 || rows->last >= rows->rows))
      rows.reset();
    if (rows) {
      const int64_t r = rows->rows;
      Value view;
      {
        OpBuilder::InsertionGuard guard(rewriter);
        rewriter.setInsertionPoint(viewsBefore);
        Value n = arith::DivUIOp::create(
            rewriter, loc, tensor::DimOp::create(rewriter, loc, v, 0),
            arith::ConstantIndexOp::create(rewriter, loc, r));
        view = tensor::ExpandShapeOp::create(
            rewriter, loc,
            RankedTensorType::get({ShapedType::kDynamic, r, type.getDimSize(1)},
                                  type.getElementType()),
            v, ArrayRef<ReassociationIndices>{{0, 1}, {2}},
            ArrayRef<OpFoldResult>{n, rewriter.getIndexAttr(r),
                                   rewriter.getIndexAttr(type.getDimSize(1))});
      }
      AffineMap rest = AffineMap::get(m.getNumDims(), 0, rows->rest);
      v = tensor::ExtractOp::create(
          rewriter, loc, view,
          ValueRange{at[0], apply(rest), apply(m.getSubMap({1}))});
      map.map(producer.getMatchingBlockArgument(in), v);
      continue;
    }
    SmallVector<Value> indices;
    for (unsigned r = 0; r < m.getNumResults(); ++r)
      indices.push_back(apply(m.getSubMap({r})));
    if (type)
      v = tensor::ExtractOp::create(rewriter, loc, v, indices);
    map.map(producer.getMatchingBlockArgument(in), v);
  }
  Value result;
  for (Operation &op : producer.getBody()->getOperations()) {
    if (auto index = dyn_cast<linalg::IndexOp>(op)) {
      map.map(index.getResult(), at[index.getDim()]);
    } else if (auto yield = dyn_cast<linalg::YieldOp>(op)) {
      result = map.lookupOrDefault(yield.getOperand(0));
    } else {
      rewriter.clone(op, map);
    }
  }
  return result;
}

/// A `tensor.extract` in a linalg.generic's body (a pooling's window, a
/// gather) of the one result of an all-parallel generic read only there,
/// whose body is cheap, where the consumer has no more iterations than the
/// producer has elements (so reads each about once: a max pooling's
/// windows that do not overlap, not the gather of its gradient, which reads
/// each pooled element once per window position): the producer's body at
/// the extracted position, reading its own operands there. The producer's
/// tensor is then neither written nor read back (the biased ReLU before
/// fashion_cnn's first max pooling, [N, 26, 26, 32]).
struct FuseIntoExtract : OpRewritePattern<tensor::ExtractOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tensor::ExtractOp extract,
                                PatternRewriter &rewriter) const override {
    auto consumer = extract->getParentOfType<linalg::GenericOp>();
    if (!consumer)
      return failure();
    auto producer = extract.getTensor().getDefiningOp<linalg::GenericOp>();
    if (!producer || !producer->hasOneUse() ||
        !isRecomputable(producer, isCheap) ||
        staticCount(consumer.getStaticLoopRanges()) >
            staticCount(producer.getStaticLoopRanges()))
      return failure();
    rewriter.replaceOp(extract, computeAt(rewriter, extract.getLoc(), producer,
                                          extract.getIndices(), consumer));
    return success();
  }
};

/// Ops a producer may hold to be computed again in each of its consumers:
/// the cheap ones and the integer arithmetic and reads of a pooling's
/// gradient, which finds its window from the position.
bool isCheapGather(Operation &op) {
  return isCheap(op) ||
         isa<tensor::ExtractOp, arith::AddIOp, arith::SubIOp, arith::MulIOp,
             arith::DivUIOp, arith::RemUIOp, arith::CmpIOp, arith::AndIOp,
             arith::OrIOp, arith::IndexCastOp>(op);
}

/// An all-parallel generic with one result, a cheap body that reads its
/// positions (a max pooling's gradient where the windows do not overlap:
/// the pooled gradient where the position is its window's argmax, else 0),
/// every use of it an input that a linalg.generic of the same loops reads
/// at each position once: computed in each of them instead of written and
/// read back. Batch normalisation's gradient reads it twice, in its sums
/// and in dx, over [N, 26, 26, 32] in fashion_cnn: with its input, the
/// argmax and the pooled gradient (a quarter of the size) read in place.
struct RecomputeInConsumers : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::GenericOp producer,
                                PatternRewriter &rewriter) const override {
    if (producer->use_empty() || !isRecomputable(producer, isCheapGather) ||
        llvm::none_of(producer.getBody()->getOperations(),
                      [](Operation &op) { return isa<tensor::ExtractOp>(op); }))
      return failure();
    // Only a producer that gathers from no more than it makes. A
    // convolution's input gradient (col2im) gathers from dcols, KH * KW
    // times its size: recomputed in each consumer, each read all of dcols
    // from memory (the residual CNN's batch normalisation: 13% of its step),
    // where made once it is dl-block-gathered-products' to compute a sample
    // at a time, with dcols in L2.
    llvm::SmallPtrSet<Value, 4> sources;
    int64_t gathered = 0;
    producer.getBody()->walk([&](tensor::ExtractOp e) {
      if (sources.insert(e.getTensor()).second)
        gathered += staticCount(e.getTensor().getType().getShape());
    });
    if (gathered > staticCount(producer.getStaticLoopRanges()))
      return failure();
    SmallVector<OpOperand *> reads;
    for (OpOperand &use : producer->getResult(0).getUses()) {
      auto consumer = dyn_cast<linalg::GenericOp>(use.getOwner());
      if (!consumer || !consumer.hasPureTensorSemantics() ||
          !consumer.isDpsInput(&use) ||
          consumer.getNumLoops() != producer.getNumLoops() ||
          !consumer.getMatchingIndexingMap(&use).isIdentity())
        return failure();
      if (!consumer.getMatchingBlockArgument(&use).use_empty())
        reads.push_back(&use);
    }
    // Operands no longer read are left to the erasure of unused operands.
    if (reads.empty())
      return failure();
    for (OpOperand *use : reads) {
      auto consumer = cast<linalg::GenericOp>(use->getOwner());
      Block *body = consumer.getBody();
      rewriter.setInsertionPointToStart(body);
      SmallVector<Value> at;
      for (unsigned d = 0; d < consumer.getNumLoops(); ++d)
        at.push_back(linalg::IndexOp::create(rewriter, producer.getLoc(), d));
      Value v = computeAt(rewriter, producer.getLoc(), producer, at);
      rewriter.modifyOpInPlace(consumer, [&] {
        consumer.getMatchingBlockArgument(use).replaceAllUsesWith(v);
      });
    }
    return success();
  }
};

struct FuseElementwise
    : mlir::dl::impl::DLFuseElementwiseBase<FuseElementwise> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    linalg::populateElementwiseOpsFusionPatterns(patterns, fuseProducer);
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns, foldReshape);
    tensor::populateBubbleUpExpandShapePatterns(patterns);
    patterns.add<FuseIntoExtract, RecomputeInConsumers>(ctx);
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns, ctx);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, ctx);
    ctx->getLoadedDialect<linalg::LinalgDialect>()->getCanonicalizationPatterns(
        patterns);
    linalg::populateConstantFoldLinalgOperations(patterns, fuseProducer);
    if (failed(applyPatternsGreedily(
            getOperation(), std::move(patterns),
            GreedyRewriteConfig().setUseTopDownTraversal())))
      signalPassFailure();
  }
};

} // namespace
