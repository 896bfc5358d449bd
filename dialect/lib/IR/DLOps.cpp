//===- DLOps.cpp - dl dialect operations ----------------------------------===//
//
// Verifiers speak to the model author: both shapes, and what was expected.
//
//===----------------------------------------------------------------------===//
#include "dl/Dialect/DL/IR/DLOps.h"
#include "dl/Dialect/DL/IR/DLContract.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"

#include <cmath>

using namespace mlir;
using namespace mlir::dl;

namespace {
/// Same rank and element type; equal sizes wherever both are static.
bool compatibleTensorTypes(TypeRange inferred, TypeRange actual) {
  if (inferred.size() != actual.size())
    return false;
  for (auto [l, r] : llvm::zip(inferred, actual))
    if (failed(verifyCompatibleShape(l, r)) ||
        getElementTypeOrSelf(l) != getElementTypeOrSelf(r))
      return false;
  return true;
}

RankedTensorType rankedOperand(ValueRange operands, unsigned i) {
  if (i >= operands.size())
    return {};
  return dyn_cast<RankedTensorType>(operands[i].getType());
}
} // namespace

// SameOperandsAndResultType generates inferReturnTypes for these.
#define DL_SAME_TYPE_INFERENCE(OP)                                             \
  bool OP::isCompatibleReturnTypes(TypeRange l, TypeRange r) {                 \
    return compatibleTensorTypes(l, r);                                        \
  }
DL_SAME_TYPE_INFERENCE(ReluOp)
DL_SAME_TYPE_INFERENCE(SigmoidOp)
DL_SAME_TYPE_INFERENCE(TanhOp)
DL_SAME_TYPE_INFERENCE(SoftmaxOp)
DL_SAME_TYPE_INFERENCE(Relu6Op)
DL_SAME_TYPE_INFERENCE(SoftplusOp)
DL_SAME_TYPE_INFERENCE(SoftsignOp)
DL_SAME_TYPE_INFERENCE(HardSigmoidOp)
DL_SAME_TYPE_INFERENCE(SiluOp)
DL_SAME_TYPE_INFERENCE(GeluOp)
DL_SAME_TYPE_INFERENCE(ExponentialOp)
DL_SAME_TYPE_INFERENCE(LeakyReluOp)
DL_SAME_TYPE_INFERENCE(EluOp)
DL_SAME_TYPE_INFERENCE(LogSoftmaxOp)
#undef DL_SAME_TYPE_INFERENCE

//===----------------------------------------------------------------------===//
// DenseOp
//===----------------------------------------------------------------------===//

LogicalResult DenseOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                        ValueRange operands, DictionaryAttr,
                                        OpaqueProperties, RegionRange,
                                        SmallVectorImpl<Type> &inferred) {
  auto input = rankedOperand(operands, 0);
  auto kernel = rankedOperand(operands, 1);
  if (!input || !kernel || input.getRank() != 2 || kernel.getRank() != 2)
    return failure();
  inferred.push_back(RankedTensorType::get(
      {input.getDimSize(0), kernel.getDimSize(1)}, input.getElementType()));
  return success();
}

bool DenseOp::isCompatibleReturnTypes(TypeRange l, TypeRange r) {
  return compatibleTensorTypes(l, r);
}

