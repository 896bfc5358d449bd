//===- MLIRGen.cpp - ModelSpec to the dl dialect
//---------------------------===//
#include "dl/Frontend/MLIRGen.h"
#include "dl/Dialect/DL/IR/DLOps.h"
#include "dl/Frontend/Emit.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/SourceMgr.h"

#include <cmath>

using namespace mlir;

namespace dlc {
namespace {

class MLIRGen {
public:
  MLIRGen(MLIRContext &ctx, const ModelSpec &spec,
          const llvm::SourceMgr &srcMgr)
      : ctx(ctx), spec(spec), srcMgr(srcMgr), b(&ctx) {}

  OwningOpRef<ModuleOp> run() {
    auto module = ModuleOp::create(loc(spec.loc), StringRef(spec.name));
    b.setInsertionPointToEnd(module.getBody());
    buildForward();
    b.setInsertionPointToEnd(module.getBody());
    buildInit();
    b.setInsertionPointToEnd(module.getBody());
    if (spec.train)
      buildTraining(*spec.train);
    return module;
  }

private:
  Location loc(llvm::SMLoc l, StringRef name = {}) {
    Location result = UnknownLoc::get(&ctx);
    if (l.isValid()) {
      unsigned buf = srcMgr.FindBufferContainingLoc(l);
      if (buf) {
        auto [line, col] = srcMgr.getLineAndColumn(l, buf);
        result = FileLineColLoc::get(
            &ctx, srcMgr.getMemoryBuffer(buf)->getBufferIdentifier(), line,
            col);
      }
    }
    return name.empty() ? result : NameLoc::get(b.getStringAttr(name), result);
  }

  RankedTensorType batched(const Shape &s) {
    SmallVector<int64_t> dims{ShapedType::kDynamic};
    for (int64_t d : s)
      dims.push_back(d < 0 ? ShapedType::kDynamic : d);
    return RankedTensorType::get(dims, b.getF32Type());
  }
  RankedTensorType paramType(const ParamSpec &p) {
    return RankedTensorType::get(p.shape, b.getF32Type());
  }

  /// Whether a layer computes differently when training: then the model
  /// functions take the training key (dl.key) after the input and targets.
  bool hasTrainingForm() const { return spec.hasTrainingForm(); }

  /// Emits the layers into the current block. `args` are the input then the
  /// parameters; `key` the training key, if any. Returns the model output
  /// and, when the output layer ends in an activation, the value before it
  /// (the logits); `all`, if given, receives every layer's value.
  /// `updates`, if given, receives the new values of the statistics that a
  /// training step updates (parameter name, value).
  std::pair<Value, Value> emitLayers(
      ValueRange args, Value key, std::vector<Value> *all = nullptr,
      SmallVectorImpl<std::pair<std::string, Value>> *updates = nullptr) {
    std::vector<Value> values(spec.layers.size());
    Value preActivation;
    values[spec.inputLayer] = args[0];
    for (auto [i, layer] : llvm::enumerate(spec.layers)) {
      if (!layer.kind)
        continue; // the input
      SmallVector<Value> inputs, params;
      for (int in : layer.inputs)
        inputs.push_back(values[in]);
      for (int p : layer.params)
        params.push_back(args[p + 1]);
      EmitContext e{b,         loc(layer.loc, layer.name), inputs, params, key,
                    int64_t(i)};
      SmallVector<std::pair<unsigned, Value>> layerUpdates;
      if (updates)
        e.stateUpdates = &layerUpdates;
      Value y = layer.kind->emit(e, layer);
      for (auto [k, v] : layerUpdates)
        updates->push_back({spec.params[layer.params[k]].name, v});
      if (int(i) == spec.outputLayer)
        preActivation = y;
      values[i] = activation(e.loc, layer.activation, layer.activationAlpha, y);
    }
    Value out = values[spec.outputLayer];
    if (all)
      *all = values;
    return {out, preActivation == out ? Value() : preActivation};
  }

