//===- DLGradients.cpp - vector-Jacobian products of dl ops
//----------------===//
//
// Each differentiable op's backward rule, next to the ops themselves. A rule
// builds only the cotangents the caller asks for: the first dense layer, for
// instance, never computes the (unused) gradient of the input images.
//
//===----------------------------------------------------------------------===//
#include "dl/Dialect/DL/IR/DLOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace mlir::dl;

namespace {
/// Fills `grads` with one null Value per operand of `op`.
void noGrads(Operation *op, SmallVectorImpl<Value> &grads) {
  grads.assign(op->getNumOperands(), Value());
}

/// For single-input elementwise ops: `grads[0] = rule(dy)` if needed.
template <typename GradOp>
LogicalResult unaryVJP(Operation *op, OpBuilder &b, ValueRange resultGrads,
                       ArrayRef<bool> needed, SmallVectorImpl<Value> &grads,
                       Value value) {
  noGrads(op, grads);
  if (resultGrads[0] && needed[0])
    grads[0] = GradOp::create(b, op->getLoc(), resultGrads[0], value);
  return success();
}
} // namespace

LogicalResult DenseOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                ArrayRef<bool> needed,
                                SmallVectorImpl<Value> &grads) {
  noGrads(*this, grads);
  Value dy = resultGrads[0];
  if (!dy)
    return success();
  Location loc = getLoc();
  // y = x W + b:  dx = dy W^T,  dW = x^T dy,  db = sum_batch dy.
  if (needed[0])
    grads[0] = MatmulOp::create(b, loc, getInput().getType(), dy, getKernel(),
                                /*transpose_lhs=*/false,
                                /*transpose_rhs=*/true);
  if (needed[1])
    grads[1] = MatmulOp::create(b, loc, getKernel().getType(), getInput(), dy,
                                /*transpose_lhs=*/true,
                                /*transpose_rhs=*/false);
  if (getBias() && needed[2])
    grads[2] = BatchSumOp::create(b, loc, getBias().getType(), dy);
  return success();
}

LogicalResult FlattenOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                  ArrayRef<bool> needed,
                                  SmallVectorImpl<Value> &grads) {
  noGrads(*this, grads);
  if (resultGrads[0] && needed[0])
    grads[0] =
        ReshapeOp::create(b, getLoc(), getInput().getType(), resultGrads[0]);
  return success();
}

LogicalResult ReshapeOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                  ArrayRef<bool> needed,
                                  SmallVectorImpl<Value> &grads) {
  noGrads(*this, grads);
  if (resultGrads[0] && needed[0])
    grads[0] =
        ReshapeOp::create(b, getLoc(), getInput().getType(), resultGrads[0]);
  return success();
}

LogicalResult MaxPool2DOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                    ArrayRef<bool> needed,
                                    SmallVectorImpl<Value> &grads) {
  noGrads(*this, grads);
  if (resultGrads[0] && needed[0])
    grads[0] = MaxPool2DGradOp::create(b, getLoc(), getInput().getType(),
                                       resultGrads[0], getInput(), getPool(),
                                       getStrides(), getPadding());
  return success();
}

LogicalResult AvgPool2DOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                    ArrayRef<bool> needed,
                                    SmallVectorImpl<Value> &grads) {
  noGrads(*this, grads);
  if (resultGrads[0] && needed[0])
    grads[0] = AvgPool2DGradOp::create(b, getLoc(), getInput().getType(),
                                       resultGrads[0], getPool(), getStrides(),
                                       getPadding());
  return success();
}

LogicalResult Conv2DOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                 ArrayRef<bool> needed,
                                 SmallVectorImpl<Value> &grads) {
  noGrads(*this, grads);
  Value dy = resultGrads[0];
  if (!dy)
    return success();
  Location loc = getLoc();
  if (needed[0])
    grads[0] =
        Conv2DInputGradOp::create(b, loc, getInput().getType(), dy, getKernel(),
                                  getStrides(), getDilations(), getPadding());
  if (needed[1])
    grads[1] = Conv2DFilterGradOp::create(b, loc, getKernel().getType(), dy,
                                          getInput(), getStrides(),
                                          getDilations(), getPadding());
  // The bias is added at every position of every sample.
  if (getBias() && needed[2])
    grads[2] = ChannelSumOp::create(b, loc, getBias().getType(), dy);
  return success();
}

