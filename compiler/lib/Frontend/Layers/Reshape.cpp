//===- Reshape.cpp - reshape(target_shape) --------------------------------===//
//
// Keras's Reshape: each sample's elements, row-major, in a new shape; one
// size may be -1 and is inferred. `reshape([28, 28, 1])` turns IDX images
// f32[28, 28] into the channels-last f32[28, 28, 1] that conv2d takes.
//
//===----------------------------------------------------------------------===//
#include "../LayerChecker.h"

#include "dl/Dialect/DL/IR/DLOps.h"
#include "dl/Frontend/Emit.h"

using namespace dlc;
using llvm::StringRef;
using llvm::Twine;

namespace {

/// Reads `[28, 28, 1]`: positive sizes and at most one -1 (inferred).
bool readTargetShape(detail::DiagEngine &diag, const ast::Expr &expr,
                     Shape &out) {
  if (expr.kind != ast::Expr::Kind::List) {
    diag.error(expr.loc, "reshape: 'target_shape' expects a list of sizes "
                         "such as [28, 28, 1], found " +
                             detail::describeValue(expr));
    return false;
  }
  if (expr.args.empty()) {
    diag.error(expr.loc, "reshape: 'target_shape' needs at least one size");
    return false;
  }
  bool ok = true;
  llvm::SMLoc inferred;
  for (const ast::Arg &element : expr.args) {
    const ast::Expr &size = element.value;
    if (size.kind != ast::Expr::Kind::Int ||
        (size.intValue < 1 && size.intValue != -1)) {
      diag.error(size.loc, "reshape: a size must be a positive integer or -1 "
                           "(inferred), found " +
                               detail::describeValue(size));
      ok = false;
      continue;
    }
    if (size.intValue > detail::kMaxElements) {
      diag.error(size.loc, "reshape: size " + Twine(size.intValue) +
                               " is too large (the limit is " +
                               Twine(detail::kMaxElements) + ")");
      ok = false;
      continue;
    }
    if (size.intValue == -1) {
      if (inferred.isValid()) {
        diag.error(size.loc, "reshape: only one size can be -1 (inferred)");
        diag.note(inferred, "the first -1 is here");
        ok = false;
        continue;
      }
      inferred = size.loc;
    }
    out.push_back(size.intValue);
  }
  return ok;
}

class Reshape final : public LayerKind {
public:
  Reshape() : LayerKind("reshape", "Reshape") {}

  bool check(LayerChecker &c, LayerSpec &layer) const override {
    enum { TargetShape, Name, Trainable };
    static const detail::OptionInfo options[] = {
        {"target_shape", /*positional=*/true, /*required=*/true},
        {"name"},
        {"trainable"},
    };
    static const StringRef notYet[] = {"dtype", "input_shape"};
    llvm::SmallVector<const ast::Arg *> bound;
    bool ok = c.bind(options, notYet, bound);
    Shape target;
    if (bound[TargetShape])
      ok &= readTargetShape(c.getDiag(), bound[TargetShape]->value, target);
    ok &= c.readName(bound[Name]);
    ok &= c.readTrainable(bound[Trainable], layer);
    if (!ok || !c.inputsOk())
      return false;

    Shape knownSizes;
    for (int64_t d : target)
      if (d != -1)
        knownSizes.push_back(d);
    if (!c.checkSize(knownSizes, "reshape: the target shape"))
      return false;
    const Shape &in = c.inputShape(0);
    int64_t count = numElements(in), known = numElements(knownSizes);
    // As written, with -1 for the inferred size.
    std::string into = "[";
    for (auto [i, d] : llvm::enumerate(target))
      into += (i ? ", " : "") + std::to_string(d);
    into += "]";
    if (llvm::is_contained(target, -1)) {
      if (count % known != 0) {
        c.getDiag().error(c.getLoc(),
                          "reshape: cannot reshape " + formatShape(in) + " (" +
                              Twine(count) + " elements) into " + into + ": " +
                              Twine(count) + " is not a multiple of " +
                              Twine(known));
        return false;
      }
      *llvm::find(target, -1) = count / known;
    } else if (known != count) {
      c.getDiag().error(c.getLoc(), "reshape: cannot reshape " +
                                        formatShape(in) + " (" + Twine(count) +
                                        " elements) into " + into + " (" +
                                        Twine(known) + " elements)");
      return false;
    }
    layer.outShape = std::move(target);
    return true;
  }

  mlir::Value emit(EmitContext &e, const LayerSpec &layer) const override {
    return mlir::dl::ReshapeOp::create(
        e.b, e.loc, e.batchedType(layer.outShape), e.inputs[0]);
  }
};

} // namespace

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const LayerKind &layerReshape() {
  static const Reshape kind;
  return kind;
}
} // namespace dlc::registry
