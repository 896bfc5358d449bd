//===- LayerChecker.cpp - the common layer options ------------------------===//

#include "LayerChecker.h"

#include "llvm/Support/MathExtras.h"

#include <cmath>

using namespace dlc;
using namespace dlc::detail;
using llvm::StringRef;
using llvm::Twine;

namespace {

// In the order of the Activation enum, then aliases (kActivationAliases).
const StringRef kActivations[] = {
    "linear",   "relu",        "sigmoid",      "tanh",
    "softmax",  "relu6",       "leaky_relu",   "elu",
    "softplus", "softsign",    "hard_sigmoid", "silu",
    "gelu",     "exponential", "log_softmax",  "swish"};
// What the names after the enum's stand for.
const Activation kActivationAliases[] = {Activation::Silu};
const StringRef kPlannedActivations[] = {"selu",        "mish",     "hard_silu",
                                         "hard_swish",  "celu",     "glu",
                                         "tanh_shrink", "sparsemax"};

// In the order of the Initializer enum.
const StringRef kInitializers[] = {
    "zeros",      "ones",      "glorot_uniform", "glorot_normal",
    "he_uniform", "he_normal", "orthogonal"};
const StringRef kPlannedInitializers[] = {
    "random_normal", "random_uniform", "truncated_normal", "lecun_normal",
    "lecun_uniform", "identity",       "constant",         "variance_scaling"};

// Keras 3's regularizer names (keras.regularizers.get), in the order
// readRegularizer switches over.
const StringRef kRegularizers[] = {"l1", "l2", "l1_l2"};
const StringRef kPlannedRegularizers[] = {"orthogonal_regularizer"};

} // namespace

llvm::ArrayRef<StringRef> dlc::detail::activationNames() {
  return kActivations;
}
llvm::ArrayRef<StringRef> dlc::detail::initializerNames() {
  return kInitializers;
}

bool LayerChecker::readName(const ast::Arg *arg) {
  if (!arg)
    return true;
  explicitNameLoc = arg->value.loc;
  return readString(diag, stmt.layer, "name", arg->value, explicitName);
}

bool LayerChecker::readTrainable(const ast::Arg *arg, LayerSpec &layer) {
  return !arg ||
         readBool(diag, stmt.layer, "trainable", arg->value, layer.trainable);
}

bool LayerChecker::readActivation(const ast::Arg *arg, LayerSpec &layer,
                                  StringRef option) {
  if (!arg)
    return true;
  activationLoc = arg->value.loc;
  unsigned choice;
  if (!readChoice(diag, stmt.layer, option, "activation", arg->value,
                  kActivations, kPlannedActivations, choice))
    return false;
  setActivation(choice, layer);
  return true;
}

void LayerChecker::setActivation(unsigned choice, LayerSpec &layer) {
  constexpr unsigned kEnumSize = unsigned(Activation::LogSoftmax) + 1;
  layer.activation = choice < kEnumSize
                         ? static_cast<Activation>(choice)
                         : kActivationAliases[choice - kEnumSize];
  // Keras's defaults for the activation functions (keras.activations).
  if (layer.activation == Activation::LeakyRelu)
    layer.activationAlpha = 0.2;
  else if (layer.activation == Activation::Elu)
    layer.activationAlpha = 1.0;
}

bool LayerChecker::checkActivationRank(const LayerSpec &layer) {
  // Both reduce over the last dimension, which the ops do for [batch, n].
  if (layer.activation != Activation::Softmax &&
      layer.activation != Activation::LogSoftmax)
    return true;
  if (layer.outShape.size() == 1)
    return true;
  diag.error(activationLoc.isValid() ? activationLoc : stmt.layerLoc,
             stmt.layer + ": activation '" + toString(layer.activation) +
                 "' expects a per-sample vector, found per-sample shape " +
                 formatShape(layer.outShape) + "; flatten it first");
  return false;
}

bool LayerChecker::readInitializer(const ast::Arg *arg, StringRef option,
                                   Initializer &out) {
  if (!arg)
    return true;
  unsigned choice;
  if (!readChoice(diag, stmt.layer, option, "initializer", arg->value,
                  kInitializers, kPlannedInitializers, choice))
    return false;
  out = static_cast<Initializer>(choice);
  return true;
}

