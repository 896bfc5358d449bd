//===- Conv2D.cpp - conv2d(filters, kernel_size, ...) ---------------------===//
//
// Keras's Conv2D over channels-last [H, W, C] per sample: kernel
// [KH, KW, C, filters] (Keras's layout), bias [filters], the padding made
// explicit for dl.conv2d.
//
//===----------------------------------------------------------------------===//
#include "../LayerChecker.h"

#include "dl/Dialect/DL/IR/DLOps.h"
#include "dl/Frontend/Emit.h"

using namespace dlc;
using llvm::StringRef;

namespace {

struct Conv2DOptions : LayerOptions {
  int64_t filters = 0;
  int64_t kernel[2] = {0, 0};
  int64_t strides[2] = {1, 1};
  int64_t dilations[2] = {1, 1};
  int64_t padding[4] = {0, 0, 0, 0}; ///< top, bottom, left, right
  bool useBias = true;
};

std::string formatPair(const int64_t (&v)[2]) {
  return "[" + std::to_string(v[0]) + ", " + std::to_string(v[1]) + "]";
}

class Conv2D final : public LayerKind {
public:
  Conv2D() : LayerKind("conv2d", "Conv2D") {}

  bool check(LayerChecker &c, LayerSpec &layer) const override {
    enum {
      Filters,
      KernelSize,
      Strides,
      Padding,
      DilationRate,
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
    // Keras's positional order: filters, kernel_size, strides, padding,
    // data_format (not yet), dilation_rate, ...; keyword use is the norm
    // past kernel_size.
    static const detail::OptionInfo options[] = {
        {"filters", /*positional=*/true, /*required=*/true},
        {"kernel_size", /*positional=*/true, /*required=*/true},
        {"strides", /*positional=*/true},
        {"padding", /*positional=*/true},
        {"dilation_rate"},
        {"activation"},
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
        "data_format",     "groups",     "kernel_constraint",
        "bias_constraint", "lora_rank",  "lora_alpha",
        "dtype",           "input_shape"};
    static const StringRef paddings[] = {"valid", "same"};

    llvm::SmallVector<const ast::Arg *> bound;
    bool ok = c.bind(options, notYet, bound);
    auto opts = std::make_shared<Conv2DOptions>();
    Initializer kernelInit = Initializer::GlorotUniform;
    Initializer biasInit = Initializer::Zeros;
    if (bound[Filters])
      ok &= detail::readPositiveInt(c.getDiag(), "conv2d", "filters",
                                    bound[Filters]->value, opts->filters);
    ok &= c.readSizePair(bound[KernelSize], "kernel_size", opts->kernel);
    ok &= c.readSizePair(bound[Strides], "strides", opts->strides);
    unsigned padding = 0;
    if (bound[Padding])
      ok &= detail::readChoice(c.getDiag(), c.getKind(), "padding", "padding",
                               bound[Padding]->value, paddings, {}, padding);
    ok &= c.readSizePair(bound[DilationRate], "dilation_rate", opts->dilations);
    ok &= c.readActivation(bound[Act], layer);
    if (bound[UseBias])
      ok &= detail::readBool(c.getDiag(), "conv2d", "use_bias",
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
    // Keras rejects both at once: a strided dilated convolution.
    if ((opts->strides[0] > 1 || opts->strides[1] > 1) &&
        (opts->dilations[0] > 1 || opts->dilations[1] > 1)) {
      c.getDiag().error(
          c.getLoc(), "conv2d: strides " + formatPair(opts->strides) +
                          " and dilation_rate " + formatPair(opts->dilations) +
                          " cannot both be larger than 1 (as in Keras)");
      return false;
    }

    const Shape &in = c.inputShape(0);
    if (in.size() != 3) {
      c.getDiag().error(c.getLoc(),
                        "conv2d expects a rank-3 input per sample "
                        "(f32[height, width, channels]), but its input has "
                        "shape " +
                            formatShape(in));
      return false;
    }
    Shape out;
    for (int axis = 0; axis < 2; ++axis) {
      int64_t size = in[axis], stride = opts->strides[axis];
      int64_t extent = (opts->kernel[axis] - 1) * opts->dilations[axis] + 1;
      if (padding == 1) {
        // TensorFlow's "same": ceil(size / stride) positions, the padding
        // split with the odd element at the end.
        int64_t n = (size + stride - 1) / stride;
        int64_t total = std::max<int64_t>((n - 1) * stride + extent - size, 0);
        opts->padding[2 * axis] = total / 2;
        opts->padding[2 * axis + 1] = total - total / 2;
        out.push_back(n);
        continue;
      }
      if (extent > size) {
        std::string dilated =
            opts->dilations[0] > 1 || opts->dilations[1] > 1
                ? " (dilation_rate " + formatPair(opts->dilations) + ")"
                : std::string();
        c.getDiag().error(c.getLoc(),
                          "conv2d: the kernel " + formatPair(opts->kernel) +
                              dilated + " is larger than the input " +
                              formatShape(in) + " (padding = valid)");
        return false;
      }
      out.push_back((size - extent) / stride + 1);
    }
    out.push_back(opts->filters);
    Shape kernelShape = {opts->kernel[0], opts->kernel[1], in[2],
                         opts->filters};
    if (!c.checkSize(kernelShape, "conv2d: the kernel") ||
        !c.checkSize(out, "conv2d: the output"))
      return false;
    layer.outShape = std::move(out);
    c.addParam("kernel", std::move(kernelShape), kernelInit, layer.trainable,
               kernelReg);
    if (opts->useBias)
      c.addParam("bias", {opts->filters}, biasInit, layer.trainable, biasReg);
    layer.options = std::move(opts);
    return true;
  }

  mlir::Value emit(EmitContext &e, const LayerSpec &layer) const override {
    const auto &opts = layer.getOptions<Conv2DOptions>();
    return mlir::dl::Conv2DOp::create(
        e.b, e.loc, e.batchedType(layer.outShape), e.inputs[0], e.params[0],
        opts.useBias ? e.params[1] : mlir::Value(),
        llvm::ArrayRef<int64_t>(opts.strides),
        llvm::ArrayRef<int64_t>(opts.dilations),
        llvm::ArrayRef<int64_t>(opts.padding));
  }
};

} // namespace

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const LayerKind &layerConv2D() {
  static const Conv2D kind;
  return kind;
}
} // namespace dlc::registry
