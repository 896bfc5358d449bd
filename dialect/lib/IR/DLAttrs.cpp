//===- DLAttrs.cpp - dl dialect attributes --------------------------------===//
//
// The optimizer attributes: their `<key = value, ...>` syntax, the ranges of
// their hyper-parameters, and the update op each builds for dl-optimizer.
//
//===----------------------------------------------------------------------===//
#include "dl/Dialect/DL/IR/DLAttrs.h"
#include "dl/Dialect/DL/IR/DLOps.h"

#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/TypeSwitch.h" // for the generated printer

using namespace mlir;
using namespace mlir::dl;

#define GET_ATTRDEF_CLASSES
#include "dl/Dialect/DL/IR/DLAttrs.cpp.inc"

namespace {

//===----------------------------------------------------------------------===//
// Syntax
//===----------------------------------------------------------------------===//

/// One hyper-parameter of the `<key = value, ...>` syntax: an f32 (`value`)
/// or a bool (`flag`).
struct HyperParam {
  StringRef name;
  FloatAttr *value = nullptr;
  bool *flag = nullptr;
};

/// Parses `<key = value, ...>`: keys in any order, each exactly once. The IR
/// has no defaults: Keras's are written once, in the frontend's optimizer
/// kinds (compiler/lib/Frontend/Optimizers).
ParseResult parseHyperParams(AsmParser &p, StringRef mnemonic,
                             MutableArrayRef<HyperParam> params) {
  Type f32 = Float32Type::get(p.getContext());
  SmallVector<bool> seen(params.size(), false);
  auto parseOne = [&]() -> ParseResult {
    SMLoc loc = p.getCurrentLocation();
    StringRef key;
    if (p.parseKeyword(&key))
      return failure();
    auto *it = llvm::find_if(
        params, [&](const HyperParam &h) { return h.name == key; });
    if (it == params.end()) {
      auto diag = p.emitError(loc, "#dl.") << mnemonic << " has no parameter '"
                                           << key << "'; its parameters are ";
      llvm::interleaveComma(params, diag,
                            [&](const HyperParam &h) { diag << h.name; });
      return diag;
    }
    size_t i = it - params.begin();
    if (seen[i])
      return p.emitError(loc, "#dl.")
             << mnemonic << " parameter '" << key << "' is given twice";
    seen[i] = true;
    if (p.parseEqual())
      return failure();
    if (it->flag) {
      StringRef word;
      SMLoc wordLoc = p.getCurrentLocation();
      if (p.parseKeyword(&word))
        return failure();
      if (word != "true" && word != "false")
        return p.emitError(wordLoc, "expected true or false for '")
               << key << "', but got '" << word << "'";
      *it->flag = word == "true";
      return success();
    }
    APFloat v(0.0f);
    if (p.parseFloat(APFloat::IEEEsingle(), v))
      return failure();
    *it->value = FloatAttr::get(f32, v);
    return success();
  };
  if (p.parseCommaSeparatedList(AsmParser::Delimiter::LessGreater, parseOne))
    return failure();
  for (auto [h, given] : llvm::zip(params, seen))
    if (!given)
      return p.emitError(p.getCurrentLocation(), "#dl.")
             << mnemonic << " needs a value for '" << h.name << "'";
  return success();
}

/// Prints every hyper-parameter, defaults included, so the IR says exactly
/// which update it runs.
void printHyperParams(AsmPrinter &p,
                      ArrayRef<std::pair<StringRef, Attribute>> params) {
  p << '<';
  llvm::interleaveComma(params, p, [&](auto kv) {
    p << kv.first << " = ";
    if (auto f = dyn_cast<FloatAttr>(kv.second))
      p.printFloat(f.getValue());
    else
      p << (cast<BoolAttr>(kv.second).getValue() ? "true" : "false");
  });
  p << '>';
}

//===----------------------------------------------------------------------===//
// Verification
//===----------------------------------------------------------------------===//

enum class Bound { Positive, UnitInterval };

/// `value` is an f32 FloatAttr in `range`: > 0, or in [0, 1).
LogicalResult verifyHyperParam(function_ref<InFlightDiagnostic()> emitError,
                               StringRef mnemonic, StringRef name,
                               FloatAttr value, Bound range) {
  if (!value)
    return emitError() << "#dl." << mnemonic << " expects " << name
                       << ", but it is missing";
  if (!value.getType().isF32())
    return emitError() << "#dl." << mnemonic << " expects " << name
                       << " to be an f32 float, but got " << value;
  double v = value.getValueAsDouble();
  // Written so that NaN fails both.
  if (range == Bound::Positive && !(v > 0))
    return emitError() << "#dl." << mnemonic << " expects " << name
                       << " > 0, but got " << v;
  if (range == Bound::UnitInterval && !(v >= 0 && v < 1))
    return emitError() << "#dl." << mnemonic << " expects " << name
                       << " in [0, 1), but got " << v;
  return success();
}

/// The types every update op gives its results: the parameter's, once per
/// result.
SmallVector<Type> sameTypes(Value param, size_t n) {
  return SmallVector<Type>(n, param.getType());
}

} // namespace