LogicalResult DenseOp::verify() {
  auto input = getInput().getType();
  auto kernel = getKernel().getType();
  if (failed(verifyCompatibleDims({input.getDimSize(1), kernel.getDimSize(0)})))
    return emitOpError("expects the kernel's first dimension to match the "
                       "input's features, but input is ")
           << input << " and kernel is " << kernel;
  if (Value bias = getBias()) {
    auto biasType = cast<RankedTensorType>(bias.getType());
    if (failed(verifyCompatibleDims(
            {biasType.getDimSize(0), kernel.getDimSize(1)})))
      return emitOpError("expects one bias per unit, but kernel is ")
             << kernel << " and bias is " << biasType;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// FlattenOp
//===----------------------------------------------------------------------===//

LogicalResult FlattenOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location>,
                                          ValueRange operands, DictionaryAttr,
                                          OpaqueProperties, RegionRange,
                                          SmallVectorImpl<Type> &inferred) {
  auto input = rankedOperand(operands, 0);
  if (!input || input.getRank() < 1)
    return failure();
  int64_t features = 1;
  for (int64_t d : input.getShape().drop_front()) {
    if (ShapedType::isDynamic(d)) {
      features = ShapedType::kDynamic;
      break;
    }
    features *= d;
  }
  inferred.push_back(RankedTensorType::get({input.getDimSize(0), features},
                                           input.getElementType()));
  return success();
}

bool FlattenOp::isCompatibleReturnTypes(TypeRange l, TypeRange r) {
  return compatibleTensorTypes(l, r);
}

LogicalResult FlattenOp::verify() {
  if (getInput().getType().getRank() < 2)
    return emitOpError("expects a batch dimension and at least one feature "
                       "dimension, but input is ")
           << getInput().getType();
  return success();
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

namespace {
std::string formatList(ArrayRef<int64_t> values) {
  std::string s = "[";
  for (auto [i, v] : llvm::enumerate(values))
    s += (i ? ", " : "") + std::to_string(v);
  return s + "]";
}

/// Checks a 2-D pooling's attributes against its input [N, H, W, C] and its
/// pooled tensor (the forward result, or the cotangent of it), which `what`
/// names.
LogicalResult verifyPool2D(Operation *op, RankedTensorType input,
                           RankedTensorType pooled, StringRef what,
                           ArrayRef<int64_t> pool, ArrayRef<int64_t> strides,
                           ArrayRef<int64_t> padding) {
  if (pool.size() != 2 || strides.size() != 2 || padding.size() != 4)
    return op->emitOpError("expects 2 pool sizes, 2 strides and 4 paddings "
                           "(top, bottom, left, right), but pool is ")
           << formatList(pool) << ", strides " << formatList(strides)
           << " and padding " << formatList(padding);
  auto positive = [](int64_t v) { return v > 0; };
  if (!llvm::all_of(pool, positive) || !llvm::all_of(strides, positive) ||
      llvm::any_of(padding, [](int64_t v) { return v < 0; }))
    return op->emitOpError("expects positive pool sizes and strides and "
                           "non-negative padding, but pool is ")
           << formatList(pool) << ", strides " << formatList(strides)
           << " and padding " << formatList(padding);
  if (input.getRank() != 4 || input.isDynamicDim(1) || input.isDynamicDim(2))
    return op->emitOpError("expects an input [N, H, W, C] with static H and "
                           "W, but input is ")
           << input;
  SmallVector<int64_t> shape{input.getDimSize(0)};
  for (int axis = 0; axis < 2; ++axis) {
    int64_t before = padding[2 * axis], after = padding[2 * axis + 1];
    // Otherwise a window could hold padding only: no maximum, no mean.
    if (before >= pool[axis] || after >= pool[axis])
      return op->emitOpError("expects each padding smaller than the pool, but "
                             "pool is ")
             << formatList(pool) << " and padding is " << formatList(padding);
    int64_t padded = input.getDimSize(1 + axis) + before + after;
    if (padded < pool[axis])
      return op->emitOpError("expects the pool ")
             << formatList(pool) << " to fit in the padded input, but input is "
             << input << " and padding is " << formatList(padding);
    shape.push_back((padded - pool[axis]) / strides[axis] + 1);
  }
  shape.push_back(input.getDimSize(3));
  auto expected = RankedTensorType::get(shape, input.getElementType());
  if (failed(verifyCompatibleShape(expected, pooled)))
    return op->emitOpError("expects a ")
           << what << " of " << expected << " for input " << input
           << ", but it is " << pooled;
  return success();
}
} // namespace

LogicalResult MaxPool2DOp::verify() {
  return verifyPool2D(*this, getInput().getType(), getResult().getType(),
                      "result", getPool(), getStrides(), getPadding());
}

LogicalResult AvgPool2DOp::verify() {
  return verifyPool2D(*this, getInput().getType(), getResult().getType(),
                      "result", getPool(), getStrides(), getPadding());
}

MaxPool2DOp MaxPool2DGradOp::getForwardPool() {
  for (Operation *user : getInput().getUsers()) {
    auto fwd = dyn_cast<MaxPool2DOp>(user);
    if (fwd && fwd->getBlock() == getOperation()->getBlock() &&
        fwd->isBeforeInBlock(getOperation()) && fwd.getPool() == getPool() &&
        fwd.getStrides() == getStrides() && fwd.getPadding() == getPadding())
      return fwd;
  }
  return {};
}

LogicalResult MaxPool2DGradOp::verify() {
  if (getResult().getType() != getInput().getType())
    return emitOpError("expects the result to have the input's type ")
           << getInput().getType() << ", but it is " << getResult().getType();
  return verifyPool2D(*this, getInput().getType(), getGrad().getType(), "grad",
                      getPool(), getStrides(), getPadding());
}

namespace {
/// relu_grad(max_pool2d_grad(dy, y), y)
///   -> max_pool2d_grad(relu_grad(dy, max_pool2d(y)), y)
/// where that max_pool2d of y is already computed. The pooling's gradient
/// sends each window's dy only to the window's maximum, where y equals the
/// pooled value; so the ReLU's mask reads the pooled tensor before the
/// scatter (a quarter of the elements for 2x2 windows) instead of reading
/// all of y after it. Exact, overlapping windows included: every window
/// whose maximum is at a position pooled that position's value.
struct ReluGradThroughMaxPool : OpRewritePattern<ReluGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReluGradOp op,
                                PatternRewriter &rewriter) const override {
    auto poolGrad = op.getGrad().getDefiningOp<MaxPool2DGradOp>();
    if (!poolGrad || poolGrad.getInput() != op.getValue() ||
        !poolGrad->hasOneUse())
      return failure();
    MaxPool2DOp pool = poolGrad.getForwardPool();
    if (!pool || pool.getType() != poolGrad.getGrad().getType())
      return failure();
    Value masked = ReluGradOp::create(rewriter, op.getLoc(), poolGrad.getGrad(),
                                      pool.getResult());
    rewriter.replaceOpWithNewOp<MaxPool2DGradOp>(
        op, op.getType(), masked, poolGrad.getInput(), poolGrad.getPoolAttr(),
        poolGrad.getStridesAttr(), poolGrad.getPaddingAttr());
    return success();
  }
};
} // namespace

void ReluGradOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                             MLIRContext *context) {
  results.add<ReluGradThroughMaxPool>(context);
}

namespace {
/// channel_sum(max_pool2d_grad(dy, x)) -> channel_sum(dy), and the same for
/// avg_pool2d_grad: a max pooling sends each window's dy whole to one input
/// position, an average pooling splits it into shares that sum to it (its
/// count is of the window's input positions, padding excluded). Exact in
/// real arithmetic, overlapping windows and padding included; the sum
/// reads the pooled tensor, a quarter of the elements for 2x2 windows (a
/// convolution's bias gradient before a pooling).
struct ChannelSumOfPoolGrad : OpRewritePattern<ChannelSumOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ChannelSumOp op,
                                PatternRewriter &rewriter) const override {
    Value pooled;
    if (auto g = op.getInput().getDefiningOp<MaxPool2DGradOp>())
      pooled = g.getGrad();
    else if (auto g = op.getInput().getDefiningOp<AvgPool2DGradOp>())
      pooled = g.getGrad();
    if (!pooled)
      return failure();
    rewriter.modifyOpInPlace(op, [&] { op.getInputMutable().assign(pooled); });
    return success();
  }
};
} // namespace

void ChannelSumOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                               MLIRContext *context) {
  results.add<ChannelSumOfPoolGrad>(context);
}

