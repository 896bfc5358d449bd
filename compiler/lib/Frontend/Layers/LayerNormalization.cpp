//===- LayerNormalization.cpp - layer_normalization -----------------------===//
//
// Keras's LayerNormalization over the last axis: gamma and beta of the last
// dimension's size (Keras's names and order), epsilon 1e-3. No training
// form: the statistics are each sample's own, in training and inference.
//
//===----------------------------------------------------------------------===//
#include "Normalization.h"

#include "dl/Dialect/DL/IR/DLOps.h"
#include "dl/Frontend/Emit.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace dlc;
using llvm::StringRef;

namespace {

struct LayerNormOptions : LayerOptions {
  double epsilon = 1e-3;
  bool center = true, scale = true;
  int64_t size = 0; ///< The last dimension.
};

class LayerNormalization final : public LayerKind {
public:
  LayerNormalization()
      : LayerKind("layer_normalization", "LayerNormalization") {}

  bool check(LayerChecker &c, LayerSpec &layer) const override {
    enum { Axis, Epsilon, Center, Scale, BetaInit, GammaInit, Name, Trainable };
    static const detail::OptionInfo options[] = {
        {"axis"},  {"epsilon"},          {"center"},
        {"scale"}, {"beta_initializer"}, {"gamma_initializer"},
        {"name"},  {"trainable"},
    };
    static const StringRef notYet[] = {"rms_scaling",       "beta_regularizer",
                                       "gamma_regularizer", "beta_constraint",
                                       "gamma_constraint",  "dtype"};
    llvm::SmallVector<const ast::Arg *> bound;
    bool ok = c.bind(options, notYet, bound);
    auto opts = std::make_shared<LayerNormOptions>();
    Initializer betaInit = Initializer::Zeros, gammaInit = Initializer::Ones;
    ok &= detail::readNormalizationOptions(
        c, "layer_normalization", "the last dimension",
        {bound[Axis], bound[Epsilon], bound[Center], bound[Scale],
         bound[BetaInit], bound[GammaInit]},
        opts->epsilon, opts->center, opts->scale, betaInit, gammaInit);
    ok &= c.readName(bound[Name]);
    ok &= c.readTrainable(bound[Trainable], layer);
    if (!ok || !c.inputsOk())
      return false;
    const Shape &in = c.inputShape(0);
    opts->size = in.back();
    layer.outShape = in;
    // Keras's order: gamma, then beta.
    if (opts->scale)
      c.addParam("gamma", {opts->size}, gammaInit, layer.trainable);
    if (opts->center)
      c.addParam("beta", {opts->size}, betaInit, layer.trainable);
    layer.options = std::move(opts);
    return true;
  }

  mlir::Value emit(EmitContext &e, const LayerSpec &layer) const override {
    const auto &opts = layer.getOptions<LayerNormOptions>();
    // Without scale or center, a constant gamma of ones or beta of zeros.
    auto constant = [&](float v) -> mlir::Value {
      auto type = mlir::RankedTensorType::get({opts.size}, e.b.getF32Type());
      return mlir::arith::ConstantOp::create(
          e.b, e.loc, mlir::DenseElementsAttr::get(type, v));
    };
    unsigned next = 0;
    mlir::Value gamma = opts.scale ? e.params[next++] : constant(1.0f);
    mlir::Value beta = opts.center ? e.params[next++] : constant(0.0f);
    return mlir::dl::LayerNormOp::create(
        e.b, e.loc, e.inputs[0].getType(), e.inputs[0], gamma, beta,
        e.b.getF32FloatAttr(static_cast<float>(opts.epsilon)));
  }
};

} // namespace

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const LayerKind &layerLayerNormalization() {
  static const LayerNormalization kind;
  return kind;
}
} // namespace dlc::registry
