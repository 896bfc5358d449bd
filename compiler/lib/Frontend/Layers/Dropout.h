//===- Dropout.h - the dropout layers ---------------------------*- C++ -*-===//
//
// Internal to the frontend: dropout and spatial_dropout2d share their options
// and emission (dl.dropout, `spatial` for the second), so each of their files
// (one per kind, for the registry) instantiates this class.
//
//===----------------------------------------------------------------------===//
#ifndef DL_LIB_FRONTEND_LAYERS_DROPOUT_H
#define DL_LIB_FRONTEND_LAYERS_DROPOUT_H

#include "../LayerChecker.h"

#include "dl/Dialect/DL/IR/DLOps.h"
#include "dl/Frontend/Emit.h"

#include <cmath>

namespace dlc::detail {

struct DropoutOptions : LayerOptions {
  float rate = 0;
  /// The mask's stream: the layer's `seed` if written, else its position in
  /// the model (so two dropout layers drop different elements).
  std::optional<int64_t> seed;
};

/// Keras's Dropout(rate, seed) and SpatialDropout2D(rate, seed): inverted
/// dropout in training, the identity at inference (dl.dropout's training
/// form; see TrainingModeOpInterface).
class DropoutLayer final : public LayerKind {
public:
  constexpr DropoutLayer(llvm::StringRef name, llvm::StringRef kerasName,
                         bool spatial)
      : LayerKind(name, kerasName), spatial(spatial) {}

  bool hasTrainingForm() const override { return true; }

  bool check(LayerChecker &c, LayerSpec &layer) const override {
    enum { Rate, Seed, Name, Trainable };
    static const OptionInfo options[] = {
        {"rate", /*positional=*/true, /*required=*/true},
        {"seed"},
        {"name"},
        {"trainable"},
    };
    static const llvm::StringRef notYet[] = {"noise_shape", "dtype"};
    llvm::SmallVector<const ast::Arg *> bound;
    bool ok = c.bind(options, notYet, bound);
    auto opts = std::make_shared<DropoutOptions>();
    std::string owner = c.getKind().str();
    if (const ast::Arg *arg = bound[Rate]) {
      double rate;
      if (!readNumber(c.getDiag(), owner, "rate", arg->value, rate)) {
        ok = false;
      } else if (!(rate >= 0 && rate < 1) ||
                 !(float(rate) >= 0 && float(rate) < 1)) {
        // The mask compares in f32: 0.99999999 rounds to 1.
        c.getDiag().error(
            arg->value.loc,
            owner + ": 'rate' must be in [0, 1)" +
                (rate >= 0 && rate < 1 ? " as a 32-bit float" : "") +
                ", found " + describeValue(arg->value));
        ok = false;
      } else {
        opts->rate = float(rate);
      }
    }
    if (const ast::Arg *arg = bound[Seed]) {
      const ast::Expr &v = arg->value;
      if (v.kind != ast::Expr::Kind::Int || v.intValue < 0) {
        c.getDiag().error(v.loc, owner +
                                     ": 'seed' expects a non-negative "
                                     "integer, found " +
                                     describeValue(v));
        ok = false;
      } else {
        opts->seed = v.intValue;
      }
    }
    ok &= c.readName(bound[Name]);
    ok &= c.readTrainable(bound[Trainable], layer);
    if (!ok || !c.inputsOk())
      return false;
    const Shape &in = c.inputShape(0);
    if (spatial && in.size() != 3) {
      c.getDiag().error(c.getLoc(), owner +
                                        " expects a rank-3 input per sample "
                                        "(f32[height, width, channels]), but "
                                        "its input has shape " +
                                        formatShape(in));
      return false;
    }
    layer.outShape = in;
    layer.options = std::move(opts);
    return true;
  }

  mlir::Value emit(EmitContext &e, const LayerSpec &layer) const override {
    const auto &opts = layer.getOptions<DropoutOptions>();
    return mlir::dl::DropoutOp::create(
        e.b, e.loc, e.inputs[0], e.key, e.b.getF32FloatAttr(opts.rate),
        e.b.getI64IntegerAttr(opts.seed.value_or(e.layerIndex)),
        spatial ? e.b.getUnitAttr() : mlir::UnitAttr());
  }

private:
  bool spatial;
};

} // namespace dlc::detail

#endif // DL_LIB_FRONTEND_LAYERS_DROPOUT_H