  /// Argument types and attributes shared by the model functions: the input,
  /// optionally the targets, the training key if a layer has a training
  /// form, then every parameter.
  void modelArgs(Type targets, SmallVectorImpl<Type> &types,
                 SmallVectorImpl<DictionaryAttr> &attrs) {
    const LayerSpec &in = spec.layers[spec.inputLayer];
    types.push_back(batched(in.outShape));
    attrs.push_back(b.getDictionaryAttr(
        b.getNamedAttr(kInputAttr, b.getStringAttr(in.name))));
    if (targets) {
      types.push_back(targets);
      attrs.push_back(
          b.getDictionaryAttr(b.getNamedAttr(kTargetsAttr, b.getUnitAttr())));
    }
    if (hasTrainingForm()) {
      types.push_back(RankedTensorType::get({}, b.getI64Type()));
      attrs.push_back(
          b.getDictionaryAttr(b.getNamedAttr(kKeyAttr, b.getUnitAttr())));
    }
    for (const ParamSpec &p : spec.params) {
      types.push_back(paramType(p));
      SmallVector<NamedAttribute> a{
          b.getNamedAttr(kParamAttr, b.getStringAttr(p.name))};
      if (!p.trainable)
        a.push_back(b.getNamedAttr(kFrozenAttr, b.getUnitAttr()));
      attrs.push_back(b.getDictionaryAttr(a));
    }
  }

  void buildForward() {
    SmallVector<Type> argTypes;
    SmallVector<DictionaryAttr> argAttrs;
    modelArgs(Type(), argTypes, argAttrs);
    auto fnType = b.getFunctionType(
        argTypes, {batched(spec.layers[spec.outputLayer].outShape)});
    auto fn = func::FuncOp::create(b, loc(spec.loc), kForwardFunc, fnType);
    fn.setAllArgAttrs(argAttrs);
    Block *entry = fn.addEntryBlock();
    b.setInsertionPointToStart(entry);
    unsigned firstParam = hasTrainingForm() ? 2 : 1;
    SmallVector<Value> args{entry->getArgument(0)};
    for (unsigned i = firstParam; i < entry->getNumArguments(); ++i)
      args.push_back(entry->getArgument(i));
    Value key = hasTrainingForm() ? entry->getArgument(1) : Value();
    func::ReturnOp::create(b, loc(spec.loc), emitLayers(args, key).first);
  }

  /// The loss as the training section asks for it. A loss that folds the
  /// output's softmax or sigmoid reads the logits before it (log-sum-exp
  /// form): exact where Keras clips, and never NaN. Sema checked that the
  /// output applies that activation unless from_logits = true.
  Value emitLoss(const TrainSpec &t, Value out, Value logits, Value targets) {
    EmitContext e{b, loc(t.loc, "loss")};
    bool folded = t.loss->hasFromLogits() && !t.fromLogits;
    return t.loss->emit(e, folded ? logits : out, targets);
  }

  /// @lr_schedule(step) -> rate: one schedule op, which dl-optimizer
  /// evaluates in train_step.
  void buildSchedule(const ScheduleSpec &sched, llvm::SMLoc at) {
    OpBuilder::InsertionGuard guard(b);
    Type scalar = RankedTensorType::get({}, b.getF32Type());
    auto fn =
        func::FuncOp::create(b, loc(at, "lr_schedule"), mlir::dl::kScheduleFunc,
                             b.getFunctionType({scalar}, {scalar}));
    Block *entry = fn.addEntryBlock();
    b.setInsertionPointToStart(entry);
    Location l = fn.getLoc();
    Value step = entry->getArgument(0);
    auto f32 = [&](double v) { return b.getF32FloatAttr(float(v)); };
    auto f32s = [&](const std::vector<double> &v) {
      SmallVector<float> out(v.begin(), v.end());
      return b.getDenseF32ArrayAttr(out);
    };
    Value rate;
    switch (sched.kind) {
    case ScheduleSpec::Kind::ExponentialDecay:
      rate = mlir::dl::ExponentialDecayOp::create(
          b, l, step, f32(sched.initialLearningRate), f32(sched.decaySteps),
          f32(sched.decayRate), sched.staircase ? b.getUnitAttr() : UnitAttr());
      break;
    case ScheduleSpec::Kind::PiecewiseConstantDecay:
      rate = mlir::dl::PiecewiseConstantDecayOp::create(
          b, l, step, f32s(sched.boundaries), f32s(sched.values));
      break;
    case ScheduleSpec::Kind::CosineDecay:
      rate = mlir::dl::CosineDecayOp::create(
          b, l, step, f32(sched.initialLearningRate), f32(sched.decaySteps),
          f32(sched.alpha),
          sched.warmupTarget ? f32(*sched.warmupTarget) : FloatAttr(),
          f32(sched.warmupSteps));
      break;
    }
    func::ReturnOp::create(b, l, rate);
  }

