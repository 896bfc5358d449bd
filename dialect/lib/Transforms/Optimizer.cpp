//===- Optimizer.cpp - the fused training step -----------------------------===//
//
// train_step = gradient function + one update op per trainable parameter.
// Each update is a single elementwise op (lowered to one loop nest), so the
// optimizer reads and writes every parameter and state element exactly once.
//
//===----------------------------------------------------------------------===//
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

struct OptimizerConfig {
  std::string name;
  DictionaryAttr attrs;
  float get(StringRef key, float fallback) const {
    if (auto f = attrs.getAs<FloatAttr>(key))
      return float(f.getValueAsDouble());
    return fallback;
  }
  bool flag(StringRef key) const {
    auto v = attrs.getAs<BoolAttr>(key);
    return v && v.getValue();
  }
  /// Names of the state slots each trainable parameter gets.
  SmallVector<StringRef> slots() const {
    if (name == "adam")
      return {"m", "v"};
    if (name == "sgd")
      return get("momentum", 0) != 0 ? SmallVector<StringRef>{"velocity"}
                                     : SmallVector<StringRef>{};
    if (name == "rmsprop")
      return get("momentum", 0) != 0
                 ? SmallVector<StringRef>{"square_avg", "momentum_buffer"}
                 : SmallVector<StringRef>{"square_avg"};
    return {};
  }
};

LogicalResult buildTrainStep(func::FuncOp grad, StringRef name) {
  auto dict = grad->getAttrOfType<DictionaryAttr>("dl.optimizer");
  auto optName = dict ? dict.getAs<StringAttr>("name") : StringAttr();
  if (!optName || !llvm::is_contained({"sgd", "adam", "rmsprop"},
                                      optName.getValue()))
    return grad.emitError("dl-optimizer expects a dl.optimizer dictionary "
                          "whose name is sgd, adam or rmsprop");
  OptimizerConfig opt{optName.getValue().str(), dict};
  SmallVector<StringRef> slots = opt.slots();

  // Arguments: the gradient function's non-parameter inputs, the step, the
  // parameters, then the state slots of each trainable parameter.
  Block &gradBody = grad.getBody().front();
  SmallVector<unsigned> inputs, params, trainable;
  for (unsigned i = 0; i < grad.getNumArguments(); ++i) {
    if (!grad.getArgAttr(i, "dl.param"))
      inputs.push_back(i);
    else {
      params.push_back(i);
      if (!grad.getArgAttr(i, "dl.frozen"))
        trainable.push_back(i);
    }
  }
  // Results: the loss, pass-through metrics, then gradients (dl.grad_of).
  SmallVector<unsigned> metrics;
  DenseMap<unsigned, unsigned> gradOf; // trainable arg -> gradient result
  for (unsigned r = 1; r < grad.getNumResults(); ++r) {
    auto of = grad.getResultAttrOfType<StringAttr>(r, "dl.grad_of");
    if (!of) {
      metrics.push_back(r);
      continue;
    }
    for (unsigned i : trainable)
      if (grad.getArgAttr(i, "dl.param") == of)
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
  argAttrs.push_back(b.getDictionaryAttr(
      b.getNamedAttr("dl.state", b.getStringAttr("step"))));
  for (unsigned i : params) {
    argTypes.push_back(grad.getArgumentTypes()[i]);
    argAttrs.push_back(grad.getArgAttrDict(i));
  }
  for (StringRef slot : slots)
    for (unsigned i : trainable) {
      argTypes.push_back(grad.getArgumentTypes()[i]);
      auto param = grad.getArgAttrOfType<StringAttr>(i, "dl.param");
      argAttrs.push_back(b.getDictionaryAttr(b.getNamedAttr(
          "dl.state", b.getStringAttr(slot + ":" + param.getValue()))));
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
  for (unsigned i : trainable) {
    resultTypes.push_back(grad.getArgumentTypes()[i]);
    resultAttrs.push_back(b.getDictionaryAttr(
        b.getNamedAttr("dl.param", grad.getArgAttr(i, "dl.param"))));
  }
  for (size_t k = inputs.size() + 1 + params.size(); k < argTypes.size(); ++k) {
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
  for (unsigned i : params)
    map.map(gradBody.getArgument(i), entry->getArgument(next++));
  unsigned stateBase = next;
  for (Operation &op : gradBody.without_terminator())
    b.clone(op, map);
  auto gradRet = cast<func::ReturnOp>(gradBody.getTerminator());
  Value loss = map.lookupOrDefault(gradRet.getOperand(0));

  Value one = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(scalar, b.getF32FloatAttr(1.0f)));
  Value newStep = AddOp::create(b, loc, step, one);

  DenseMap<unsigned, Value> newParam;
  SmallVector<SmallVector<Value>> newState(slots.size());
  auto lr = b.getF32FloatAttr(opt.get("learning_rate", 1e-3f));
  for (auto [k, i] : llvm::enumerate(trainable)) {
    Value p = map.lookup(gradBody.getArgument(i));
    Value g = map.lookupOrDefault(gradRet.getOperand(gradOf[i]));
    auto state = [&, k = k](unsigned slot) { // C++17: no captured bindings
      return entry->getArgument(stateBase + slot * trainable.size() + k);
    };
    Type t = p.getType();
    if (opt.name == "adam") {
      auto op = AdamUpdateOp::create(
          b, loc, TypeRange{t, t, t}, p, g, state(0), state(1), newStep, lr,
          b.getF32FloatAttr(opt.get("beta_1", 0.9f)),
          b.getF32FloatAttr(opt.get("beta_2", 0.999f)),
          b.getF32FloatAttr(opt.get("epsilon", 1e-7f)));
      newParam[i] = op.getNewParam();
      newState[0].push_back(op.getNewM());
      newState[1].push_back(op.getNewV());
    } else if (opt.name == "sgd") {
      bool momentum = !slots.empty();
      SmallVector<Type> types{t};
      if (momentum)
        types.push_back(t);
      auto op = SGDUpdateOp::create(
          b, loc, TypeRange(types), p, g, momentum ? state(0) : Value(), lr,
          b.getF32FloatAttr(opt.get("momentum", 0.0f)),
          opt.flag("nesterov") ? b.getUnitAttr() : UnitAttr());
      newParam[i] = op.getNewParam();
      if (momentum)
        newState[0].push_back(op.getNewVelocity());
    } else {
      bool momentum = slots.size() == 2;
      SmallVector<Type> types{t, t};
      if (momentum)
        types.push_back(t);
      auto op = RMSpropUpdateOp::create(
          b, loc, TypeRange(types), p, g, state(0), momentum ? state(1) : Value(), lr,
          b.getF32FloatAttr(opt.get("rho", 0.9f)),
          b.getF32FloatAttr(opt.get("momentum", 0.0f)),
          b.getF32FloatAttr(opt.get("epsilon", 1e-7f)));
      newParam[i] = op.getNewParam();
      newState[0].push_back(op.getNewSquareAvg());
      if (momentum)
        newState[1].push_back(op.getNewMomentumBuffer());
    }
  }

  SmallVector<Value> results{loss};
  for (unsigned r : metrics)
    results.push_back(map.lookupOrDefault(gradRet.getOperand(r)));
  results.push_back(newStep);
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
      if (auto name = fn->getAttrOfType<StringAttr>("dl.train_step"))
        if (!fn->hasAttr("dl.gradient"))
          work.push_back({fn, name});
    });
    for (auto [fn, name] : work)
      if (failed(buildTrainStep(fn, name)))
        return signalPassFailure();
  }
};
} // namespace
