//===- Concatenate.cpp - concatenate --------------------------------------===//
//
// Keras's Concatenate(axis = -1): inputs that agree on every dimension but
// `axis`, joined along it. The axis counts the batch as Keras does (1 is
// the first per-sample dimension, -1 the last); the batch itself is no
// axis to join along.
//
//===----------------------------------------------------------------------===//
#include "Merge.h"

using namespace dlc;
using namespace dlc::detail;

namespace {

struct ConcatenateOptions : LayerOptions {
  int64_t axis = 1; ///< Of the batched tensor: 1 .. rank.
};

class Concatenate final : public LayerKind {
public:
  Concatenate() : LayerKind("concatenate", "Concatenate") {}
  unsigned getMinInputs() const override { return 2; }
  unsigned getMaxInputs() const override { return ~0u; }

  bool check(LayerChecker &c, LayerSpec &layer) const override {
    static const OptionInfo axisOption[] = {{"axis", /*positional=*/true}};
    llvm::SmallVector<const ast::Arg *> bound;
    bool ok = bindMergeOptions(c, layer, axisOption, bound);
    double axis = -1;
    const ast::Arg *axisArg = bound[0];
    if (axisArg &&
        readNumber(c.getDiag(), c.getKind(), "axis", axisArg->value, axis) &&
        axis != static_cast<double>(static_cast<int64_t>(axis))) {
      c.getDiag().error(axisArg->value.loc,
                        "concatenate: 'axis' expects an integer, found " +
                            describeValue(axisArg->value));
      ok = false;
    }
    if (!ok || !c.inputsOk())
      return false;
    unsigned n = unsigned(c.getStmt().inputs.size());
    // Per-sample rank r: Keras's axes are -(r + 1) .. r, 0 and -(r + 1)
    // being the batch.
    int64_t rank = int64_t(c.inputShape(0).size());
    int64_t a = static_cast<int64_t>(axis);
    int64_t batched = a < 0 ? a + rank + 1 : a;
    if (batched < 1 || batched > rank) {
      c.getDiag().error(axisArg ? axisArg->value.loc : c.getLoc(),
                        "concatenate: 'axis' " + std::to_string(a) + " is " +
                            (batched == 0 ? std::string("the batch")
                                          : std::string("out of range")) +
                            "; inputs of shape " +
                            formatShape(c.inputShape(0)) + " take axis " +
                            (rank == 1
                                 ? std::string("1 or -1")
                                 : "1 to " + std::to_string(rank) +
                                       " or -1 to -" + std::to_string(rank)));
      return false;
    }
    Shape out = c.inputShape(0);
    for (unsigned i = 1; i < n; ++i) {
      const Shape &s = c.inputShape(i);
      bool agree = s.size() == out.size();
      for (size_t d = 0; agree && d < s.size(); ++d)
        agree = int64_t(d) + 1 == batched || s[d] == out[d];
      if (!agree) {
        c.getDiag().error(inputLoc(c, i),
                          "concatenate expects inputs that agree on every "
                          "dimension but axis " +
                              std::to_string(a) +
                              ", but its inputs have shapes " +
                              inputShapes(c, n));
        return false;
      }
      out[batched - 1] += s[batched - 1];
    }
    if (!c.checkSize(out, "the concatenation"))
      return false;
    auto opts = std::make_shared<ConcatenateOptions>();
    opts->axis = batched;
    layer.options = opts;
    layer.outShape = out;
    return true;
  }

  mlir::Value emit(EmitContext &e, const LayerSpec &layer) const override {
    auto &opts = static_cast<const ConcatenateOptions &>(*layer.options);
    return mlir::dl::ConcatOp::create(e.b, e.loc, e.inputs,
                                      e.b.getI64IntegerAttr(opts.axis));
  }
};

} // namespace

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const LayerKind &layerConcatenate() {
  static const Concatenate kind;
  return kind;
}
} // namespace dlc::registry
