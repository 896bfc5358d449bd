//===- SampleRows.cpp - rows of a matrix that hold one sample -------------===//
#include "SampleRows.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/BuiltinTypes.h"

namespace mlir::dl {
namespace {

/// The value of `e` with every dim i set to values[i], if it folds.
std::optional<int64_t> evaluate(AffineExpr e, ArrayRef<int64_t> values,
                                unsigned numDims) {
  SmallVector<AffineExpr> dims;
  for (int64_t v : values)
    dims.push_back(getAffineConstantExpr(v, e.getContext()));
  auto c = dyn_cast<AffineConstantExpr>(
      simplifyAffineExpr(e.replaceDims(dims), numDims, 0));
  if (!c)
    return std::nullopt;
  return c.getValue();
}

} // namespace

std::optional<SampleRows> sampleRows(AffineExpr row, unsigned numDims,
                                     ArrayRef<int64_t> ranges) {
  if (ranges.size() != numDims || numDims == 0 ||
      llvm::any_of(ranges.drop_front(), ShapedType::isDynamic))
    return std::nullopt;
  MLIRContext *ctx = row.getContext();
  SmallVector<AffineExpr> noSample;
  for (unsigned i = 0; i < numDims; ++i)
    noSample.push_back(i == 0 ? getAffineConstantExpr(0, ctx)
                              : getAffineDimExpr(i, ctx));
  AffineExpr rest = simplifyAffineExpr(row.replaceDims(noSample), numDims, 0);
  auto sample =
      dyn_cast<AffineBinaryOpExpr>(simplifyAffineExpr(row - rest, numDims, 0));
  if (!sample || sample.getKind() != AffineExprKind::Mul ||
      sample.getLHS() != getAffineDimExpr(0, ctx))
    return std::nullopt;
  auto r = dyn_cast<AffineConstantExpr>(sample.getRHS());
  if (!r || r.getValue() <= 0)
    return std::nullopt;
  // Monotone in every loop: no division, no negative coefficient, so the
  // extremes are at the loops' first and last iterations.
  bool monotone = true;
  rest.walk([&](AffineExpr e) {
    if (auto c = dyn_cast<AffineConstantExpr>(e); c && c.getValue() < 0)
      monotone = false;
    if (e.getKind() != AffineExprKind::Add &&
        e.getKind() != AffineExprKind::Mul && !isa<AffineDimExpr>(e) &&
        !isa<AffineConstantExpr>(e))
      monotone = false;
  });
  SmallVector<int64_t> low(numDims, 0), high(numDims, 0);
  for (unsigned i = 1; i < numDims; ++i)
    high[i] = ranges[i] - 1;
  std::optional<int64_t> first = evaluate(rest, low, numDims);
  std::optional<int64_t> last = evaluate(rest, high, numDims);
  if (!monotone || !first || !last)
    return std::nullopt;
  return SampleRows{r.getValue(), *first, *last, rest};
}

bool isZeroFill(Value v) {
  auto fill = v.getDefiningOp<linalg::FillOp>();
  if (!fill)
    return false;
  auto zero = fill.getInputs()[0].getDefiningOp<arith::ConstantOp>();
  auto value = zero ? dyn_cast<FloatAttr>(zero.getValue()) : nullptr;
  return value && value.getValue().isZero();
}

} // namespace mlir::dl
