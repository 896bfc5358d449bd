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
#include "LayerChecker.h"

#include "dl/Dialect/DL/IR/DLEntryPoints.h"
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

class ModelChecker {
public:
  ModelChecker(const ast::Model &model, llvm::SourceMgr &srcMgr)
      : model(model), diag(srcMgr) {}

  std::optional<ModelSpec> check();

private:
  int checkInput();
  int checkLayer(const ast::LayerStmt &stmt, int previous);
  int checkKnownLayer(const LayerKind &kind, const ast::LayerStmt &stmt,
                      llvm::ArrayRef<int> inputs);
  /// The layers the statement reads: its input list, else `previous`.
  /// An input that failed to check is kPoisoned.
  llvm::SmallVector<int> resolveInputs(const ast::LayerStmt &stmt, int previous,
                                       const LayerKind *kind);
  void defineResult(const ast::LayerStmt &stmt, int layer);
  void defineValue(StringRef name, int layer, SMLoc loc);
  int addLayer(LayerSpec layer, std::string explicitName, SMLoc nameLoc);
  void addParam(int layer, const LayerChecker::PendingParam &param);
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

int ModelChecker::addLayer(LayerSpec layer, std::string explicitName,
                           SMLoc nameLoc) {
  spec.layers.push_back(std::move(layer));
  explicitNames.push_back(std::move(explicitName));
  explicitNameLocs.push_back(nameLoc);
  return static_cast<int>(spec.layers.size()) - 1;
}

void ModelChecker::addParam(int layer,
                            const LayerChecker::PendingParam &pending) {
  ParamSpec param;
  param.shape = pending.shape;
  param.init = pending.init;
  param.trainable = pending.trainable;
  param.regularizer = pending.regularizer;
  param.state = pending.state;
  param.onesBegin = pending.onesBegin;
  param.onesCount = pending.onesCount;
  param.updated = pending.state && spec.layers[layer].trainable;
  spec.layers[layer].params.push_back(static_cast<int>(spec.params.size()));
  spec.params.push_back(std::move(param));
  paramOwners.emplace_back(layer, pending.suffix);
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
    if (d == -1 && i != 0) {
      // Keras's axis numbering: 0 is the batch.
      diag.error(loc, "a variable-length dimension '?' is supported only as "
                      "the first axis of a sample (a sequence's time axis, "
                      "as in f32[?, features]), found it at axis " +
                          Twine(i + 1) + " of " + formatShape(decl.dims));
      ok = false;
    } else if (d == -1) {
      continue;
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
  // A variable axis counts as 1 here: its length is the caller's.
  Shape fixed(decl.dims);
  for (int64_t &d : fixed)
    d = d == -1 ? 1 : d;
  if (ok &&
      !checkTensorSize(diag, fixed, decl.loc, "input '" + decl.name + "'"))
    ok = false;

  LayerSpec layer; // kind null: the input
  layer.loc = decl.loc;
  layer.outShape = decl.dims;
  int index0 = addLayer(std::move(layer), decl.name, decl.loc);
  spec.inputLayer = index0;
  int result = ok ? index0 : kPoisoned;
  defineValue(decl.name, result, decl.loc);
  return result;
}

llvm::SmallVector<int> ModelChecker::resolveInputs(const ast::LayerStmt &stmt,
                                                   int previous,
                                                   const LayerKind *kind) {
  llvm::SmallVector<int> result;
  if (!stmt.hasInputList)
    result.push_back(previous);
  for (size_t i = 0; stmt.hasInputList && i < stmt.inputs.size(); ++i) {
    const auto &[name, loc] = stmt.inputs[i];
    result.push_back(kPoisoned);
    auto it = values.find(name);
    if (it != values.end()) {
      result.back() = it->second.layer;
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
  if (!kind)
    return result;
  unsigned min = kind->getMinInputs(), max = kind->getMaxInputs();
  unsigned n = unsigned(result.size());
  if (n >= min && n <= max)
    return result;
  SMLoc at =
      n > max && stmt.hasInputList ? stmt.inputs[max].second : stmt.layerLoc;
  std::string expected =
      min == 1 && max == 1 ? std::string("exactly one")
      : min == max         ? "exactly " + std::to_string(min)
      : max == ~0u         ? "at least " + std::to_string(min)
                           : std::to_string(min) + " to " + std::to_string(max);
  std::string how =
      stmt.hasInputList
          ? ""
          : "; name its inputs, as in 's = " + stmt.layer + "()(a, b);'";
  diag.error(at, stmt.layer + " takes " + expected + " input" +
                     (min == 1 && max == 1 ? "" : "s") + ", found " + Twine(n) +
                     how);
  return {kPoisoned};
}

int ModelChecker::checkLayer(const ast::LayerStmt &stmt, int previous) {
  StringRef name = stmt.layer;
  const LayerKind *kind = lookupLayerKind(name);
  llvm::SmallVector<int> inputs = resolveInputs(stmt, previous, kind);
  int result = kPoisoned;
  llvm::SmallVector<StringRef> planned = plannedLayerNames();
  if (kind) {
    result = checkKnownLayer(*kind, stmt, inputs);
  } else if (llvm::is_contained(planned, name)) {
    diag.error(stmt.layerLoc, "layer '" + name + "' is not supported yet");
  } else {
    llvm::SmallVector<StringRef> supported;
    for (const LayerKind *k : layerKinds())
      supported.push_back(k->getName());
    llvm::SmallVector<StringRef> candidates(supported);
    candidates.append(planned);
    std::string hint = didYouMean(name, candidates);
    if (hint.empty())
      hint = " (supported: " + llvm::join(supported, ", ") + ")";
    diag.error(stmt.layerLoc,
               "unknown layer '" + escapeForMessage(name) + "'" + hint);
  }
  defineResult(stmt, result);
  return result;
}

int ModelChecker::checkKnownLayer(const LayerKind &kind,
                                  const ast::LayerStmt &stmt,
                                  llvm::ArrayRef<int> inputs) {
  llvm::SmallVector<const Shape *> inputShapes;
  for (int input : inputs)
    inputShapes.push_back(input == kPoisoned ? nullptr
                                             : &spec.layers[input].outShape);
  if (!kind.takesVariableLength())
    for (const Shape *shape : inputShapes) {
      if (!shape || !llvm::is_contained(*shape, -1))
        continue;
      // Keras's axis numbering: 0 is the batch.
      int64_t axis = llvm::find(*shape, -1) - shape->begin() + 1;
      llvm::SmallVector<StringRef> takers;
      for (const LayerKind *k : layerKinds())
        if (k->takesVariableLength())
          takers.push_back(k->getName());
      diag.error(stmt.layerLoc,
                 stmt.layer + " needs a fixed length; its input's axis " +
                     Twine(axis) + " is `?` (per sample " +
                     formatShape(*shape) +
                     "); reduce the sequence first with a layer that takes "
                     "one (" +
                     llvm::join(takers, ", ") +
                     ", without return_sequences), or give the input a "
                     "fixed length");
      return kPoisoned;
    }
  LayerChecker checker(diag, stmt, inputShapes);
  LayerSpec layer;
  layer.kind = &kind;
  layer.loc = stmt.layerLoc;
  if (!kind.check(checker, layer) || !checker.checkActivationRank(layer))
    return kPoisoned;
  layer.inputs.assign(inputs.begin(), inputs.end());
  int index = addLayer(std::move(layer), std::move(checker.explicitName),
                       checker.explicitNameLoc);
  for (const LayerChecker::PendingParam &param : checker.params)
    addParam(index, param);
  return index;
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
    const LayerKind *kind = spec.layers[i].kind;
    std::string base = kind ? kind->getName().str() : std::string("input");
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
  llvm::SmallVector<int64_t> sizes;
  for (const ParamSpec &param : spec.params)
    sizes.push_back(param.numElements());
  // The layout is the contract's, shared with dl-export-abi.
  llvm::SmallVector<int64_t> offsets = mlir::dl::paramOffsets(sizes);
  for (size_t i = 0; i < spec.params.size(); ++i) {
    const auto &[layer, suffix] = paramOwners[i];
    spec.params[i].name = spec.layers[layer].name + "." + suffix;
    spec.params[i].offset = offsets[i];
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
    if (used[i] || int(i) == spec.inputLayer)
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
