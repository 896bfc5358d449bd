//===- DLToLinalg.h - patterns lowering dl ops to linalg --------*- C++ -*-===//
//
// The patterns of convert-dl-to-linalg, one set per op family, for passes
// that lower dl ops together with their own patterns. None of them needs a
// type converter: every dl op works on builtin tensors.
//
//===----------------------------------------------------------------------===//
#ifndef DL_CONVERSION_DLTOLINALG_H
#define DL_CONVERSION_DLTOLINALG_H

namespace mlir {
class Operation;
class RewritePatternSet;
} // namespace mlir

namespace mlir::dl {

/// dense, flatten, reshape, matmul, batch_sum and add.
void populateDLToLinalgLayerPatterns(RewritePatternSet &patterns);
/// The merge layers': sub, mul, max, min, scale, concat, slice, and the
/// max/min gradients.
void populateDLToLinalgMergePatterns(RewritePatternSet &patterns);
/// layer_norm and layer_norm_grad.
void populateDLToLinalgNormalizationPatterns(RewritePatternSet &patterns);
/// max_pool2d, avg_pool2d and their _grad ops.
void populateDLToLinalgPoolingPatterns(RewritePatternSet &patterns);
/// Lowers, under `root`, each max_pool2d that a max_pool2d_grad of the same
/// input and window follows in its block, with that gradient: the forward
/// pass computes each window's argmax with its maximum, while the input is
/// still in cache, and the gradient reads those offsets instead of finding
/// them again in an input long evicted. Runs before the patterns, which
/// lower the other pooling ops one at a time.
void lowerMaxPoolsWithGradients(Operation *root);
/// conv2d, its input and filter gradients, and channel_sum.
void populateDLToLinalgConvolutionPatterns(RewritePatternSet &patterns);
/// relu, sigmoid, tanh, softmax and their _grad ops.
void populateDLToLinalgActivationPatterns(RewritePatternSet &patterns);
/// random_uniform and random_normal.
void populateDLToLinalgRandomPatterns(RewritePatternSet &patterns);
/// The loss ops, their gradient ops and count_correct.
void populateDLToLinalgLossPatterns(RewritePatternSet &patterns);
/// sgd_update, adam_update and rmsprop_update.
void populateDLToLinalgOptimizerUpdatePatterns(RewritePatternSet &patterns);
/// dl.scan (to scf.for over time), dl.zeros, dl.merge_time, dl.split_time,
/// dl.orthogonal.
void populateDLToLinalgRecurrencePatterns(RewritePatternSet &patterns);

/// Every family above: the patterns of convert-dl-to-linalg.
void populateDLToLinalgConversionPatterns(RewritePatternSet &patterns);

} // namespace mlir::dl

#endif // DL_CONVERSION_DLTOLINALG_H