//===----------------------------------------------------------------------===//
// SGDAttr
//===----------------------------------------------------------------------===//

Attribute SGDAttr::parse(AsmParser &p, Type) {
  FloatAttr lr, momentum;
  bool nesterov;
  HyperParam params[] = {{"learning_rate", &lr, nullptr},
                         {"momentum", &momentum, nullptr},
                         {"nesterov", nullptr, &nesterov}};
  if (parseHyperParams(p, getMnemonic(), params))
    return {};
  return getChecked([&] { return p.emitError(p.getNameLoc()); }, p.getContext(),
                    lr, momentum, nesterov);
}

void SGDAttr::print(AsmPrinter &p) const {
  Builder b(getContext());
  printHyperParams(p, {{"learning_rate", getLearningRate()},
                       {"momentum", getMomentum()},
                       {"nesterov", b.getBoolAttr(getNesterov())}});
}

LogicalResult SGDAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                              FloatAttr lr, FloatAttr momentum, bool) {
  return success(
      succeeded(verifyHyperParam(emitError, getMnemonic(), "learning_rate", lr,
                                 Bound::Positive)) &&
      succeeded(verifyHyperParam(emitError, getMnemonic(), "momentum", momentum,
                                 Bound::UnitInterval)));
}

SmallVector<StringRef> SGDAttr::getStateSlots() const {
  if (getMomentum().getValue().isZero())
    return {};
  return {"velocity"};
}

Value SGDAttr::buildUpdate(OpBuilder &b, Location loc, Value param, Value grad,
                           ValueRange state, Value, Value lr,
                           SmallVectorImpl<Value> &newState) const {
  Value velocity = state.empty() ? Value() : state[0];
  auto op =
      SGDUpdateOp::create(b, loc, sameTypes(param, 1 + state.size()), param,
                          grad, velocity, lr, getLearningRate(), getMomentum(),
                          getNesterov() ? b.getUnitAttr() : UnitAttr());
  if (velocity)
    newState.push_back(op.getNewVelocity());
  return op.getNewParam();
}

//===----------------------------------------------------------------------===//
// AdamAttr
//===----------------------------------------------------------------------===//

Attribute AdamAttr::parse(AsmParser &p, Type) {
  FloatAttr lr, beta1, beta2, epsilon;
  HyperParam params[] = {{"learning_rate", &lr, nullptr},
                         {"beta_1", &beta1, nullptr},
                         {"beta_2", &beta2, nullptr},
                         {"epsilon", &epsilon, nullptr}};
  if (parseHyperParams(p, getMnemonic(), params))
    return {};
  return getChecked([&] { return p.emitError(p.getNameLoc()); }, p.getContext(),
                    lr, beta1, beta2, epsilon);
}

void AdamAttr::print(AsmPrinter &p) const {
  printHyperParams(p, {{"learning_rate", getLearningRate()},
                       {"beta_1", getBeta_1()},
                       {"beta_2", getBeta_2()},
                       {"epsilon", getEpsilon()}});
}