LogicalResult ReluOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                               ArrayRef<bool> needed,
                               SmallVectorImpl<Value> &grads) {
  return unaryVJP<ReluGradOp>(*this, b, resultGrads, needed, grads, getInput());
}

LogicalResult SigmoidOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                  ArrayRef<bool> needed,
                                  SmallVectorImpl<Value> &grads) {
  return unaryVJP<SigmoidGradOp>(*this, b, resultGrads, needed, grads,
                                 getResult());
}

LogicalResult TanhOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                               ArrayRef<bool> needed,
                               SmallVectorImpl<Value> &grads) {
  return unaryVJP<TanhGradOp>(*this, b, resultGrads, needed, grads,
                              getResult());
}

LogicalResult SoftmaxOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                  ArrayRef<bool> needed,
                                  SmallVectorImpl<Value> &grads) {
  return unaryVJP<SoftmaxGradOp>(*this, b, resultGrads, needed, grads,
                                 getResult());
}

LogicalResult Relu6Op::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                ArrayRef<bool> needed,
                                SmallVectorImpl<Value> &grads) {
  return unaryVJP<Relu6GradOp>(*this, b, resultGrads, needed, grads,
                               getInput());
}

LogicalResult SoftplusOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                   ArrayRef<bool> needed,
                                   SmallVectorImpl<Value> &grads) {
  return unaryVJP<SoftplusGradOp>(*this, b, resultGrads, needed, grads,
                                  getInput());
}

LogicalResult SoftsignOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                   ArrayRef<bool> needed,
                                   SmallVectorImpl<Value> &grads) {
  return unaryVJP<SoftsignGradOp>(*this, b, resultGrads, needed, grads,
                                  getInput());
}

LogicalResult HardSigmoidOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                      ArrayRef<bool> needed,
                                      SmallVectorImpl<Value> &grads) {
  return unaryVJP<HardSigmoidGradOp>(*this, b, resultGrads, needed, grads,
                                     getInput());
}

LogicalResult SiluOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                               ArrayRef<bool> needed,
                               SmallVectorImpl<Value> &grads) {
  return unaryVJP<SiluGradOp>(*this, b, resultGrads, needed, grads, getInput());
}

LogicalResult GeluOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                               ArrayRef<bool> needed,
                               SmallVectorImpl<Value> &grads) {
  return unaryVJP<GeluGradOp>(*this, b, resultGrads, needed, grads, getInput());
}

LogicalResult ExponentialOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                      ArrayRef<bool> needed,
                                      SmallVectorImpl<Value> &grads) {
  return unaryVJP<ExponentialGradOp>(*this, b, resultGrads, needed, grads,
                                     getResult());
}

LogicalResult LogSoftmaxOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                     ArrayRef<bool> needed,
                                     SmallVectorImpl<Value> &grads) {
  return unaryVJP<LogSoftmaxGradOp>(*this, b, resultGrads, needed, grads,
                                    getResult());
}

LogicalResult LeakyReluOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                    ArrayRef<bool> needed,
                                    SmallVectorImpl<Value> &grads) {
  noGrads(*this, grads);
  if (resultGrads[0] && needed[0])
    grads[0] = LeakyReluGradOp::create(b, getLoc(), resultGrads[0], getInput(),
                                       getAlphaAttr());
  return success();
}

LogicalResult EluOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                              ArrayRef<bool> needed,
                              SmallVectorImpl<Value> &grads) {
  noGrads(*this, grads);
  if (resultGrads[0] && needed[0])
    grads[0] = EluGradOp::create(b, getLoc(), resultGrads[0], getInput(),
                                 getAlphaAttr());
  return success();
}

LogicalResult AddOp::buildVJP(OpBuilder &, ValueRange resultGrads,
                              ArrayRef<bool> needed,
                              SmallVectorImpl<Value> &grads) {
  noGrads(*this, grads);
  for (unsigned i = 0; i < 2; ++i)
    if (needed[i])
      grads[i] = resultGrads[0];
  return success();
}

