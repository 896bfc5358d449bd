//===- ExpandMath.cpp - polynomial approximations of math ops
//--------------===//
#include "dl/Codegen/Passes.h"

#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::dl {
#define GEN_PASS_DEF_DLEXPANDMATH
#include "dl/Codegen/Passes.h.inc"
} // namespace mlir::dl

using namespace mlir;

namespace {
struct DLExpandMath : mlir::dl::impl::DLExpandMathBase<DLExpandMath> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateMathPolynomialApproximationPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