  /// @loss(x, targets, params...) -> (loss [, correct] [, mae, mse]): the
  /// batch's mean loss and, with the accuracy metric, its number of correct
  /// predictions; with mae or mse, the predictions' mean absolute and
  /// squared errors (result attribute dl.metric). dl-autodiff derives
  /// @gradients and dl-optimizer @train_step from it; dl-export-abi makes
  /// eval_step of it.
  void buildTraining(const TrainSpec &t) {
    Type targets = t.loss->getTargets() == TargetKind::ClassIndex
                       ? Type(RankedTensorType::get({ShapedType::kDynamic},
                                                    b.getI32Type()))
                       : Type(batched(spec.layers[spec.outputLayer].outShape));
    SmallVector<Type> argTypes;
    SmallVector<DictionaryAttr> argAttrs;
    modelArgs(targets, argTypes, argAttrs);
    Type scalar = RankedTensorType::get({}, b.getF32Type());
    bool accuracy = llvm::is_contained(t.metrics, "accuracy") &&
                    spec.layers[spec.outputLayer].outShape.size() == 1;
    auto fn = func::FuncOp::create(b, loc(t.loc), kLossFunc,
                                   b.getFunctionType(argTypes, {scalar}));
    fn.setAllArgAttrs(argAttrs);
    fn->setAttr(mlir::dl::kGradientAttr, b.getStringAttr(kGradientsFunc));
    fn->setAttr(mlir::dl::kTrainStepAttr, b.getStringAttr(kTrainStepFunc));
    fn->setAttr(mlir::dl::kOptimizerAttr,
                t.optimizer->buildAttr(ctx, t.optimizerValues));
    auto setF32 = [&](const char *name, double v) {
      // A weight_decay that rounds to 0 as an f32 (1e-50) is none.
      if (float(v) > 0)
        fn->setAttr(name, b.getF32FloatAttr(float(v)));
    };
    setF32(mlir::dl::kWeightDecayAttr, t.weightDecay);
    setF32(mlir::dl::kClipnormAttr, t.clipnorm);
    setF32(mlir::dl::kClipvalueAttr, t.clipvalue);
    setF32(mlir::dl::kGlobalClipnormAttr, t.globalClipnorm);
    if (t.schedule) {
      buildSchedule(*t.schedule, t.loc);
      fn->setAttr(mlir::dl::kScheduleAttr,
                  FlatSymbolRefAttr::get(&ctx, mlir::dl::kScheduleFunc));
    }
    if (t.reduceLROnPlateau)
      fn->setAttr(mlir::dl::kLearningRateStateAttr, b.getUnitAttr());
    Block *entry = fn.addEntryBlock();
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(entry);
    unsigned firstParam = hasTrainingForm() ? 3 : 2;
    SmallVector<Value> args{entry->getArgument(0)};
    for (unsigned i = firstParam; i < entry->getNumArguments(); ++i)
      args.push_back(entry->getArgument(i));
    Value key = hasTrainingForm() ? entry->getArgument(2) : Value();
    std::vector<Value> layerValues;
    SmallVector<std::pair<std::string, Value>> updates;
    auto [out, logits] = emitLayers(args, key, &layerValues, &updates);
    Value y = entry->getArgument(1);
    Value loss = emitLoss(t, out, logits, y);
    // Keras reports the loss with the regularisers' penalties added, and
    // dl-autodiff derives their gradients from these ops like any other.
    auto penalty = [&](Location l, Value x, const Regularizer &r) {
      Value p = mlir::dl::L1L2PenaltyOp::create(b, l, scalar, x,
                                                b.getF32FloatAttr(float(r.l1)),
                                                b.getF32FloatAttr(float(r.l2)));
      loss = mlir::dl::AddOp::create(b, l, loss, p);
    };
    for (const LayerSpec &layer : spec.layers) {
      if (!layer.kind)
        continue;
      // Keras 3 (Layer.__call__) sums the activity penalty over the batch;
      // tf.keras 2 divided it by the batch size.
      if (layer.activityRegularizer.any())
        penalty(loc(layer.loc, layer.name + ".activity_regularizer"),
                layerValues[&layer - spec.layers.data()],
                layer.activityRegularizer);
      // Keras's Layer.losses: the trainable weights' penalties only.
      for (int p : layer.params)
        if (spec.params[p].trainable && spec.params[p].regularizer.any())
          penalty(loc(layer.loc, spec.params[p].name + ".regularizer"),
                  args[p + 1], spec.params[p].regularizer);
    }
    SmallVector<Value> results{loss};
    SmallVector<std::pair<unsigned, StringRef>> metricAttrs;
    if (accuracy) {
      // argmax(softmax(z)) = argmax(z): count on the logits when the output
      // is a softmax, so no softmax is computed just for the metric.
      bool softmaxOut = logits && spec.layers[spec.outputLayer].activation ==
                                      Activation::Softmax;
      metricAttrs.push_back({results.size(), mlir::dl::kCorrectMetric});
      results.push_back(mlir::dl::CountCorrectOp::create(
          b, loc(t.loc, "accuracy"), scalar, softmaxOut ? logits : out, y));
    }
    if (t.measuresErrors()) {
      // mae and mse of the step's own predictions, as Keras's fit measures
      // them: no second forward pass. TrainSema allows them only on float
      // targets, shaped as the output.
      metricAttrs.push_back({results.size(), mlir::dl::kAbsErrorMetric});
      results.push_back(mlir::dl::MeanAbsoluteErrorOp::create(
          b, loc(t.loc, "mae"), scalar, out, y));
      metricAttrs.push_back({results.size(), mlir::dl::kSquaredErrorMetric});
      results.push_back(mlir::dl::MeanSquaredErrorOp::create(
          b, loc(t.loc, "mse"), scalar, out, y));
    }
    // The statistics the step overwrites (dl.update_of), after the metrics.
    SmallVector<std::pair<unsigned, StringRef>> updateAttrs;
    for (auto &[name, v] : updates) {
      updateAttrs.push_back({unsigned(results.size()), name});
      results.push_back(v);
    }
    fn.setType(b.getFunctionType(argTypes, ValueRange(results).getTypes()));
    for (auto [r, name] : metricAttrs)
      fn.setResultAttr(r, kMetricAttr, b.getStringAttr(name));
    for (auto [r, name] : updateAttrs)
      fn.setResultAttr(r, mlir::dl::kUpdateOfAttr, b.getStringAttr(name));
    func::ReturnOp::create(b, loc(t.loc), results);
  }

