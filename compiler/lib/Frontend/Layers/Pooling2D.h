//===- Pooling2D.h - the 2-D pooling layers ---------------------*- C++ -*-===//
//
// Internal to the frontend: max_pooling2d, average_pooling2d and their
// global forms share everything but the op they emit, so each of their
// files (one per kind, for the registry) instantiates these templates.
// Inputs are channels-last [H, W, C] per sample, as in Keras.
//
//===----------------------------------------------------------------------===//
#ifndef DL_LIB_FRONTEND_LAYERS_POOLING2D_H
#define DL_LIB_FRONTEND_LAYERS_POOLING2D_H

#include "../LayerChecker.h"

#include "dl/Dialect/DL/IR/DLOps.h"
#include "dl/Frontend/Emit.h"

namespace dlc::detail {

/// The window of a pooling layer, with the padding made explicit
/// (top, bottom, left, right).
struct Pool2DOptions : LayerOptions {
  int64_t pool[2] = {2, 2};
  int64_t strides[2] = {2, 2};
  int64_t padding[4] = {0, 0, 0, 0};
};

/// Reports an input that is not [H, W, C] per sample.
inline bool checkPoolInput(LayerChecker &c, const Shape &in) {
  if (in.size() == 3)
    return true;
  c.getDiag().error(c.getLoc(), c.getKind() +
                                    " expects a rank-3 input per sample "
                                    "(f32[height, width, channels]), but its "
                                    "input has shape " +
                                    formatShape(in));
  return false;
}

/// Emits the pooling op `OpTy` with the window of `opts`.
template <typename OpTy>
mlir::Value emitPool(EmitContext &e, mlir::Value input, const Shape &outShape,
                     const Pool2DOptions &opts) {
  return OpTy::create(e.b, e.loc, e.batchedType(outShape), input,
                      llvm::ArrayRef<int64_t>(opts.pool),
                      llvm::ArrayRef<int64_t>(opts.strides),
                      llvm::ArrayRef<int64_t>(opts.padding));
}

/// Keras's MaxPooling2D / AveragePooling2D(pool_size, strides, padding).
template <typename OpTy> class Pooling2D final : public LayerKind {
public:
  using LayerKind::LayerKind;

  bool check(LayerChecker &c, LayerSpec &layer) const override {
    enum { PoolSize, Strides, Padding, Name, Trainable };
    static const OptionInfo options[] = {
        {"pool_size", /*positional=*/true},
        {"strides", /*positional=*/true},
        {"padding", /*positional=*/true},
        {"name"},
        {"trainable"},
    };
    static const llvm::StringRef notYet[] = {"data_format", "dtype",
                                             "input_shape"};
    static const llvm::StringRef paddings[] = {"valid", "same"};
    llvm::SmallVector<const ast::Arg *> bound;
    bool ok = c.bind(options, notYet, bound);
    auto opts = std::make_shared<Pool2DOptions>();
    ok &= c.readSizePair(bound[PoolSize], "pool_size", opts->pool);
    // Keras: strides default to the pool size.
    opts->strides[0] = opts->pool[0];
    opts->strides[1] = opts->pool[1];
    ok &= c.readSizePair(bound[Strides], "strides", opts->strides);
    unsigned padding = 0;
    if (bound[Padding])
      ok &= readChoice(c.getDiag(), c.getKind(), "padding", "padding",
                       bound[Padding]->value, paddings, {}, padding);
    ok &= c.readName(bound[Name]);
    ok &= c.readTrainable(bound[Trainable], layer);
    if (!ok || !c.inputsOk())
      return false;

    const Shape &in = c.inputShape(0);
    if (!checkPoolInput(c, in))
      return false;
    Shape out;
    for (int axis = 0; axis < 2; ++axis) {
      int64_t size = in[axis], pool = opts->pool[axis],
              stride = opts->strides[axis];
      if (padding == 1) {
        // TensorFlow's "same": ceil(size / stride) windows, the padding
        // split with the odd element at the end.
        int64_t n = (size + stride - 1) / stride;
        int64_t total = std::max<int64_t>((n - 1) * stride + pool - size, 0);
        opts->padding[2 * axis] = total / 2;
        opts->padding[2 * axis + 1] = total - total / 2;
        out.push_back(n);
        continue;
      }
      if (pool > size) {
        c.getDiag().error(
            c.getLoc(),
            c.getKind() + ": the pool [" + llvm::Twine(opts->pool[0]) + ", " +
                llvm::Twine(opts->pool[1]) + "] is larger than the input " +
                formatShape(in) + " (padding = valid)");
        return false;
      }
      out.push_back((size - pool) / stride + 1);
    }
    out.push_back(in[2]);
    layer.outShape = std::move(out);
    layer.options = std::move(opts);
    return true;
  }

  mlir::Value emit(EmitContext &e, const LayerSpec &layer) const override {
    return emitPool<OpTy>(e, e.inputs[0], layer.outShape,
                          layer.getOptions<Pool2DOptions>());
  }
};

/// Keras's GlobalMaxPooling2D / GlobalAveragePooling2D: [H, W, C] -> [C],
/// the pooling op with one window over the whole input.
template <typename OpTy> class GlobalPooling2D final : public LayerKind {
public:
  using LayerKind::LayerKind;

  bool check(LayerChecker &c, LayerSpec &layer) const override {
    enum { Name, Trainable };
    static const OptionInfo options[] = {{"name"}, {"trainable"}};
    static const llvm::StringRef notYet[] = {"data_format", "keepdims",
                                             "dtype"};
    llvm::SmallVector<const ast::Arg *> bound;
    bool ok = c.bind(options, notYet, bound);
    ok &= c.readName(bound[Name]);
    ok &= c.readTrainable(bound[Trainable], layer);
    if (!ok || !c.inputsOk())
      return false;
    const Shape &in = c.inputShape(0);
    if (!checkPoolInput(c, in))
      return false;
    layer.outShape = {in[2]};
    return true;
  }

  mlir::Value emit(EmitContext &e, const LayerSpec &layer) const override {
    auto inType = mlir::cast<mlir::RankedTensorType>(e.inputs[0].getType());
    Pool2DOptions opts;
    opts.pool[0] = inType.getDimSize(1);
    opts.pool[1] = inType.getDimSize(2);
    // One window, so any stride gives the same result; a stride of the
    // window's size tells the gradient that no two windows overlap.
    opts.strides[0] = opts.pool[0];
    opts.strides[1] = opts.pool[1];
    mlir::Value pooled =
        emitPool<OpTy>(e, e.inputs[0], {1, 1, layer.outShape[0]}, opts);
    return mlir::dl::ReshapeOp::create(e.b, e.loc,
                                       e.batchedType(layer.outShape), pooled);
  }
};

} // namespace dlc::detail

#endif // DL_LIB_FRONTEND_LAYERS_POOLING2D_H
