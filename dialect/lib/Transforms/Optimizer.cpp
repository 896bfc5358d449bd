//===- Optimizer.cpp - the fused training step
//-----------------------------===//
//
// train_step = gradient function + one update op per trainable parameter.
// Each update is a single elementwise op (lowered to one loop nest), so the
// optimizer reads and writes every parameter and state element exactly once.
//
//===----------------------------------------------------------------------===//
#include "dl/Dialect/DL/IR/DLContract.h"
#include "dl/Dialect/DL/IR/DLOps.h"
#include "dl/Dialect/DL/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

namespace mlir::dl {
#define GEN_PASS_DEF_DLOPTIMIZER
#include "dl/Dialect/DL/Transforms/Passes.h.inc"
} // namespace mlir::dl

using namespace mlir;
using namespace mlir::dl;

namespace {

/// Evaluates the schedule function `schedule` at `step` by replaying its
/// body at the builder's insertion point.
Value replaySchedule(OpBuilder &b, func::FuncOp schedule, Value step) {
  Block &body = schedule.getBody().front();
  IRMapping map;
  map.map(body.getArgument(0), step);
  for (Operation &op : body.without_terminator())
    b.clone(op, map);
  return map.lookupOrDefault(body.getTerminator()->getOperand(0));
}

LogicalResult buildTrainStep(func::FuncOp grad, StringRef name) {
  Attribute attr = grad->getAttr(kOptimizerAttr);
  auto opt = dyn_cast_or_null<OptimizerAttrInterface>(attr);
  if (!opt) {
    InFlightDiagnostic diag = grad.emitError()
                              << "dl-optimizer expects " << kOptimizerAttr
                              << " to be an optimizer attribute, but ";
    if (attr)
      diag << "it is " << attr;
    else
      diag << "there is none";
    return diag;
  }
  SmallVector<StringRef> slots = opt.getStateSlots();

  // A learning rate that changes at run time: a schedule of the step
  // counter, or (reduce_lr_on_plateau) a value the host sets in opt_state.
  func::FuncOp schedule;
  if (Attribute a = grad->getAttr(kScheduleAttr)) {
    auto sym = dyn_cast<FlatSymbolRefAttr>(a);
    schedule =
        sym ? SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(grad, sym)
            : func::FuncOp();
    auto scalarType =
        RankedTensorType::get({}, Float32Type::get(grad.getContext()));
    if (!schedule || schedule.isExternal() ||
        schedule.getFunctionType() !=
            FunctionType::get(grad.getContext(), {scalarType}, {scalarType}))
      return grad.emitError()
             << "dl-optimizer expects " << kScheduleAttr
             << " to name a function (tensor<f32>) -> tensor<f32>, but it is "
             << a;
  }
  bool lrState = grad->hasAttr(kLearningRateStateAttr);
  if (schedule && lrState)
    return grad.emitError()
           << "dl-optimizer expects at most one of " << kScheduleAttr << " and "
           << kLearningRateStateAttr << ", as Keras";

  // Arguments: the gradient function's non-parameter inputs, the step, the
  // seed (if the function reads a training key), the parameters, then the
  // state slots of each trainable parameter.
  Block &gradBody = grad.getBody().front();
  SmallVector<unsigned> inputs, params, trainable;
  std::optional<unsigned> keyArg;
  for (unsigned i = 0; i < grad.getNumArguments(); ++i) {
    if (grad.getArgAttr(i, kKeyAttr))
      keyArg = i;
    else if (!grad.getArgAttr(i, kParamAttr))
      inputs.push_back(i);
    else {
      params.push_back(i);
      if (!grad.getArgAttr(i, kFrozenAttr))
        trainable.push_back(i);
    }
  }
  // Results: the loss, pass-through metrics, then gradients (dl.grad_of).
  SmallVector<unsigned> metrics;
  DenseMap<unsigned, unsigned> gradOf; // trainable arg -> gradient result
  for (unsigned r = 1; r < grad.getNumResults(); ++r) {
    auto of = grad.getResultAttrOfType<StringAttr>(r, kGradOfAttr);
    if (!of) {
      metrics.push_back(r);
      continue;
    }
    for (unsigned i : trainable)
      if (grad.getArgAttr(i, kParamAttr) == of)
        gradOf[i] = r;
  }
  if (gradOf.size() != trainable.size())
    return grad.emitError("dl-optimizer expects one gradient (dl.grad_of) "
                          "per trainable parameter");

  OpBuilder b(grad);
  b.setInsertionPointAfter(grad);
  Location loc = grad.getLoc();
  auto scalar = RankedTensorType::get({}, b.getF32Type());
  SmallVector<Type> argTypes;
  SmallVector<DictionaryAttr> argAttrs;
  for (unsigned i : inputs) {
    argTypes.push_back(grad.getArgumentTypes()[i]);
    argAttrs.push_back(grad.getArgAttrDict(i));
  }
  argTypes.push_back(scalar);
  argAttrs.push_back(
      b.getDictionaryAttr(b.getNamedAttr(kStateAttr, b.getStringAttr("step"))));
  // The seed is read, never written: it is state only so that a run resumes
  // with the masks it started with.
  if (keyArg) {
    argTypes.push_back(RankedTensorType::get({kSeedWords}, b.getF32Type()));
    argAttrs.push_back(b.getDictionaryAttr(
        b.getNamedAttr(kStateAttr, b.getStringAttr(kSeedSlot))));
  }
  // The current rate: read by the step with reduce_lr_on_plateau, written
  // with a schedule (the rate of the next step, for the host to report).
  std::optional<unsigned> lrArg;
  if (schedule || lrState) {
    lrArg = argTypes.size();
    argTypes.push_back(scalar);
    argAttrs.push_back(b.getDictionaryAttr(
        b.getNamedAttr(kStateAttr, b.getStringAttr(kLearningRateSlot))));
  }
  unsigned firstParamArg = argTypes.size();
  for (unsigned i : params) {
    argTypes.push_back(grad.getArgumentTypes()[i]);
    argAttrs.push_back(grad.getArgAttrDict(i));
  }
  for (StringRef slot : slots)
    for (unsigned i : trainable) {
      argTypes.push_back(grad.getArgumentTypes()[i]);
      auto param = grad.getArgAttrOfType<StringAttr>(i, kParamAttr);
      argAttrs.push_back(b.getDictionaryAttr(b.getNamedAttr(
          kStateAttr, b.getStringAttr(slot + ":" + param.getValue()))));
    }
  // Results: loss, metrics, step, new trainable params, new state.
  SmallVector<Type> resultTypes{scalar};
  SmallVector<DictionaryAttr> resultAttrs{DictionaryAttr::get(b.getContext())};
  for (unsigned r : metrics) {
    resultTypes.push_back(grad.getResultTypes()[r]);
    resultAttrs.push_back(grad.getResultAttrDict(r));
  }
  resultTypes.push_back(scalar);
  resultAttrs.push_back(argAttrs[inputs.size()]);
  if (schedule) {
    resultTypes.push_back(scalar);
    resultAttrs.push_back(argAttrs[*lrArg]);
  }
  for (unsigned i : trainable) {
    resultTypes.push_back(grad.getArgumentTypes()[i]);
    resultAttrs.push_back(b.getDictionaryAttr(
        b.getNamedAttr(kParamAttr, grad.getArgAttr(i, kParamAttr))));
  }
  for (size_t k = firstParamArg + params.size(); k < argTypes.size(); ++k) {
    resultTypes.push_back(argTypes[k]);
    resultAttrs.push_back(argAttrs[k]);
  }

  auto fn = func::FuncOp::create(b, loc, name,
                                 b.getFunctionType(argTypes, resultTypes));
  fn.setAllArgAttrs(argAttrs);
  fn.setAllResultAttrs(resultAttrs);
  Block *entry = fn.addEntryBlock();
  b.setInsertionPointToStart(entry);

  // Replay the gradient function with its arguments mapped to ours.
  IRMapping map;
  unsigned next = 0;
  for (unsigned i : inputs)
    map.map(gradBody.getArgument(i), entry->getArgument(next++));
  Value step = entry->getArgument(next++);
  // This step's masks: a function of the seed and the step counter before
  // the update.
  if (keyArg)
    map.map(gradBody.getArgument(*keyArg),
            TrainingKeyOp::create(b, loc, entry->getArgument(next++), step));
  if (lrArg)
    ++next;
  for (unsigned i : params)
    map.map(gradBody.getArgument(i), entry->getArgument(next++));
  unsigned stateBase = next;
  for (Operation &op : gradBody.without_terminator())
    b.clone(op, map);
  auto gradRet = cast<func::ReturnOp>(gradBody.getTerminator());
  Value loss = map.lookupOrDefault(gradRet.getOperand(0));

  // Keras evaluates the schedule at the step count before the update. It
  // reads the counter before the new one is computed: the exported step
  // writes the new count in place, into the buffer of the old one.
  Value lr, nextLr;
  if (schedule)
    lr = replaySchedule(b, schedule, step);
  else if (lrState)
    lr = entry->getArgument(*lrArg);
  Value one = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(scalar, b.getF32FloatAttr(1.0f)));
  Value newStep = AddOp::create(b, loc, step, one);
  if (schedule)
    nextLr = replaySchedule(b, schedule, newStep);

