//===- Recurrent.h - what simple_rnn, lstm and gru share --------*- C++ -*-===//
//
// Internal to the frontend's layers. Keras's SimpleRNN, LSTM and GRU read
// the same options (units, activation, use_bias, the three initialisers and
// regularisers, return_sequences, ...), take a sequence per sample, keep
// their weights as kernel [features, k*units], recurrent_kernel [units,
// k*units] and a bias, project every step's input with one dense product
// before the recurrence, and run the cell alone in a dl.scan (its backward
// pass through time is derived from the cell's ops). Each layer keeps only
// its option table and its cell.
//
//===----------------------------------------------------------------------===//
#ifndef DLC_FRONTEND_LAYERS_RECURRENT_H
#define DLC_FRONTEND_LAYERS_RECURRENT_H

#include "../LayerChecker.h"

#include "dl/Dialect/DL/IR/DLOps.h"
#include "dl/Frontend/Emit.h"

#include "llvm/ADT/STLFunctionalExtras.h"

namespace dlc::detail {

/// The options every recurrent layer has; recurrentActivation is lstm's
/// and gru's (sigmoid, as Keras).
struct RecurrentOptions : LayerOptions {
  int64_t units = 0;
  bool useBias = true;
  bool returnSequences = false;
  Activation activation = Activation::Tanh;
  double activationAlpha = 0.0;
  Activation recurrentActivation = Activation::Sigmoid;
  double recurrentActivationAlpha = 0.0;
};

/// The shared options' arguments (null where not given).
struct RecurrentArgs {
  const ast::Arg *units, *activation, *recurrentActivation, *useBias,
      *kernelInit, *recurrentInit, *biasInit, *kernelReg, *recurrentReg,
      *biasReg, *activityReg, *returnSequences, *name, *trainable;
};

/// The parameters' initialisers and regularisers as read.
struct RecurrentParams {
  Initializer kernelInit = Initializer::GlorotUniform;
  Initializer recurrentInit = Initializer::Orthogonal;
  Initializer biasInit = Initializer::Zeros;
  Regularizer kernelReg, recurrentReg, biasReg;
};

/// Keras's options that no recurrent layer supports yet.
inline llvm::ArrayRef<llvm::StringRef> recurrentNotYet() {
  static const llvm::StringRef names[] = {"dropout",
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
  return names;
}

/// Reads one cell activation; it must be elementwise (it runs on a step).
inline bool readCellActivation(LayerChecker &c, const ast::Arg *arg,
                               llvm::StringRef option, Activation &out,
                               double &alpha) {
  if (!arg)
    return true;
  LayerSpec cell;
  if (!c.readActivation(arg, cell, option))
    return false;
  if (cell.activation == Activation::Softmax ||
      cell.activation == Activation::LogSoftmax) {
    c.getDiag().error(arg->value.loc, c.getKind().str() + ": the cell's " +
                                          option.str() +
                                          " must be elementwise, found " +
                                          describeValue(arg->value));
    return false;
  }
  out = cell.activation;
  alpha = cell.activationAlpha;
  return true;
}

/// Reads the shared options into `opts`, `params` and `layer` (name,
/// trainable, activity regulariser).
inline bool readRecurrentOptions(LayerChecker &c, const RecurrentArgs &a,
                                 LayerSpec &layer, RecurrentOptions &opts,
                                 RecurrentParams &params) {
  bool ok = true;
  if (a.units)
    ok &= readPositiveInt(c.getDiag(), c.getKind(), "units", a.units->value,
                          opts.units);
  // The activations are the cell's, applied inside the recurrence: the
  // layer's own (applied to its output) stays linear.
  ok &= readCellActivation(c, a.activation, "activation", opts.activation,
                           opts.activationAlpha);
  ok &= readCellActivation(c, a.recurrentActivation, "recurrent_activation",
                           opts.recurrentActivation,
                           opts.recurrentActivationAlpha);
  if (a.useBias)
    ok &= readBool(c.getDiag(), c.getKind(), "use_bias", a.useBias->value,
                   opts.useBias);
  if (a.returnSequences)
    ok &= readBool(c.getDiag(), c.getKind(), "return_sequences",
                   a.returnSequences->value, opts.returnSequences);
  ok &=
      c.readInitializer(a.kernelInit, "kernel_initializer", params.kernelInit);
  ok &= c.readInitializer(a.recurrentInit, "recurrent_initializer",
                          params.recurrentInit);
  ok &= c.readInitializer(a.biasInit, "bias_initializer", params.biasInit);
  ok &= c.readRegularizer(a.kernelReg, "kernel_regularizer", params.kernelReg);
  ok &= c.readRegularizer(a.recurrentReg, "recurrent_regularizer",
                          params.recurrentReg);
  ok &= c.readRegularizer(a.biasReg, "bias_regularizer", params.biasReg);
  ok &= c.readRegularizer(a.activityReg, "activity_regularizer",
                          layer.activityRegularizer);
  ok &= c.readName(a.name);
  ok &= c.readTrainable(a.trainable, layer);
  return ok;
}

/// Checks the input (a sequence per sample), sets the output shape and
/// adds Keras's kernel [features, gates*units] and recurrent_kernel [units,
/// gates*units]; the caller adds the bias (its shape is the layer's).
inline bool checkRecurrentInput(LayerChecker &c, LayerSpec &layer,
                                const RecurrentOptions &opts,
                                const RecurrentParams &params, int64_t gates) {
  const Shape &in = c.inputShape(0);
  if (in.size() != 2 || in[1] < 0) {
    c.getDiag().error(c.getLoc(),
                      c.getKind().str() +
                          " expects a sequence per sample (f32[time, "
                          "features]), but its input has shape " +
                          formatShape(in));
    return false;
  }
  int64_t units = opts.units, width = gates * units;
  if (!c.checkSize({in[1], width}, c.getKind() + ": the kernel") ||
      !c.checkSize({units, width}, c.getKind() + ": the recurrent kernel"))
    return false;
  layer.outShape = opts.returnSequences ? Shape{in[0], units} : Shape{units};
  c.addParam("kernel", {in[1], width}, params.kernelInit, layer.trainable,
             params.kernelReg);
  c.addParam("recurrent_kernel", {units, width}, params.recurrentInit,
             layer.trainable, params.recurrentReg);
  return true;
}

/// Every step's input projection at once, [B, T, width]: one dense product
/// over [B*T, features] (the register-blocked kernel) instead of one per
/// step. `bias` may be null.
inline mlir::Value emitInputProjection(EmitContext &e, mlir::Value kernel,
                                       mlir::Value bias) {
  mlir::OpBuilder &b = e.b;
  mlir::Value x = e.inputs[0];
  auto xType = mlir::cast<mlir::RankedTensorType>(x.getType());
  int64_t dyn = mlir::ShapedType::kDynamic;
  int64_t width =
      mlir::cast<mlir::RankedTensorType>(kernel.getType()).getDimSize(1);
  auto f32 = b.getF32Type();
  mlir::Value merged = mlir::dl::MergeTimeOp::create(
      b, e.loc, mlir::RankedTensorType::get({dyn, xType.getDimSize(2)}, f32),
      x);
  mlir::Value projected =
      mlir::dl::DenseOp::create(b, e.loc, merged, kernel, bias);
  return mlir::dl::SplitTimeOp::create(
      b, e.loc,
      mlir::RankedTensorType::get({dyn, xType.getDimSize(1), width}, f32),
      projected, x);
}

/// The cell: given the builder (inside the scan's body), the carries, the
/// step's projected input and the invariants, builds the step and returns
/// the next carries, the output state h first.
using CellBuilder = llvm::function_ref<llvm::SmallVector<mlir::Value>(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange carries,
    mlir::Value step, mlir::ValueRange invariants)>;

/// Runs `cell` in a dl.scan over `steps` ([B, T, width]) with `carries`
/// zero states of `units` each (h first) and `invariants`; returns h_T, or
/// every h_t ([B, T, units]) with return_sequences.
inline mlir::Value emitRecurrence(EmitContext &e, const RecurrentOptions &opts,
                                  unsigned carries, mlir::Value steps,
                                  mlir::ValueRange invariants,
                                  CellBuilder cell) {
  mlir::OpBuilder &b = e.b;
  mlir::Location loc = e.loc;
  auto stepsType = mlir::cast<mlir::RankedTensorType>(steps.getType());
  int64_t dyn = mlir::ShapedType::kDynamic;
  auto f32 = b.getF32Type();
  auto state = mlir::RankedTensorType::get({dyn, opts.units}, f32);
  auto seqType = mlir::RankedTensorType::get(
      {dyn, stepsType.getDimSize(1), opts.units}, f32);
  auto stepType =
      mlir::RankedTensorType::get({dyn, stepsType.getDimSize(2)}, f32);

  llvm::SmallVector<mlir::Value> inits;
  llvm::SmallVector<mlir::Type> results, argTypes;
  llvm::SmallVector<mlir::Location> argLocs;
  for (unsigned i = 0; i < carries; ++i) {
    inits.push_back(mlir::dl::ZerosOp::create(b, loc, state, e.inputs[0]));
    results.push_back(state);
    argTypes.push_back(state);
  }
  if (opts.returnSequences)
    results.push_back(seqType);
  argTypes.push_back(stepType);
  for (mlir::Value v : invariants)
    argTypes.push_back(v.getType());
  argLocs.assign(argTypes.size(), loc);
  auto scan = mlir::dl::ScanOp::create(b, loc, results, inits,
                                       mlir::ValueRange{steps}, invariants,
                                       /*reverse=*/false);
  {
    mlir::OpBuilder::InsertionGuard guard(b);
    mlir::Block *body = b.createBlock(&scan.getBody(), {}, argTypes, argLocs);
    auto args = body->getArguments();
    llvm::SmallVector<mlir::Value> yields =
        cell(b, loc, mlir::ValueRange(args.take_front(carries)), args[carries],
             mlir::ValueRange(args.drop_front(carries + 1)));
    if (opts.returnSequences)
      yields.push_back(yields.front());
    mlir::dl::YieldOp::create(b, loc, yields);
  }
  return opts.returnSequences ? scan.getResult(carries) : scan.getResult(0);
}

/// Columns [gate*units, (gate+1)*units) of a [B, k*units] step value.
inline mlir::Value emitGate(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value v, int64_t units, int64_t gate) {
  auto type = mlir::cast<mlir::RankedTensorType>(v.getType());
  return mlir::dl::SliceOp::create(
      b, loc,
      mlir::RankedTensorType::get({type.getDimSize(0), units},
                                  type.getElementType()),
      v, b.getI64IntegerAttr(1), b.getI64IntegerAttr(gate * units));
}

} // namespace dlc::detail

#endif // DLC_FRONTEND_LAYERS_RECURRENT_H