  Value activation(Location l, Activation a, double alpha, Value x) {
    return emitActivation(b, l, a, alpha, x);
  }

  /// Keras's fans: the kernel's [in, out]; a vector counts as its own size.
  static std::pair<double, double> fans(const Shape &s) {
    if (s.size() == 1)
      return {double(s[0]), double(s[0])};
    double receptive = 1;
    for (size_t i = 0; i + 2 < s.size(); ++i)
      receptive *= double(s[i]);
    return {s[s.size() - 2] * receptive, s[s.size() - 1] * receptive};
  }

  void buildInit() {
    SmallVector<Type> results;
    for (const ParamSpec &p : spec.params)
      results.push_back(paramType(p));
    auto fn =
        func::FuncOp::create(b, loc(spec.loc), kInitFunc,
                             b.getFunctionType({b.getI64Type()}, results));
    Block *entry = fn.addEntryBlock();
    b.setInsertionPointToStart(entry);
    Value seed = entry->getArgument(0);
    SmallVector<Value> values;
    for (auto [i, p] : llvm::enumerate(spec.params)) {
      Location l = loc(spec.loc, p.name);
      auto type = paramType(p);
      auto [fanIn, fanOut] = fans(p.shape);
      auto stream = b.getI64IntegerAttr(int64_t(i));
      auto uniform = [&](double limit) -> Value {
        return mlir::dl::RandomUniformOp::create(b, l, type, seed, stream,
                                                 b.getF32FloatAttr(-limit),
                                                 b.getF32FloatAttr(limit));
      };
      // Keras divides by this so the *truncated* normal has the target stddev.
      constexpr double kTruncatedStddev = 0.87962566103423978;
      auto normal = [&](double stddev) -> Value {
        return mlir::dl::RandomNormalOp::create(
            b, l, type, seed, stream,
            b.getF32FloatAttr(stddev / kTruncatedStddev));
      };
      auto splat = [&](float v) -> Value {
        return arith::ConstantOp::create(
            b, l, DenseElementsAttr::get(type, b.getF32FloatAttr(v)));
      };
      switch (p.init) {
      case Initializer::Zeros:
        values.push_back(splat(0.0f));
        break;
      case Initializer::Ones:
        values.push_back(splat(1.0f));
        break;
      case Initializer::GlorotUniform:
        values.push_back(uniform(std::sqrt(6.0 / (fanIn + fanOut))));
        break;
      case Initializer::HeUniform:
        values.push_back(uniform(std::sqrt(6.0 / fanIn)));
        break;
      case Initializer::GlorotNormal:
        values.push_back(normal(std::sqrt(2.0 / (fanIn + fanOut))));
        break;
      case Initializer::HeNormal:
        values.push_back(normal(std::sqrt(2.0 / fanIn)));
        break;
      case Initializer::Orthogonal:
        // Keras's Orthogonal (gain 1): a plain, untruncated normal matrix,
        // orthonormalised.
        values.push_back(mlir::dl::OrthogonalOp::create(
            b, l,
            mlir::dl::RandomNormalOp::create(b, l, type, seed, stream,
                                             b.getF32FloatAttr(1.0f),
                                             /*unclipped=*/b.getUnitAttr())));
        break;
      }
      if (p.onesCount > 0) {
        // value * keep + ones, keep 0 and ones 1 in the range: exact, and
        // in dl ops like the rest of the initialiser.
        std::vector<float> keep(p.numElements(), 1.0f), ones(keep.size());
        for (int64_t k = p.onesBegin; k < p.onesBegin + p.onesCount; ++k) {
          keep[k] = 0.0f;
          ones[k] = 1.0f;
        }
        auto constant = [&](ArrayRef<float> v) -> Value {
          return arith::ConstantOp::create(b, l,
                                           DenseElementsAttr::get(type, v));
        };
        Value kept =
            mlir::dl::MulOp::create(b, l, values.back(), constant(keep));
        values.back() = mlir::dl::AddOp::create(b, l, kept, constant(ones));
      }
    }
    func::ReturnOp::create(b, loc(spec.loc), values);
  }

  MLIRContext &ctx;
  const ModelSpec &spec;
  const llvm::SourceMgr &srcMgr;
  OpBuilder b;
};

} // namespace

OwningOpRef<ModuleOp> generateDL(MLIRContext &ctx, const ModelSpec &spec,
                                 const llvm::SourceMgr &srcMgr) {
  // The dialects of the ops MLIRGen creates; the pipeline loads the rest.
  ctx.loadDialect<dl::DLDialect, func::FuncDialect, arith::ArithDialect>();
  return MLIRGen(ctx, spec, srcMgr).run();
}

} // namespace dlc