LogicalResult AdamAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                               FloatAttr lr, FloatAttr beta1, FloatAttr beta2,
                               FloatAttr epsilon) {
  StringRef m = getMnemonic();
  return success(succeeded(verifyHyperParam(emitError, m, "learning_rate", lr,
                                            Bound::Positive)) &&
                 succeeded(verifyHyperParam(emitError, m, "beta_1", beta1,
                                            Bound::UnitInterval)) &&
                 succeeded(verifyHyperParam(emitError, m, "beta_2", beta2,
                                            Bound::UnitInterval)) &&
                 succeeded(verifyHyperParam(emitError, m, "epsilon", epsilon,
                                            Bound::Positive)));
}

SmallVector<StringRef> AdamAttr::getStateSlots() const { return {"m", "v"}; }

Value AdamAttr::buildUpdate(OpBuilder &b, Location loc, Value param, Value grad,
                            ValueRange state, Value step, Value lr,
                            SmallVectorImpl<Value> &newState) const {
  auto op = AdamUpdateOp::create(
      b, loc, sameTypes(param, 3), param, grad, state[0], state[1], step, lr,
      getLearningRate(), getBeta_1(), getBeta_2(), getEpsilon());
  newState.push_back(op.getNewM());
  newState.push_back(op.getNewV());
  return op.getNewParam();
}

//===----------------------------------------------------------------------===//
// RMSpropAttr
//===----------------------------------------------------------------------===//

Attribute RMSpropAttr::parse(AsmParser &p, Type) {
  FloatAttr lr, rho, momentum, epsilon;
  HyperParam params[] = {{"learning_rate", &lr, nullptr},
                         {"rho", &rho, nullptr},
                         {"momentum", &momentum, nullptr},
                         {"epsilon", &epsilon, nullptr}};
  if (parseHyperParams(p, getMnemonic(), params))
    return {};
  return getChecked([&] { return p.emitError(p.getNameLoc()); }, p.getContext(),
                    lr, rho, momentum, epsilon);
}

void RMSpropAttr::print(AsmPrinter &p) const {
  printHyperParams(p, {{"learning_rate", getLearningRate()},
                       {"rho", getRho()},
                       {"momentum", getMomentum()},
                       {"epsilon", getEpsilon()}});
}

LogicalResult RMSpropAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                  FloatAttr lr, FloatAttr rho,
                                  FloatAttr momentum, FloatAttr epsilon) {
  StringRef m = getMnemonic();
  return success(succeeded(verifyHyperParam(emitError, m, "learning_rate", lr,
                                            Bound::Positive)) &&
                 succeeded(verifyHyperParam(emitError, m, "rho", rho,
                                            Bound::UnitInterval)) &&
                 succeeded(verifyHyperParam(emitError, m, "momentum", momentum,
                                            Bound::UnitInterval)) &&
                 succeeded(verifyHyperParam(emitError, m, "epsilon", epsilon,
                                            Bound::Positive)));
}

SmallVector<StringRef> RMSpropAttr::getStateSlots() const {
  if (getMomentum().getValue().isZero())
    return {"square_avg"};
  return {"square_avg", "momentum_buffer"};
}

Value RMSpropAttr::buildUpdate(OpBuilder &b, Location loc, Value param,
                               Value grad, ValueRange state, Value, Value lr,
                               SmallVectorImpl<Value> &newState) const {
  Value buffer = state.size() > 1 ? state[1] : Value();
  auto op = RMSpropUpdateOp::create(
      b, loc, sameTypes(param, 1 + state.size()), param, grad, state[0], buffer,
      lr, getLearningRate(), getRho(), getMomentum(), getEpsilon());
  newState.push_back(op.getNewSquareAvg());
  if (buffer)
    newState.push_back(op.getNewMomentumBuffer());
  return op.getNewParam();
}

//===----------------------------------------------------------------------===//
// Registration
//===----------------------------------------------------------------------===//

void DLDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dl/Dialect/DL/IR/DLAttrs.cpp.inc"
      >();
}
