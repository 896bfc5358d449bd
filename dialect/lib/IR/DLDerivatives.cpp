//===- DLDerivatives.cpp - the reverse sweep over dl ops ------------------===//
//
// Knows no op: each op gives its vector-Jacobian product through
// DifferentiableOpInterface. This file only decides which cotangents are
// needed (activity) and sums the ones that meet at a value.
//
//===----------------------------------------------------------------------===//
#include "dl/Dialect/DL/IR/DLDerivatives.h"
#include "dl/Dialect/DL/IR/DLOps.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::dl;

void mlir::dl::propagateActivity(ArrayRef<Operation *> ops,
                                 DenseSet<Value> &active) {
  for (Operation *op : ops)
    if (llvm::any_of(op->getOperands(),
                     [&](Value v) { return active.contains(v); }))
      active.insert(op->result_begin(), op->result_end());
}

LogicalResult mlir::dl::buildReverseSweep(OpBuilder &b,
                                          ArrayRef<Operation *> ops,
                                          const DenseSet<Value> &active,
                                          DenseMap<Value, Value> &grads) {
  auto accumulate = [&](Value v, Value g, Location loc) {
    auto [it, inserted] = grads.try_emplace(v, g);
    if (!inserted)
      it->second = AddOp::create(b, loc, it->second, g);
  };
  for (Operation *op : llvm::reverse(ops)) {
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
  return success();
}

LogicalResult mlir::dl::buildBlockVJP(OpBuilder &b, Block &block,
                                      ValueRange args,
                                      ValueRange terminatorGrads,
                                      ArrayRef<bool> wanted,
                                      SmallVectorImpl<Value> &argGrads) {
  IRMapping map;
  map.map(block.getArguments(), args);
  DenseSet<Value> active;
  for (auto [arg, want] : llvm::zip(args, wanted))
    if (want)
      active.insert(arg);
  SmallVector<Operation *> ops;
  for (Operation &op : block.without_terminator())
    ops.push_back(b.clone(op, map));
  propagateActivity(ops, active);

  DenseMap<Value, Value> grads;
  Operation *term = block.getTerminator();
  for (auto [v, g] : llvm::zip(term->getOperands(), terminatorGrads)) {
    Value mapped = map.lookupOrDefault(v);
    if (!g || !active.contains(mapped))
      continue;
    auto [it, inserted] = grads.try_emplace(mapped, g);
    if (!inserted)
      it->second = AddOp::create(b, term->getLoc(), it->second, g);
  }
  if (failed(buildReverseSweep(b, ops, active, grads)))
    return failure();
  argGrads.clear();
  for (auto [arg, want] : llvm::zip(args, wanted))
    argGrads.push_back(want ? grads.lookup(arg) : Value());
  return success();
}