LogicalResult AvgPool2DGradOp::verify() {
  return verifyPool2D(*this, getResult().getType(), getGrad().getType(), "grad",
                      getPool(), getStrides(), getPadding());
}

//===----------------------------------------------------------------------===//
// Convolution
//===----------------------------------------------------------------------===//

namespace {
/// The result shape [N, OH, OW, F] of a 2-D convolution of `input`
/// [N, H, W, C] by `kernel` [KH, KW, C, F], after checking the attributes and
/// both shapes; failure (reported on `op` unless it is null) otherwise.
FailureOr<SmallVector<int64_t>>
conv2DShape(Operation *op, RankedTensorType input, RankedTensorType kernel,
            ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations,
            ArrayRef<int64_t> padding) {
  auto fail = [&](auto &&report) -> FailureOr<SmallVector<int64_t>> {
    if (op)
      report(op->emitOpError());
    return failure();
  };
  if (strides.size() != 2 || dilations.size() != 2 || padding.size() != 4)
    return fail([&](InFlightDiagnostic d) {
      d << "expects 2 strides, 2 dilations and 4 paddings (top, bottom, "
           "left, right), but strides are "
        << formatList(strides) << ", dilations " << formatList(dilations)
        << " and padding " << formatList(padding);
    });
  auto positive = [](int64_t v) { return v > 0; };
  if (!llvm::all_of(strides, positive) || !llvm::all_of(dilations, positive) ||
      llvm::any_of(padding, [](int64_t v) { return v < 0; }))
    return fail([&](InFlightDiagnostic d) {
      d << "expects positive strides and dilations and non-negative "
           "padding, but strides are "
        << formatList(strides) << ", dilations " << formatList(dilations)
        << " and padding " << formatList(padding);
    });
  if (input.getRank() != 4 || input.isDynamicDim(1) || input.isDynamicDim(2))
    return fail([&](InFlightDiagnostic d) {
      d << "expects an input [N, H, W, C] with static H and W, but input is "
        << input;
    });
  if (kernel.getRank() != 4 || !kernel.hasStaticShape())
    return fail([&](InFlightDiagnostic d) {
      d << "expects a static kernel [KH, KW, C, F], but kernel is " << kernel;
    });
  if (failed(verifyCompatibleDims({input.getDimSize(3), kernel.getDimSize(2)})))
    return fail([&](InFlightDiagnostic d) {
      d << "expects the kernel's input channels to match the input's, but "
           "input is "
        << input << " and kernel is " << kernel;
    });
  SmallVector<int64_t> shape{input.getDimSize(0)};
  for (int axis = 0; axis < 2; ++axis) {
    int64_t extent = (kernel.getDimSize(axis) - 1) * dilations[axis] + 1;
    int64_t padded =
        input.getDimSize(1 + axis) + padding[2 * axis] + padding[2 * axis + 1];
    if (padded < extent)
      return fail([&](InFlightDiagnostic d) {
        d << "expects the kernel " << kernel << " (dilations "
          << formatList(dilations) << ") to fit in the padded input, but "
          << "input is " << input << " and padding is " << formatList(padding);
      });
    shape.push_back((padded - extent) / strides[axis] + 1);
  }
  shape.push_back(kernel.getDimSize(3));
  return shape;
}

/// Checks that `actual` (named `what`) has the convolution's result shape.
LogicalResult verifyConvResult(Operation *op, RankedTensorType input,
                               RankedTensorType kernel, RankedTensorType actual,
                               StringRef what, ArrayRef<int64_t> strides,
                               ArrayRef<int64_t> dilations,
                               ArrayRef<int64_t> padding) {
  FailureOr<SmallVector<int64_t>> shape =
      conv2DShape(op, input, kernel, strides, dilations, padding);
  if (failed(shape))
    return failure();
  auto expected = RankedTensorType::get(*shape, input.getElementType());
  if (failed(verifyCompatibleShape(expected, actual)))
    return op->emitOpError("expects a ")
           << what << " of " << expected << " for input " << input
           << " and kernel " << kernel << ", but it is " << actual;
  return success();
}
} // namespace

LogicalResult Conv2DOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                         ValueRange operands,
                                         DictionaryAttr attributes,
                                         OpaqueProperties properties,
                                         RegionRange regions,
                                         SmallVectorImpl<Type> &inferred) {
  Conv2DOp::Adaptor adaptor(operands, attributes, properties, regions);
  auto input = rankedOperand(operands, 0);
  auto kernel = rankedOperand(operands, 1);
  if (!input || !kernel)
    return failure();
  FailureOr<SmallVector<int64_t>> shape =
      conv2DShape(nullptr, input, kernel, adaptor.getStrides(),
                  adaptor.getDilations(), adaptor.getPadding());
  if (failed(shape))
    return failure();
  inferred.push_back(RankedTensorType::get(*shape, input.getElementType()));
  return success();
}

bool Conv2DOp::isCompatibleReturnTypes(TypeRange l, TypeRange r) {
  return compatibleTensorTypes(l, r);
}

LogicalResult Conv2DOp::verify() {
  auto kernel = getKernel().getType();
  if (failed(verifyConvResult(*this, getInput().getType(), kernel,
                              getResult().getType(), "result", getStrides(),
                              getDilations(), getPadding())))
    return failure();
  if (Value bias = getBias()) {
    auto biasType = cast<RankedTensorType>(bias.getType());
    if (failed(verifyCompatibleDims(
            {biasType.getDimSize(0), kernel.getDimSize(3)})))
      return emitOpError("expects one bias per filter, but kernel is ")
             << kernel << " and bias is " << biasType;
  }
  return success();
}

LogicalResult Conv2DInputGradOp::verify() {
  return verifyConvResult(*this, getResult().getType(), getKernel().getType(),
                          getGrad().getType(), "grad", getStrides(),
                          getDilations(), getPadding());
}

