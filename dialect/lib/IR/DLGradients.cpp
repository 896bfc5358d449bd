//===- DLGradients.cpp - vector-Jacobian products of dl ops
//----------------===//
//
// Each differentiable op's backward rule, next to the ops themselves. A rule
// builds only the cotangents the caller asks for: the first dense layer, for
// instance, never computes the (unused) gradient of the input images.
//
//===----------------------------------------------------------------------===//
#include "dl/Dialect/DL/IR/DLDerivatives.h"
#include "dl/Dialect/DL/IR/DLOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/IRMapping.h"

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
  // The rule reads the result (y > 0 iff x > 0, NaN included): the result
  // is kept for the next layer anyway, so the input need not outlive the
  // ReLU, which then fuses with its producer (a convolution, a batch
  // normalisation) in the training step as in inference.
  return unaryVJP<ReluGradOp>(*this, b, resultGrads, needed, grads,
                              getResult());
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
DL_LOSS_VJP(MeanAbsoluteError)
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

LogicalResult SliceOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                ArrayRef<bool> needed,
                                SmallVectorImpl<Value> &grads) {
  noGrads(*this, grads);
  if (!needed[0] || !resultGrads[0])
    return success();
  // The cotangent between zeros along the axis: [zeros, g, zeros]. A cell's
  // gate slices each give one such tensor; the reverse sweep adds them.
  auto in = getInput().getType();
  for (int64_t d = 1; d < in.getRank(); ++d)
    if (in.isDynamicDim(d))
      return emitOpError("dl-autodiff: the gradient of dl.slice needs an "
                         "input with static sizes but the batch, found ")
             << in;
  int64_t axis = getAxis(), offset = getOffset(),
          size = getResult().getType().getDimSize(axis);
  auto zeros = [&](int64_t n) -> Value {
    SmallVector<int64_t> shape(in.getShape());
    shape[axis] = n;
    return ZerosOp::create(b, getLoc(), in.clone(shape), getInput());
  };
  SmallVector<Value> pieces;
  if (offset > 0)
    pieces.push_back(zeros(offset));
  pieces.push_back(resultGrads[0]);
  if (int64_t rest = in.getDimSize(axis) - offset - size; rest > 0)
    pieces.push_back(zeros(rest));
  grads[0] =
      pieces.size() == 1
          ? pieces[0]
          : ConcatOp::create(b, getLoc(), pieces, getAxisAttr()).getResult();
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

LogicalResult MergeTimeOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                    ArrayRef<bool> needed,
                                    SmallVectorImpl<Value> &grads) {
  noGrads(*this, grads);
  if (resultGrads[0] && needed[0])
    grads[0] = SplitTimeOp::create(b, getLoc(), getInput().getType(),
                                   resultGrads[0], getInput());
  return success();
}

LogicalResult SplitTimeOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                    ArrayRef<bool> needed,
                                    SmallVectorImpl<Value> &grads) {
  noGrads(*this, grads);
  if (resultGrads[0] && needed[0])
    grads[0] =
        MergeTimeOp::create(b, getLoc(), getInput().getType(), resultGrads[0]);
  return success();
}

namespace {
/// `step` stacked along a time dimension of size `time`, inserted at 1.
RankedTensorType stackedType(Type step, int64_t time) {
  auto type = cast<RankedTensorType>(step);
  SmallVector<int64_t> shape(type.getShape());
  shape.insert(shape.begin() + 1, time);
  return RankedTensorType::get(shape, type.getElementType());
}

Value zerosLike(OpBuilder &b, Location loc, Value v) {
  return ZerosOp::create(b, loc, v.getType(), v);
}
} // namespace

