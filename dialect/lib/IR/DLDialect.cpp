//===- DLDialect.cpp - the dl dialect -------------------------------------===//
//
// Besides registration, the dialect verifies the model contract: every
// discardable `dl.*` attribute (DLContract.h) must sit where its readers look
// for it and hold what they expect, so a malformed model fails at the
// verifier, with its name, rather than deep inside a pass.
//
//===----------------------------------------------------------------------===//
#include "dl/Dialect/DL/IR/DLDialect.h"
#include "dl/Dialect/DL/IR/DLContract.h"
#include "dl/Dialect/DL/IR/DLOps.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

#include <cmath>

using namespace mlir;
using namespace mlir::dl;

#include "dl/Dialect/DL/IR/DLAttrInterfaces.cpp.inc"
#include "dl/Dialect/DL/IR/DLInterfaces.cpp.inc"
#include "dl/Dialect/DL/IR/DLOpsDialect.cpp.inc"

void DLDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dl/Dialect/DL/IR/DLOps.cpp.inc"
      >();
  registerAttributes();
}

//===----------------------------------------------------------------------===//
// The model contract
//===----------------------------------------------------------------------===//

namespace {

/// Where a contract attribute may sit.
enum Place : unsigned {
  Other = 0,
  Arg = 1,
  Result = 2,
  Function = 4,
  Module = 8,
};

/// One `dl.*` attribute: where it may sit and what it must hold.
struct ContractAttr {
  StringRef name;
  unsigned places;
  /// What `holds` accepts, for messages.
  StringRef expected;
  bool (*holds)(Attribute);
};

bool isString(Attribute a) { return isa<StringAttr>(a); }
bool isNonEmptyString(Attribute a) {
  auto s = dyn_cast<StringAttr>(a);
  return s && !s.empty();
}
bool isUnit(Attribute a) { return isa<UnitAttr>(a); }
bool isStateName(Attribute a) {
  auto s = dyn_cast<StringAttr>(a);
  if (!s)
    return false;
  if (s.getValue() == "step" || s.getValue() == kSeedSlot ||
      s.getValue() == kLearningRateSlot)
    return true;
  auto [slot, param] = s.getValue().split(':');
  return !slot.empty() && !param.empty();
}
bool isWeights(Attribute a) {
  auto w = dyn_cast<DenseElementsAttr>(a);
  return w && w.getType().getRank() == 1 && w.getElementType().isF32();
}
bool isSymbolRef(Attribute a) { return isa<FlatSymbolRefAttr>(a); }
bool isOptimizer(Attribute a) { return isa<OptimizerAttrInterface>(a); }
bool isPositiveF32(Attribute a) {
  auto f = dyn_cast<FloatAttr>(a);
  if (!f || !f.getType().isF32())
    return false;
  float v = f.getValue().convertToFloat();
  return std::isfinite(v) && v > 0.0f;
}

constexpr ContractAttr kContract[] = {
    {kParamAttr, Arg | Result, "a non-empty string", isNonEmptyString},
    {kFrozenAttr, Arg, "a unit attribute", isUnit},
    {kInputAttr, Arg, "a string", isString},
    {kTargetsAttr, Arg, "a unit attribute", isUnit},
    {kKeyAttr, Arg, "a unit attribute", isUnit},
    {kStateAttr, Arg | Result,
     "\"step\", \"seed\", \"learning_rate\" or \"<slot>:<param>\"",
     isStateName},
    {kGradOfAttr, Arg | Result, "a string", isString},
    {kUpdateOfAttr, Arg | Result, "a non-empty string", isNonEmptyString},
    {kMetricAttr, Result, "a string", isString},
    {kWeightsAttr, Module, "a 1-D f32 dense elements attribute", isWeights},
    {kWritableWeightsAttr, Module, "a unit attribute", isUnit},
    {kGradientAttr, Function, "a string", isString},
    {kTrainStepAttr, Function, "a string", isString},
    {kOptimizerAttr, Function,
     "an optimizer attribute (#dl.sgd, #dl.adam or #dl.rmsprop)", isOptimizer},
    {kClipnormAttr, Function, "a positive finite f32", isPositiveF32},
    {kClipvalueAttr, Function, "a positive finite f32", isPositiveF32},
    {kGlobalClipnormAttr, Function, "a positive finite f32", isPositiveF32},
    {kWeightDecayAttr, Function, "a positive finite f32", isPositiveF32},
    {kScheduleAttr, Function, "a symbol reference", isSymbolRef},
    {kLearningRateStateAttr, Function, "a unit attribute", isUnit},
    // The C symbol of an entry point (dl-export-abi).
    {kEntryAttr, Function, "a string", isString},
};

std::string describe(unsigned places) {
  switch (places) {
  case Arg:
    return "a function argument";
  case Result:
    return "a function result";
  case Arg | Result:
    return "a function argument or result";
  case Function:
    return "a function";
  case Module:
    return "a module";
  default:
    return "";
  }
}

/// Checks `attr` found at `place` (`here` in words); `emitError` gives a
/// diagnostic that says which op, argument or result it is on.
LogicalResult verifyContract(NamedAttribute attr, unsigned place,
                             StringRef here,
                             function_ref<InFlightDiagnostic()> emitError) {
  StringRef name = attr.getName().getValue();
  const ContractAttr *c = llvm::find_if(
      kContract, [&](const ContractAttr &c) { return c.name == name; });
  if (c == std::end(kContract)) {
    InFlightDiagnostic diag = emitError();
    diag << "unknown attribute '" << name << "'; the dl dialect knows ";
    llvm::interleaveComma(kContract, diag,
                          [&](const ContractAttr &c) { diag << c.name; });
    return diag;
  }
  if (!(c->places & place))
    return emitError() << "'" << name << "' belongs on " << describe(c->places)
                       << ", not on " << here;
  if (!c->holds(attr.getValue()))
    return emitError() << "'" << name << "' must be " << c->expected
                       << ", but is " << attr.getValue();
  return success();
}

} // namespace

LogicalResult DLDialect::verifyOperationAttribute(Operation *op,
                                                  NamedAttribute attr) {
  unsigned place = isa<FunctionOpInterface>(op) ? Function
                   : isa<ModuleOp>(op)          ? Module
                                                : Other;
  std::string here = place == Other
                         ? "'" + op->getName().getStringRef().str() + "'"
                         : describe(place);
  return verifyContract(attr, place, here, [&] { return op->emitOpError(); });
}

LogicalResult DLDialect::verifyRegionArgAttribute(Operation *op, unsigned,
                                                  unsigned argIndex,
                                                  NamedAttribute attr) {
  return verifyContract(attr, Arg, describe(Arg), [&] {
    return op->emitOpError() << "argument #" << argIndex << ": ";
  });
}

LogicalResult DLDialect::verifyRegionResultAttribute(Operation *op, unsigned,
                                                     unsigned resultIndex,
                                                     NamedAttribute attr) {
  return verifyContract(attr, Result, describe(Result), [&] {
    return op->emitOpError() << "result #" << resultIndex << ": ";
  });
}