bool LayerChecker::readRegularizer(const ast::Arg *arg, StringRef option,
                                   Regularizer &out) {
  if (!arg)
    return true;
  const ast::Expr &expr = arg->value;
  if (expr.kind != ast::Expr::Kind::Ident &&
      expr.kind != ast::Expr::Kind::String &&
      expr.kind != ast::Expr::Kind::Call) {
    diag.error(expr.loc, stmt.layer + ": '" + option +
                             "' expects a regularizer such as l2(0.01), "
                             "found " +
                             describeValue(expr));
    return false;
  }
  StringRef name = expr.text;
  unsigned choice;
  if (!lookupChoice(diag, "regularizer", name, expr.loc, kRegularizers,
                    kPlannedRegularizers, choice))
    return false;
  // Keras 3's defaults: L1(l1=0.01), L2(l2=0.01), L1L2(l1=0.0, l2=0.0).
  double values[2] = {choice == 0 ? 0.01 : 0.0, choice == 1 ? 0.01 : 0.0};
  if (expr.kind == ast::Expr::Kind::Call) {
    static const OptionInfo l1Options[] = {{"l1", /*positional=*/true}};
    static const OptionInfo l2Options[] = {{"l2", /*positional=*/true}};
    static const OptionInfo l1l2Options[] = {{"l1", /*positional=*/true},
                                             {"l2", /*positional=*/true}};
    llvm::ArrayRef<OptionInfo> options = l1l2Options;
    if (choice == 0)
      options = l1Options;
    else if (choice == 1)
      options = l2Options;
    llvm::SmallVector<const ast::Arg *> bound;
    if (!bindArguments(diag, name, expr.loc, expr.args, options, {}, bound))
      return false;
    for (auto [i, info] : llvm::enumerate(options)) {
      if (!bound[i])
        continue;
      double v;
      if (!readNumber(diag, name, info.name, bound[i]->value, v))
        return false;
      if (!(v >= 0) || !std::isfinite(v)) {
        diag.error(bound[i]->value.loc,
                   name + ": '" + info.name +
                       "' must be a non-negative number, found " +
                       describeValue(bound[i]->value));
        return false;
      }
      // l1(..) sets the first factor, l2(..) the second.
      values[choice == 1 ? 1 : i] = v;
    }
  }
  out.l1 = values[0];
  out.l2 = values[1];
  return true;
}

bool LayerChecker::readSizePair(const ast::Arg *arg, StringRef option,
                                int64_t (&out)[2]) {
  if (!arg)
    return true;
  const ast::Expr &expr = arg->value;
  if (expr.kind == ast::Expr::Kind::Int) {
    if (!readPositiveInt(diag, stmt.layer, option, expr, out[0]))
      return false;
    out[1] = out[0];
    return true;
  }
  if (expr.kind != ast::Expr::Kind::List || expr.args.size() != 2 ||
      !llvm::all_of(expr.args, [](const ast::Arg &a) {
        return a.value.kind == ast::Expr::Kind::Int;
      })) {
    diag.error(expr.loc, stmt.layer + ": '" + option +
                             "' expects a positive integer or a pair [a, b] "
                             "of them, found " +
                             describeValue(expr));
    return false;
  }
  return readPositiveInt(diag, stmt.layer, option, expr.args[0].value,
                         out[0]) &&
         readPositiveInt(diag, stmt.layer, option, expr.args[1].value, out[1]);
}

bool dlc::detail::checkTensorSize(DiagEngine &diag,
                                  llvm::ArrayRef<int64_t> shape,
                                  llvm::SMLoc loc, const Twine &what) {
  int64_t count = 1;
  bool overflow = false;
  for (int64_t d : shape) {
    if (llvm::MulOverflow(count, d, count)) {
      overflow = true;
      break;
    }
  }
  if (!overflow && count <= kMaxElements)
    return true;
  diag.error(loc, what + " is too large: " + formatShape(shape) + " has " +
                      (overflow ? std::string("more than 9223372036854775807")
                                : std::to_string(count)) +
                      " elements (the limit is " + Twine(kMaxElements) + ")");
  return false;
}