LogicalResult Conv2DFilterGradOp::verify() {
  return verifyConvResult(*this, getInput().getType(), getResult().getType(),
                          getGrad().getType(), "grad", getStrides(),
                          getDilations(), getPadding());
}

LogicalResult ChannelSumOp::verify() {
  auto in = getInput().getType(), out = getResult().getType();
  if (in.getRank() < 2 ||
      failed(verifyCompatibleDims(
          {in.getDimSize(in.getRank() - 1), out.getDimSize(0)})))
    return emitOpError("expects a result of the input's last dimension, but "
                       "input is ")
           << in << " and result is " << out;
  return success();
}

//===----------------------------------------------------------------------===//
// Backward-pass building blocks
//===----------------------------------------------------------------------===//

LogicalResult MatmulOp::verify() {
  auto lhs = getLhs().getType(), rhs = getRhs().getType();
  auto result = getResult().getType();
  int64_t m = lhs.getDimSize(getTransposeLhs() ? 1 : 0);
  int64_t k1 = lhs.getDimSize(getTransposeLhs() ? 0 : 1);
  int64_t k2 = rhs.getDimSize(getTransposeRhs() ? 1 : 0);
  int64_t n = rhs.getDimSize(getTransposeRhs() ? 0 : 1);
  if (failed(verifyCompatibleDims({k1, k2})))
    return emitOpError("expects matching contraction dimensions, but lhs is ")
           << lhs << (getTransposeLhs() ? " (transposed)" : "")
           << " and rhs is " << rhs
           << (getTransposeRhs() ? " (transposed)" : "");
  if (failed(verifyCompatibleDims({m, result.getDimSize(0)})) ||
      failed(verifyCompatibleDims({n, result.getDimSize(1)})))
    return emitOpError("expects a result of ")
           << RankedTensorType::get({m, n}, result.getElementType())
           << ", but it is " << result;
  return success();
}

LogicalResult BatchSumOp::verify() {
  auto in = getInput().getType(), out = getResult().getType();
  if (in.getRank() != out.getRank() + 1 ||
      failed(verifyCompatibleShape(in.getShape().drop_front(), out.getShape())))
    return emitOpError("expects the result to be the input without its "
                       "leading dimension, but input is ")
           << in << " and result is " << out;
  return success();
}

namespace {
/// Elements per sample, or kDynamic.
int64_t sampleSize(RankedTensorType t) {
  int64_t n = 1;
  for (int64_t d : t.getShape().drop_front()) {
    if (ShapedType::isDynamic(d))
      return ShapedType::kDynamic;
    n *= d;
  }
  return n;
}
} // namespace

LogicalResult ReshapeOp::verify() {
  auto in = getInput().getType(), out = getResult().getType();
  if (in.getRank() < 1 || out.getRank() < 1 ||
      failed(verifyCompatibleDims({in.getDimSize(0), out.getDimSize(0)})) ||
      sampleSize(in) != sampleSize(out) ||
      ShapedType::isDynamic(sampleSize(in)))
    return emitOpError("expects the same batch and static elements per "
                       "sample, but input is ")
           << in << " and result is " << out;
  return success();
}

namespace {
/// Shared checks of loss ops and their gradients: a batched prediction and
/// targets that are class indices (one per sample) or shaped like the
/// prediction.
LogicalResult verifyLossOperands(Operation *op, RankedTensorType prediction,
                                 Type targets, bool sparse) {
  auto t = cast<RankedTensorType>(targets);
  if (sparse) {
    if (!t.getElementType().isInteger(32) || t.getRank() != 1 ||
        prediction.getRank() != 2 ||
        failed(
            verifyCompatibleDims({t.getDimSize(0), prediction.getDimSize(0)})))
      return op->emitOpError("expects one i32 class index per sample, but "
                             "prediction is ")
             << prediction << " and targets are " << t;
    return success();
  }
  if (!t.getElementType().isF32() ||
      failed(verifyCompatibleShape(prediction, t)))
    return op->emitOpError("expects targets shaped like the prediction, but "
                           "prediction is ")
           << prediction << " and targets are " << t;
  return success();
}
} // namespace

LogicalResult SparseSoftmaxCrossEntropyOp::verify() {
  return verifyLossOperands(*this, getPrediction().getType(),
                            getTargets().getType(), /*sparse=*/true);
}
LogicalResult SoftmaxCrossEntropyOp::verify() {
  return verifyLossOperands(*this, getPrediction().getType(),
                            getTargets().getType(), false);
}
LogicalResult SigmoidCrossEntropyOp::verify() {
  return verifyLossOperands(*this, getPrediction().getType(),
                            getTargets().getType(), false);
}
LogicalResult MeanSquaredErrorOp::verify() {
  return verifyLossOperands(*this, getPrediction().getType(),
                            getTargets().getType(), false);
}
LogicalResult MeanAbsoluteErrorOp::verify() {
  return verifyLossOperands(*this, getPrediction().getType(),
                            getTargets().getType(), false);
}

namespace {
/// A loss gradient has its prediction's type and the loss's operands.
LogicalResult verifyLossGrad(Operation *op, Value prediction, Value targets,
                             Value result, bool sparse) {
  if (result.getType() != prediction.getType())
    return op->emitOpError("expects the result to have the prediction's type ")
           << prediction.getType() << ", but it is " << result.getType();
  return verifyLossOperands(op, cast<RankedTensorType>(prediction.getType()),
                            targets.getType(), sparse);
}
} // namespace

#define DL_LOSS_GRAD_VERIFIER(OP, SPARSE)                                      \
  LogicalResult OP::verify() {                                                 \
    return verifyLossGrad(*this, getPrediction(), getTargets(), getResult(),   \
                          SPARSE);                                             \
  }
DL_LOSS_GRAD_VERIFIER(SparseSoftmaxCrossEntropyGradOp, /*sparse=*/true)
DL_LOSS_GRAD_VERIFIER(SoftmaxCrossEntropyGradOp, false)
DL_LOSS_GRAD_VERIFIER(SigmoidCrossEntropyGradOp, false)
DL_LOSS_GRAD_VERIFIER(MeanSquaredErrorGradOp, false)
DL_LOSS_GRAD_VERIFIER(MeanAbsoluteErrorGradOp, false)
#undef DL_LOSS_GRAD_VERIFIER

