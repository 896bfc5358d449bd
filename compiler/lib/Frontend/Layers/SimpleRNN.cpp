//===- SimpleRNN.cpp - simple_rnn(units, activation, ...) -----------------===//
//
// Keras's SimpleRNN: h_t = activation(x_t kernel + h_{t-1} recurrent_kernel
// + bias), h_0 = 0, over an input [T, features] per sample; the output is
// h_T, or every h_t ([T, units]) with return_sequences. The input
// projection of every step is one dense product over [B*T, features] before
// the recurrence; the dl.scan body is the cell alone, so its backward pass
// (through time) is derived by the autodiff machinery (Recurrent.h).
//
//===----------------------------------------------------------------------===//
#include "Recurrent.h"

using namespace dlc;
using namespace dlc::detail;

namespace {

class SimpleRNN final : public LayerKind {
public:
  SimpleRNN() : LayerKind("simple_rnn", "SimpleRNN") {}
  // dl.scan runs for the input's run-time time axis.
  bool takesVariableLength() const override { return true; }

  bool check(LayerChecker &c, LayerSpec &layer) const override {
    enum {
      Units,
      Act,
      UseBias,
      KernelInit,
      RecurrentInit,
      BiasInit,
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
        {"use_bias"},
        {"kernel_initializer"},
        {"recurrent_initializer"},
        {"bias_initializer"},
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
    auto opts = std::make_shared<RecurrentOptions>();
    RecurrentParams params;
    ok &= readRecurrentOptions(
        c,
        {bound[Units], bound[Act], nullptr, bound[UseBias], bound[KernelInit],
         bound[RecurrentInit], bound[BiasInit], bound[KernelReg],
         bound[RecurrentReg], bound[BiasReg], bound[ActivityReg],
         bound[ReturnSequences], bound[Name], bound[Trainable]},
        layer, *opts, params);
    if (!ok || !c.inputsOk() ||
        !checkRecurrentInput(c, layer, *opts, params, /*gates=*/1))
      return false;
    // Keras's names and order: kernel, recurrent_kernel, bias.
    if (opts->useBias)
      c.addParam("bias", {opts->units}, params.biasInit, layer.trainable,
                 params.biasReg);
    layer.options = std::move(opts);
    return true;
  }

  mlir::Value emit(EmitContext &e, const LayerSpec &layer) const override {
    const auto &opts = layer.getOptions<RecurrentOptions>();
    mlir::Value steps = emitInputProjection(
        e, e.params[0], opts.useBias ? e.params[2] : nullptr);
    return emitRecurrence(
        e, opts, /*carries=*/1, steps, {e.params[1]},
        [&](mlir::OpBuilder &b, mlir::Location loc, mlir::ValueRange carries,
            mlir::Value xt, mlir::ValueRange invariants) {
          // h = activation(xp_t + h_prev recurrent_kernel). A dense without
          // bias: its VJP gives both h_prev's and the recurrent kernel's
          // cotangents.
          mlir::Value product = mlir::dl::DenseOp::create(
              b, loc, carries[0], invariants[0], nullptr);
          mlir::Value sum = mlir::dl::AddOp::create(b, loc, xt, product);
          return llvm::SmallVector<mlir::Value>{emitActivation(
              b, loc, opts.activation, opts.activationAlpha, sum)};
        });
  }
};

} // namespace

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const LayerKind &layerSimpleRNN() {
  static const SimpleRNN kind;
  return kind;
}
} // namespace dlc::registry
