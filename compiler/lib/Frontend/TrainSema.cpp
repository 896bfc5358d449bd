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

const StringRef kKeys[] = {"loss", "optimizer", "metrics"};
const StringRef kPlannedKeys[] = {"epochs",           "batch_size",
                                  "loss_weights",     "weighted_metrics",
                                  "validation_split", "shuffle"};

const StringRef kLosses[] = {"mean_squared_error",
                             "sparse_categorical_crossentropy",
                             "categorical_crossentropy", "binary_crossentropy"};
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

const StringRef kOptimizers[] = {"sgd", "adam", "rmsprop"};
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

class TrainChecker {
public:
  explicit TrainChecker(DiagEngine &diag) : diag(diag) {}
  std::optional<CheckedTrain> check(const ast::TrainBlock &block);

private:
  bool checkLoss(const ast::Expr &expr);
  bool checkOptimizer(const ast::Expr &expr);
  bool checkMetrics(const ast::Expr &expr);
  /// Reads a number option and checks lo <(=) value < hi.
  bool readRange(StringRef owner, const ast::Arg *arg, StringRef option,
                 double &out, double lo, bool loInclusive, double hi);

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
  unsigned index;
  if (!lookupChoice(diag, "loss", name, expr.loc, kLosses, kPlannedLosses,
                    index))
    return false;
  result.spec.loss = name.str();
  result.lossLoc = expr.loc;
  if (expr.kind != ast::Expr::Kind::Call)
    return true;

  bool crossentropy = name.ends_with("crossentropy");
  static const OptionInfo ceOptions[] = {{"from_logits", /*positional=*/true}};
  static const StringRef cePlanned[] = {
      "label_smoothing", "axis", "ignore_class", "reduction", "name", "dtype"};
  static const StringRef msePlanned[] = {"reduction", "name", "dtype"};
  llvm::SmallVector<const ast::Arg *> bound;
  llvm::ArrayRef<OptionInfo> options;
  bool ok = true;
  std::vector<ast::Arg> args;
  for (const ast::Arg &arg : expr.args) {
    if (!crossentropy && arg.name == "from_logits") {
      diag.error(arg.nameLoc, name + ": 'from_logits' applies only to the "
                                     "crossentropy losses");
      ok = false;
      continue;
    }
    args.push_back(arg);
  }
  if (crossentropy)
    options = ceOptions;
  ok &= bindArguments(
      diag, name, expr.loc, args, options,
      crossentropy ? llvm::ArrayRef<StringRef>(cePlanned) : msePlanned, bound);
  if (crossentropy && bound[0])
    ok &= readBool(diag, name, "from_logits", bound[0]->value,
                   result.spec.fromLogits);
  return ok;
}

bool TrainChecker::readRange(StringRef owner, const ast::Arg *arg,
                             StringRef option, double &out, double lo,
                             bool loInclusive, double hi) {
  if (!arg)
    return true;
  double value;
  if (!readNumber(diag, owner, option, arg->value, value))
    return false;
  bool aboveLo = loInclusive ? value >= lo : value > lo;
  if (aboveLo && value < hi) {
    out = value;
    return true;
  }
  std::string range;
  if (hi == HUGE_VAL)
    range = loInclusive ? "at least 0" : "greater than 0";
  else
    range = loInclusive ? "in [0, 1)" : "in (0, 1)";
  diag.error(arg->value.loc, owner + ": '" + option + "' must be " + range +
                                 ", found " + describeValue(arg->value));
  return false;
}

bool TrainChecker::checkOptimizer(const ast::Expr &expr) {
  StringRef name;
  if (!nameOf(expr, name)) {
    diag.error(expr.loc, "'optimizer' expects an optimizer such as 'adam', "
                         "found " +
                             describeValue(expr));
    return false;
  }
  unsigned index;
  if (!lookupChoice(diag, "optimizer", name, expr.loc, kOptimizers,
                    kPlannedOptimizers, index))
    return false;

  TrainSpec &t = result.spec;
  t.optimizer = name.str();
  // Keras defaults.
  t.learningRate = name == "sgd" ? 0.01 : 0.001;
  t.momentum = 0.0;
  t.nesterov = false;
  t.beta1 = 0.9;
  t.beta2 = 0.999;
  t.epsilon = 1e-7;
  t.rho = 0.9;
  if (expr.kind != ast::Expr::Kind::Call)
    return true;

  enum { LR, A, B, C };
  static const OptionInfo sgdOptions[] = {
      {"learning_rate", true}, {"momentum"}, {"nesterov"}};
  static const OptionInfo adamOptions[] = {
      {"learning_rate", true}, {"beta_1"}, {"beta_2"}, {"epsilon"}};
  static const OptionInfo rmspropOptions[] = {
      {"learning_rate", true}, {"rho"}, {"momentum"}, {"epsilon"}};
  llvm::ArrayRef<OptionInfo> options = rmspropOptions;
  if (name == "sgd")
    options = sgdOptions;
  else if (name == "adam")
    options = adamOptions;
  llvm::SmallVector<const ast::Arg *> bound;
  bool ok = bindArguments(diag, name, expr.loc, expr.args, options,
                          kPlannedOptimizerOptions, bound);
  ok &= readRange(name, bound[LR], "learning_rate", t.learningRate, 0, false,
                  HUGE_VAL);
  if (name == "sgd") {
    ok &= readRange(name, bound[A], "momentum", t.momentum, 0, true, 1);
    if (bound[B])
      ok &= readBool(diag, name, "nesterov", bound[B]->value, t.nesterov);
  } else if (name == "adam") {
    ok &= readRange(name, bound[A], "beta_1", t.beta1, 0, true, 1);
    ok &= readRange(name, bound[B], "beta_2", t.beta2, 0, true, 1);
    ok &= readRange(name, bound[C], "epsilon", t.epsilon, 0, false, HUGE_VAL);
  } else {
    ok &= readRange(name, bound[A], "rho", t.rho, 0, true, 1);
    ok &= readRange(name, bound[B], "momentum", t.momentum, 0, true, 1);
    ok &= readRange(name, bound[C], "epsilon", t.epsilon, 0, false, HUGE_VAL);
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
  const LayerSpec &out = spec.layers[spec.outputLayer];
  Activation act =
      out.kind == LayerSpec::Kind::Dense ? out.activation : Activation::Linear;
  Activation expected;
  if (t.loss == "sparse_categorical_crossentropy" ||
      t.loss == "categorical_crossentropy")
    expected = Activation::Softmax;
  else if (t.loss == "binary_crossentropy")
    expected = Activation::Sigmoid;
  else
    return;
  if (t.fromLogits && act == expected) {
    diag.warning(train.lossLoc, "'from_logits = true', but the output layer '" +
                                    out.name + "' already applies " +
                                    toString(act) +
                                    "; the loss would apply it twice");
  } else if (!t.fromLogits && act != expected) {
    // dlc computes cross-entropies from the logits before the output's
    // softmax/sigmoid (log-sum-exp), so that activation must be there.
    diag.error(train.lossLoc,
               Twine(t.loss) + " expects probabilities from a " +
                   toString(expected) + " output layer, but the output "
                   "layer '" + out.name + "' has activation '" +
                   toString(act) + "'; use 'activation = " +
                   toString(expected) + "' or 'from_logits = true'");
  }
}
