//===- Dense.cpp - dense(units, activation, ...) --------------------------===//
//
// Keras's Dense: y = activation(x kernel + bias), kernel [in, units].
//
//===----------------------------------------------------------------------===//
#include "../LayerChecker.h"

#include "dl/Dialect/DL/IR/DLOps.h"
#include "dl/Frontend/Emit.h"

using namespace dlc;
using llvm::StringRef;

namespace {

struct DenseOptions : LayerOptions {
  int64_t units = 0;
  bool useBias = true;
};

class Dense final : public LayerKind {
public:
  Dense() : LayerKind("dense", "Dense") {}

  bool check(LayerChecker &c, LayerSpec &layer) const override {
    enum {
      Units,
      Act,
      UseBias,
      KernelInit,
      BiasInit,
      KernelReg,
      BiasReg,
      ActivityReg,
      Name,
      Trainable
    };
    static const detail::OptionInfo options[] = {
        {"units", /*positional=*/true, /*required=*/true},
        {"activation", /*positional=*/true},
        {"use_bias"},
        {"kernel_initializer"},
        {"bias_initializer"},
        {"kernel_regularizer"},
        {"bias_regularizer"},
        {"activity_regularizer"},
        {"name"},
        {"trainable"},
    };
    static const StringRef notYet[] = {
        "kernel_constraint", "bias_constraint", "lora_rank",
        "lora_alpha",        "dtype",           "input_shape",
        "input_dim"};

    llvm::SmallVector<const ast::Arg *> bound;
    bool ok = c.bind(options, notYet, bound);
    auto opts = std::make_shared<DenseOptions>();
    Initializer kernelInit = Initializer::GlorotUniform;
    Initializer biasInit = Initializer::Zeros;
    if (bound[Units])
      ok &= detail::readPositiveInt(c.getDiag(), "dense", "units",
                                    bound[Units]->value, opts->units);
    ok &= c.readActivation(bound[Act], layer);
    if (bound[UseBias])
      ok &= detail::readBool(c.getDiag(), "dense", "use_bias",
                             bound[UseBias]->value, opts->useBias);
    ok &=
        c.readInitializer(bound[KernelInit], "kernel_initializer", kernelInit);
    ok &= c.readInitializer(bound[BiasInit], "bias_initializer", biasInit);
    Regularizer kernelReg, biasReg;
    ok &= c.readRegularizer(bound[KernelReg], "kernel_regularizer", kernelReg);
    ok &= c.readRegularizer(bound[BiasReg], "bias_regularizer", biasReg);
    ok &= c.readRegularizer(bound[ActivityReg], "activity_regularizer",
                            layer.activityRegularizer);
    ok &= c.readName(bound[Name]);
    ok &= c.readTrainable(bound[Trainable], layer);
    if (!ok || !c.inputsOk())
      return false;

    const Shape &in = c.inputShape(0);
    if (in.size() != 1) {
      const ast::LayerStmt &stmt = c.getStmt();
      std::string hint = stmt.hasInputList
                             ? "; flatten it first, e.g. 'f = flatten()(" +
                                   stmt.inputs.front().first + ");'"
                             : std::string("; add 'flatten;' before it");
      c.getDiag().error(c.getLoc(),
                        "dense expects a rank-1 input per sample (f32[n]), but "
                        "its input has shape " +
                            formatShape(in) + hint);
      return false;
    }
    Shape kernelShape = {in[0], opts->units};
    if (!c.checkSize(kernelShape, "dense: the kernel"))
      return false;
    layer.outShape = {opts->units};
    c.addParam("kernel", std::move(kernelShape), kernelInit, layer.trainable,
               kernelReg);
    if (opts->useBias)
      c.addParam("bias", {opts->units}, biasInit, layer.trainable, biasReg);
    layer.options = std::move(opts);
    return true;
  }

  mlir::Value emit(EmitContext &e, const LayerSpec &layer) const override {
    bool useBias = layer.getOptions<DenseOptions>().useBias;
    return mlir::dl::DenseOp::create(e.b, e.loc, e.inputs[0], e.params[0],
                                     useBias ? e.params[1] : mlir::Value());
  }
};

} // namespace

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const LayerKind &layerDense() {
  static const Dense kind;
  return kind;
}
} // namespace dlc::registry
