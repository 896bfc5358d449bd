//===- DLToLinalg.cpp - lower dl ops to linalg on tensors
//------------------===//
//
// Every dl op becomes a few structured linalg ops; nothing here schedules
// loops. Tiling, vectorisation and fusion act on the linalg form later, where
// upstream transformations already understand it. The patterns live beside
// this file, one file per op family.
//
//===----------------------------------------------------------------------===//
#include "dl/Conversion/DLToLinalg.h"
#include "dl/Conversion/Passes.h"
#include "dl/Dialect/DL/IR/DLDialect.h"

#include "mlir/Transforms/DialectConversion.h"

namespace mlir::dl {
#define GEN_PASS_DEF_CONVERTDLTOLINALG
#include "dl/Conversion/Passes.h.inc"
} // namespace mlir::dl

using namespace mlir;
using namespace mlir::dl;

void mlir::dl::populateDLToLinalgConversionPatterns(
    RewritePatternSet &patterns) {
  populateDLToLinalgLayerPatterns(patterns);
  populateDLToLinalgMergePatterns(patterns);
  populateDLToLinalgNormalizationPatterns(patterns);
  populateDLToLinalgPoolingPatterns(patterns);
  populateDLToLinalgConvolutionPatterns(patterns);
  populateDLToLinalgActivationPatterns(patterns);
  populateDLToLinalgRandomPatterns(patterns);
  populateDLToLinalgLossPatterns(patterns);
  populateDLToLinalgOptimizerUpdatePatterns(patterns);
  populateDLToLinalgRecurrencePatterns(patterns);
}

namespace {
struct ConvertDLToLinalg
    : mlir::dl::impl::ConvertDLToLinalgBase<ConvertDLToLinalg> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addIllegalDialect<DLDialect>();
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           math::MathDialect, tensor::TensorDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    lowerMaxPoolsWithGradients(getOperation());
    RewritePatternSet patterns(ctx);
    populateDLToLinalgConversionPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
