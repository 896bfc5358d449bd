//===- Autodiff.cpp - reverse-mode differentiation of dl functions
//---------===//
//
// The pass knows no op: it asks each op for its vector-Jacobian product
// through DifferentiableOpInterface. It only decides *which* cotangents are
// needed (activity analysis) and sums the ones that meet at a value; that
// reverse sweep lives in the dialect (DLDerivatives.h) because dl.scan's VJP
// runs it over its own body.
//
//===----------------------------------------------------------------------===//
#include "dl/Dialect/DL/IR/DLContract.h"
#include "dl/Dialect/DL/IR/DLDerivatives.h"
#include "dl/Dialect/DL/IR/DLOps.h"
#include "dl/Dialect/DL/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

namespace mlir::dl {
#define GEN_PASS_DEF_DLAUTODIFF
#include "dl/Dialect/DL/Transforms/Passes.h.inc"
} // namespace mlir::dl

using namespace mlir;
using namespace mlir::dl;

namespace {

bool isTrainableParam(func::FuncOp fn, unsigned i) {
  return fn.getArgAttr(i, kParamAttr) && !fn.getArgAttr(i, kFrozenAttr);
}

LogicalResult differentiate(func::FuncOp source, StringRef name) {
  if (!source.getBody().hasOneBlock())
    return source.emitError("dl-autodiff expects a single-block function");
  auto resultTypes = source.getResultTypes();
  auto lossType = resultTypes.empty()
                      ? RankedTensorType()
                      : dyn_cast<RankedTensorType>(resultTypes[0]);
  if (!lossType || lossType.getRank() != 0 ||
      !lossType.getElementType().isF32())
    return source.emitError("dl-autodiff expects the first result to be a "
                            "scalar loss (tensor<f32>), but the function "
                            "returns ")
           << resultTypes;

  OpBuilder b(source);
  b.setInsertionPointAfter(source);
  auto fn = cast<func::FuncOp>(b.clone(*source));
  fn.setSymName(name);
  fn->removeAttr(kGradientAttr);
  Block &body = fn.getBody().front();
  auto ret = cast<func::ReturnOp>(body.getTerminator());

  // Activity: values that depend on a trainable parameter.
  DenseSet<Value> active;
  SmallVector<unsigned> params;
  for (unsigned i = 0; i < fn.getNumArguments(); ++i)
    if (isTrainableParam(fn, i)) {
      params.push_back(i);
      active.insert(body.getArgument(i));
    }
  SmallVector<Operation *> forward;
  for (Operation &op : body.without_terminator())
    forward.push_back(&op);
  propagateActivity(forward, active);

  // Backward: cotangents flow from the loss to the parameters.
  b.setInsertionPoint(ret);
  DenseMap<Value, Value> grads;
  Value loss = ret.getOperand(0);
  grads[loss] = arith::ConstantOp::create(
      b, fn.getLoc(),
      DenseElementsAttr::get(lossType, b.getF32FloatAttr(1.0f)));
  if (failed(buildReverseSweep(b, forward, active, grads)))
    return failure();

  // Return the loss, the function's other results (metrics: passed through),
  // then each trainable parameter's gradient (zero when the loss does not
  // depend on it), marked with dl.grad_of.
  SmallVector<Value> results(ret.getOperands());
  SmallVector<Type> types(ret.getOperandTypes());
  SmallVector<DictionaryAttr> resultAttrs;
  for (unsigned r = 0; r < ret.getNumOperands(); ++r)
    resultAttrs.push_back(fn.getResultAttrDict(r));
  for (unsigned i : params) {
    Value arg = body.getArgument(i);
    Value g = grads.lookup(arg);
    if (!g)
      g = arith::ConstantOp::create(
          b, fn.getLoc(),
          DenseElementsAttr::get(cast<ShapedType>(arg.getType()),
                                 b.getF32FloatAttr(0.0f)));
    results.push_back(g);
    types.push_back(arg.getType());
    resultAttrs.push_back(b.getDictionaryAttr(
        b.getNamedAttr(kGradOfAttr, fn.getArgAttr(i, kParamAttr))));
  }
  func::ReturnOp::create(b, ret.getLoc(), results);
  ret.erase();
  fn.setType(b.getFunctionType(fn.getArgumentTypes(), types));
  fn.setAllResultAttrs(resultAttrs);
  return success();
}

struct DLAutodiff : mlir::dl::impl::DLAutodiffBase<DLAutodiff> {
  void runOnOperation() override {
    SmallVector<std::pair<func::FuncOp, StringAttr>> work;
    getOperation().walk([&](func::FuncOp fn) {
      if (auto name = fn->getAttrOfType<StringAttr>(kGradientAttr))
        work.push_back({fn, name});
    });
    for (auto [fn, name] : work)
      if (failed(differentiate(fn, name)))
        return signalPassFailure();
  }
};
} // namespace
