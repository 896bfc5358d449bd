//===- GRU.cpp - gru(units, activation, recurrent_activation, ...) --------===//
//
// Keras's GRU, gates in Keras's order z, r, h along the kernels' 3*units
// columns; h_0 = 0, h_t = z h_{t-1} + (1 - z) h~, the output h_T (every h_t
// with return_sequences). With reset_after (the default), the bias is
// [2, 3*units] (input bias row 0, recurrent bias row 1) and
// h~ = act(x_h + r (h_{t-1} R_h + b_rh)); without it, the bias is
// [3*units] and h~ = act(x_h + (r h_{t-1}) R_h). Only the forward cell is
// written here (Recurrent.h): the scan's backward pass is derived from its
// ops.
//
//===----------------------------------------------------------------------===//
#include "Recurrent.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace dlc;
using namespace dlc::detail;

namespace {

struct GRUOptions : RecurrentOptions {
  bool resetAfter = true;
};

/// Row `row` of a [2, n] parameter as a [n] vector: a one-hot [1, 2] row
/// times it (a dense, so its VJP puts the cotangent in that row), then
/// [1, n] merged to [n].
mlir::Value emitRow(mlir::OpBuilder &b, mlir::Location loc, mlir::Value m,
                    int64_t row) {
  auto type = mlir::cast<mlir::RankedTensorType>(m.getType());
  auto f32 = b.getF32Type();
  float oneHot[2] = {row == 0 ? 1.0f : 0.0f, row == 1 ? 1.0f : 0.0f};
  auto selType = mlir::RankedTensorType::get({1, 2}, f32);
  mlir::Value sel = mlir::arith::ConstantOp::create(
      b, loc,
      mlir::DenseElementsAttr::get(selType, llvm::ArrayRef<float>(oneHot)));
  mlir::Value picked = mlir::dl::DenseOp::create(b, loc, sel, m, nullptr);
  return mlir::dl::MergeTimeOp::create(
      b, loc, mlir::RankedTensorType::get({type.getDimSize(1)}, f32), picked);
}

/// Columns [begin, begin + n) of a [rows, k] matrix.
mlir::Value emitColumns(mlir::OpBuilder &b, mlir::Location loc, mlir::Value m,
                        int64_t begin, int64_t n) {
  auto type = mlir::cast<mlir::RankedTensorType>(m.getType());
  return mlir::dl::SliceOp::create(
      b, loc,
      mlir::RankedTensorType::get({type.getDimSize(0), n},
                                  type.getElementType()),
      m, b.getI64IntegerAttr(1), b.getI64IntegerAttr(begin));
}

class GRU final : public LayerKind {
public:
  GRU() : LayerKind("gru", "GRU") {}
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
      KernelReg,
      RecurrentReg,
      BiasReg,
      ActivityReg,
      ReturnSequences,
      ResetAfter,
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
        {"kernel_regularizer"},
        {"recurrent_regularizer"},
        {"bias_regularizer"},
        {"activity_regularizer"},
        {"return_sequences"},
        {"reset_after"},
        {"name"},
        {"trainable"},
    };
    llvm::SmallVector<const ast::Arg *> bound;
    bool ok = c.bind(options, recurrentNotYet(), bound);
    auto opts = std::make_shared<GRUOptions>();
    RecurrentParams params;
    ok &= readRecurrentOptions(
        c,
        {bound[Units], bound[Act], bound[RecurrentAct], bound[UseBias],
         bound[KernelInit], bound[RecurrentInit], bound[BiasInit],
         bound[KernelReg], bound[RecurrentReg], bound[BiasReg],
         bound[ActivityReg], bound[ReturnSequences], bound[Name],
         bound[Trainable]},
        layer, *opts, params);
    if (bound[ResetAfter])
      ok &= readBool(c.getDiag(), c.getKind(), "reset_after",
                     bound[ResetAfter]->value, opts->resetAfter);
    if (!ok || !c.inputsOk() ||
        !checkRecurrentInput(c, layer, *opts, params, /*gates=*/3))
      return false;
    int64_t units = opts->units;
    if (opts->useBias) {
      Shape bias = opts->resetAfter ? Shape{2, 3 * units} : Shape{3 * units};
      c.addParam("bias", bias, params.biasInit, layer.trainable,
                 params.biasReg);
    }
    layer.options = std::move(opts);
    return true;
  }

  mlir::Value emit(EmitContext &e, const LayerSpec &layer) const override {
    const auto &opts = layer.getOptions<GRUOptions>();
    mlir::OpBuilder &b = e.b;
    int64_t units = opts.units;
    mlir::Value inputBias, recurrentBias;
    if (opts.useBias && opts.resetAfter) {
      inputBias = emitRow(b, e.loc, e.params[2], 0);
      recurrentBias = emitRow(b, e.loc, e.params[2], 1);
    } else if (opts.useBias) {
      inputBias = e.params[2];
    }
    mlir::Value steps = emitInputProjection(e, e.params[0], inputBias);
    auto rec = [&](mlir::OpBuilder &b, mlir::Location loc, mlir::Value v) {
      return emitActivation(b, loc, opts.recurrentActivation,
                            opts.recurrentActivationAlpha, v);
    };
    // h_t = z h + (1 - z) h~ = h~ + z (h - h~).
    auto update = [&](mlir::OpBuilder &b, mlir::Location loc, mlir::Value z,
                      mlir::Value h, mlir::Value candidate) {
      mlir::Value diff = mlir::dl::SubOp::create(b, loc, h, candidate);
      return mlir::dl::AddOp::create(b, loc, candidate,
                                     mlir::dl::MulOp::create(b, loc, z, diff));
    };

    if (opts.resetAfter) {
      llvm::SmallVector<mlir::Value> invariants{e.params[1]};
      if (recurrentBias)
        invariants.push_back(recurrentBias);
      return emitRecurrence(
          e, opts, /*carries=*/1, steps, invariants,
          [&](mlir::OpBuilder &b, mlir::Location loc, mlir::ValueRange carries,
              mlir::Value xt, mlir::ValueRange inv) {
            mlir::Value h = carries[0];
            // Every gate's recurrent part in one product: [B, 3*units].
            mlir::Value hp = mlir::dl::DenseOp::create(
                b, loc, h, inv[0], inv.size() > 1 ? inv[1] : nullptr);
            auto sum = [&](int64_t k) {
              return mlir::dl::AddOp::create(b, loc,
                                             emitGate(b, loc, xt, units, k),
                                             emitGate(b, loc, hp, units, k));
            };
            mlir::Value z = rec(b, loc, sum(0)), r = rec(b, loc, sum(1));
            mlir::Value candidate = emitActivation(
                b, loc, opts.activation, opts.activationAlpha,
                mlir::dl::AddOp::create(
                    b, loc, emitGate(b, loc, xt, units, 2),
                    mlir::dl::MulOp::create(b, loc, r,
                                            emitGate(b, loc, hp, units, 2))));
            return llvm::SmallVector<mlir::Value>{
                update(b, loc, z, h, candidate)};
          });
    }
    // reset_after = false: the candidate's product reads r h, so the
    // recurrent kernel's z, r columns and h columns are two products.
    mlir::Value zr = emitColumns(b, e.loc, e.params[1], 0, 2 * units);
    mlir::Value hk = emitColumns(b, e.loc, e.params[1], 2 * units, units);
    return emitRecurrence(
        e, opts, /*carries=*/1, steps, {zr, hk},
        [&](mlir::OpBuilder &b, mlir::Location loc, mlir::ValueRange carries,
            mlir::Value xt, mlir::ValueRange inv) {
          mlir::Value h = carries[0];
          mlir::Value hp =
              mlir::dl::DenseOp::create(b, loc, h, inv[0], nullptr);
          auto sum = [&](int64_t k) {
            return mlir::dl::AddOp::create(b, loc,
                                           emitGate(b, loc, xt, units, k),
                                           emitGate(b, loc, hp, units, k));
          };
          mlir::Value z = rec(b, loc, sum(0)), r = rec(b, loc, sum(1));
          mlir::Value rh = mlir::dl::MulOp::create(b, loc, r, h);
          mlir::Value candidate = emitActivation(
              b, loc, opts.activation, opts.activationAlpha,
              mlir::dl::AddOp::create(
                  b, loc, emitGate(b, loc, xt, units, 2),
                  mlir::dl::DenseOp::create(b, loc, rh, inv[1], nullptr)));
          return llvm::SmallVector<mlir::Value>{
              update(b, loc, z, h, candidate)};
        });
  }
};

} // namespace

namespace dlc::registry {
/// Listed by Registry.cpp (see CMakeLists.txt).
const LayerKind &layerGRU() {
  static const GRU kind;
  return kind;
}
} // namespace dlc::registry