//===----------------------------------------------------------------------===//
// Optimizer updates
//===----------------------------------------------------------------------===//

namespace {
/// Every operand and result of an update has the parameter's type, except
/// scalars (the step).
LogicalResult verifyUpdate(Operation *op) {
  Type param = op->getOperand(0).getType();
  for (Value v : llvm::concat<Value>(op->getOperands(), op->getResults())) {
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getRank() != 0 && t != param)
      return op->emitOpError("expects every tensor to have the parameter's "
                             "type ")
             << param << ", but found " << t;
  }
  return success();
}
} // namespace

LogicalResult SGDUpdateOp::verify() {
  if (bool(getVelocity()) != bool(getNewVelocity()))
    return emitOpError("expects a new velocity exactly when a velocity is "
                       "given");
  if (getVelocity() && getMomentum().convertToFloat() == 0.0f)
    return emitOpError("has a velocity but no momentum");
  return verifyUpdate(*this);
}
LogicalResult AdamUpdateOp::verify() { return verifyUpdate(*this); }
LogicalResult RMSpropUpdateOp::verify() {
  if (bool(getMomentumBuffer()) != bool(getNewMomentumBuffer()))
    return emitOpError("expects a new momentum buffer exactly when one is "
                       "given");
  return verifyUpdate(*this);
}

//===----------------------------------------------------------------------===//
// Random initialisers
//===----------------------------------------------------------------------===//

LogicalResult RandomUniformOp::verify() {
  if (!(getLow().convertToFloat() < getHigh().convertToFloat()))
    return emitOpError("expects low < high, but low is ")
           << getLowAttr() << " and high is " << getHighAttr();
  return success();
}

LogicalResult RandomNormalOp::verify() {
  if (!(getStddev().convertToFloat() > 0.0f))
    return emitOpError("expects a positive stddev, but it is ")
           << getStddevAttr();
  return success();
}

//===----------------------------------------------------------------------===//
// Training-mode ops
//===----------------------------------------------------------------------===//

LogicalResult DropoutOp::verify() {
  float rate = getRate().convertToFloat();
  if (!(rate >= 0.0f && rate < 1.0f))
    return emitOpError("expects a rate in [0, 1), but it is ") << getRateAttr();
  if (getSpatial() && getInput().getType().getRank() < 2)
    return emitOpError("with 'spatial' expects a tensor of rank >= 2 "
                       "([batch, ..., channels]), but the input is ")
           << getInput().getType();
  return success();
}

LogicalResult DropoutOp::buildInferenceForm(OpBuilder &,
                                            SmallVectorImpl<Value> &results) {
  results.assign({getInput()});
  return success();
}

LogicalResult TrainingKeyOp::verify() {
  if (getSeed().getType().getDimSize(0) != kSeedWords)
    return emitOpError("expects the seed as ")
           << kSeedWords << " floats (16-bit words), but it is "
           << getSeed().getType();
  return success();
}

namespace {
/// A dl.batch_norm_inference whose input is a dense or conv2d used only
/// there folds into it: the kernel scaled per output channel by
/// s = gamma / sqrt(variance + epsilon) and the bias (b - mean) * s + beta,
/// both computed by the same op on the parameters (per call, O(parameters))
/// instead of a pass over the activations.
void foldBatchNormInference(Operation *root) {
  SmallVector<BatchNormInferenceOp> ops;
  root->walk([&](BatchNormInferenceOp op) { ops.push_back(op); });
  for (BatchNormInferenceOp bn : ops) {
    Operation *producer = bn.getInput().getDefiningOp();
    if (!producer || !isa<DenseOp, Conv2DOp>(producer) ||
        !producer->hasOneUse())
      continue;
    OpBuilder b(producer);
    Location loc = bn.getLoc();
    auto vecType = bn.getGamma().getType();
    Value zeros = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(vecType, b.getF32FloatAttr(0.0f)));
    Value kernel = producer->getOperand(1);
    Value newKernel = BatchNormInferenceOp::create(
        b, loc, kernel.getType(), kernel, bn.getGamma(), zeros, zeros,
        bn.getVariance(), bn.getEpsilonAttr());
    Value bias =
        producer->getNumOperands() > 2 ? producer->getOperand(2) : zeros;
    Value newBias = BatchNormInferenceOp::create(
        b, loc, vecType, bias, bn.getGamma(), bn.getBeta(), bn.getMean(),
        bn.getVariance(), bn.getEpsilonAttr());
    OperationState state(producer->getLoc(), producer->getName());
    state.addOperands({producer->getOperand(0), newKernel, newBias});
    state.addAttributes(producer->getAttrs());
    state.addTypes(producer->getResultTypes());
    Operation *folded = b.create(state);
    bn.getResult().replaceAllUsesWith(folded->getResult(0));
    bn.erase();
    producer->erase();
  }
}
} // namespace

LogicalResult mlir::dl::applyInferenceForms(Operation *root) {
  SmallVector<TrainingModeOpInterface> ops;
  root->walk([&](TrainingModeOpInterface op) { ops.push_back(op); });
  for (TrainingModeOpInterface op : ops) {
    OpBuilder b(op);
    SmallVector<Value> results;
    if (failed(op.buildInferenceForm(b, results)))
      return failure();
    op->replaceAllUsesWith(results);
    op->erase();
  }
  foldBatchNormInference(root);
  return success();
}

#define GET_OP_CLASSES
#include "dl/Dialect/DL/IR/DLOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Regularisation, clipping, weight decay
//===----------------------------------------------------------------------===//