  // What Keras's optimizer base class does around the update (apply()):
  // clip the gradients, then decay the parameters, then update them.
  SmallVector<Value> grads;
  for (unsigned i : trainable)
    grads.push_back(map.lookupOrDefault(gradRet.getOperand(gradOf[i])));
  auto f32Attr = [&](const char *name) {
    return grad->getAttrOfType<FloatAttr>(name);
  };
  FloatAttr clipnorm = f32Attr(kClipnormAttr),
            globalClipnorm = f32Attr(kGlobalClipnormAttr),
            clipvalue = f32Attr(kClipvalueAttr),
            weightDecay = f32Attr(kWeightDecayAttr);
  if (bool(clipnorm) + bool(globalClipnorm) + bool(clipvalue) > 1)
    return grad.emitError()
           << "dl-optimizer expects at most one of " << kClipnormAttr << ", "
           << kGlobalClipnormAttr << " and " << kClipvalueAttr << ", as Keras";
  auto sumSquares = [&](Value g) -> Value {
    return L1L2PenaltyOp::create(b, loc, scalar, g, b.getF32FloatAttr(0.0f),
                                 b.getF32FloatAttr(1.0f));
  };
  if (clipnorm) {
    for (Value &g : grads)
      g = ClipByNormOp::create(b, loc, g.getType(), g, sumSquares(g), clipnorm);
  } else if (globalClipnorm && !grads.empty()) {
    Value total;
    for (Value g : grads) {
      Value ss = sumSquares(g);
      total = total ? Value(AddOp::create(b, loc, total, ss)) : ss;
    }
    for (Value &g : grads)
      g = ClipByNormOp::create(b, loc, g.getType(), g, total, globalClipnorm);
  } else if (clipvalue) {
    for (Value &g : grads)
      g = ClipByValueOp::create(b, loc, g, clipvalue);
  }
  // Keras decays by the current rate times weight_decay: a constant, or
  // this step's rate times the attribute when the rate is a value.
  FloatAttr decay;
  if (weightDecay)
    decay = lr ? weightDecay
               : b.getF32FloatAttr(float(double(opt.getLearningRateValue()) *
                                         weightDecay.getValueAsDouble()));

