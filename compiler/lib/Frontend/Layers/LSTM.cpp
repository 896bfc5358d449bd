//===- LSTM.cpp - lstm(units, activation, recurrent_activation, ...) ------===//
//
// Keras's LSTM, gates in Keras's order i, f, c, o along the kernels' and the
// bias's 4*units columns: with z = x_t kernel + bias + h_{t-1}
// recurrent_kernel, i = rec(z_i), f = rec(z_f), o = rec(z_o),
// c_t = f c_{t-1} + i act(z_c), h_t = o act(c_t); h_0 = c_0 = 0 and the
// output is h_T (every h_t with return_sequences). unit_forget_bias starts
// the forget gate's bias at 1. Only the forward cell is written here
// (Recurrent.h): the scan's backward pass is derived from its ops.
//
//===----------------------------------------------------------------------===//
#include "Recurrent.h"

using namespace dlc;
using namespace dlc::detail;

namespace {

struct LSTMOptions : RecurrentOptions {};

class LSTM final : public LayerKind {
public:
  LSTM() : LayerKind("lstm", "LSTM") {}
  // dl.scan runs for the input's run-time time axis.
  bool takesVariableLength() const override { return true; }

  bool check(LayerChecker &c, LayerSpec &layer) const override {
    enum {
      Units,
      Act,
      RecurrentAct,
      UseBias,
      KernelInit,
      RecurrentInit,
      BiasInit,
      UnitForgetBias,
      KernelReg,
      RecurrentReg,
      BiasReg,
      ActivityReg,
      ReturnSequences,
      Name,
      Trainable
    };
    static const OptionInfo options[] = {
        {"units", /*positional=*/true, /*required=*/true},
        {"activation", /*positional=*/true},
        {"recurrent_activation"},
        {"use_bias"},
        {"kernel_initializer"},
        {"recurrent_initializer"},
        {"bias_initializer"},
        {"unit_forget_bias"},
        {"kernel_regularizer"},
        {"recurrent_regularizer"},
        {"bias_regularizer"},
        {"activity_regularizer"},
        {"return_sequences"},
        {"name"},
        {"trainable"},
    };
    llvm::SmallVector<const ast::Arg *> bound;
    bool ok = c.bind(options, recurrentNotYet(), bound);
    auto opts = std::make_shared<LSTMOptions>();
    RecurrentParams params;
    ok &= readRecurrentOptions(
        c,
        {bound[Units], bound[Act], bound[RecurrentAct], bound[UseBias],
         bound[KernelInit], bound[RecurrentInit], bound[BiasInit],
         bound[KernelReg], bound[RecurrentReg], bound[BiasReg],
         bound[ActivityReg], bound[ReturnSequences], bound[Name],
         bound[Trainable]},
        layer, *opts, params);
    bool unitForgetBias = true;
    if (bound[UnitForgetBias])
      ok &= readBool(c.getDiag(), c.getKind(), "unit_forget_bias",
                     bound[UnitForgetBias]->value, unitForgetBias);
    if (!ok || !c.inputsOk() ||
        !checkRecurrentInput(c, layer, *opts, params, /*gates=*/4))
      return false;
    int64_t units = opts->units;
    if (opts->useBias) {
      c.addParam("bias", {4 * units}, params.biasInit, layer.trainable,
                 params.biasReg);
      // Keras: the forget gate's bias (the second block) starts at 1.
      if (unitForgetBias)
        c.setOnesAtInit(units, units);
    }
    layer.options = std::move(opts);
    return true;
  }

  mlir::Value emit(EmitContext &e, const LayerSpec &layer) const override {
    const auto &opts = layer.getOptions<LSTMOptions>();
    mlir::Value steps = emitInputProjection(
        e, e.params[0], opts.useBias ? e.params[2] : nullptr);
    int64_t units = opts.units;
    return emitRecurrence(
        e, opts, /*carries=*/2, steps, {e.params[1]},
        [&](mlir::OpBuilder &b, mlir::Location loc, mlir::ValueRange carries,
            mlir::Value xt, mlir::ValueRange invariants) {
          mlir::Value h = carries[0], c = carries[1];
          // Every gate's pre-activation in one product: [B, 4*units].
          mlir::Value product =
              mlir::dl::DenseOp::create(b, loc, h, invariants[0], nullptr);
          mlir::Value z = mlir::dl::AddOp::create(b, loc, xt, product);
          auto gate = [&](int64_t k, Activation act, double alpha) {
            return emitActivation(b, loc, act, alpha,
                                  emitGate(b, loc, z, units, k));
          };
          mlir::Value i =
              gate(0, opts.recurrentActivation, opts.recurrentActivationAlpha);
          mlir::Value f =
              gate(1, opts.recurrentActivation, opts.recurrentActivationAlpha);
          mlir::Value g = gate(2, opts.activation, opts.activationAlpha);
          mlir::Value o =
              gate(3, opts.recurrentActivation, opts.recurrentActivationAlpha);
          mlir::Value nextC = mlir::dl::AddOp::create(
              b, loc, mlir::dl::MulOp::create(b, loc, f, c),
              mlir::dl::MulOp::create(b, loc, i, g));
          mlir::Value nextH = mlir::dl::MulOp::create(
              b, loc, o,
              emitActivation(b, loc, opts.activation, opts.activationAlpha,
                             nextC));
          return llvm::SmallVector<mlir::Value>{nextH, nextC};
        });
  }
};

} // namespace

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const LayerKind &layerLSTM() {
  static const LSTM kind;
  return kind;
}
} // namespace dlc::registry