namespace {
/// A factor that must be >= 0 (or > 0 when `positive`) and finite.
LogicalResult verifyFactor(Operation *op, StringRef name, APFloat value,
                           bool positive) {
  float v = value.convertToFloat();
  if (std::isfinite(v) && (positive ? v > 0.0f : v >= 0.0f))
    return success();
  return op->emitOpError("expects ")
         << name << (positive ? " > 0" : " >= 0") << ", but it is " << v;
}

LogicalResult verifySameType(Operation *op, Value a, Value result) {
  if (a.getType() == result.getType())
    return success();
  return op->emitOpError("expects the result to have the type ")
         << a.getType() << ", but it is " << result.getType();
}
} // namespace

LogicalResult L1L2PenaltyOp::verify() {
  return success(succeeded(verifyFactor(*this, "l1", getL1(), false)) &&
                 succeeded(verifyFactor(*this, "l2", getL2(), false)));
}

LogicalResult L1L2PenaltyGradOp::verify() {
  if (failed(verifyFactor(*this, "l1", getL1(), false)) ||
      failed(verifyFactor(*this, "l2", getL2(), false)))
    return failure();
  return verifySameType(*this, getInput(), getResult());
}

LogicalResult ClipByNormOp::verify() {
  if (failed(verifyFactor(*this, "clip_norm", getClipNorm(), true)))
    return failure();
  return verifySameType(*this, getGrad(), getResult());
}

LogicalResult ClipByValueOp::verify() {
  return verifyFactor(*this, "clip_value", getClipValue(), true);
}

LogicalResult WeightDecayOp::verify() {
  return verifyFactor(*this, "decay", getDecay(), false);
}

//===----------------------------------------------------------------------===//
// Learning-rate schedules
//===----------------------------------------------------------------------===//

LogicalResult ExponentialDecayOp::verify() {
  return success(
      succeeded(verifyFactor(*this, "initial_learning_rate",
                             getInitialLearningRate(), false)) &&
      succeeded(verifyFactor(*this, "decay_steps", getDecaySteps(), true)) &&
      succeeded(verifyFactor(*this, "decay_rate", getDecayRate(), true)));
}

LogicalResult PiecewiseConstantDecayOp::verify() {
  ArrayRef<float> boundaries = getBoundaries(), values = getValues();
  if (values.size() != boundaries.size() + 1)
    return emitOpError("expects one value more than boundaries, but there "
                       "are ")
           << boundaries.size() << " boundaries and " << values.size()
           << " values";
  for (size_t i = 0; i < boundaries.size(); ++i)
    if (!std::isfinite(boundaries[i]) ||
        (i > 0 && !(boundaries[i - 1] < boundaries[i])))
      return emitOpError("expects finite, increasing boundaries, but "
                         "boundary ")
             << i << " is " << boundaries[i];
  for (auto [i, v] : llvm::enumerate(values))
    if (!(std::isfinite(v) && v >= 0))
      return emitOpError("expects finite values >= 0, but value ")
             << i << " is " << v;
  return success();
}

LogicalResult CosineDecayOp::verify() {
  if (failed(verifyFactor(*this, "initial_learning_rate",
                          getInitialLearningRate(), false)) ||
      failed(verifyFactor(*this, "decay_steps", getDecaySteps(), true)) ||
      failed(verifyFactor(*this, "warmup_steps", getWarmupSteps(), false)))
    return failure();
  float alpha = getAlpha().convertToFloat();
  if (!(alpha >= 0 && alpha <= 1))
    return emitOpError("expects alpha in [0, 1], but it is ") << alpha;
  if (auto target = getWarmupTargetAttr())
    return verifyFactor(*this, "warmup_target", target.getValue(), false);
  return success();
}

//===----------------------------------------------------------------------===//
// ConcatOp, SliceOp
//===----------------------------------------------------------------------===//

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                         ValueRange operands,
                                         DictionaryAttr attributes,
                                         OpaqueProperties properties,
                                         RegionRange regions,
                                         SmallVectorImpl<Type> &inferred) {
  ConcatOp::Adaptor adaptor(operands, attributes, properties, regions);
  auto first = rankedOperand(operands, 0);
  if (!first)
    return failure();
  int64_t axis = adaptor.getAxis();
  if (axis < 1 || axis >= first.getRank())
    return failure();
  SmallVector<int64_t> shape(first.getShape());
  shape[axis] = 0;
  for (Value v : operands) {
    auto t = dyn_cast<RankedTensorType>(v.getType());
    if (!t || t.getRank() != first.getRank())
      return failure();
    if (ShapedType::isDynamic(t.getDimSize(axis)) ||
        ShapedType::isDynamic(shape[axis]))
      shape[axis] = ShapedType::kDynamic;
    else
      shape[axis] += t.getDimSize(axis);
  }
  inferred.push_back(RankedTensorType::get(shape, first.getElementType()));
  return success();
}

bool ConcatOp::isCompatibleReturnTypes(TypeRange l, TypeRange r) {
  return compatibleTensorTypes(l, r);
}

LogicalResult ConcatOp::verify() {
  if (getInputs().empty())
    return emitOpError("expects at least one input");
  auto first = cast<RankedTensorType>(getInputs().front().getType());
  int64_t axis = getAxis();
  if (axis < 1 || axis >= first.getRank())
    return emitOpError("expects an axis in [1, ")
           << first.getRank() << ") (not the batch), but axis is " << axis
           << " for " << first;
  for (Value v : getInputs().drop_front()) {
    auto t = cast<RankedTensorType>(v.getType());
    bool ok = t.getRank() == first.getRank();
    for (int64_t d = 0; ok && d < t.getRank(); ++d)
      ok = d == axis || succeeded(verifyCompatibleDims(
                            {t.getDimSize(d), first.getDimSize(d)}));
    if (!ok)
      return emitOpError("expects inputs that agree on every dimension but "
                         "axis ")
             << axis << ", but they are " << first << " and " << t;
  }
  return success();
}

