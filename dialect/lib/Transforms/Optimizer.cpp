//===- Optimizer.cpp - the fused training step
//-----------------------------===//
//
// train_step = gradient function + one update op per trainable parameter.
// Each update is a single elementwise op (lowered to one loop nest), so the
// optimizer reads and writes every parameter and state element exactly once.
// The same step also comes split where a data-parallel run averages the
// gradients: <train_step>_gradients and <train_step>_apply, built by the
// same code.
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

/// How a gradient function's arguments and results map onto a step.
struct StepPlan {
  OptimizerAttrInterface opt;
  SmallVector<StringRef> slots;
  /// Arguments: non-parameter inputs, all parameters, trainable ones.
  SmallVector<unsigned> inputs, params, trainable;
  std::optional<unsigned> keyArg;
  /// Results: pass-through metrics, new values of frozen statistics
  /// (dl.update_of); trainable arg -> its gradient result.
  SmallVector<unsigned> metrics, updates;
  DenseMap<unsigned, unsigned> gradOf;
  /// A learning rate that changes at run time: a schedule of the step
  /// counter, or (reduce_lr_on_plateau) a value the host sets in opt_state.
  func::FuncOp schedule;
  bool lrState = false;
  bool hasLrSlot() const { return schedule || lrState; }
};

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

FailureOr<StepPlan> planStep(func::FuncOp grad) {
  StepPlan plan;
  Attribute attr = grad->getAttr(kOptimizerAttr);
  plan.opt = dyn_cast_or_null<OptimizerAttrInterface>(attr);
  if (!plan.opt) {
    InFlightDiagnostic diag = grad.emitError()
                              << "dl-optimizer expects " << kOptimizerAttr
                              << " to be an optimizer attribute, but ";
    if (attr)
      diag << "it is " << attr;
    else
      diag << "there is none";
    return diag;
  }
  plan.slots = plan.opt.getStateSlots();
  if (Attribute a = grad->getAttr(kScheduleAttr)) {
    auto sym = dyn_cast<FlatSymbolRefAttr>(a);
    plan.schedule =
        sym ? SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(grad, sym)
            : func::FuncOp();
    auto scalarType =
        RankedTensorType::get({}, Float32Type::get(grad.getContext()));
    if (!plan.schedule || plan.schedule.isExternal() ||
        plan.schedule.getFunctionType() !=
            FunctionType::get(grad.getContext(), {scalarType}, {scalarType}))
      return grad.emitError()
             << "dl-optimizer expects " << kScheduleAttr
             << " to name a function (tensor<f32>) -> tensor<f32>, but it is "
             << a;
  }
  plan.lrState = grad->hasAttr(kLearningRateStateAttr);
  if (plan.schedule && plan.lrState)
    return grad.emitError()
           << "dl-optimizer expects at most one of " << kScheduleAttr << " and "
           << kLearningRateStateAttr << ", as Keras";
  for (unsigned i = 0; i < grad.getNumArguments(); ++i) {
    if (grad.getArgAttr(i, kKeyAttr))
      plan.keyArg = i;
    else if (!grad.getArgAttr(i, kParamAttr))
      plan.inputs.push_back(i);
    else {
      plan.params.push_back(i);
      if (!grad.getArgAttr(i, kFrozenAttr))
        plan.trainable.push_back(i);
    }
  }
  // Results: the loss, pass-through metrics, new values of frozen
  // statistics (dl.update_of), then gradients (dl.grad_of).
  for (unsigned r = 1; r < grad.getNumResults(); ++r) {
    if (auto of = grad.getResultAttrOfType<StringAttr>(r, kUpdateOfAttr)) {
      bool frozenParam = llvm::any_of(plan.params, [&](unsigned i) {
        return grad.getArgAttr(i, kParamAttr) == of &&
               grad.getArgAttr(i, kFrozenAttr);
      });
      if (!frozenParam)
        return grad.emitError()
               << "dl-optimizer expects " << kUpdateOfAttr << " " << of
               << " to name a frozen parameter (" << kFrozenAttr << ")";
      plan.updates.push_back(r);
      continue;
    }
    auto of = grad.getResultAttrOfType<StringAttr>(r, kGradOfAttr);
    if (!of) {
      plan.metrics.push_back(r);
      continue;
    }
    for (unsigned i : plan.trainable)
      if (grad.getArgAttr(i, kParamAttr) == of)
        plan.gradOf[i] = r;
  }
  if (plan.gradOf.size() != plan.trainable.size())
    return grad.emitError("dl-optimizer expects one gradient (dl.grad_of) "
                          "per trainable parameter");
  if (bool(grad->getAttr(kClipnormAttr)) +
          bool(grad->getAttr(kGlobalClipnormAttr)) +
          bool(grad->getAttr(kClipvalueAttr)) >
      1)
    return grad.emitError()
           << "dl-optimizer expects at most one of " << kClipnormAttr << ", "
           << kGlobalClipnormAttr << " and " << kClipvalueAttr << ", as Keras";
  return plan;
}

