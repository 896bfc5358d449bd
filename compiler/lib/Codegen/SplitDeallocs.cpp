//===- SplitDeallocs.cpp - one bufferization.dealloc per allocation -------===//
//
// See Passes.td: splitting a dealloc of distinct allocations needs no alias
// queries, so it is linear; buffer-deallocation-simplification's pairwise
// split is quadratic in the number of buffers a region frees.
//
//===----------------------------------------------------------------------===//
#include "dl/Codegen/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "llvm/ADT/SmallPtrSet.h"

namespace mlir::dl {
#define GEN_PASS_DEF_DLSPLITDEALLOCS
#include "dl/Codegen/Passes.h.inc"
} // namespace mlir::dl

using namespace mlir;

namespace {

/// Whether every memref `dealloc` frees is the result of its own
/// memref.alloc (no two the same).
bool freesDistinctAllocations(bufferization::DeallocOp dealloc) {
  llvm::SmallPtrSet<Operation *, 16> seen;
  for (Value m : dealloc.getMemrefs()) {
    auto alloc = m.getDefiningOp<memref::AllocOp>();
    if (!alloc || !seen.insert(alloc).second)
      return false;
  }
  return true;
}

struct SplitDeallocs : mlir::dl::impl::DLSplitDeallocsBase<SplitDeallocs> {
  void runOnOperation() override {
    SmallVector<bufferization::DeallocOp> work;
    getOperation()->walk([&](bufferization::DeallocOp dealloc) {
      if (dealloc.getMemrefs().size() > 1 && dealloc.getRetained().empty() &&
          freesDistinctAllocations(dealloc))
        work.push_back(dealloc);
    });
    OpBuilder b(&getContext());
    for (bufferization::DeallocOp dealloc : work) {
      b.setInsertionPoint(dealloc);
      for (auto [m, cond] :
           llvm::zip_equal(dealloc.getMemrefs(), dealloc.getConditions()))
        bufferization::DeallocOp::create(b, dealloc.getLoc(), ValueRange{m},
                                         ValueRange{cond}, ValueRange{});
      dealloc.erase();
    }
  }
};

} // namespace
