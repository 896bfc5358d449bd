//===- SampleRows.h - rows of a matrix that hold one sample ------*- C++
//-*-===//
//
// A matrix [N * R, F] whose rows go sample by sample (a convolution's
// patches, its product's result): the affine row expressions that say so,
// and the zero-filled products those passes rebuild a sample at a time,
// shared by the passes that work on one sample's rows at a time.
//
//===----------------------------------------------------------------------===//
#ifndef DL_CODEGEN_SAMPLEROWS_H
#define DL_CODEGEN_SAMPLEROWS_H

#include "mlir/IR/AffineExpr.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/ArrayRef.h"

#include <optional>

namespace mlir::dl {

/// A row `d0 * rows + rest(d1, ...)` where `rest` sums the other dims with
/// non-negative coefficients, and `rest`'s least and greatest values over
/// the loop ranges.
struct SampleRows {
  int64_t rows, first, last;
  AffineExpr rest;
};

/// `row` as a SampleRows over loops of sizes `ranges` (dims 1.. static), if
/// it is one.
std::optional<SampleRows> sampleRows(AffineExpr row, unsigned numDims,
                                     llvm::ArrayRef<int64_t> ranges);

/// Whether `v` is a linalg.fill of a floating-point zero (a product's
/// accumulator before its first term).
bool isZeroFill(Value v);

} // namespace mlir::dl

#endif
