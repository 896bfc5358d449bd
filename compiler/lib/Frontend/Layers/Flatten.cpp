//===- Flatten.cpp - flatten ----------------------------------------------===//
//
// Keras's Flatten: every per-sample dimension collapsed into one, row-major.
//
//===----------------------------------------------------------------------===//
#include "../LayerChecker.h"

#include "dl/Dialect/DL/IR/DLOps.h"
#include "dl/Frontend/Emit.h"

using namespace dlc;
using llvm::StringRef;

namespace {

class Flatten final : public LayerKind {
public:
  Flatten() : LayerKind("flatten", "Flatten") {}

  bool check(LayerChecker &c, LayerSpec &layer) const override {
    static const detail::OptionInfo options[] = {{"name"}, {"trainable"}};
    static const StringRef notYet[] = {"data_format", "dtype"};
    const ast::LayerStmt &stmt = c.getStmt();

    // `flatten(x)` most likely means `flatten()(x)`: the first group
    // configures the layer, the second lists its inputs.
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
        c.getDiag().error(arg.value.loc,
                          "flatten takes no positional arguments" + hint);
      }
      ok = false;
    }
    llvm::SmallVector<const ast::Arg *> bound;
    ok &= detail::bindArguments(c.getDiag(), "flatten", c.getLoc(), keywordArgs,
                                options, notYet, bound);
    ok &= c.readName(bound[0]);
    ok &= c.readTrainable(bound[1], layer);
    if (!ok || !c.inputsOk())
      return false;
    // Cannot overflow: every tensor was checked against the size limit.
    layer.outShape = {numElements(c.inputShape(0))};
    return true;
  }

  mlir::Value emit(EmitContext &e, const LayerSpec &) const override {
    return mlir::dl::FlattenOp::create(e.b, e.loc, e.inputs[0]);
  }
};

} // namespace

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const LayerKind &layerFlatten() {
  static const Flatten kind;
  return kind;
}
} // namespace dlc::registry