LogicalResult SliceOp::verify() {
  auto in = getInput().getType(), out = getResult().getType();
  int64_t axis = getAxis(), offset = getOffset();
  bool ok = in.getRank() == out.getRank() && axis >= 1 && axis < in.getRank();
  for (int64_t d = 0; ok && d < in.getRank(); ++d)
    ok = d == axis ||
         succeeded(verifyCompatibleDims({in.getDimSize(d), out.getDimSize(d)}));
  if (ok && (offset < 0 || ShapedType::isDynamic(out.getDimSize(axis)) ||
             (!ShapedType::isDynamic(in.getDimSize(axis)) &&
              offset + out.getDimSize(axis) > in.getDimSize(axis))))
    ok = false;
  if (!ok)
    return emitOpError("expects a static block [")
           << offset << ", " << offset << " + size) of axis " << axis
           << " (not the batch) within the input, but input is " << in
           << " and result is " << out;
  return success();
}

//===----------------------------------------------------------------------===//
// BatchNormOp, BatchNormInferenceOp
//===----------------------------------------------------------------------===//

namespace {
/// Every per-channel vector of a batch normalisation has the input's static
/// last dimension; `minRank` is 2 where statistics are taken over a batch.
LogicalResult verifyChannelVectors(Operation *op, Value input,
                                   ArrayRef<std::pair<StringRef, Value>> vecs,
                                   int64_t minRank, APFloat epsilon) {
  auto in = cast<RankedTensorType>(input.getType());
  int64_t last = in.getRank() >= 1 ? in.getDimSize(in.getRank() - 1)
                                   : ShapedType::kDynamic;
  if (in.getRank() < minRank || ShapedType::isDynamic(last))
    return op->emitOpError("expects an input of rank >= ")
           << minRank << " with a static last (channel) dimension, but it is "
           << in;
  for (auto [name, v] : vecs) {
    auto type = cast<RankedTensorType>(v.getType());
    if (type.getDimSize(0) != last)
      return op->emitOpError("expects ")
             << name << " of the input's last dimension " << last
             << ", but input is " << in << " and " << name << " is " << type;
  }
  if (!(epsilon.convertToDouble() > 0))
    return op->emitOpError("expects a positive epsilon, but it is ")
           << epsilon.convertToDouble();
  return success();
}
} // namespace

LogicalResult BatchNormOp::verify() {
  if (failed(verifyChannelVectors(*this, getInput(),
                                  {{"gamma", getGamma()},
                                   {"beta", getBeta()},
                                   {"moving_mean", getMovingMean()},
                                   {"moving_variance", getMovingVariance()},
                                   {"batch_mean", getBatchMean()},
                                   {"batch_variance", getBatchVariance()}},
                                  2, getEpsilon())))
    return failure();
  if (failed(
          verifyCompatibleShape(getInput().getType(), getResult().getType())))
    return emitOpError("expects a result of the input's shape, but input is ")
           << getInput().getType() << " and result is "
           << getResult().getType();
  return success();
}

LogicalResult BatchNormOp::buildInferenceForm(OpBuilder &b,
                                              SmallVectorImpl<Value> &results) {
  Value y = BatchNormInferenceOp::create(
      b, getLoc(), getResult().getType(), getInput(), getGamma(), getBeta(),
      getMovingMean(), getMovingVariance(), getEpsilonAttr());
  results.assign({y, getMovingMean(), getMovingVariance()});
  return success();
}

LogicalResult BatchNormInferenceOp::verify() {
  return verifyChannelVectors(*this, getInput(),
                              {{"gamma", getGamma()},
                               {"beta", getBeta()},
                               {"mean", getMean()},
                               {"variance", getVariance()}},
                              1, getEpsilon());
}

//===----------------------------------------------------------------------===//
// LayerNormOp
//===----------------------------------------------------------------------===//

LogicalResult LayerNormOp::verify() {
  auto in = getInput().getType(), out = getResult().getType();
  auto gamma = getGamma().getType(), beta = getBeta().getType();
  int64_t last = in.getRank() >= 2 ? in.getDimSize(in.getRank() - 1)
                                   : ShapedType::kDynamic;
  if (in.getRank() < 2 || ShapedType::isDynamic(last) ||
      gamma.getDimSize(0) != last || beta.getDimSize(0) != last)
    return emitOpError("expects gamma and beta of the input's static last "
                       "dimension, but input is ")
           << in << ", gamma " << gamma << " and beta " << beta;
  if (failed(verifyCompatibleShape(in, out)))
    return emitOpError("expects a result of the input's shape, but input is ")
           << in << " and result is " << out;
  if (!(getEpsilon().convertToDouble() > 0))
    return emitOpError("expects a positive epsilon, but it is ")
           << getEpsilon().convertToDouble();
  return success();
}

//===----------------------------------------------------------------------===//
// ScanOp
//===----------------------------------------------------------------------===//

namespace {
/// `type` without its time dimension (1): one step's slice of a sequence.
RankedTensorType dropTime(RankedTensorType type) {
  SmallVector<int64_t> shape(type.getShape());
  shape.erase(shape.begin() + 1);
  return RankedTensorType::get(shape, type.getElementType());
}

/// `step` stacked along a time dimension of size `time`, inserted at 1.
RankedTensorType addTime(RankedTensorType step, int64_t time) {
  SmallVector<int64_t> shape(step.getShape());
  shape.insert(shape.begin() + 1, time);
  return RankedTensorType::get(shape, step.getElementType());
}

bool compatible(Type a, Type b) {
  return succeeded(verifyCompatibleShape(a, b)) &&
         getElementTypeOrSelf(a) == getElementTypeOrSelf(b);
}
} // namespace

