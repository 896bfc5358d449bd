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

#include <cassert>
#include <cmath>

using namespace dlc;
using namespace dlc::detail;
using llvm::SMLoc;
using llvm::StringRef;
using llvm::Twine;

namespace {

const StringRef kKeys[] = {"loss", "optimizer", "metrics"};
const StringRef kPlannedKeys[] = {"epochs",           "batch_size",
                                  "loss_weights",     "weighted_metrics",
                                  "validation_split", "shuffle"};

const StringRef kPlannedLosses[] = {"mean_absolute_error",
                                    "mean_absolute_percentage_error",
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

const StringRef kPlannedOptimizers[] = {"adamw",  "adagrad", "adadelta",
                                        "adamax", "nadam",   "ftrl",
                                        "lion",   "lamb",    "adafactor"};
const StringRef kPlannedOptimizerOptions[] = {"weight_decay",
                                              "clipnorm",
                                              "clipvalue",
                                              "global_clipnorm",
                                              "use_ema",
                                              "ema_momentum",
                                              "ema_overwrite_frequency",
                                              "loss_scale_factor",
                                              "gradient_accumulation_steps",
                                              "name",
                                              "amsgrad",
                                              "centered"};

const StringRef kMetrics[] = {"accuracy"};
const StringRef kPlannedMetrics[] = {"binary_accuracy",
                                     "categorical_accuracy",
                                     "sparse_categorical_accuracy",
                                     "top_k_categorical_accuracy",
                                     "sparse_top_k_categorical_accuracy",
                                     "precision",
                                     "recall",
                                     "auc",
                                     "f1_score",
                                     "mean_absolute_error"};

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
  /// Reads an optimizer option and checks its range.
  bool readOption(StringRef owner, const ast::Arg *arg,
                  const OptimizerOption &option, double &out);

  DiagEngine &diag;
  CheckedTrain result;
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
        hint = " (settings: loss, optimizer, metrics)";
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
    else
      ok &= checkMetrics(entry.value);
  }
  if (!seen.count("loss")) {
    diag.error(block.loc, "the train block has no loss; add e.g. 'loss = "
                          "sparse_categorical_crossentropy;'");
    ok = false;
  }
  // No optimizer setting: adam with its defaults (docs/language.md), as
  // Keras's compile() takes a default optimizer. Without it MLIRGen had none.
  if (ok && !seen.count("optimizer")) {
    TrainSpec &t = result.spec;
    t.optimizer = lookupOptimizerKind("adam");
    assert(t.optimizer && "adam is a registered optimizer");
    t.optimizerValues.clear();
    for (const OptimizerOption &option : t.optimizer->getOptions())
      t.optimizerValues.push_back(option.defaultValue);
  }
  if (!ok)
    return std::nullopt;
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
  auto inRange = [&](double v) {
    return positive ? v > 0 && std::isfinite(v) : v >= 0 && v < 1;
  };
  const char *range = positive ? "greater than 0" : "in [0, 1)";
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
  if (expr.kind != ast::Expr::Kind::Call)
    return true;

  // learning_rate may be passed by position, as in Keras.
  llvm::SmallVector<OptionInfo> options;
  for (const OptimizerOption &option : kindOptions)
    options.push_back({option.name, /*positional=*/options.empty()});
  llvm::SmallVector<const ast::Arg *> bound;
  bool ok = bindArguments(diag, name, expr.loc, expr.args, options,
                          kPlannedOptimizerOptions, bound);
  for (auto [i, option] : llvm::enumerate(kindOptions))
    ok &= readOption(name, bound[i], option, t.optimizerValues[i]);
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
    if (!readChoice(diag, "metrics", "metrics", "metric", *item, kMetrics,
                    kPlannedMetrics, index)) {
      ok = false;
      continue;
    }
    auto [it, inserted] = seen.try_emplace(item->text, item->loc);
    if (!inserted) {
      diag.error(item->loc, "duplicate metric '" + item->text + "'");
      diag.note(it->second, "first listed here");
      ok = false;
      continue;
    }
    result.spec.metrics.push_back(item->text);
  }
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