// Backpropagation through time, derived: a reverse dl.scan whose body is
// the derivative of this scan's body (buildBlockVJP), applied to each step's
// incoming carries. Those are saved, not recomputed: the forward scan is
// rebuilt to also stack its incoming carries (O(T) memory per carry, one
// copy per step), because recomputing them would mean a second forward pass
// over time, as long as the forward itself. The reverse body still
// recomputes the step's own intermediate values from its incoming carry
// (one cell's worth of work per step), so no op needs to say what it saves.
// The carry cotangents run back through time as the reverse scan's carries;
// the invariants' gradients are summed over the steps as further carries;
// the sequences' are its per-step outputs.
LogicalResult ScanOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                               ArrayRef<bool> needed,
                               SmallVectorImpl<Value> &grads) {
  noGrads(*this, grads);
  Location loc = getLoc();
  unsigned nc = getInits().size(), ns = getSequences().size(),
           ni = getInvariants().size();
  int64_t time =
      cast<RankedTensorType>(getSequences()[0].getType()).getDimSize(1);

  // The forward scan, widened to stack each step's incoming carries. It
  // takes this op's place (before its users); this op is left dead.
  ScanOp wide;
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(*this);
    SmallVector<Type> types(getResultTypes());
    for (Value init : getInits())
      types.push_back(stackedType(init.getType(), time));
    wide = ScanOp::create(b, loc, types, getInits(), getSequences(),
                          getInvariants(), getReverse());
    IRMapping map;
    getBody().cloneInto(&wide.getBody(), map);
    auto yield = cast<YieldOp>(wide.getBodyBlock().getTerminator());
    SmallVector<Value> values(yield.getValues());
    llvm::append_range(values,
                       wide.getBodyBlock().getArguments().take_front(nc));
    yield->setOperands(values);
    for (unsigned i = 0; i < getNumResults(); ++i)
      getResult(i).replaceAllUsesWith(wide.getResult(i));
  }
  ValueRange savedCarries = wide.getResults().take_back(nc);

  // Reverse scan operands: carries (carry cotangents, then the summed
  // invariant gradients), sequences (the per-step outputs' cotangents that
  // are not zero, the forward sequences, the saved carries), invariants.
  SmallVector<unsigned> gradInvariants, gradSequences, seededOutputs;
  for (unsigned k = 0; k < ni; ++k)
    if (needed[nc + ns + k])
      gradInvariants.push_back(k);
  for (unsigned k = 0; k < ns; ++k)
    if (needed[nc + k])
      gradSequences.push_back(k);
  for (unsigned j = 0; j < getStacked().size(); ++j)
    if (resultGrads[nc + j])
      seededOutputs.push_back(j);

  SmallVector<Value> inits, sequences;
  for (unsigned i = 0; i < nc; ++i)
    inits.push_back(resultGrads[i] ? resultGrads[i]
                                   : zerosLike(b, loc, getInits()[i]));
  for (unsigned k : gradInvariants)
    inits.push_back(zerosLike(b, loc, getInvariants()[k]));
  for (unsigned j : seededOutputs)
    sequences.push_back(resultGrads[nc + j]);
  llvm::append_range(sequences, getSequences());
  llvm::append_range(sequences, savedCarries);
  SmallVector<Type> types;
  for (Value v : inits)
    types.push_back(v.getType());
  for (unsigned k : gradSequences)
    types.push_back(getSequences()[k].getType());
  auto rev = ScanOp::create(b, loc, types, inits, sequences, getInvariants(),
                            !getReverse());

  // Its body: block arguments in the order of the operands, sequence
  // slices without their time dimension.
  SmallVector<Type> argTypes;
  for (Value v : inits)
    argTypes.push_back(v.getType());
  for (Value v : sequences) {
    auto type = cast<RankedTensorType>(v.getType());
    SmallVector<int64_t> shape(type.getShape());
    shape.erase(shape.begin() + 1);
    argTypes.push_back(RankedTensorType::get(shape, type.getElementType()));
  }
  llvm::append_range(argTypes, getInvariants().getTypes());
  SmallVector<Location> locs(argTypes.size(), loc);
  OpBuilder::InsertionGuard guard(b);
  Block *body = b.createBlock(&rev.getBody(), {}, argTypes, locs);
  ValueRange args = body->getArguments();
  unsigned ng = gradInvariants.size(), nseed = seededOutputs.size();
  ValueRange carryGrads = args.take_front(nc);
  ValueRange invariantAccs = args.slice(nc, ng);
  ValueRange outputGrads = args.slice(nc + ng, nseed);
  ValueRange xs = args.slice(nc + ng + nseed, ns);
  ValueRange carries = args.slice(nc + ng + nseed + ns, nc);
  ValueRange invariants = args.take_back(ni);

  SmallVector<Value> stepArgs(carries);
  llvm::append_range(stepArgs, xs);
  llvm::append_range(stepArgs, invariants);
  SmallVector<Value> termGrads(carryGrads);
  termGrads.resize(nc + getStacked().size());
  for (auto [slot, j] : llvm::enumerate(seededOutputs))
    termGrads[nc + j] = outputGrads[slot];
  SmallVector<bool> wanted(nc, true);
  for (unsigned k = 0; k < ns; ++k)
    wanted.push_back(needed[nc + k]);
  for (unsigned k = 0; k < ni; ++k)
    wanted.push_back(needed[nc + ns + k]);
  SmallVector<Value> stepGrads;
  if (failed(buildBlockVJP(b, getBodyBlock(), stepArgs, termGrads, wanted,
                           stepGrads)))
    return failure();

  SmallVector<Value> next;
  for (unsigned i = 0; i < nc; ++i)
    next.push_back(stepGrads[i] ? stepGrads[i] : zerosLike(b, loc, carries[i]));
  for (auto [slot, k] : llvm::enumerate(gradInvariants)) {
    Value g = stepGrads[nc + ns + k];
    next.push_back(g ? AddOp::create(b, loc, invariantAccs[slot], g)
                     : invariantAccs[slot]);
  }
  for (unsigned k : gradSequences) {
    Value g = stepGrads[nc + k];
    next.push_back(g ? g : zerosLike(b, loc, xs[k]));
  }
  YieldOp::create(b, loc, next);

  for (unsigned i = 0; i < nc; ++i)
    if (needed[i])
      grads[i] = rev.getResult(i);
  for (auto [slot, k] : llvm::enumerate(gradInvariants))
    grads[nc + ns + k] = rev.getResult(nc + slot);
  for (auto [slot, k] : llvm::enumerate(gradSequences))
    grads[nc + k] = rev.getResult(nc + ng + slot);
  return success();
}

// Zeros whatever `batch_like` holds: no cotangent flows to it.
LogicalResult ZerosOp::buildVJP(OpBuilder &, ValueRange, ArrayRef<bool>,
                                SmallVectorImpl<Value> &grads) {
  noGrads(*this, grads);
  return success();
}
