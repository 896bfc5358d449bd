//===- SimpleRNN.cpp - simple_rnn(units, activation, ...) -----------------===//
//
// Keras's SimpleRNN: h_t = activation(x_t kernel + h_{t-1} recurrent_kernel
// + bias), h_0 = 0, over an input [T, features] per sample; the output is
// h_T, or every h_t ([T, units]) with return_sequences. The input
// projection of every step is one dense product over [B*T, features] before
// the recurrence; the dl.scan body is the cell alone, so its backward pass
// (through time) is derived by the autodiff machinery.
//
//===----------------------------------------------------------------------===//
#include "../LayerChecker.h"

#include "dl/Dialect/DL/IR/DLOps.h"
#include "dl/Frontend/Emit.h"

using namespace dlc;
using llvm::StringRef;

namespace {

struct SimpleRNNOptions : LayerOptions {
  int64_t units = 0;
  bool useBias = true;
  bool returnSequences = false;
  Activation activation = Activation::Tanh;
  double activationAlpha = 0.0;
};

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
    static const detail::OptionInfo options[] = {
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
    static const StringRef notYet[] = {"dropout",
                                       "recurrent_dropout",
                                       "return_state",
                                       "go_backwards",
                                       "stateful",
                                       "unroll",
                                       "kernel_constraint",
                                       "recurrent_constraint",
                                       "bias_constraint",
                                       "seed",
                                       "dtype",
                                       "input_shape"};

    llvm::SmallVector<const ast::Arg *> bound;
    bool ok = c.bind(options, notYet, bound);
    auto opts = std::make_shared<SimpleRNNOptions>();
    Initializer kernelInit = Initializer::GlorotUniform;
    Initializer recurrentInit = Initializer::Orthogonal;
    Initializer biasInit = Initializer::Zeros;
    if (bound[Units])
      ok &= detail::readPositiveInt(c.getDiag(), c.getKind(), "units",
                                    bound[Units]->value, opts->units);
    // The activation is the cell's, applied inside the recurrence: the
    // layer's own (applied to its output) stays linear.
    if (bound[Act]) {
      LayerSpec cell;
      ok &= c.readActivation(bound[Act], cell);
      opts->activation = cell.activation;
      opts->activationAlpha = cell.activationAlpha;
      if (cell.activation == Activation::Softmax ||
          cell.activation == Activation::LogSoftmax) {
        c.getDiag().error(bound[Act]->value.loc,
                          c.getKind().str() +
                              ": the cell's activation must be elementwise, "
                              "found " +
                              detail::describeValue(bound[Act]->value));
        ok = false;
      }
    }
    if (bound[UseBias])
      ok &= detail::readBool(c.getDiag(), c.getKind(), "use_bias",
                             bound[UseBias]->value, opts->useBias);
    if (bound[ReturnSequences])
      ok &= detail::readBool(c.getDiag(), c.getKind(), "return_sequences",
                             bound[ReturnSequences]->value,
                             opts->returnSequences);
    ok &=
        c.readInitializer(bound[KernelInit], "kernel_initializer", kernelInit);
    ok &= c.readInitializer(bound[RecurrentInit], "recurrent_initializer",
                            recurrentInit);
    ok &= c.readInitializer(bound[BiasInit], "bias_initializer", biasInit);
    Regularizer kernelReg, recurrentReg, biasReg;
    ok &= c.readRegularizer(bound[KernelReg], "kernel_regularizer", kernelReg);
    ok &= c.readRegularizer(bound[RecurrentReg], "recurrent_regularizer",
                            recurrentReg);
    ok &= c.readRegularizer(bound[BiasReg], "bias_regularizer", biasReg);
    ok &= c.readRegularizer(bound[ActivityReg], "activity_regularizer",
                            layer.activityRegularizer);
    ok &= c.readName(bound[Name]);
    ok &= c.readTrainable(bound[Trainable], layer);
    if (!ok || !c.inputsOk())
      return false;

    const Shape &in = c.inputShape(0);
    if (in.size() != 2 || in[1] < 0) {
      c.getDiag().error(c.getLoc(),
                        c.getKind().str() +
                            " expects a sequence per sample (f32[time, "
                            "features]), but its input has shape " +
                            formatShape(in));
      return false;
    }
    int64_t units = opts->units;
    if (!c.checkSize({in[1], units}, c.getKind() + ": the kernel") ||
        !c.checkSize({units, units}, c.getKind() + ": the recurrent kernel"))
      return false;
    layer.outShape = opts->returnSequences ? Shape{in[0], units} : Shape{units};
    // Keras's names and order: kernel, recurrent_kernel, bias.
    c.addParam("kernel", {in[1], units}, kernelInit, layer.trainable,
               kernelReg);
    c.addParam("recurrent_kernel", {units, units}, recurrentInit,
               layer.trainable, recurrentReg);
    if (opts->useBias)
      c.addParam("bias", {units}, biasInit, layer.trainable, biasReg);
    layer.options = std::move(opts);
    return true;
  }

