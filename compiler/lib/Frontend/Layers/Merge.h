//===- Merge.h - the merge layers --------------------------------*- C++
//-*-===//
//
// Internal to the frontend: add, subtract, multiply, average, maximum,
// minimum and concatenate take several inputs (written `s = add()(a, b);`)
// and share their checking; each file (one per kind, for the registry)
// instantiates MergeLayer with the op it emits.
//
//===----------------------------------------------------------------------===//
#ifndef DL_LIB_FRONTEND_LAYERS_MERGE_H
#define DL_LIB_FRONTEND_LAYERS_MERGE_H

#include "../LayerChecker.h"

#include "dl/Dialect/DL/IR/DLOps.h"
#include "dl/Frontend/Emit.h"

#include "llvm/ADT/StringExtras.h"

namespace dlc::detail {

/// "f32[64], f32[32]": every input's shape, for messages.
inline std::string inputShapes(const LayerChecker &c, unsigned n) {
  llvm::SmallVector<std::string> shapes;
  for (unsigned i = 0; i < n; ++i)
    shapes.push_back(formatShape(c.inputShape(i)));
  return llvm::join(shapes, ", ");
}

/// Where input `i` is named, for its errors (the layer if not named).
inline llvm::SMLoc inputLoc(const LayerChecker &c, unsigned i) {
  const ast::LayerStmt &stmt = c.getStmt();
  return i < stmt.inputs.size() ? stmt.inputs[i].second : c.getLoc();
}

/// Binds `name` and `trainable` (Keras's merge layers have no other
/// option but concatenate's axis, read by `extra`).
inline bool bindMergeOptions(LayerChecker &c, LayerSpec &layer,
                             llvm::ArrayRef<OptionInfo> extraOptions,
                             llvm::SmallVectorImpl<const ast::Arg *> &bound) {
  llvm::SmallVector<OptionInfo> options(extraOptions);
  options.push_back({"name"});
  options.push_back({"trainable"});
  static const llvm::StringRef notYet[] = {"dtype"};
  bool ok = c.bind(options, notYet, bound);
  unsigned n = unsigned(extraOptions.size());
  ok &= c.readName(bound[n]);
  ok &= c.readTrainable(bound[n + 1], layer);
  return ok;
}

/// Keras's elementwise merges: inputs of one shape, result of that shape.
/// `Emit` folds the inputs into one value.
template <unsigned MaxInputs, typename Emit>
class ElementwiseMerge final : public LayerKind {
public:
  using LayerKind::LayerKind;
  unsigned getMinInputs() const override { return 2; }
  unsigned getMaxInputs() const override { return MaxInputs; }

  bool check(LayerChecker &c, LayerSpec &layer) const override {
    llvm::SmallVector<const ast::Arg *> bound;
    if (!bindMergeOptions(c, layer, {}, bound) || !c.inputsOk())
      return false;
    unsigned n = unsigned(c.getStmt().inputs.size());
    for (unsigned i = 1; i < n; ++i)
      if (c.inputShape(i) != c.inputShape(0)) {
        c.getDiag().error(inputLoc(c, i),
                          c.getKind() +
                              " expects inputs of one shape, but "
                              "its inputs have shapes " +
                              inputShapes(c, n));
        return false;
      }
    layer.outShape = c.inputShape(0);
    return true;
  }

  mlir::Value emit(EmitContext &e, const LayerSpec &) const override {
    return Emit()(e);
  }
};

/// Folds the inputs with the binary op `OpTy`, left to right.
template <typename OpTy> struct FoldWith {
  mlir::Value operator()(EmitContext &e) const {
    mlir::Value acc = e.inputs[0];
    for (mlir::Value v : e.inputs.drop_front())
      acc = OpTy::create(e.b, e.loc, acc, v);
    return acc;
  }
};

/// Keras's Average: the sum scaled by 1 / (number of inputs).
struct SumThenAverage {
  mlir::Value operator()(EmitContext &e) const {
    mlir::Value sum = FoldWith<mlir::dl::AddOp>()(e);
    return mlir::dl::ScaleOp::create(
        e.b, e.loc, sum,
        e.b.getF32FloatAttr(1.0f / static_cast<float>(e.inputs.size())));
  }
};

} // namespace dlc::detail

#endif // DL_LIB_FRONTEND_LAYERS_MERGE_H
