//===- FuseContractionConsumers.cpp - row-blocked product + consumer ------===//
//
// Computes a large matrix product a block of rows at a time, each block
// consumed by its elementwise user while it is still in L1. See Passes.td.
//
//===----------------------------------------------------------------------===//
#include "dl/Codegen/Passes.h"

#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::dl {
#define GEN_PASS_DEF_DLFUSECONTRACTIONCONSUMERS
#include "dl/Codegen/Passes.h.inc"
} // namespace mlir::dl

using namespace mlir;

namespace {

/// Two parallel loops and one reduction: what dl-vectorize-contractions
/// turns into a register-blocked kernel.
bool isMatrixProduct(Operation *op) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || linalgOp.getNumLoops() != 3 ||
      linalgOp.getNumReductionLoops() != 1 || linalgOp.getNumDpsInits() != 1)
    return false;
  return linalg::isaContractionOpInterface(linalgOp);
}

bool isElementwise(linalg::GenericOp op) {
  return op.hasPureTensorSemantics() && op.getNumLoops() >= 1 &&
         op.getNumParallelLoops() == op.getNumLoops() &&
         llvm::all_of(op.getIndexingMapsArray(),
                      [](AffineMap m) { return m.isIdentity(); });
}

/// Rows per block: a multiple of 8 near `target`, preferring a divisor of
/// `rows` within a factor of two of it (then every block has one static
/// shape and its buffer is allocated once, outside the loop).
int64_t blockRows(int64_t rows, int64_t target) {
  target = std::max<int64_t>(8, target / 8 * 8);
  int64_t best = 0;
  for (int64_t t = 8; t <= 2 * target && t < rows; t += 8)
    if (rows % t == 0 && 2 * t >= target &&
        (!best || std::abs(t - target) < std::abs(best - target)))
      best = t;
  return best ? best : target;
}

struct FuseContractionConsumers
    : mlir::dl::impl::DLFuseContractionConsumersBase<FuseContractionConsumers> {
  using DLFuseContractionConsumersBase::DLFuseContractionConsumersBase;

  void runOnOperation() override {
    // Candidates first: tiling rewrites the IR being walked.
    SmallVector<std::pair<linalg::GenericOp, int64_t>> work;
    getOperation()->walk([&](linalg::GenericOp op) {
      if (!isElementwise(op))
        return;
      for (OpOperand *in : op.getDpsInputOperands()) {
        Value v = in->get();
        auto type = dyn_cast<RankedTensorType>(v.getType());
        if (!v.getDefiningOp() || !isMatrixProduct(v.getDefiningOp()) ||
            !v.hasOneUse() || !type || !type.hasStaticShape() ||
            type.getRank() != 2 || !type.getElementType().isIntOrFloat())
          continue;
        int64_t rowBytes =
            type.getDimSize(1) * type.getElementTypeBitWidth() / 8;
        if (rowBytes * type.getDimSize(0) < int64_t(minBytes))
          continue;
        int64_t rows = blockRows(type.getDimSize(0),
                                 std::max<int64_t>(1, tileBytes / rowBytes));
        if (rows < type.getDimSize(0))
          work.push_back({op, rows});
        return;
      }
    });

    IRRewriter rewriter(&getContext());
    for (auto [consumer, rows] : work) {
      auto tileable = dyn_cast<TilingInterface>(consumer.getOperation());
      if (!tileable)
        continue; // linalg's TilingInterface models are not registered
      scf::SCFTilingOptions tiling;
      SmallVector<OpFoldResult> sizes(consumer.getNumLoops(),
                                      rewriter.getIndexAttr(0));
      sizes[0] = rewriter.getIndexAttr(rows);
      tiling.setTileSizes(sizes);
      scf::SCFTileAndFuseOptions options;
      options.setTilingOptions(tiling);
      // Only the product and the fill of its accumulator: everything else
      // (parameters, optimizer state) is read and written in place.
      options.setFusionControlFn(
          [](tensor::ExtractSliceOp, OpResult producer, bool)
              -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
            Operation *op = producer.getOwner();
            if (isa<linalg::FillOp>(op) || isMatrixProduct(op))
              return scf::SCFTileAndFuseOptions::ControlFnResult{};
            return std::nullopt;
          });
      rewriter.setInsertionPoint(consumer);
      FailureOr<scf::SCFTileAndFuseResult> result =
          scf::tileConsumerAndFuseProducersUsingSCF(rewriter, tileable,
                                                    options);
      if (failed(result))
        continue; // Not an error: the unfused form is correct, only slower.
      for (OpResult r : consumer->getResults())
        rewriter.replaceAllUsesWith(r, result->replacements.lookup(r));
      rewriter.eraseOp(consumer);
      // The untiled product and its fill are dead now.
      for (Operation *op : llvm::reverse(result->fusedProducers))
        if (op->use_empty())
          rewriter.eraseOp(op);
    }
    // A block of a tensor.empty is a tensor.empty of the block's shape: each
    // block's accumulator is then one small buffer, reused while hot in L1,
    // instead of a window into a gradient-sized one that is written back.
    RewritePatternSet patterns(&getContext());
    tensor::populateFoldTensorEmptyPatterns(patterns);
    if (!work.empty() &&
        failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
