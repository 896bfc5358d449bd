//===- Sema.cpp - checking a parsed model ---------------------------------===//
//
// Turns an ast::Model into a ModelSpec: checks the input, binds every layer's
// arguments, follows the values from layer to layer inferring per-sample
// shapes, names layers Keras style (dense, dense_1, ...) and lays the
// parameters out in one flat buffer. Independent errors are all reported; a
// layer that failed "poisons" its value so its users stay quiet.
//
//===----------------------------------------------------------------------===//

#include "Sema.h"
#include "Arguments.h"
#include "Diagnostics.h"

#include "dl/Frontend/Frontend.h"
#include "dl/Frontend/Lexer.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/SourceMgr.h"

using namespace dlc;
using namespace dlc::detail;
using llvm::SMLoc;
using llvm::StringRef;
using llvm::Twine;

namespace {

//===--- Vocabulary -------------------------------------------------------===//

// Supported lists are in the order of the corresponding enum.
const StringRef kActivations[] = {"linear", "relu", "sigmoid", "tanh",
                                  "softmax"};
const StringRef kPlannedActivations[] = {
    "elu",         "selu",     "gelu",       "silu",  "swish",
    "softplus",    "softsign", "leaky_relu", "relu6", "hard_sigmoid",
    "exponential", "mish",     "log_softmax"};

const StringRef kInitializers[] = {"zeros",          "ones",
                                   "glorot_uniform", "glorot_normal",
                                   "he_uniform",     "he_normal"};
const StringRef kPlannedInitializers[] = {
    "random_normal", "random_uniform", "truncated_normal",
    "lecun_normal",  "lecun_uniform",  "orthogonal",
    "identity",      "constant",       "variance_scaling"};

const StringRef kLayers[] = {"dense", "flatten"};
const StringRef kPlannedLayers[] = {
    "conv1d",
    "conv2d",
    "conv3d",
    "conv2d_transpose",
    "depthwise_conv2d",
    "separable_conv2d",
    "max_pooling1d",
    "max_pooling2d",
    "average_pooling1d",
    "average_pooling2d",
    "global_max_pooling2d",
    "global_average_pooling2d",
    "simple_rnn",
    "lstm",
    "gru",
    "embedding",
    "dropout",
    "batch_normalization",
    "layer_normalization",
    "add",
    "concat",
    "multiply",
    "reshape",
    "activation",
};

const StringRef kDTypes[] = {"f32"};
const StringRef kPlannedDTypes[] = {"f16", "bf16", "f64", "i8",
                                    "i16", "i32",  "i64", "bool"};

/// The value of a layer that failed to check.
constexpr int kPoisoned = -1;

bool isIdentifier(StringRef name) {
  if (name.empty() || !(llvm::isAlpha(name[0]) || name[0] == '_'))
    return false;
  return llvm::all_of(name,
                      [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

const char *kindName(LayerSpec::Kind kind) {
  switch (kind) {
  case LayerSpec::Kind::Input:
    return "input";
  case LayerSpec::Kind::Flatten:
    return "flatten";
  case LayerSpec::Kind::Dense:
    return "dense";
  }
  return "layer";
}

class ModelChecker {
public:
  ModelChecker(const ast::Model &model, llvm::SourceMgr &srcMgr)
      : model(model), diag(srcMgr) {}

  std::optional<ModelSpec> check();

private:
  int checkInput();
  int checkLayer(const ast::LayerStmt &stmt, int previous);
  int resolveInputs(const ast::LayerStmt &stmt, int previous, bool oneInput);
  int checkFlatten(const ast::LayerStmt &stmt, int input);
  int checkDense(const ast::LayerStmt &stmt, int input);
  bool checkSize(llvm::ArrayRef<int64_t> shape, SMLoc loc, const Twine &what);
  void defineResult(const ast::LayerStmt &stmt, int layer);
  void defineValue(StringRef name, int layer, SMLoc loc);
  int addLayer(LayerSpec layer, std::string explicitName, SMLoc nameLoc);
  void addParam(int layer, const char *suffix, Shape shape, Initializer init,
                bool trainable);
  void resolveOutput(int last);
  void assignLayerNames();
  void layoutParams();
  void warnUnusedLayers();

  const ast::Model &model;
  DiagEngine diag;
  ModelSpec spec;

  struct Value {
    int layer; ///< Index into spec.layers, or kPoisoned.
    SMLoc loc; ///< Where the name was defined.
  };
  llvm::StringMap<Value> values;
  /// The keys of `values` in definition order, for deterministic suggestions.
  std::vector<StringRef> valueNames;
  /// Every named result and where it is first defined, to tell "used before
  /// its definition" from "undefined".
  llvm::StringMap<SMLoc> allResults;

  /// Per layer: the user's name= (empty for an automatic name) and its loc.
  std::vector<std::string> explicitNames;
  std::vector<SMLoc> explicitNameLocs;
  /// Per parameter: "kernel" or "bias", for naming once layers have names.
  std::vector<std::pair<int, const char *>> paramOwners;
};

bool ModelChecker::checkSize(llvm::ArrayRef<int64_t> shape, SMLoc loc,
                             const Twine &what) {
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

int ModelChecker::addLayer(LayerSpec layer, std::string explicitName,
                           SMLoc nameLoc) {
  spec.layers.push_back(std::move(layer));
  explicitNames.push_back(std::move(explicitName));
  explicitNameLocs.push_back(nameLoc);
  return static_cast<int>(spec.layers.size()) - 1;
}

void ModelChecker::addParam(int layer, const char *suffix, Shape shape,
                            Initializer init, bool trainable) {
  ParamSpec param;
  param.shape = std::move(shape);
  param.init = init;
  param.trainable = trainable;
  spec.layers[layer].params.push_back(static_cast<int>(spec.params.size()));
  spec.params.push_back(std::move(param));
  paramOwners.emplace_back(layer, suffix);
}

int ModelChecker::checkInput() {
  if (model.inputs.empty()) {
    diag.error(model.nameLoc, "model '" + model.name +
                                  "' has no input; add e.g. 'input x: f32[28, "
                                  "28];'");
    return kPoisoned;
  }
  for (size_t i = 1; i < model.inputs.size(); ++i) {
    diag.error(model.inputs[i].loc,
               "a model with more than one input is not supported yet");
    diag.note(model.inputs[0].loc, "the first input is here");
  }

  const ast::InputDecl &decl = model.inputs.front();
  bool ok = true;
  unsigned index;
  if (!lookupChoice(diag, "element type", decl.dtype, decl.dtypeLoc, kDTypes,
                    kPlannedDTypes, index))
    ok = false;
  if (decl.dims.empty()) {
    diag.error(decl.loc, "an input needs at least one dimension");
    ok = false;
  }
  for (size_t i = 0; i < decl.dims.size(); ++i) {
    int64_t d = decl.dims[i];
    SMLoc loc = i < decl.dimLocs.size() ? decl.dimLocs[i] : decl.loc;
    if (d == -1) {
      diag.error(loc, "variable-length dimension '?' is not supported yet");
      ok = false;
    } else if (d < 1) {
      diag.error(loc,
                 "a dimension must be a positive integer, found " + Twine(d));
      ok = false;
    } else if (d > kMaxElements) {
      diag.error(loc, "dimension " + Twine(d) + " is too large (the limit is " +
                          Twine(kMaxElements) + ")");
      ok = false;
    }
  }
  if (ok && !checkSize(decl.dims, decl.loc, "input '" + decl.name + "'"))
    ok = false;

  LayerSpec layer;
  layer.kind = LayerSpec::Kind::Input;
  layer.loc = decl.loc;
  layer.outShape = decl.dims;
  int index0 = addLayer(std::move(layer), decl.name, decl.loc);
  spec.inputLayer = index0;
  int result = ok ? index0 : kPoisoned;
  defineValue(decl.name, result, decl.loc);
  return result;
}

int ModelChecker::resolveInputs(const ast::LayerStmt &stmt, int previous,
                                bool oneInput) {
  if (!stmt.hasInputList)
    return previous;
  int result = kPoisoned;
  for (size_t i = 0; i < stmt.inputs.size(); ++i) {
    const auto &[name, loc] = stmt.inputs[i];
    auto it = values.find(name);
    if (it != values.end()) {
      if (i == 0)
        result = it->second.layer;
      continue;
    }
    if (diag.saturated()) {
      diag.error(loc, "undefined value");
      continue;
    }
    auto later = allResults.find(name);
    if (later != allResults.end()) {
      diag.error(loc, "value '" + name + "' is used before it is defined");
      diag.note(later->second, "'" + name + "' is defined here");
      continue;
    }
    diag.error(loc,
               "undefined value '" + name + "'" + didYouMean(name, valueNames));
  }
  if (oneInput && stmt.inputs.size() > 1) {
    diag.error(stmt.inputs[1].second, stmt.layer +
                                          " takes exactly one input, found " +
                                          Twine(stmt.inputs.size()));
    return kPoisoned;
  }
  return result;
}

int ModelChecker::checkLayer(const ast::LayerStmt &stmt, int previous) {
  StringRef kind = stmt.layer;
  bool supported = llvm::is_contained(kLayers, kind);
  int input = resolveInputs(stmt, previous, supported);
  int result = kPoisoned;
  if (kind == "dense") {
    result = checkDense(stmt, input);
  } else if (kind == "flatten") {
    result = checkFlatten(stmt, input);
  } else if (llvm::is_contained(kPlannedLayers, kind)) {
    diag.error(stmt.layerLoc, "layer '" + kind + "' is not supported yet");
  } else {
    llvm::SmallVector<StringRef> candidates(std::begin(kLayers),
                                            std::end(kLayers));
    candidates.append(std::begin(kPlannedLayers), std::end(kPlannedLayers));
    std::string hint = didYouMean(kind, candidates);
    if (hint.empty())
      hint = " (supported: dense, flatten)";
    diag.error(stmt.layerLoc,
               "unknown layer '" + escapeForMessage(kind) + "'" + hint);
  }
  defineResult(stmt, result);
  return result;
}

void ModelChecker::defineResult(const ast::LayerStmt &stmt, int layer) {
  if (stmt.result.empty())
    return;
  auto it = values.find(stmt.result);
  if (it == values.end()) {
    defineValue(stmt.result, layer, stmt.loc);
    return;
  }
  diag.error(stmt.loc, "duplicate value name '" + stmt.result + "'");
  diag.note(it->second.loc, "'" + stmt.result + "' is first defined here");
}

void ModelChecker::defineValue(StringRef name, int layer, SMLoc loc) {
  auto [it, inserted] = values.try_emplace(name, Value{layer, loc});
  if (inserted)
    valueNames.push_back(it->getKey());
}

int ModelChecker::checkFlatten(const ast::LayerStmt &stmt, int input) {
  static const OptionInfo options[] = {{"name"}, {"trainable"}};
  static const StringRef notYet[] = {"data_format", "dtype"};

  // `flatten(x)` most likely means `flatten()(x)`: the first group configures
  // the layer, the second lists its inputs.
  std::vector<ast::Arg> keywordArgs;
  bool ok = true;
  for (const ast::Arg &arg : stmt.args) {
    if (!arg.name.empty()) {
      keywordArgs.push_back(arg);
      continue;
    }
    if (ok) {
      std::string hint;
      if (arg.value.kind == ast::Expr::Kind::Ident && !stmt.hasInputList)
        hint = "; to give flatten an input, write 'flatten()(" +
               arg.value.text + ")'";
      diag.error(arg.value.loc, "flatten takes no positional arguments" + hint);
    }
    ok = false;
  }
  llvm::SmallVector<const ast::Arg *> bound;
  ok &= bindArguments(diag, "flatten", stmt.layerLoc, keywordArgs, options,
                      notYet, bound);
  std::string name;
  SMLoc nameLoc;
  bool trainable = true;
  if (bound[0]) {
    ok &= readString(diag, "flatten", "name", bound[0]->value, name);
    nameLoc = bound[0]->value.loc;
  }
  if (bound[1])
    ok &= readBool(diag, "flatten", "trainable", bound[1]->value, trainable);
  if (!ok || input == kPoisoned)
    return kPoisoned;

  int64_t count = 1;
  for (int64_t d : spec.layers[input].outShape)
    count *= d; // Cannot overflow: every tensor was checked against the limit.
  LayerSpec layer;
  layer.kind = LayerSpec::Kind::Flatten;
  layer.loc = stmt.layerLoc;
  layer.inputs = {input};
  layer.outShape = {count};
  layer.trainable = trainable;
  return addLayer(std::move(layer), std::move(name), nameLoc);
}

int ModelChecker::checkDense(const ast::LayerStmt &stmt, int input) {
  enum { Units, Act, UseBias, KernelInit, BiasInit, Name, Trainable };
  static const OptionInfo options[] = {
      {"units", /*positional=*/true, /*required=*/true},
      {"activation", /*positional=*/true},
      {"use_bias"},
      {"kernel_initializer"},
      {"bias_initializer"},
      {"name"},
      {"trainable"},
  };
  static const StringRef notYet[] = {
      "kernel_regularizer",   "bias_regularizer",
      "activity_regularizer", "kernel_constraint",
      "bias_constraint",      "lora_rank",
      "lora_alpha",           "dtype",
      "input_shape",          "input_dim"};

  llvm::SmallVector<const ast::Arg *> bound;
  bool ok = bindArguments(diag, "dense", stmt.layerLoc, stmt.args, options,
                          notYet, bound);
  LayerSpec layer;
  layer.kind = LayerSpec::Kind::Dense;
  layer.loc = stmt.layerLoc;
  Initializer kernelInit = Initializer::GlorotUniform;
  Initializer biasInit = Initializer::Zeros;
  std::string name;
  SMLoc nameLoc;
  unsigned choice;
  if (bound[Units])
    ok &= readPositiveInt(diag, "dense", "units", bound[Units]->value,
                          layer.units);
  if (bound[Act]) {
    if (readChoice(diag, "dense", "activation", "activation", bound[Act]->value,
                   kActivations, kPlannedActivations, choice))
      layer.activation = static_cast<Activation>(choice);
    else
      ok = false;
  }
  if (bound[UseBias])
    ok &= readBool(diag, "dense", "use_bias", bound[UseBias]->value,
                   layer.useBias);
  if (bound[KernelInit]) {
    if (readChoice(diag, "dense", "kernel_initializer", "initializer",
                   bound[KernelInit]->value, kInitializers,
                   kPlannedInitializers, choice))
      kernelInit = static_cast<Initializer>(choice);
    else
      ok = false;
  }
  if (bound[BiasInit]) {
    if (readChoice(diag, "dense", "bias_initializer", "initializer",
                   bound[BiasInit]->value, kInitializers, kPlannedInitializers,
                   choice))
      biasInit = static_cast<Initializer>(choice);
    else
      ok = false;
  }
  if (bound[Name]) {
    ok &= readString(diag, "dense", "name", bound[Name]->value, name);
    nameLoc = bound[Name]->value.loc;
  }
  if (bound[Trainable])
    ok &= readBool(diag, "dense", "trainable", bound[Trainable]->value,
                   layer.trainable);
  if (!ok || input == kPoisoned)
    return kPoisoned;

  const Shape &inShape = spec.layers[input].outShape;
  if (inShape.size() != 1) {
    std::string hint = stmt.hasInputList
                           ? "; flatten it first, e.g. 'f = flatten()(" +
                                 stmt.inputs.front().first + ");'"
                           : std::string("; add 'flatten;' before it");
    diag.error(stmt.layerLoc,
               "dense expects a rank-1 input per sample (f32[n]), but its "
               "input has shape " +
                   formatShape(inShape) + hint);
    return kPoisoned;
  }
  Shape kernelShape = {inShape[0], layer.units};
  if (!checkSize(kernelShape, stmt.layerLoc, "dense: the kernel"))
    return kPoisoned;

  layer.inputs = {input};
  layer.outShape = {layer.units};
  bool useBias = layer.useBias, trainable = layer.trainable;
  int64_t units = layer.units;
  int index = addLayer(std::move(layer), std::move(name), nameLoc);
  addParam(index, "kernel", std::move(kernelShape), kernelInit, trainable);
  if (useBias)
    addParam(index, "bias", {units}, biasInit, trainable);
  return index;
}

void ModelChecker::resolveOutput(int last) {
  if (!model.output) {
    spec.outputLayer = last == kPoisoned ? 0 : last;
    return;
  }
  const ast::OutputDecl &decl = *model.output;
  SMLoc loc = decl.nameLoc.isValid() ? decl.nameLoc : decl.loc;
  auto it = values.find(decl.name);
  if (it == values.end()) {
    diag.error(loc, "undefined value '" + decl.name + "'" +
                        didYouMean(decl.name, valueNames));
    return;
  }
  if (it->second.layer != kPoisoned)
    spec.outputLayer = it->second.layer;
}

void ModelChecker::assignLayerNames() {
  llvm::StringMap<int> taken;
  for (size_t i = 0; i < spec.layers.size(); ++i) {
    const std::string &name = explicitNames[i];
    if (name.empty())
      continue;
    // The input's name was checked by the lexer; a name= string is not.
    if (!isIdentifier(name)) {
      diag.error(explicitNameLocs[i],
                 "layer name '" + escapeForMessage(name) +
                     "' must be an identifier (letters, digits and '_', not "
                     "starting with a digit)");
      continue;
    }
    auto [it, inserted] = taken.try_emplace(name, static_cast<int>(i));
    if (!inserted) {
      diag.error(explicitNameLocs[i], "duplicate layer name '" + name + "'");
      diag.note(explicitNameLocs[it->second],
                "the first layer named '" + name + "' is here");
      continue;
    }
    spec.layers[i].name = name;
  }
  // Keras style: dense, dense_1, dense_2, ... skipping the user's names.
  llvm::StringMap<unsigned> counters;
  for (size_t i = 0; i < spec.layers.size(); ++i) {
    if (!spec.layers[i].name.empty())
      continue;
    std::string base = kindName(spec.layers[i].kind);
    unsigned &counter = counters[base];
    std::string candidate;
    do {
      candidate = counter == 0 ? base : base + "_" + std::to_string(counter);
      ++counter;
    } while (taken.count(candidate));
    taken[candidate] = static_cast<int>(i);
    spec.layers[i].name = candidate;
  }
}

void ModelChecker::layoutParams() {
  int64_t offset = 0;
  for (size_t i = 0; i < spec.params.size(); ++i) {
    ParamSpec &param = spec.params[i];
    const auto &[layer, suffix] = paramOwners[i];
    param.name = spec.layers[layer].name + "." + suffix;
    param.offset = offset;
    offset += param.numElements();
  }
}

void ModelChecker::warnUnusedLayers() {
  std::vector<bool> used(spec.layers.size(), false);
  used[spec.outputLayer] = true;
  // Inputs always precede their users, so one backward sweep suffices.
  for (size_t i = spec.layers.size(); i-- > 0;)
    if (used[i])
      for (int in : spec.layers[i].inputs)
        used[in] = true;
  constexpr unsigned kMaxWarnings = 10;
  unsigned count = 0;
  for (size_t i = 0; i < spec.layers.size(); ++i) {
    if (used[i] || spec.layers[i].kind == LayerSpec::Kind::Input)
      continue;
    if (++count > kMaxWarnings)
      continue;
    diag.warning(spec.layers[i].loc,
                 "layer '" + spec.layers[i].name +
                     "' is unused: its value does not reach the output '" +
                     spec.layers[spec.outputLayer].name + "'");
  }
  if (count > kMaxWarnings)
    diag.warning(spec.layers[spec.outputLayer].loc,
                 Twine(count - kMaxWarnings) + " more unused layers");
}

std::optional<ModelSpec> ModelChecker::check() {
  spec.name = model.name;
  spec.loc = model.loc;
  for (const ast::LayerStmt &stmt : model.layers)
    if (!stmt.result.empty())
      allResults.try_emplace(stmt.result, stmt.loc);

  int current = checkInput();
  if (model.layers.empty()) {
    diag.error(model.nameLoc, "model '" + model.name +
                                  "' has no layers; add e.g. 'dense(10);'");
  } else if (!model.inputs.empty() &&
             model.layers.front().loc.getPointer() <
                 model.inputs.front().loc.getPointer()) {
    diag.error(model.layers.front().loc,
               "layers must come after the model's input");
    diag.note(model.inputs.front().loc, "the input is declared here");
  }
  for (const ast::LayerStmt &stmt : model.layers)
    current = checkLayer(stmt, current);
  resolveOutput(current);
  assignLayerNames();
  layoutParams();

  std::optional<CheckedTrain> train;
  if (model.train) {
    train = checkTrainBlock(*model.train, diag);
    if (train)
      spec.train = train->spec;
  }
  if (diag.hadError())
    return std::nullopt;
  if (train)
    lintLossAgainstOutput(*train, spec, diag);
  if (diag.hadError())
    return std::nullopt;
  warnUnusedLayers();
  return std::move(spec);
}

} // namespace

std::optional<ModelSpec> dlc::checkModel(const ast::Model &model,
                                         llvm::SourceMgr &srcMgr) {
  return ModelChecker(model, srcMgr).check();
}