/// What Keras's optimizer base class does around the update (apply()):
/// clip the gradients, then decay the parameters, then update them.
/// `params` and `grads` are the trainable parameters' values, `state(slot,
/// k)` the slot of the k-th trainable one; fills `newParams` and `newState`
/// (one list per slot). `lr` is the step's learning rate where it changes
/// at run time (null: the optimizer's constant). Shared by train_step and
/// apply_gradients, so the split step computes what the fused one does.
void buildUpdate(OpBuilder &b, Location loc, func::FuncOp grad,
                 const StepPlan &plan, ArrayRef<Value> params,
                 SmallVector<Value> grads,
                 function_ref<Value(unsigned, unsigned)> state, Value newStep,
                 Value lr, SmallVectorImpl<Value> &newParams,
                 SmallVectorImpl<SmallVector<Value>> &newState) {
  auto scalar = RankedTensorType::get({}, b.getF32Type());
  auto f32Attr = [&](const char *name) {
    return grad->getAttrOfType<FloatAttr>(name);
  };
  FloatAttr clipnorm = f32Attr(kClipnormAttr),
            globalClipnorm = f32Attr(kGlobalClipnormAttr),
            clipvalue = f32Attr(kClipvalueAttr),
            weightDecay = f32Attr(kWeightDecayAttr);
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
    decay =
        lr ? weightDecay
           : b.getF32FloatAttr(float(double(plan.opt.getLearningRateValue()) *
                                     weightDecay.getValueAsDouble()));

  newState.assign(plan.slots.size(), {});
  for (auto [k, param] : llvm::enumerate(params)) {
    Value p = param, g = grads[k];
    if (decay)
      p = WeightDecayOp::create(b, loc, p, lr, decay);
    SmallVector<Value> slotValues, updated;
    for (unsigned slot = 0; slot < plan.slots.size(); ++slot)
      slotValues.push_back(state(slot, k));
    newParams.push_back(
        plan.opt.buildUpdate(b, loc, p, g, slotValues, newStep, lr, updated));
    for (auto [slot, v] : llvm::zip_equal(newState, updated))
      slot.push_back(v);
  }
}

/// Argument and result types with their attribute dictionaries.
struct Signature {
  SmallVector<Type> types;
  SmallVector<DictionaryAttr> attrs;
  void add(Type t, DictionaryAttr a) {
    types.push_back(t);
    attrs.push_back(a);
  }
};

DictionaryAttr named(OpBuilder &b, StringRef attr, Attribute value) {
  return b.getDictionaryAttr(b.getNamedAttr(attr, value));
}

func::FuncOp createFunc(OpBuilder &b, Location loc, StringRef name,
                        const Signature &args, const Signature &results) {
  auto fn = func::FuncOp::create(b, loc, name,
                                 b.getFunctionType(args.types, results.types));
  fn.setAllArgAttrs(args.attrs);
  fn.setAllResultAttrs(results.attrs);
  return fn;
}

/// The state arguments of the optimizer's slots, slot-major.
void addSlotArgs(OpBuilder &b, func::FuncOp grad, const StepPlan &plan,
                 Signature &sig) {
  for (StringRef slot : plan.slots)
    for (unsigned i : plan.trainable) {
      auto param = grad.getArgAttrOfType<StringAttr>(i, kParamAttr);
      sig.add(
          grad.getArgumentTypes()[i],
          named(b, kStateAttr, b.getStringAttr(slot + ":" + param.getValue())));
    }
}

