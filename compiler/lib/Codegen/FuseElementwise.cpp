//===- FuseElementwise.cpp - linalg elementwise fusion, without recompute -===//
//
// See Passes.td. Upstream's linalg-fuse-elementwise-ops with two guards in
// its control function, plus one pattern of its own (FuseIntoExtract: a
// cheap producer computed where a pooling's window reads it).
//
//===----------------------------------------------------------------------===//
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
    if (!producer || producer->getNumResults() != 1 || !producer->hasOneUse() ||
        !producer.hasPureTensorSemantics() ||
        producer.getNumParallelLoops() != producer.getNumLoops() ||
        !producer.getMatchingIndexingMap(producer.getDpsInitOperand(0))
             .isIdentity() ||
        producer.payloadUsesValueFromOperand(producer.getDpsInitOperand(0)) ||
        !llvm::all_of(producer.getBody()->getOperations(), isCheap) ||
        staticCount(consumer.getStaticLoopRanges()) >
            staticCount(producer.getStaticLoopRanges()))
      return failure();
    Location loc = extract.getLoc();
    ValueRange at = extract.getIndices();
    IRMapping map;
    for (OpOperand *in : producer.getDpsInputOperands()) {
      AffineMap m = producer.getMatchingIndexingMap(in);
      SmallVector<Value> indices;
      for (unsigned r = 0; r < m.getNumResults(); ++r)
        indices.push_back(affine::makeComposedAffineApply(rewriter, loc,
                                                          m.getSubMap({r}),
                                                          getAsOpFoldResult(at))
                              .getResult());
      Value v = in->get();
      if (isa<RankedTensorType>(v.getType()))
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
    rewriter.replaceOp(extract, result);
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
    patterns.add<FuseIntoExtract>(ctx);
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