LogicalResult ScanOp::verify() {
  if (getResults().empty())
    return emitOpError("expects at least one result (a final carry or a "
                       "stacked per-step output)");
  if (getSequences().empty())
    return emitOpError("expects at least one sequence (its dimension 1 is "
                       "the time axis the scan runs over)");
  int64_t time = ShapedType::kDynamic;
  for (Value s : getSequences()) {
    auto type = cast<RankedTensorType>(s.getType());
    if (type.getRank() < 2)
      return emitOpError("expects sequences shaped [batch, time, ...], but "
                         "one is ")
             << type;
    int64_t t = type.getDimSize(1);
    if (failed(verifyCompatibleDims({time, t})))
      return emitOpError("expects every sequence to have the same length "
                         "(dimension 1), but they are ")
             << getSequences().getTypes();
    if (!ShapedType::isDynamic(t))
      time = t;
  }
  if (getResults().size() < getInits().size())
    return emitOpError("expects a result per carry, then one per per-step "
                       "output, but has ")
           << getInits().size() << " carries and " << getResults().size()
           << " results";
  for (auto [i, init, final] :
       llvm::enumerate(getInits().getTypes(), getFinalCarries().getTypes()))
    if (init != final)
      return emitOpError("expects final carry #")
             << i << " to have its initial value's type " << init
             << ", but it is " << final;
  return success();
}

LogicalResult ScanOp::verifyRegions() {
  Block &body = getBodyBlock();
  unsigned nc = getInits().size(), ns = getSequences().size(),
           ni = getInvariants().size();
  SmallVector<Type> expected(getInits().getTypes());
  for (Value s : getSequences())
    expected.push_back(dropTime(cast<RankedTensorType>(s.getType())));
  llvm::append_range(expected, getInvariants().getTypes());
  if (body.getNumArguments() != nc + ns + ni)
    return emitOpError("expects the body to take ")
           << nc << " carries, " << ns << " sequence slices and " << ni
           << " invariants (" << expected.size() << " arguments), but it takes "
           << body.getNumArguments();
  for (auto [i, want, arg] : llvm::enumerate(expected, body.getArguments()))
    if (want != arg.getType())
      return emitOpError("expects body argument #")
             << i << " to be " << want << ", but it is " << arg.getType();
  auto yield = dyn_cast<YieldOp>(body.getTerminator());
  if (!yield)
    return emitOpError("expects the body to end with dl.yield");
  if (yield.getValues().size() != getResults().size())
    return emitOpError("expects dl.yield to give ")
           << nc << " next carries and " << getStacked().size()
           << " per-step outputs (" << getResults().size()
           << " values, one per result), but it gives "
           << yield.getValues().size();
  int64_t time = ShapedType::kDynamic;
  for (Value s : getSequences())
    if (!ShapedType::isDynamic(
            cast<RankedTensorType>(s.getType()).getDimSize(1)))
      time = cast<RankedTensorType>(s.getType()).getDimSize(1);
  for (auto [i, value] : llvm::enumerate(yield.getValues())) {
    auto type = cast<RankedTensorType>(value.getType());
    if (i < nc) {
      if (type != getInits()[i].getType())
        return emitOpError("expects next carry #")
               << i << " to have the carry's type " << getInits()[i].getType()
               << ", but dl.yield gives " << type;
      continue;
    }
    if (type.getRank() < 1)
      return emitOpError("expects per-step output #")
             << i - nc << " to have a batch dimension, but it is " << type;
    Type want = addTime(type, time), have = getResults()[i].getType();
    if (!compatible(want, have))
      return emitOpError("expects per-step output #")
             << i - nc << " (" << type << ") stacked over time as " << want
             << ", but the result is " << have;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// ZerosOp, MergeTimeOp, SplitTimeOp
//===----------------------------------------------------------------------===//

LogicalResult ZerosOp::verify() {
  auto like = getBatchLike().getType(), type = getResult().getType();
  bool ok =
      like.getRank() >= 1 && type.getRank() >= 1 &&
      succeeded(verifyCompatibleDims({like.getDimSize(0), type.getDimSize(0)}));
  for (int64_t d = 1; ok && d < type.getRank(); ++d)
    ok = !type.isDynamicDim(d);
  if (!ok)
    return emitOpError("expects a result with the batch (dimension 0) of ")
           << like << " and static sizes elsewhere, but it is " << type;
  return success();
}

LogicalResult MergeTimeOp::verify() {
  auto in = getInput().getType(), out = getResult().getType();
  bool ok = in.getRank() >= 2 && out.getRank() == in.getRank() - 1;
  if (ok) {
    int64_t b = in.getDimSize(0), t = in.getDimSize(1);
    int64_t rows = ShapedType::isDynamic(b) || ShapedType::isDynamic(t)
                       ? ShapedType::kDynamic
                       : b * t;
    ok = succeeded(verifyCompatibleDims({rows, out.getDimSize(0)}));
    for (int64_t d = 1; ok && d < out.getRank(); ++d)
      ok = in.getDimSize(d + 1) == out.getDimSize(d);
  }
  if (!ok)
    return emitOpError("expects [B, T, ...] merged into [B*T, ...], but "
                       "input is ")
           << in << " and result is " << out;
  return success();
}

LogicalResult SplitTimeOp::verify() {
  auto in = getInput().getType(), like = getLike().getType(),
       out = getResult().getType();
  bool ok =
      in.getRank() >= 1 && like.getRank() >= 2 &&
      out.getRank() == in.getRank() + 1 &&
      succeeded(
          verifyCompatibleDims({like.getDimSize(0), out.getDimSize(0)})) &&
      succeeded(verifyCompatibleDims({like.getDimSize(1), out.getDimSize(1)}));
  for (int64_t d = 1; ok && d < in.getRank(); ++d)
    ok = in.getDimSize(d) == out.getDimSize(d + 1);
  if (!ok)
    return emitOpError("expects [B*T, ...] split into [B, T, ...] with B "
                       "and T from ")
           << like << ", but input is " << in << " and result is " << out;
  return success();
}

LogicalResult OrthogonalOp::verify() {
  auto type = getInput().getType();
  if (!type.hasStaticShape())
    return emitOpError("expects a static matrix, but the input is ") << type;
  return success();
}
