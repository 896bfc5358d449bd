//===- BatchNormCancel.cpp - what batch normalisation cancels -------------===//
//
// Training-form batch normalisation subtracts the batch mean, which makes a
// bias added just before it, and the sum of its input cotangent, zero in
// exact arithmetic. Both cost a full pass over a convolution's output (the
// bias add could not join the statistics' sweep; the bias's gradient is a
// sum over every row), so they are dropped in the functions that
// differentiate through the normalisation. The rewrite needs the autodiff's
// result to tell those functions from @loss: the evaluation step turns
// @loss's normalisation into the inference form, where the bias does count.
//
//===----------------------------------------------------------------------===//
#include "dl/Dialect/DL/IR/DLOps.h"
#include "dl/Dialect/DL/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"

namespace mlir::dl {
#define GEN_PASS_DEF_DLBATCHNORMCANCEL
#include "dl/Dialect/DL/Transforms/Passes.h.inc"
} // namespace mlir::dl

using namespace mlir;

namespace {

/// The bias of a producer that adds it last, per channel (the last
/// dimension, the one batch normalisation keeps); empty without one.
std::optional<MutableOperandRange> biasOf(Operation *op) {
  if (auto dense = dyn_cast<dl::DenseOp>(op))
    return dense.getBiasMutable();
  if (auto conv = dyn_cast<dl::Conv2DOp>(op))
    return conv.getBiasMutable();
  return std::nullopt;
}

/// True if `grad` differentiates `bn`: it reads bn's input and statistics.
bool differentiates(dl::BatchNormGradOp grad, dl::BatchNormOp bn) {
  return grad.getInput() == bn.getInput() &&
         grad.getMean() == bn.getBatchMean() &&
         grad.getVariance() == bn.getBatchVariance();
}

/// BN(x + b) = BN(x) with the batch mean moved by b: drops the bias of x's
/// producer when x is read only by `bn` and by gradients of `bn`, at least
/// one of them (so this is a training function, never turned into the
/// inference form).
void dropBias(dl::BatchNormOp bn) {
  Value x = bn.getInput();
  Operation *producer = x.getDefiningOp();
  std::optional<MutableOperandRange> bias =
      producer ? biasOf(producer) : std::nullopt;
  if (!bias || bias->empty() ||
      (*bias)[0].get().getType() != bn.getBatchMean().getType())
    return;
  bool differentiated = false;
  for (OpOperand &use : x.getUses()) {
    if (&use == &bn.getInputMutable())
      continue;
    auto grad = dyn_cast<dl::BatchNormGradOp>(use.getOwner());
    if (!grad || &use != &grad.getInputMutable() || !differentiates(grad, bn))
      return;
    differentiated = true;
  }
  if (!differentiated)
    return;
  Value b = (*bias)[0].get();
  bias->clear();
  // The gradients keep the mean of what they normalise; everything else (the
  // moving mean's update) reads the mean of x + b.
  OpBuilder builder(bn->getContext());
  builder.setInsertionPointAfter(bn);
  Value mean = bn.getBatchMean();
  Value moved = dl::AddOp::create(builder, bn.getLoc(), mean, b);
  mean.replaceUsesWithIf(moved, [&](OpOperand &use) {
    auto grad = dyn_cast<dl::BatchNormGradOp>(use.getOwner());
    return use.getOwner() != moved.getDefiningOp() &&
           !(grad && differentiates(grad, bn));
  });
}

/// sum over the normalised rows of gamma * rstd * (g - (sum(g) + xhat *
/// sum(g * xhat)) / N) is -gamma * rstd * sum(xhat) * sum(g * xhat) / N, and
/// sum(xhat) = 0 when the mean is the batch's: replaces `sum` (a
/// channel_sum or batch_sum) of the input cotangent by zeros when it sums
/// every normalised row. channel_sum sums every dimension but the last, as
/// the normalisation does; batch_sum only the first, the same on a matrix.
void foldZeroSum(Operation *sum) {
  Value input = sum->getOperand(0);
  auto inType = dyn_cast<RankedTensorType>(input.getType());
  if (isa<dl::BatchSumOp>(sum) && (!inType || inType.getRank() != 2))
    return;
  auto grad = input.getDefiningOp<dl::BatchNormGradOp>();
  if (!grad || input != grad.getInputGrad())
    return;
  auto bn = grad.getMean().getDefiningOp<dl::BatchNormOp>();
  auto type = dyn_cast<RankedTensorType>(sum->getResult(0).getType());
  if (!bn || !differentiates(grad, bn) || !type || !type.hasStaticShape() ||
      !type.getElementType().isF32())
    return;
  OpBuilder builder(sum);
  Value zeros = arith::ConstantOp::create(builder, sum->getLoc(),
                                          DenseElementsAttr::get(type, 0.0f));
  sum->getResult(0).replaceAllUsesWith(zeros);
  sum->erase();
}

struct DLBatchNormCancel
    : mlir::dl::impl::DLBatchNormCancelBase<DLBatchNormCancel> {
  void runOnOperation() override {
    getOperation()->walk([](dl::BatchNormOp bn) { dropBias(bn); });
    SmallVector<Operation *> sums;
    getOperation()->walk([&](Operation *op) {
      if (isa<dl::ChannelSumOp, dl::BatchSumOp>(op))
        sums.push_back(op);
    });
    for (Operation *op : sums)
      foldZeroSum(op);
  }
};

} // namespace