LogicalResult buildTrainStep(func::FuncOp grad, StringRef name) {
  FailureOr<StepPlan> planned = planStep(grad);
  if (failed(planned))
    return failure();
  const StepPlan &plan = *planned;

  // Arguments: the gradient function's non-parameter inputs, the step, the
  // seed (if the function reads a training key), the parameters, then the
  // state slots of each trainable parameter.
  Block &gradBody = grad.getBody().front();
  OpBuilder b(grad);
  b.setInsertionPointAfter(grad);
  Location loc = grad.getLoc();
  auto scalar = RankedTensorType::get({}, b.getF32Type());
  DictionaryAttr stepAttr = named(b, kStateAttr, b.getStringAttr("step"));
  Signature args;
  for (unsigned i : plan.inputs)
    args.add(grad.getArgumentTypes()[i], grad.getArgAttrDict(i));
  args.add(scalar, stepAttr);
  // The seed is read, never written: it is state only so that a run resumes
  // with the masks it started with.
  if (plan.keyArg)
    args.add(RankedTensorType::get({kSeedWords}, b.getF32Type()),
             named(b, kStateAttr, b.getStringAttr(kSeedSlot)));
  // The current rate: read by the step with reduce_lr_on_plateau, written
  // with a schedule (the rate of the next step, for the host to report).
  std::optional<unsigned> lrArg;
  DictionaryAttr lrAttr =
      named(b, kStateAttr, b.getStringAttr(kLearningRateSlot));
  if (plan.hasLrSlot()) {
    lrArg = args.types.size();
    args.add(scalar, lrAttr);
  }
  unsigned firstParamArg = args.types.size();
  for (unsigned i : plan.params)
    args.add(grad.getArgumentTypes()[i], grad.getArgAttrDict(i));
  unsigned firstSlotArg = args.types.size();
  addSlotArgs(b, grad, plan, args);
  // Results: loss, metrics, step, new trainable params, new statistics,
  // new state.
  Signature results;
  results.add(scalar, DictionaryAttr::get(b.getContext()));
  for (unsigned r : plan.metrics)
    results.add(grad.getResultTypes()[r], grad.getResultAttrDict(r));
  Signature update; // what apply_gradients returns too
  update.add(scalar, stepAttr);
  if (plan.schedule)
    update.add(scalar, lrAttr);
  for (unsigned i : plan.trainable)
    update.add(grad.getArgumentTypes()[i],
               named(b, kParamAttr, grad.getArgAttr(i, kParamAttr)));
  // A statistic's new value is written back like a parameter's.
  for (unsigned r : plan.updates)
    update.add(grad.getResultTypes()[r],
               named(b, kParamAttr, grad.getResultAttr(r, kUpdateOfAttr)));
  for (size_t k = firstSlotArg; k < args.types.size(); ++k)
    update.add(args.types[k], args.attrs[k]);
  results.types.append(update.types);
  results.attrs.append(update.attrs);

  // The gradient half (train_step and <name>_gradients): the gradient
  // function's body with its arguments mapped to `entry`'s.
  auto replayGradients = [&](Block *entry, IRMapping &map) -> Value {
    unsigned next = 0;
    for (unsigned i : plan.inputs)
      map.map(gradBody.getArgument(i), entry->getArgument(next++));
    Value step = entry->getArgument(next++);
    // This step's masks: a function of the seed and the step counter before
    // the update.
    if (plan.keyArg)
      map.map(gradBody.getArgument(*plan.keyArg),
              TrainingKeyOp::create(b, loc, entry->getArgument(next++), step));
    if (lrArg)
      ++next;
    for (unsigned i : plan.params)
      map.map(gradBody.getArgument(i), entry->getArgument(next++));
    for (Operation &op : gradBody.without_terminator())
      b.clone(op, map);
    return step;
  };
  auto gradRet = cast<func::ReturnOp>(gradBody.getTerminator());
  auto one = [&] {
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(scalar, b.getF32FloatAttr(1.0f)));
  };
  // The step's rate: the schedule's or the slot's (null: a constant).
  // Keras evaluates the schedule at the step count before the update; it is
  // read before the new count is computed, since the exported step writes
  // the new count in place, into the buffer of the old one.
  auto stepRate = [&](Value step, Value slot) -> Value {
    return plan.schedule ? replaySchedule(b, plan.schedule, step) : slot;
  };

  // train_step: both halves in one function, nothing in between.
  func::FuncOp fn = createFunc(b, loc, name, args, results);
  {
    Block *entry = fn.addEntryBlock();
    b.setInsertionPointToStart(entry);
    IRMapping map;
    Value step = replayGradients(entry, map);
    Value loss = map.lookupOrDefault(gradRet.getOperand(0));
    Value lr = stepRate(step, lrArg ? entry->getArgument(*lrArg) : Value());
    Value newStep = AddOp::create(b, loc, step, one());
    Value nextLr =
        plan.schedule ? replaySchedule(b, plan.schedule, newStep) : Value();
    SmallVector<Value> params, grads;
    for (unsigned i : plan.trainable) {
      params.push_back(map.lookup(gradBody.getArgument(i)));
      grads.push_back(
          map.lookupOrDefault(gradRet.getOperand(plan.gradOf.at(i))));
    }
    SmallVector<Value> newParams;
    SmallVector<SmallVector<Value>> newState;
    buildUpdate(
        b, loc, grad, plan, params, grads,
        [&](unsigned slot, unsigned k) {
          return entry->getArgument(firstSlotArg +
                                    slot * plan.trainable.size() + k);
        },
        newStep, lr, newParams, newState);
    SmallVector<Value> values{loss};
    for (unsigned r : plan.metrics)
      values.push_back(map.lookupOrDefault(gradRet.getOperand(r)));
    values.push_back(newStep);
    if (nextLr)
      values.push_back(nextLr);
    values.append(newParams.begin(), newParams.end());
    for (unsigned r : plan.updates)
      values.push_back(map.lookupOrDefault(gradRet.getOperand(r)));
    for (auto &slot : newState)
      values.append(slot.begin(), slot.end());
    func::ReturnOp::create(b, loc, values);
  }

  // <name>_gradients(inputs, step, [seed], params) -> (loss, metrics,
  // gradients, new statistics): train_step's first half, with the same
  // training key, and the raw gradients (clipping needs the gradient of the
  // whole batch). The statistics travel with the gradients, so a
  // data-parallel run averages them too and every rank keeps the same.
  b.setInsertionPointAfter(fn);
  Signature gradArgs;
  for (unsigned k = 0; k < firstSlotArg; ++k)
    gradArgs.add(args.types[k], args.attrs[k]);
  Signature gradResults;
  gradResults.add(scalar, DictionaryAttr::get(b.getContext()));
  for (unsigned r : plan.metrics)
    gradResults.add(grad.getResultTypes()[r], grad.getResultAttrDict(r));
  for (unsigned i : plan.trainable)
    gradResults.add(grad.getArgumentTypes()[i],
                    named(b, kGradOfAttr, grad.getArgAttr(i, kParamAttr)));
  for (unsigned r : plan.updates)
    gradResults.add(grad.getResultTypes()[r], grad.getResultAttrDict(r));
  func::FuncOp gradFn = createFunc(b, loc, (name + kTrainGradientsSuffix).str(),
                                   gradArgs, gradResults);
  {
    Block *entry = gradFn.addEntryBlock();
    b.setInsertionPointToStart(entry);
    IRMapping map;
    replayGradients(entry, map);
    SmallVector<Value> values{map.lookupOrDefault(gradRet.getOperand(0))};
    for (unsigned r : plan.metrics)
      values.push_back(map.lookupOrDefault(gradRet.getOperand(r)));
    for (unsigned i : plan.trainable)
      values.push_back(
          map.lookupOrDefault(gradRet.getOperand(plan.gradOf.at(i))));
    for (unsigned r : plan.updates)
      values.push_back(map.lookupOrDefault(gradRet.getOperand(r)));
    func::ReturnOp::create(b, loc, values);
  }

  // <name>_apply(step, params, state, gradients, statistics) -> (step + 1,
  // new params, new statistics, new state): train_step's second half.
  b.setInsertionPointAfter(gradFn);
  Signature applyArgs;
  applyArgs.add(scalar, stepAttr);
  if (lrArg)
    applyArgs.add(scalar, lrAttr);
  for (unsigned k = firstParamArg; k < args.types.size(); ++k)
    applyArgs.add(args.types[k], args.attrs[k]);
  unsigned firstGradArg = applyArgs.types.size();
  for (unsigned i : plan.trainable)
    applyArgs.add(grad.getArgumentTypes()[i],
                  named(b, kGradOfAttr, grad.getArgAttr(i, kParamAttr)));
  for (unsigned r : plan.updates)
    applyArgs.add(grad.getResultTypes()[r], grad.getResultAttrDict(r));
  func::FuncOp applyFn = createFunc(
      b, loc, (name + kApplyGradientsSuffix).str(), applyArgs, update);
  {
    Block *entry = applyFn.addEntryBlock();
    b.setInsertionPointToStart(entry);
    Value step = entry->getArgument(0);
    unsigned paramBase = lrArg ? 2 : 1;
    Value lr = stepRate(step, lrArg ? entry->getArgument(1) : Value());
    Value newStep = AddOp::create(b, loc, step, one());
    Value nextLr =
        plan.schedule ? replaySchedule(b, plan.schedule, newStep) : Value();
    SmallVector<Value> params, grads;
    for (unsigned k = 0; k < plan.trainable.size(); ++k) {
      unsigned pos =
          llvm::find(plan.params, plan.trainable[k]) - plan.params.begin();
      params.push_back(entry->getArgument(paramBase + pos));
      grads.push_back(entry->getArgument(firstGradArg + k));
    }
    unsigned slotBase = paramBase + plan.params.size();
    SmallVector<Value> newParams;
    SmallVector<SmallVector<Value>> newState;
    buildUpdate(
        b, loc, grad, plan, params, grads,
        [&](unsigned slot, unsigned k) {
          return entry->getArgument(slotBase + slot * plan.trainable.size() +
                                    k);
        },
        newStep, lr, newParams, newState);
    SmallVector<Value> values{newStep};
    if (nextLr)
      values.push_back(nextLr);
    values.append(newParams.begin(), newParams.end());
    for (unsigned k = 0; k < plan.updates.size(); ++k)
      values.push_back(
          entry->getArgument(firstGradArg + plan.trainable.size() + k));
    for (auto &slot : newState)
      values.append(slot.begin(), slot.end());
    func::ReturnOp::create(b, loc, values);
  }
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
