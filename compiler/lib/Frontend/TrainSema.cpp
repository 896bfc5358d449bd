//===- TrainSema.cpp - checking the train block ---------------------------===//
//
// `train { loss = ...; optimizer = ...; metrics = [...]; }` becomes a
// TrainSpec with Keras's defaults for everything not written.
//
//===----------------------------------------------------------------------===//

#include "Arguments.h"
#include "Sema.h"

#include "dl/Frontend/Lexer.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <cmath>

using namespace dlc;
using namespace dlc::detail;
using llvm::SMLoc;
using llvm::StringRef;
using llvm::Twine;

namespace {

const StringRef kKeys[] = {"loss",     "optimizer",  "metrics",
                           "epochs",   "batch_size", "validation_split",
                           "callbacks"};
const StringRef kPlannedKeys[] = {"loss_weights", "weighted_metrics",
                                  "shuffle"};

/// The limits of `dlc train --epochs` and `--batch-size` (Commands.cpp).
constexpr int64_t kMaxEpochs = 1000000;
constexpr int64_t kMaxBatch = int64_t(1) << 20;

/// Keras's short names of losses dlc does not have: an error that spells
/// the full name (the short names of those it has are their aliases).
const std::pair<StringRef, StringRef> kKerasLossShortNames[] = {
    {"mape", "mean_absolute_percentage_error"},
    {"msle", "mean_squared_logarithmic_error"},
    {"kld", "kl_divergence"},
    {"logcosh", "log_cosh"}};

const StringRef kPlannedLosses[] = {"mean_absolute_percentage_error",
                                    "mean_squared_logarithmic_error",
                                    "huber",
                                    "log_cosh",
                                    "kl_divergence",
                                    "poisson",
                                    "hinge",
                                    "squared_hinge",
                                    "categorical_hinge",
                                    "cosine_similarity",
                                    "binary_focal_crossentropy",
                                    "categorical_focal_crossentropy"};

const StringRef kPlannedOptimizers[] = {"adagrad", "adadelta", "adamax",
                                        "nadam",   "ftrl",     "lion",
                                        "lamb",    "adafactor"};
/// The options Keras's optimizer base class gives every optimizer, after
/// each kind's own: weight_decay then the three clipping options.
const OptimizerOption kCommonOptimizerOptions[] = {
    {"weight_decay", 0, OptimizerOption::Range::NonNegative},
    {"clipnorm", 0, OptimizerOption::Range::Positive},
    {"clipvalue", 0, OptimizerOption::Range::Positive},
    {"global_clipnorm", 0, OptimizerOption::Range::Positive},
};
const StringRef kPlannedOptimizerOptions[] = {"use_ema",
                                              "ema_momentum",
                                              "ema_overwrite_frequency",
                                              "loss_scale_factor",
                                              "gradient_accumulation_steps",
                                              "name",
                                              "amsgrad",
                                              "centered"};

const StringRef kCallbacks[] = {"early_stopping", "reduce_lr_on_plateau"};
const StringRef kPlannedCallbacks[] = {"model_checkpoint",
                                       "learning_rate_scheduler", "csv_logger",
                                       "terminate_on_nan", "tensorboard"};
/// Keras's LearningRateSchedule classes, as an optimizer's learning_rate.
const StringRef kSchedules[] = {"exponential_decay", "piecewise_constant_decay",
                                "cosine_decay"};
const StringRef kPlannedSchedules[] = {"inverse_time_decay", "polynomial_decay",
                                       "cosine_decay_restarts"};
/// What early_stopping may watch: the columns of `dlc train`'s history.
const StringRef kMonitors[] = {"val_loss", "loss", "val_accuracy", "accuracy",
                               "val_mae",  "mae",  "val_mse",      "mse"};

/// mae and mse (or their long names) on float targets: the compiled steps
/// report them beside the loss (MLIRGen's @loss, metrics[2] and [3]).
const StringRef kMetrics[] = {"accuracy", "mae", "mse", "mean_absolute_error",
                              "mean_squared_error"};
const StringRef kPlannedMetrics[] = {"binary_accuracy",
                                     "categorical_accuracy",
                                     "sparse_categorical_accuracy",
                                     "top_k_categorical_accuracy",
                                     "sparse_top_k_categorical_accuracy",
                                     "precision",
                                     "recall",
                                     "auc",
                                     "f1_score"};

/// The names (and, for losses, aliases) of the registered kinds.
template <typename Kind>
llvm::SmallVector<StringRef> namesOf(llvm::ArrayRef<const Kind *> kinds) {
  llvm::SmallVector<StringRef> names;
  for (const Kind *kind : kinds)
    names.push_back(kind->getName());
  return names;
}

class TrainChecker {
public:
  explicit TrainChecker(DiagEngine &diag) : diag(diag) {}
  std::optional<CheckedTrain> check(const ast::TrainBlock &block);

private:
  bool checkLoss(const ast::Expr &expr);
  bool checkOptimizer(const ast::Expr &expr);
  bool checkMetrics(const ast::Expr &expr);
  /// epochs, batch_size: an integer in [1, max].
  bool checkCount(const ast::Arg &entry, int64_t max,
                  std::optional<int64_t> &out);
  bool checkValidationSplit(const ast::Arg &entry);
  bool checkCallbacks(const ast::Expr &expr);
  bool checkEarlyStopping(const ast::Expr &call);
  bool checkReduceLROnPlateau(const ast::Expr &call);
  /// A monitor option: `val_loss`, `accuracy`, ... (Keras 2's `acc` too).
  bool readMonitor(StringRef owner, const ast::Expr &value, std::string &out);
  /// A mode option: `min`, `max` or `auto` (Keras's callbacks' `mode`).
  bool readMode(StringRef owner, const ast::Expr &value, MonitorMode &out);
  /// `learning_rate = cosine_decay(...)`: a schedule call.
  bool checkSchedule(StringRef owner, const ast::Expr &call);
  /// A number >= 0 (> 0 when `positive`) that is finite as an f32.
  bool readNonNegative(StringRef owner, StringRef option,
                       const ast::Expr &value, bool positive, double &out);
  /// A whole number in [0, 2^24] (> 0 when `positive`): steps counted exactly
  /// by the f32 step counter.
  bool readSteps(StringRef owner, StringRef option, const ast::Expr &value,
                 bool positive, double &out);
  /// Reads an optimizer option and checks its range.
  bool readOption(StringRef owner, const ast::Arg *arg,
                  const OptimizerOption &option, double &out);

