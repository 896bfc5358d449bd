//===- Autodiff.cpp - reverse-mode differentiation of dl functions
//---------===//
//
// The pass knows no op: it asks each op for its vector-Jacobian product
// through DifferentiableOpInterface. It only decides *which* cotangents are
// needed (activity analysis) and sums the ones that meet at a value.
//
//===----------------------------------------------------------------------===//
#include "dl/Dialect/DL/IR/DLContract.h"
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
  for (Operation &op : body.without_terminator()) {
    forward.push_back(&op);
    if (llvm::any_of(op.getOperands(),
                     [&](Value v) { return active.contains(v); }))
      active.insert(op.result_begin(), op.result_end());
  }

  // Backward: cotangents flow from the loss to the parameters.
  b.setInsertionPoint(ret);
  DenseMap<Value, Value> grads;
  Value loss = ret.getOperand(0);
  grads[loss] = arith::ConstantOp::create(
      b, fn.getLoc(),
      DenseElementsAttr::get(lossType, b.getF32FloatAttr(1.0f)));
  auto accumulate = [&](Value v, Value g, Location loc) {
    auto [it, inserted] = grads.try_emplace(v, g);
    if (!inserted)
      it->second = AddOp::create(b, loc, it->second, g);
  };
  for (Operation *op : llvm::reverse(forward)) {
    SmallVector<Value> resultGrads;
    bool any = false;
    for (Value r : op->getResults()) {
      resultGrads.push_back(grads.lookup(r));
      any |= bool(resultGrads.back());
    }
    SmallVector<bool> needed;
    for (Value v : op->getOperands())
      needed.push_back(active.contains(v) &&
                       isa<FloatType>(getElementTypeOrSelf(v)));
    if (!any || llvm::none_of(needed, [](bool n) { return n; }))
      continue;
    auto iface = dyn_cast<DifferentiableOpInterface>(op);
    if (!iface)
      return op->emitError("dl-autodiff: '")
             << op->getName() << "' has no gradient rule (it does not "
             << "implement DifferentiableOpInterface)";
    SmallVector<Value> operandGrads;
    if (failed(iface.buildVJP(b, resultGrads, needed, operandGrads)))
      return failure();
    for (auto [operand, g] : llvm::zip(op->getOperands(), operandGrads))
      if (g)
        accumulate(operand, g, op->getLoc());
  }

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