  DenseMap<unsigned, Value> newParam;
  SmallVector<SmallVector<Value>> newState(slots.size());
  for (auto [k, i] : llvm::enumerate(trainable)) {
    Value p = map.lookup(gradBody.getArgument(i));
    Value g = grads[k];
    if (decay)
      p = WeightDecayOp::create(b, loc, p, lr, decay);
    SmallVector<Value> state, updated;
    for (unsigned slot = 0; slot < slots.size(); ++slot)
      state.push_back(
          entry->getArgument(stateBase + slot * trainable.size() + k));
    newParam[i] = opt.buildUpdate(b, loc, p, g, state, newStep, lr, updated);
    for (auto [slot, v] : llvm::zip_equal(newState, updated))
      slot.push_back(v);
  }

  SmallVector<Value> results{loss};
  for (unsigned r : metrics)
    results.push_back(map.lookupOrDefault(gradRet.getOperand(r)));
  results.push_back(newStep);
  if (schedule)
    results.push_back(nextLr);
  for (unsigned i : trainable)
    results.push_back(newParam[i]);
  for (auto &slot : newState)
    results.append(slot.begin(), slot.end());
  func::ReturnOp::create(b, loc, results);
  return success();
}

struct DLOptimizer : mlir::dl::impl::DLOptimizerBase<DLOptimizer> {
  void runOnOperation() override {
    SmallVector<std::pair<func::FuncOp, StringAttr>> work;
    getOperation().walk([&](func::FuncOp fn) {
      if (auto name = fn->getAttrOfType<StringAttr>(kTrainStepAttr))
        if (!fn->hasAttr(kGradientAttr))
          work.push_back({fn, name});
    });
    for (auto [fn, name] : work)
      if (failed(buildTrainStep(fn, name)))
        return signalPassFailure();
    // The schedules are in train_step now: drop them and the references to
    // them (@loss and its gradient function both carry one).
    SmallVector<func::FuncOp> schedules;
    getOperation().walk([&](func::FuncOp fn) {
      if (auto sym = fn->getAttrOfType<FlatSymbolRefAttr>(kScheduleAttr)) {
        if (auto schedule =
                SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(fn, sym))
          if (!llvm::is_contained(schedules, schedule))
            schedules.push_back(schedule);
        fn->removeAttr(kScheduleAttr);
      }
    });
    for (func::FuncOp schedule : schedules)
      schedule.erase();
  }
};
} // namespace