namespace {
/// Losses: only the prediction has a cotangent (targets are data), and each
/// loss has its own gradient op.
template <typename GradOp>
LogicalResult lossVJP(Operation *op, OpBuilder &b, ValueRange resultGrads,
                      ArrayRef<bool> needed, SmallVectorImpl<Value> &grads) {
  noGrads(op, grads);
  if (resultGrads[0] && needed[0])
    grads[0] =
        GradOp::create(b, op->getLoc(), op->getOperand(0).getType(),
                       op->getOperand(0), op->getOperand(1), resultGrads[0]);
  return success();
}
} // namespace

#define DL_LOSS_VJP(LOSS)                                                      \
  LogicalResult LOSS##Op::buildVJP(OpBuilder &b, ValueRange resultGrads,       \
                                   ArrayRef<bool> needed,                      \
                                   SmallVectorImpl<Value> &grads) {            \
    return lossVJP<LOSS##GradOp>(*this, b, resultGrads, needed, grads);        \
  }
DL_LOSS_VJP(SparseSoftmaxCrossEntropy)
DL_LOSS_VJP(SoftmaxCrossEntropy)
DL_LOSS_VJP(SigmoidCrossEntropy)
DL_LOSS_VJP(MeanSquaredError)
#undef DL_LOSS_VJP

LogicalResult DropoutOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                  ArrayRef<bool> needed,
                                  SmallVectorImpl<Value> &grads) {
  noGrads(*this, grads);
  // y = mask * x / (1 - rate) is linear in x: dx = the same op on dy, with
  // the same key and stream, so the mask is recomputed, never stored.
  if (resultGrads[0] && needed[0])
    grads[0] =
        DropoutOp::create(b, getLoc(), resultGrads[0], getKey(), getRateAttr(),
                          getStreamAttr(), getSpatialAttr());
  return success();
}

LogicalResult L1L2PenaltyOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                      ArrayRef<bool> needed,
                                      SmallVectorImpl<Value> &grads) {
  noGrads(*this, grads);
  if (resultGrads[0] && needed[0])
    grads[0] =
        L1L2PenaltyGradOp::create(b, getLoc(), getInput().getType(), getInput(),
                                  resultGrads[0], getL1Attr(), getL2Attr());
  return success();
}

//===----------------------------------------------------------------------===//
// Merge layers
//===----------------------------------------------------------------------===//

LogicalResult SubOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                              ArrayRef<bool> needed,
                              SmallVectorImpl<Value> &grads) {
  noGrads(*this, grads);
  Value g = resultGrads[0];
  if (needed[0])
    grads[0] = g;
  if (needed[1])
    grads[1] = ScaleOp::create(b, getLoc(), g, b.getF32FloatAttr(-1.0f));
  return success();
}

LogicalResult MulOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                              ArrayRef<bool> needed,
                              SmallVectorImpl<Value> &grads) {
  noGrads(*this, grads);
  Value g = resultGrads[0];
  if (needed[0])
    grads[0] = MulOp::create(b, getLoc(), g, getRhs());
  if (needed[1])
    grads[1] = MulOp::create(b, getLoc(), g, getLhs());
  return success();
}

namespace {
template <typename GradOp, typename Op>
LogicalResult extremumVJP(Op op, OpBuilder &b, ValueRange resultGrads,
                          ArrayRef<bool> needed,
                          SmallVectorImpl<Value> &grads) {
  noGrads(op, grads);
  Value g = resultGrads[0];
  if (needed[0])
    grads[0] = GradOp::create(b, op.getLoc(), g, op.getLhs(), op.getRhs());
  if (needed[1])
    grads[1] = GradOp::create(b, op.getLoc(), g, op.getRhs(), op.getLhs());
  return success();
}
} // namespace

LogicalResult MaxOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                              ArrayRef<bool> needed,
                              SmallVectorImpl<Value> &grads) {
  return extremumVJP<MaxGradOp>(*this, b, resultGrads, needed, grads);
}

LogicalResult MinOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                              ArrayRef<bool> needed,
                              SmallVectorImpl<Value> &grads) {
  return extremumVJP<MinGradOp>(*this, b, resultGrads, needed, grads);
}

