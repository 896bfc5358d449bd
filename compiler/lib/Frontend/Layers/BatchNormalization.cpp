//===- BatchNormalization.cpp - batch_normalization -----------------------===//
//
// Keras's BatchNormalization over the last axis: gamma and beta (trainable)
// and moving_mean and moving_variance (non-trainable statistics that every
// training step updates), in Keras's names and order. Training normalises
// with the batch's statistics (dl.batch_norm); inference with the moving
// ones (its inference form). A layer with trainable = false runs in
// inference mode, as Keras 3 does, and updates nothing.
//
//===----------------------------------------------------------------------===//
#include "Normalization.h"

#include "dl/Dialect/DL/IR/DLOps.h"
#include "dl/Frontend/Emit.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace dlc;
using llvm::StringRef;

namespace {

struct BatchNormOptions : LayerOptions {
  double momentum = 0.99, epsilon = 1e-3;
  bool center = true, scale = true;
  int64_t size = 0; ///< The last (channel) dimension.
};

class BatchNormalization final : public LayerKind {
public:
  BatchNormalization()
      : LayerKind("batch_normalization", "BatchNormalization") {}

  /// The batch statistics: only a trainable layer uses them.
  bool couplesBatch(const LayerSpec &layer) const override {
    return layer.trainable;
  }

  bool check(LayerChecker &c, LayerSpec &layer) const override {
    enum {
      Axis,
      Momentum,
      Epsilon,
      Center,
      Scale,
      BetaInit,
      GammaInit,
      MeanInit,
      VarianceInit,
      Name,
      Trainable
    };
    static const detail::OptionInfo options[] = {
        {"axis"},
        {"momentum"},
        {"epsilon"},
        {"center"},
        {"scale"},
        {"beta_initializer"},
        {"gamma_initializer"},
        {"moving_mean_initializer"},
        {"moving_variance_initializer"},
        {"name"},
        {"trainable"},
    };
    static const StringRef notYet[] = {"beta_regularizer", "gamma_regularizer",
                                       "beta_constraint",  "gamma_constraint",
                                       "synchronized",     "dtype"};
    llvm::SmallVector<const ast::Arg *> bound;
    bool ok = c.bind(options, notYet, bound);
    auto opts = std::make_shared<BatchNormOptions>();
    Initializer betaInit = Initializer::Zeros, gammaInit = Initializer::Ones,
                meanInit = Initializer::Zeros, varInit = Initializer::Ones;
    if (bound[Momentum]) {
      if (!detail::readNumber(c.getDiag(), c.getKind(), "momentum",
                              bound[Momentum]->value, opts->momentum)) {
        ok = false;
      } else if (!(opts->momentum >= 0 && opts->momentum <= 1)) {
        c.getDiag().error(bound[Momentum]->value.loc,
                          "batch_normalization: 'momentum' must be in [0, 1], "
                          "found " +
                              detail::describeValue(bound[Momentum]->value));
        ok = false;
      }
    }
    ok &= detail::readNormalizationOptions(
        c, "batch_normalization", "the last dimension, the channels",
        {bound[Axis], bound[Epsilon], bound[Center], bound[Scale],
         bound[BetaInit], bound[GammaInit]},
        opts->epsilon, opts->center, opts->scale, betaInit, gammaInit);
    ok &=
        c.readInitializer(bound[MeanInit], "moving_mean_initializer", meanInit);
    ok &= c.readInitializer(bound[VarianceInit], "moving_variance_initializer",
                            varInit);
    ok &= c.readName(bound[Name]);
    ok &= c.readTrainable(bound[Trainable], layer);
    if (!ok || !c.inputsOk())
      return false;
    const Shape &in = c.inputShape(0);
    opts->size = in.back();
    layer.outShape = in;
    // Keras's order: gamma, beta, moving_mean, moving_variance.
    if (opts->scale)
      c.addParam("gamma", {opts->size}, gammaInit, layer.trainable);
    if (opts->center)
      c.addParam("beta", {opts->size}, betaInit, layer.trainable);
    c.addStateParam("moving_mean", {opts->size}, meanInit);
    c.addStateParam("moving_variance", {opts->size}, varInit);
    layer.options = std::move(opts);
    return true;
  }

  mlir::Value emit(EmitContext &e, const LayerSpec &layer) const override {
    const auto &opts = layer.getOptions<BatchNormOptions>();
    auto vecType = mlir::RankedTensorType::get({opts.size}, e.b.getF32Type());
    // Without scale or center, a constant gamma of ones or beta of zeros.
    auto constant = [&](float v) -> mlir::Value {
      return mlir::arith::ConstantOp::create(
          e.b, e.loc, mlir::DenseElementsAttr::get(vecType, v));
    };
    unsigned next = 0;
    mlir::Value gamma = opts.scale ? e.params[next++] : constant(1.0f);
    mlir::Value beta = opts.center ? e.params[next++] : constant(0.0f);
    unsigned meanIndex = next++, varIndex = next++;
    mlir::Value mean = e.params[meanIndex], var = e.params[varIndex];
    auto epsilon = e.b.getF32FloatAttr(static_cast<float>(opts.epsilon));
    mlir::Value x = e.inputs[0];
    // A frozen layer runs in inference mode (Keras 3), even when training.
    if (!layer.trainable)
      return mlir::dl::BatchNormInferenceOp::create(
          e.b, e.loc, x.getType(), x, gamma, beta, mean, var, epsilon);
    auto bn =
        mlir::dl::BatchNormOp::create(e.b, e.loc, x.getType(), vecType, vecType,
                                      x, gamma, beta, mean, var, epsilon);
    // Keras: moving = moving * momentum + batch * (1 - momentum), with the
    // biased batch variance (PyTorch's running_var takes the unbiased one).
    if (e.stateUpdates) {
      auto running = [&](mlir::Value moving, mlir::Value batch) {
        float m = static_cast<float>(opts.momentum);
        mlir::Value a = mlir::dl::ScaleOp::create(e.b, e.loc, moving,
                                                  e.b.getF32FloatAttr(m));
        mlir::Value b = mlir::dl::ScaleOp::create(
            e.b, e.loc, batch,
            e.b.getF32FloatAttr(static_cast<float>(1.0 - opts.momentum)));
        return mlir::dl::AddOp::create(e.b, e.loc, a, b).getResult();
      };
      e.stateUpdates->push_back({meanIndex, running(mean, bn.getBatchMean())});
      e.stateUpdates->push_back(
          {varIndex, running(var, bn.getBatchVariance())});
    }
    return bn.getResult();
  }
};

} // namespace

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const LayerKind &layerBatchNormalization() {
  static const BatchNormalization kind;
  return kind;
}
} // namespace dlc::registry