  mlir::Value emit(EmitContext &e, const LayerSpec &layer) const override {
    const auto &opts = layer.getOptions<SimpleRNNOptions>();
    mlir::OpBuilder &b = e.b;
    mlir::Location loc = e.loc;
    mlir::Value x = e.inputs[0];
    auto xType = mlir::cast<mlir::RankedTensorType>(x.getType());
    auto f32 = b.getF32Type();
    int64_t dyn = mlir::ShapedType::kDynamic, time = xType.getDimSize(1);
    auto rows = [&](int64_t n) {
      return mlir::RankedTensorType::get({dyn, n}, f32);
    };
    auto state = rows(opts.units);

    // Every step's input projection at once: [B*T, F] x kernel + bias.
    mlir::Value merged =
        mlir::dl::MergeTimeOp::create(b, loc, rows(xType.getDimSize(2)), x);
    mlir::Value projected = mlir::dl::DenseOp::create(
        b, loc, merged, e.params[0], opts.useBias ? e.params[2] : nullptr);
    auto seqType = mlir::RankedTensorType::get({dyn, time, opts.units}, f32);
    mlir::Value steps =
        mlir::dl::SplitTimeOp::create(b, loc, seqType, projected, x);
    mlir::Value h0 = mlir::dl::ZerosOp::create(b, loc, state, x);

    llvm::SmallVector<mlir::Type> results{state};
    if (opts.returnSequences)
      results.push_back(seqType);
    auto scan = mlir::dl::ScanOp::create(b, loc, results, mlir::ValueRange{h0},
                                         mlir::ValueRange{steps},
                                         mlir::ValueRange{e.params[1]},
                                         /*reverse=*/false);
    {
      // The cell: h = activation(xp_t + h_prev recurrent_kernel).
      mlir::OpBuilder::InsertionGuard guard(b);
      mlir::Type recurrentType = e.params[1].getType();
      mlir::Block *body = b.createBlock(
          &scan.getBody(), {}, {state, state, recurrentType}, {loc, loc, loc});
      mlir::Value prev = body->getArgument(0), xt = body->getArgument(1),
                  kernel = body->getArgument(2);
      // A dense without bias: its VJP gives both h_prev's and the recurrent
      // kernel's cotangents.
      mlir::Value product =
          mlir::dl::DenseOp::create(b, loc, prev, kernel, nullptr);
      mlir::Value sum = mlir::dl::AddOp::create(b, loc, xt, product);
      mlir::Value h =
          emitActivation(b, loc, opts.activation, opts.activationAlpha, sum);
      llvm::SmallVector<mlir::Value> yields{h};
      if (opts.returnSequences)
        yields.push_back(h);
      mlir::dl::YieldOp::create(b, loc, yields);
    }
    return opts.returnSequences ? scan.getResult(1) : scan.getResult(0);
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