LogicalResult ScaleOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                ArrayRef<bool> needed,
                                SmallVectorImpl<Value> &grads) {
  noGrads(*this, grads);
  if (needed[0])
    grads[0] = ScaleOp::create(b, getLoc(), resultGrads[0], getFactorAttr());
  return success();
}

LogicalResult ConcatOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                 ArrayRef<bool> needed,
                                 SmallVectorImpl<Value> &grads) {
  noGrads(*this, grads);
  Value g = resultGrads[0];
  int64_t axis = getAxis(), offset = 0;
  for (auto [i, input] : llvm::enumerate(getInputs())) {
    auto type = cast<RankedTensorType>(input.getType());
    if (needed[i])
      grads[i] = SliceOp::create(b, getLoc(), type, g, getAxisAttr(),
                                 b.getI64IntegerAttr(offset));
    offset += type.getDimSize(axis);
  }
  return success();
}

LogicalResult LayerNormOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                    ArrayRef<bool> needed,
                                    SmallVectorImpl<Value> &grads) {
  noGrads(*this, grads);
  auto grad = LayerNormGradOp::create(b, getLoc(), getInput().getType(),
                                      getGamma().getType(), getBeta().getType(),
                                      resultGrads[0], getInput(), getGamma(),
                                      getEpsilonAttr());
  for (unsigned i = 0; i < 3; ++i)
    if (needed[i])
      grads[i] = grad->getResult(i);
  return success();
}

LogicalResult BatchNormOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                    ArrayRef<bool> needed,
                                    SmallVectorImpl<Value> &grads) {
  noGrads(*this, grads);
  // The batch statistics only feed the moving statistics' update, which is
  // not differentiated; a loss that read them would need their own rule.
  if (resultGrads[1] || resultGrads[2])
    return emitOpError("dl-autodiff: the batch statistics of dl.batch_norm "
                       "have no gradient rule (only its first result does)");
  if (!resultGrads[0])
    return success();
  auto grad = BatchNormGradOp::create(
      b, getLoc(), getInput().getType(), getGamma().getType(),
      getBeta().getType(), resultGrads[0], getInput(), getGamma(),
      getBatchMean(), getBatchVariance(), getEpsilonAttr());
  for (unsigned i = 0; i < 3; ++i)
    if (needed[i])
      grads[i] = grad->getResult(i);
  return success();
}

LogicalResult BatchNormInferenceOp::buildVJP(OpBuilder &b,
                                             ValueRange resultGrads,
                                             ArrayRef<bool> needed,
                                             SmallVectorImpl<Value> &grads) {
  noGrads(*this, grads);
  Value dy = resultGrads[0];
  if (!dy)
    return success();
  if (needed[3] || needed[4])
    return emitOpError("dl-autodiff: dl.batch_norm_inference has no gradient "
                       "rule for its mean and variance (they are statistics, "
                       "not trainable)");
  Location loc = getLoc();
  auto vecType = getGamma().getType();
  auto splat = [&](float v) -> Value {
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(vecType, b.getF32FloatAttr(v)));
  };
  // y = (x - mean) * s + beta with s = gamma / sqrt(variance + epsilon),
  // per channel: the same op computes dy * s and the normalised input.
  auto perChannel = [&](Value v) -> Value {
    if (cast<RankedTensorType>(v.getType()).getRank() == 1)
      return v;
    return ChannelSumOp::create(b, loc, vecType, v);
  };
  if (needed[0]) {
    Value zeros = splat(0.0f);
    grads[0] = BatchNormInferenceOp::create(b, loc, dy.getType(), dy,
                                            getGamma(), zeros, zeros,
                                            getVariance(), getEpsilonAttr());
  }
  if (needed[1]) {
    Value ones = splat(1.0f), zeros = splat(0.0f);
    Value xhat = BatchNormInferenceOp::create(
        b, loc, getInput().getType(), getInput(), ones, zeros, getMean(),
        getVariance(), getEpsilonAttr());
    grads[1] = perChannel(MulOp::create(b, loc, dy, xhat));
  }
  if (needed[2])
    grads[2] = perChannel(dy);
  return success();
}