  DiagEngine &diag;
  CheckedTrain result;
  SMLoc monitorLoc, reduceMonitorLoc, scheduleLoc;
  /// The first mae or mse among the metrics (invalid: none).
  SMLoc regressionMetricLoc;
};

/// A name written bare, quoted, or as a call: `adam`, "adam", `adam(...)`.
bool nameOf(const ast::Expr &expr, StringRef &name) {
  if (expr.kind != ast::Expr::Kind::Ident &&
      expr.kind != ast::Expr::Kind::String &&
      expr.kind != ast::Expr::Kind::Call)
    return false;
  name = expr.text;
  return true;
}

std::optional<CheckedTrain> TrainChecker::check(const ast::TrainBlock &block) {
  result.spec.loc = block.loc;
  bool ok = true;
  llvm::StringMap<SMLoc> seen;
  for (const ast::Arg &entry : block.entries) {
    StringRef key = entry.name;
    if (!llvm::is_contained(kKeys, key)) {
      ok = false;
      if (llvm::is_contained(kPlannedKeys, key)) {
        diag.error(entry.nameLoc,
                   "training setting '" + key + "' is not supported yet");
        continue;
      }
      llvm::SmallVector<StringRef> candidates(std::begin(kKeys),
                                              std::end(kKeys));
      candidates.append(std::begin(kPlannedKeys), std::end(kPlannedKeys));
      std::string hint = didYouMean(key, candidates);
      if (hint.empty())
        hint = " (settings: loss, optimizer, metrics, epochs, batch_size, "
               "validation_split, callbacks)";
      diag.error(entry.nameLoc, "unknown training setting '" +
                                    escapeForMessage(key) + "'" + hint);
      continue;
    }
    auto [it, inserted] = seen.try_emplace(key, entry.nameLoc);
    if (!inserted) {
      diag.error(entry.nameLoc, "duplicate training setting '" + key + "'");
      diag.note(it->second, "first set here");
      ok = false;
      continue;
    }
    if (key == "loss")
      ok &= checkLoss(entry.value);
    else if (key == "optimizer")
      ok &= checkOptimizer(entry.value);
    else if (key == "metrics")
      ok &= checkMetrics(entry.value);
    else if (key == "epochs")
      ok &= checkCount(entry, kMaxEpochs, result.spec.epochs);
    else if (key == "batch_size")
      ok &= checkCount(entry, kMaxBatch, result.spec.batchSize);
    else if (key == "callbacks")
      ok &= checkCallbacks(entry.value);
    else
      ok &= checkValidationSplit(entry);
  }
  if (!seen.count("loss")) {
    diag.error(block.loc, "the train block has no loss; add e.g. 'loss = "
                          "sparse_categorical_crossentropy;'");
    ok = false;
  }
  // A metric (accuracy, mae, mse) is measured only when it is listed.
  auto checkMeasured = [&](StringRef owner, StringRef monitor, SMLoc loc) {
    StringRef metric = monitor;
    metric.consume_front("val_");
    if (metric == "loss" || llvm::is_contained(result.spec.metrics, metric))
      return true;
    diag.error(loc, owner + ": 'monitor' is '" + monitor + "', but " + metric +
                        " is not measured; add 'metrics = [" + metric + "];'");
    return false;
  };
  if (ok && result.spec.earlyStopping)
    ok = checkMeasured("early_stopping", result.spec.earlyStopping->monitor,
                       monitorLoc);
  if (ok && result.spec.reduceLROnPlateau)
    ok =
        checkMeasured("reduce_lr_on_plateau",
                      result.spec.reduceLROnPlateau->monitor, reduceMonitorLoc);
  if (ok && regressionMetricLoc.isValid() && result.spec.loss &&
      result.spec.loss->getTargets() != TargetKind::LikeOutput) {
    diag.error(regressionMetricLoc,
               "metrics: mae and mse compare predictions with float targets, "
               "but loss '" +
                   result.spec.loss->getName() + "' takes class labels");
    ok = false;
  }
  // Keras: a rate from a schedule "is not settable" by the callback.
  if (ok && result.spec.reduceLROnPlateau && result.spec.schedule) {
    diag.error(reduceMonitorLoc,
               "reduce_lr_on_plateau cannot change a learning rate that "
               "comes from a schedule");
    diag.note(scheduleLoc, "the schedule is set here");
    ok = false;
  }
  if (!ok)
    return std::nullopt;
  // No 'optimizer': the documented default, Adam with Keras's defaults.
  if (!result.spec.optimizer) {
    TrainSpec &t = result.spec;
    t.optimizer = lookupOptimizerKind("adam");
    t.optimizerValues.clear();
    for (const OptimizerOption &option : t.optimizer->getOptions())
      t.optimizerValues.push_back(option.defaultValue);
  }
  return result;
}

bool TrainChecker::checkLoss(const ast::Expr &expr) {
  StringRef name;
  if (!nameOf(expr, name)) {
    diag.error(expr.loc, "'loss' expects a loss such as "
                         "'sparse_categorical_crossentropy', found " +
                             describeValue(expr));
    return false;
  }
  const LossKind *loss = lookupLossKind(name);
  for (auto [shortName, fullName] : kKerasLossShortNames)
    if (!loss && name == shortName) {
      diag.error(expr.loc, "loss '" + name + "' is Keras's short name for '" +
                               fullName + "', which is not supported yet");
      return false;
    }
  if (!loss) {
    llvm::SmallVector<StringRef> supported = namesOf(lossKinds());
    unsigned index;
    lookupChoice(diag, "loss", name, expr.loc, supported, kPlannedLosses,
                 index);
    return false;
  }
  result.spec.loss = loss;
  result.lossLoc = expr.loc;
  if (expr.kind != ast::Expr::Kind::Call)
    return true;

  bool fromLogits = loss->hasFromLogits();
  static const OptionInfo ceOptions[] = {{"from_logits", /*positional=*/true}};
  static const StringRef cePlanned[] = {
      "label_smoothing", "axis", "ignore_class", "reduction", "name", "dtype"};
  static const StringRef otherPlanned[] = {"reduction", "name", "dtype"};
  llvm::SmallVector<const ast::Arg *> bound;
  llvm::ArrayRef<OptionInfo> options;
  bool ok = true;
  std::vector<ast::Arg> args;
  for (const ast::Arg &arg : expr.args) {
    if (!fromLogits && arg.name == "from_logits") {
      diag.error(arg.nameLoc, name + ": 'from_logits' applies only to the "
                                     "crossentropy losses");
      ok = false;
      continue;
    }
    args.push_back(arg);
  }
  if (fromLogits)
    options = ceOptions;
  ok &= bindArguments(
      diag, name, expr.loc, args, options,
      fromLogits ? llvm::ArrayRef<StringRef>(cePlanned) : otherPlanned, bound);
  if (fromLogits && bound[0])
    ok &= readBool(diag, name, "from_logits", bound[0]->value,
                   result.spec.fromLogits);
  return ok;
}

bool TrainChecker::readOption(StringRef owner, const ast::Arg *arg,
                              const OptimizerOption &option, double &out) {
  if (!arg)
    return true;
  if (option.range == OptimizerOption::Range::Bool) {
    bool flag;
    if (!readBool(diag, owner, option.name, arg->value, flag))
      return false;
    out = flag;
    return true;
  }
  double value;
  if (!readNumber(diag, owner, option.name, arg->value, value))
    return false;
  bool positive = option.range == OptimizerOption::Range::Positive;
  bool nonNegative = option.range == OptimizerOption::Range::NonNegative;
  auto inRange = [&](double v) {
    if (nonNegative)
      return v >= 0 && std::isfinite(v);
    return positive ? v > 0 && std::isfinite(v) : v >= 0 && v < 1;
  };
  const char *range = nonNegative ? "at least 0"
                      : positive  ? "greater than 0"
                                  : "in [0, 1)";
  if (!inRange(value)) {
    diag.error(arg->value.loc, owner + ": '" + option.name + "' must be " +
                                   range + ", found " +
                                   describeValue(arg->value));
    return false;
  }
  // The update computes in f32: 0.99999999 rounds to 1 and 1e-50 to 0.
  float single = static_cast<float>(value);
  if (!inRange(single)) {
    diag.error(arg->value.loc,
               owner + ": '" + option.name + "' must be " + range +
                   " as a 32-bit float, found " + describeValue(arg->value) +
                   ", which rounds to " + std::to_string(single));
    return false;
  }
  out = value;
  return true;
}

bool TrainChecker::checkOptimizer(const ast::Expr &expr) {
  StringRef name;
  if (!nameOf(expr, name)) {
    diag.error(expr.loc, "'optimizer' expects an optimizer such as 'adam', "
                         "found " +
                             describeValue(expr));
    return false;
  }
  const OptimizerKind *optimizer = lookupOptimizerKind(name);
  if (!optimizer) {
    llvm::SmallVector<StringRef> supported = namesOf(optimizerKinds());
    unsigned index;
    lookupChoice(diag, "optimizer", name, expr.loc, supported,
                 kPlannedOptimizers, index);
    return false;
  }

  TrainSpec &t = result.spec;
  t.optimizer = optimizer;
  llvm::ArrayRef<OptimizerOption> kindOptions = optimizer->getOptions();
  t.optimizerValues.clear();
  for (const OptimizerOption &option : kindOptions)
    t.optimizerValues.push_back(option.defaultValue);
  t.weightDecay = optimizer->getDefaultWeightDecay();
  if (expr.kind != ast::Expr::Kind::Call)
    return true;

  // learning_rate may be passed by position, as in Keras.
  llvm::SmallVector<OptionInfo> options;
  for (const OptimizerOption &option : kindOptions)
    options.push_back({option.name, /*positional=*/options.empty()});
  for (const OptimizerOption &option : kCommonOptimizerOptions)
    options.push_back({option.name});
  // Keras 2's `lr`: Keras 3 refuses it too, but says nothing of the new name.
  bool ok = true;
  std::vector<ast::Arg> args;
  for (const ast::Arg &arg : expr.args) {
    if (arg.name == "lr") {
      diag.error(arg.nameLoc, name + ": 'lr' is Keras 2's name; write "
                                     "'learning_rate'");
      ok = false;
      continue;
    }
    args.push_back(arg);
  }
  llvm::SmallVector<const ast::Arg *> bound;
  ok &= bindArguments(diag, name, expr.loc, args, options,
                      kPlannedOptimizerOptions, bound);
  // Every kind's first option is learning_rate, which may be a schedule.
  if (bound[0] && bound[0]->value.kind == ast::Expr::Kind::Call) {
    ok &= checkSchedule(name, bound[0]->value);
    bound[0] = nullptr;
  }
  for (auto [i, option] : llvm::enumerate(kindOptions))
    ok &= readOption(name, bound[i], option, t.optimizerValues[i]);
  // With a schedule the optimizer's own rate is only the learning-rate
  // slot's value before the first step (docs/abi.md): the rate at step 0,
  // or while that is 0 (a warm-up from 0) the first positive one.
  if (ok && t.schedule) {
    const ScheduleSpec &sched = *t.schedule;
    double rate = sched.initialLearningRate;
    if (sched.kind == ScheduleSpec::Kind::PiecewiseConstantDecay) {
      rate = 0;
      for (double v : sched.values)
        if (rate == 0)
          rate = v;
    }
    if (rate == 0 && sched.warmupTarget)
      rate = *sched.warmupTarget;
    if (float(rate) == 0) {
      diag.error(scheduleLoc, name + ": the learning-rate schedule is 0 at "
                                     "every step");
      return false;
    }
    t.optimizerValues[0] = rate;
  }
  double *common[] = {&t.weightDecay, &t.clipnorm, &t.clipvalue,
                      &t.globalClipnorm};
  size_t base = kindOptions.size();
  for (auto [i, option] : llvm::enumerate(kCommonOptimizerOptions))
    ok &= readOption(name, bound[base + i], option, *common[i]);
  // Keras's optimizer base class: "Only one of `clipnorm`, `clipvalue` and
  // `global_clipnorm` can be set."
  const ast::Arg *firstClip = nullptr;
  for (size_t i = base + 1; i < bound.size(); ++i) {
    if (!bound[i])
      continue;
    if (!firstClip) {
      firstClip = bound[i];
      continue;
    }
    diag.error(argLoc(*bound[i]),
               name +
                   ": only one of 'clipnorm', 'clipvalue' and "
                   "'global_clipnorm' can be set, but '" +
                   firstClip->name + "' is set too");
    diag.note(argLoc(*firstClip), "'" + firstClip->name + "' set here");
    return false;
  }
  return ok;
}

bool TrainChecker::checkMetrics(const ast::Expr &expr) {
  llvm::SmallVector<const ast::Expr *> items;
  if (expr.kind == ast::Expr::Kind::List) {
    for (const ast::Arg &element : expr.args)
      items.push_back(&element.value);
  } else {
    items.push_back(&expr);
  }
  bool ok = true;
  llvm::StringMap<SMLoc> seen;
  for (const ast::Expr *item : items) {
    unsigned index;
    // Keras's `acc` is its accuracy.
    bool acc = (item->kind == ast::Expr::Kind::Ident ||
                item->kind == ast::Expr::Kind::String) &&
               item->text == "acc";
    if (!acc && !readChoice(diag, "metrics", "metrics", "metric", *item,
                            kMetrics, kPlannedMetrics, index)) {
      ok = false;
      continue;
    }
    std::string metric = acc ? std::string("accuracy") : item->text;
    // One column name each (Keras names the column as the metric is
    // spelled; dlc by its short name).
    if (metric == "mean_absolute_error")
      metric = "mae";
    else if (metric == "mean_squared_error")
      metric = "mse";
    if (metric == "mae" || metric == "mse")
      regressionMetricLoc = item->loc;
    auto [it, inserted] = seen.try_emplace(metric, item->loc);
    if (!inserted) {
      diag.error(item->loc, "duplicate metric '" + metric + "'");
      diag.note(it->second, "first listed here");
      ok = false;
      continue;
    }
    result.spec.metrics.push_back(metric);
  }
  return ok;
}

bool TrainChecker::checkCount(const ast::Arg &entry, int64_t max,
                              std::optional<int64_t> &out) {
  int64_t value;
  if (!readPositiveInt(diag, "train", entry.name, entry.value, value))
    return false;
  if (value > max) {
    diag.error(entry.value.loc, "train: '" + entry.name + "' must be at most " +
                                    std::to_string(max) + ", found " +
                                    describeValue(entry.value));
    return false;
  }
  out = value;
  return true;
}

bool TrainChecker::checkValidationSplit(const ast::Arg &entry) {
  double value;
  if (!readNumber(diag, "train", entry.name, entry.value, value))
    return false;
  if (!(value >= 0 && value < 1)) {
    diag.error(entry.value.loc, "train: 'validation_split' must be in [0, 1), "
                                "found " +
                                    describeValue(entry.value));
    return false;
  }
  result.spec.validationSplit = value;
  return true;
}

bool TrainChecker::checkCallbacks(const ast::Expr &expr) {
  llvm::SmallVector<const ast::Expr *> items;
  if (expr.kind == ast::Expr::Kind::List) {
    for (const ast::Arg &element : expr.args)
      items.push_back(&element.value);
  } else {
    items.push_back(&expr);
  }
  bool ok = true;
  for (const ast::Expr *item : items) {
    StringRef name;
    unsigned index;
    if (!nameOf(*item, name)) {
      diag.error(item->loc, "'callbacks' expects callbacks such as "
                            "'early_stopping(patience = 3)', found " +
                                describeValue(*item));
      ok = false;
      continue;
    }
    if (!lookupChoice(diag, "callback", name, item->loc, kCallbacks,
                      kPlannedCallbacks, index)) {
      ok = false;
      continue;
    }
    bool duplicate = index == 0 ? bool(result.spec.earlyStopping)
                                : bool(result.spec.reduceLROnPlateau);
    if (duplicate) {
      diag.error(item->loc, "duplicate callback '" + kCallbacks[index] + "'");
      ok = false;
      continue;
    }
    ok &=
        index == 0 ? checkEarlyStopping(*item) : checkReduceLROnPlateau(*item);
  }
  return ok;
}

bool TrainChecker::checkEarlyStopping(const ast::Expr &call) {
  EarlyStoppingSpec es;
  monitorLoc = call.loc;
  if (call.kind != ast::Expr::Kind::Call) {
    result.spec.earlyStopping = es;
    return true;
  }
  const OptionInfo options[] = {{"monitor"},
                                {"min_delta"},
                                {"patience"},
                                {"restore_best_weights"},
                                {"mode"}};
  const StringRef planned[] = {"verbose", "baseline", "start_from_epoch"};
  llvm::SmallVector<const ast::Arg *> bound;
  if (!bindArguments(diag, "early_stopping", call.loc, call.args, options,
                     planned, bound))
    return false;
  bool ok = true;
  if (const ast::Arg *a = bound[0]) {
    monitorLoc = a->value.loc;
    ok &= readMonitor("early_stopping", a->value, es.monitor);
  }
  if (const ast::Arg *a = bound[1]) {
    if (!readNumber(diag, "early_stopping", "min_delta", a->value,
                    es.minDelta)) {
      ok = false;
    } else if (!(es.minDelta >= 0 && std::isfinite(es.minDelta))) {
      diag.error(a->value.loc, "early_stopping: 'min_delta' must be a "
                               "finite number >= 0, found " +
                                   describeValue(a->value));
      ok = false;
    }
  }
  if (const ast::Arg *a = bound[2]) {
    double v;
    if (!readNumber(diag, "early_stopping", "patience", a->value, v)) {
      ok = false;
    } else if (!(v >= 0 && v <= double(kMaxEpochs) && v == std::floor(v))) {
      diag.error(a->value.loc, "early_stopping: 'patience' must be an "
                               "integer in [0, " +
                                   std::to_string(kMaxEpochs) + "], found " +
                                   describeValue(a->value));
      ok = false;
    } else {
      es.patience = int64_t(v);
    }
  }
  if (const ast::Arg *a = bound[3])
    ok &= readBool(diag, "early_stopping", "restore_best_weights", a->value,
                   es.restoreBestWeights);
  if (const ast::Arg *a = bound[4])
    ok &= readMode("early_stopping", a->value, es.mode);
  if (ok)
    result.spec.earlyStopping = es;
  return ok;
}

bool TrainChecker::readMonitor(StringRef owner, const ast::Expr &value,
                               std::string &out) {
  unsigned index;
  // Keras 2's history names, as `acc` among the metrics.
  bool isIdent = value.kind == ast::Expr::Kind::Ident ||
                 value.kind == ast::Expr::Kind::String;
  if (isIdent && (value.text == "acc" || value.text == "val_acc")) {
    out = value.text == "acc" ? "accuracy" : "val_accuracy";
    return true;
  }
  if (!readChoice(diag, owner, "monitor", "quantity", value, kMonitors, {},
                  index))
    return false;
  out = kMonitors[index].str();
  return true;
}

bool TrainChecker::readMode(StringRef owner, const ast::Expr &value,
                            MonitorMode &out) {
  std::optional<MonitorMode> mode;
  if (value.kind == ast::Expr::Kind::Ident ||
      value.kind == ast::Expr::Kind::String)
    mode = parseMonitorMode(value.text);
  // Keras warns and falls back to auto; a typo here would silently flip
  // what counts as an improvement, so it is an error.
  if (!mode) {
    diag.error(value.loc, owner + ": 'mode' must be min, max or auto, found " +
                              describeValue(value));
    return false;
  }
  out = *mode;
  return true;
}

bool TrainChecker::readNonNegative(StringRef owner, StringRef option,
                                   const ast::Expr &value, bool positive,
                                   double &out) {
  double v;
  if (!readNumber(diag, owner, option, value, v))
    return false;
  float single = float(v);
  if (!(std::isfinite(single) && (positive ? single > 0 : v >= 0))) {
    diag.error(value.loc, owner + ": '" + option + "' must be " +
                              (positive ? "greater than 0" : "at least 0") +
                              " and finite as a 32-bit float, found " +
                              describeValue(value));
    return false;
  }
  out = v;
  return true;
}

bool TrainChecker::readSteps(StringRef owner, StringRef option,
                             const ast::Expr &value, bool positive,
                             double &out) {
  double v;
  if (!readNumber(diag, owner, option, value, v))
    return false;
  // The step counter is an f32: it counts exactly up to 2^24.
  constexpr double kMaxSteps = double(1 << 24);
  if (!(v == std::floor(v) && v >= (positive ? 1 : 0) && v <= kMaxSteps)) {
    diag.error(value.loc, owner + ": '" + option + "' must be a whole number " +
                              "of steps in [" + (positive ? "1" : "0") +
                              ", 16777216], found " + describeValue(value));
    return false;
  }
  out = v;
  return true;
}

bool TrainChecker::checkSchedule(StringRef owner, const ast::Expr &call) {
  unsigned index;
  if (!lookupChoice(diag, "learning-rate schedule", call.text, call.loc,
                    kSchedules, kPlannedSchedules, index))
    return false;
  StringRef name = kSchedules[index];
  (void)owner;
  ScheduleSpec sched;
  sched.kind = ScheduleSpec::Kind(index);
  llvm::SmallVector<const ast::Arg *> bound;
  const StringRef planned[] = {"name"};
  bool ok = true;
  switch (sched.kind) {
  case ScheduleSpec::Kind::ExponentialDecay: {
    const OptionInfo options[] = {{"initial_learning_rate", true, true},
                                  {"decay_steps", true, true},
                                  {"decay_rate", true, true},
                                  {"staircase", true}};
    if (!bindArguments(diag, name, call.loc, call.args, options, planned,
                       bound))
      return false;
    ok &= readNonNegative(name, "initial_learning_rate", bound[0]->value, true,
                          sched.initialLearningRate);
    ok &=
        readSteps(name, "decay_steps", bound[1]->value, true, sched.decaySteps);
    ok &= readNonNegative(name, "decay_rate", bound[2]->value, true,
                          sched.decayRate);
    if (bound[3])
      ok &= readBool(diag, name, "staircase", bound[3]->value, sched.staircase);
    break;
  }
  case ScheduleSpec::Kind::PiecewiseConstantDecay: {
    const OptionInfo options[] = {{"boundaries", true, true},
                                  {"values", true, true}};
    if (!bindArguments(diag, name, call.loc, call.args, options, planned,
                       bound))
      return false;
    auto readList = [&](const ast::Arg &arg, StringRef option, bool steps,
                        std::vector<double> &out) {
      if (arg.value.kind != ast::Expr::Kind::List) {
        diag.error(arg.value.loc, name + ": '" + option +
                                      "' expects a list of numbers, found " +
                                      describeValue(arg.value));
        return false;
      }
      bool listOk = true;
      for (const ast::Arg &element : arg.value.args) {
        double v;
        listOk &= steps
                      ? readSteps(name, option, element.value, false, v)
                      : readNonNegative(name, option, element.value, false, v);
        out.push_back(v);
      }
      return listOk;
    };
    ok &= readList(*bound[0], "boundaries", true, sched.boundaries);
    ok &= readList(*bound[1], "values", false, sched.values);
    if (!ok)
      return false;
    for (size_t i = 1; i < sched.boundaries.size(); ++i)
      if (!(sched.boundaries[i - 1] < sched.boundaries[i])) {
        diag.error(bound[0]->value.args[i].value.loc,
                   name + ": 'boundaries' must increase, found " +
                       describeValue(bound[0]->value.args[i].value) +
                       " after " +
                       describeValue(bound[0]->value.args[i - 1].value));
        return false;
      }
    if (sched.values.size() != sched.boundaries.size() + 1) {
      diag.error(bound[1]->value.loc,
                 name +
                     ": 'values' must have one element more than "
                     "'boundaries' (" +
                     std::to_string(sched.boundaries.size() + 1) + "), found " +
                     std::to_string(sched.values.size()));
      return false;
    }
    break;
  }
  case ScheduleSpec::Kind::CosineDecay: {
    const OptionInfo options[] = {{"initial_learning_rate", true, true},
                                  {"decay_steps", true, true},
                                  {"alpha", true},
                                  {"warmup_target"},
                                  {"warmup_steps"}};
    if (!bindArguments(diag, name, call.loc, call.args, options, planned,
                       bound))
      return false;
    ok &= readNonNegative(name, "initial_learning_rate", bound[0]->value, false,
                          sched.initialLearningRate);
    ok &=
        readSteps(name, "decay_steps", bound[1]->value, true, sched.decaySteps);
    if (bound[2]) {
      if (readNonNegative(name, "alpha", bound[2]->value, false, sched.alpha) &&
          sched.alpha > 1) {
        diag.error(bound[2]->value.loc,
                   name +
                       ": 'alpha' (the final rate as a fraction of the "
                       "initial one) must be in [0, 1], found " +
                       describeValue(bound[2]->value));
        ok = false;
      }
    }
    if (const ast::Arg *a = bound[3]) {
      bool none = a->value.kind == ast::Expr::Kind::Ident &&
                  (a->value.text == "none" || a->value.text == "None");
      double target;
      if (!none) {
        if (readNonNegative(name, "warmup_target", a->value, false, target))
          sched.warmupTarget = target;
        else
          ok = false;
      }
    }
    if (bound[4])
      ok &= readSteps(name, "warmup_steps", bound[4]->value, false,
                      sched.warmupSteps);
    if (ok && sched.warmupTarget && sched.warmupSteps == 0 && bound[4]) {
      // Keras accepts it; the warm-up is then empty.
    }
    if (ok && !sched.warmupTarget && sched.initialLearningRate == 0) {
      diag.error(bound[0]->value.loc,
                 name + ": 'initial_learning_rate' is 0 and there is no "
                        "'warmup_target': the rate would stay 0");
      ok = false;
    }
    break;
  }
  }
  if (!ok)
    return false;
  scheduleLoc = call.loc;
  result.spec.schedule = sched;
  return true;
}

bool TrainChecker::checkReduceLROnPlateau(const ast::Expr &call) {
  ReduceLROnPlateauSpec r;
  reduceMonitorLoc = call.loc;
  if (call.kind != ast::Expr::Kind::Call) {
    result.spec.reduceLROnPlateau = r;
    return true;
  }
  StringRef name = "reduce_lr_on_plateau";
  const OptionInfo options[] = {{"monitor"},   {"factor"},   {"patience"},
                                {"min_delta"}, {"cooldown"}, {"min_lr"},
                                {"mode"}};
  const StringRef planned[] = {"verbose"};
  llvm::SmallVector<const ast::Arg *> bound;
  if (!bindArguments(diag, name, call.loc, call.args, options, planned, bound))
    return false;
  bool ok = true;
  if (const ast::Arg *a = bound[0]) {
    reduceMonitorLoc = a->value.loc;
    ok &= readMonitor(name, a->value, r.monitor);
  }
  if (const ast::Arg *a = bound[1]) {
    // Keras: "ReduceLROnPlateau does not support a factor >= 1.0".
    if (!readNumber(diag, name, "factor", a->value, r.factor)) {
      ok = false;
    } else if (!(r.factor > 0 && r.factor < 1)) {
      diag.error(a->value.loc, name + ": 'factor' must be in (0, 1), found " +
                                   describeValue(a->value));
      ok = false;
    }
  }
  auto readCount = [&](const ast::Arg *a, StringRef option, int64_t &out) {
    double v;
    if (!a)
      return true;
    if (!readNumber(diag, name, option, a->value, v))
      return false;
    if (!(v >= 0 && v <= double(kMaxEpochs) && v == std::floor(v))) {
      diag.error(a->value.loc, name + ": '" + option +
                                   "' must be an integer in [0, " +
                                   std::to_string(kMaxEpochs) + "], found " +
                                   describeValue(a->value));
      return false;
    }
    out = int64_t(v);
    return true;
  };
  ok &= readCount(bound[2], "patience", r.patience);
  if (bound[3])
    ok &=
        readNonNegative(name, "min_delta", bound[3]->value, false, r.minDelta);
  ok &= readCount(bound[4], "cooldown", r.cooldown);
  if (bound[5])
    ok &= readNonNegative(name, "min_lr", bound[5]->value, false, r.minLr);
  if (bound[6])
    ok &= readMode(name, bound[6]->value, r.mode);
  if (ok)
    result.spec.reduceLROnPlateau = r;
  return ok;
}

} // namespace

std::optional<CheckedTrain>
dlc::detail::checkTrainBlock(const ast::TrainBlock &block, DiagEngine &diag) {
  return TrainChecker(diag).check(block);
}

void dlc::detail::lintLossAgainstOutput(const CheckedTrain &train,
                                        const ModelSpec &spec,
                                        DiagEngine &diag) {
  const TrainSpec &t = train.spec;
  StringRef expected = t.loss->getFoldedActivation();
  if (expected.empty())
    return;
  const LayerSpec &out = spec.layers[spec.outputLayer];
  StringRef act = toString(out.activation);
  if (t.fromLogits && act == expected) {
    diag.warning(train.lossLoc, "'from_logits = true', but the output layer '" +
                                    out.name + "' already applies " + act +
                                    "; the loss would apply it twice");
  } else if (!t.fromLogits && act != expected) {
    // dlc computes cross-entropies from the logits before the output's
    // softmax/sigmoid (log-sum-exp), so that activation must be there.
    diag.error(train.lossLoc,
               t.loss->getName() + " expects probabilities from a " + expected +
                   " output layer, but the output layer '" + out.name +
                   "' has activation '" + act + "'; use " +
                   "'activation = " + expected + "' or 'from_logits = true'");
  }
}
