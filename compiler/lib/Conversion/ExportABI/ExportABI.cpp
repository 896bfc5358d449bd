//===- ExportABI.cpp - C entry points over flat buffers --------------------===//
//
// The generated object's ABI is plain C: float pointers and an int64 batch.
// Each entry point views those pointers as memrefs of the model's shapes
// (memref.reinterpret_cast), hands them to the model function as tensors
// (bufferization.to_tensor restrict) and writes results straight into the
// caller's buffers (materialize_in_destination), so one-shot bufferization
// produces no boundary copies. Entry points take only static-shape memrefs,
// which lowers with the bare-pointer calling convention to `float *`.
//
//===----------------------------------------------------------------------===//
#include "dl/Conversion/Passes.h"
#include "dl/Frontend/MLIRGen.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

namespace mlir::dl {
#define GEN_PASS_DEF_DLEXPORTABI
#include "dl/Conversion/Passes.h.inc"
} // namespace mlir::dl

using namespace mlir;

namespace {

/// Floats per alignment unit of opt_state slots (64 bytes).
constexpr int64_t kStateSlotAlign = 16;

struct ParamView {
  RankedTensorType type;
  int64_t offset;
};

/// Row-major strides of a shape whose leading size may be dynamic.
SmallVector<int64_t> rowMajorStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = int64_t(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

class EntryBuilder {
public:
  EntryBuilder(OpBuilder &b, Location loc) : b(b), loc(loc) {}

  /// Tensor `p` of a flat buffer, as a memref view.
  Value paramView(Value flat, const ParamView &p) {
    auto strides = rowMajorStrides(p.type.getShape());
    auto layout = StridedLayoutAttr::get(b.getContext(), p.offset, strides);
    auto type = MemRefType::get(p.type.getShape(), p.type.getElementType(),
                                layout);
    return memref::ReinterpretCastOp::create(b, loc, type, flat, p.offset,
                                             p.type.getShape(), strides);
  }

  Value asTensor(Value memref, RankedTensorType type, bool writable) {
    return bufferization::ToTensorOp::create(b, loc, type, memref,
                                             /*restrict=*/true, writable);
  }

  void fill(Value memref, float value) {
    Value v = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(value));
    linalg::FillOp::create(b, loc, ValueRange{v}, ValueRange{memref});
  }

  /// A caller buffer of `batch` samples of `type` (leading dim dynamic).
  Value batchedView(Value ptr, RankedTensorType type, Value batch) {
    SmallVector<int64_t> shape(type.getShape());
    // Strides only depend on per-sample dims, which are static.
    auto strides = rowMajorStrides(shape);
    SmallVector<OpFoldResult> sizes{batch};
    for (int64_t d : ArrayRef<int64_t>(shape).drop_front())
      sizes.push_back(b.getIndexAttr(d));
    SmallVector<OpFoldResult> strideAttrs;
    for (int64_t s : strides)
      strideAttrs.push_back(b.getIndexAttr(s));
    auto memType = MemRefType::get(
        shape, getElementTypeOrSelf(ptr.getType()));
    return memref::ReinterpretCastOp::create(b, loc, memType, ptr,
                                             b.getIndexAttr(0), sizes,
                                             strideAttrs);
  }

  Value readOnly(Value memref, RankedTensorType type) {
    return asTensor(memref, type, /*writable=*/false);
  }

  void store(Value tensor, Value memref) {
    bufferization::MaterializeInDestinationOp::create(
        b, loc, TypeRange{}, tensor, memref, /*restrict=*/true,
        /*writable=*/true);
  }

  /// Clones `fn`'s body here with its arguments bound to `args`; returns the
  /// values it returns.
  SmallVector<Value> inlineBody(func::FuncOp fn, ValueRange args) {
    IRMapping map;
    Block &body = fn.getBody().front();
    map.map(body.getArguments(), args);
    for (Operation &op : body.without_terminator())
      b.clone(op, map);
    SmallVector<Value> results;
    for (Value v : body.getTerminator()->getOperands())
      results.push_back(map.lookupOrDefault(v));
    return results;
  }

  Value batchIndex(Value batchI64) {
    return arith::IndexCastOp::create(b, loc, b.getIndexType(), batchI64);
  }

private:
  OpBuilder &b;
  Location loc;
};

/// How the flat C buffers map onto one model function's arguments.
struct Buffers {
  Value params, state, x, targets, batch;
  SmallVector<ParamView> paramViews;
  SmallVector<ParamView> stateViews; ///< In train_step's state-arg order.
  bool writableParams = false;
};

/// Binds every argument of `fn` to a tensor view of the C buffers, by its
/// dl.* attribute; fails on an argument it cannot place.
LogicalResult bindArguments(func::FuncOp fn, EntryBuilder &e, Buffers &buf,
                            SmallVectorImpl<Value> &args,
                            SmallVectorImpl<Value> &paramMemrefs,
                            SmallVectorImpl<Value> &stateMemrefs) {
  unsigned nextParam = 0, nextState = 0;
  for (unsigned i = 0; i < fn.getNumArguments(); ++i) {
    auto type = cast<RankedTensorType>(fn.getArgumentTypes()[i]);
    if (fn.getArgAttr(i, ::dlc::kInputAttr)) {
      args.push_back(e.readOnly(e.batchedView(buf.x, type, buf.batch), type));
    } else if (fn.getArgAttr(i, ::dlc::kTargetsAttr)) {
      args.push_back(
          e.readOnly(e.batchedView(buf.targets, type, buf.batch), type));
    } else if (fn.getArgAttr(i, ::dlc::kParamAttr)) {
      if (nextParam >= buf.paramViews.size())
        return fn.emitError("more parameters than @forward declares");
      Value m = e.paramView(buf.params, buf.paramViews[nextParam++]);
      paramMemrefs.push_back(m);
      args.push_back(e.asTensor(m, type, buf.writableParams));
    } else if (fn.getArgAttr(i, ::dlc::kStateAttr)) {
      if (nextState >= buf.stateViews.size())
        return fn.emitError("state argument without a place in opt_state");
      Value m = e.paramView(buf.state, buf.stateViews[nextState++]);
      stateMemrefs.push_back(m);
      args.push_back(e.asTensor(m, type, /*writable=*/true));
    } else {
      return fn.emitError("argument #") << i << " has no dl.input, dl.targets, "
                                        << "dl.param or dl.state attribute";
    }
  }
  return success();
}

struct DLExportABI : mlir::dl::impl::DLExportABIBase<DLExportABI> {
  using Base::Base;

  func::FuncOp lookup(StringRef name) {
    return getOperation().lookupSymbol<func::FuncOp>(name);
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto forward = lookup(::dlc::kForwardFunc);
    auto init = lookup(::dlc::kInitFunc);
    if (!forward || !init) {
      module.emitError("expects the model functions @")
          << ::dlc::kForwardFunc << " and @" << ::dlc::kInitFunc;
      return signalPassFailure();
    }

    // Parameter layout: forward's parameter arguments, back to back.
    SmallVector<ParamView> params;
    int64_t total = 0;
    for (Type t : forward.getArgumentTypes().drop_front()) {
      auto type = cast<RankedTensorType>(t);
      params.push_back({type, total});
      total += type.getNumElements();
    }
    OpBuilder b(module.getBodyRegion());
    b.setInsertionPointToEnd(module.getBody());
    Location loc = forward.getLoc();
    Type f32 = b.getF32Type(), i64 = b.getI64Type();
    auto paramsType = MemRefType::get({total}, f32);
    // Batched buffers are passed as bare pointers; their shape is applied
    // inside with reinterpret_cast.
    auto ptrType = MemRefType::get({1}, f32);
    auto targetsPtrType = [&](func::FuncOp fn) -> Type {
      for (unsigned i = 0; i < fn.getNumArguments(); ++i)
        if (fn.getArgAttr(i, ::dlc::kTargetsAttr))
          return MemRefType::get(
              {1}, getElementTypeOrSelf(fn.getArgumentTypes()[i]));
      return ptrType;
    };

    // Baked weights (dl.weights on the module, see dlc --weights): the
    // parameters are a global instead of the first argument of each entry.
    auto weights = module->getAttrOfType<DenseElementsAttr>(::dlc::kWeightsAttr);
    bool writable = module->hasAttr(::dlc::kWritableWeightsAttr);
    memref::GlobalOp global;
    if (weights) {
      if (weights.getType() != RankedTensorType::get({total}, f32)) {
        module.emitError("expects dl.weights of type ")
            << RankedTensorType::get({total}, f32) << ", found "
            << weights.getType();
        return signalPassFailure();
      }
      global = memref::GlobalOp::create(
          b, loc, prefix + "_weights", b.getStringAttr("private"),
          paramsType, weights, /*constant=*/!writable,
          /*alignment=*/b.getI64IntegerAttr(64));
    }
    const unsigned P = weights ? 0 : 1; // arguments before the others
    auto makeEntry = [&](StringRef suffix, ArrayRef<Type> argTypes,
                         ArrayRef<Type> resultTypes) {
      SmallVector<Type> types;
      if (!weights)
        types.push_back(paramsType);
      types.append(argTypes.begin(), argTypes.end());
      auto fn = func::FuncOp::create(b, loc, (prefix + "_" + suffix).str(),
                                     b.getFunctionType(types, resultTypes));
      b.setInsertionPointToStart(fn.addEntryBlock());
      return fn;
    };
    auto paramsOf = [&](func::FuncOp fn) -> Value {
      if (weights)
        return memref::GetGlobalOp::create(b, loc, paramsType,
                                           global.getSymName());
      return fn.getArgument(0);
    };
    auto arg = [&](func::FuncOp fn, unsigned k) { return fn.getArgument(k + P); };
    auto finish = [&](ValueRange results) {
      func::ReturnOp::create(b, loc, results);
      b.setInsertionPointToEnd(module.getBody());
    };
    auto lossScalar = [&](Value t) -> Value {
      return tensor::ExtractOp::create(b, loc, t, ValueRange{});
    };
    bool ok = true;
    auto bind = [&](func::FuncOp model, EntryBuilder &e, Buffers &buf,
                    SmallVectorImpl<Value> &pm, SmallVectorImpl<Value> &sm) {
      SmallVector<Value> args;
      if (failed(bindArguments(model, e, buf, args, pm, sm))) {
        ok = false;
        return SmallVector<Value>{};
      }
      return e.inlineBody(model, args);
    };

    // <prefix>_predict(params, x, y, batch)
    {
      auto fn = makeEntry("predict", {ptrType, ptrType, i64}, {});
      EntryBuilder e(b, loc);
      Buffers buf{paramsOf(fn), {}, arg(fn, 0), {},
                  e.batchIndex(arg(fn, 2)), params, {}};
      SmallVector<Value> pm, sm;
      SmallVector<Value> out = bind(forward, e, buf, pm, sm);
      if (!ok)
        return signalPassFailure();
      auto outType = cast<RankedTensorType>(forward.getResultTypes()[0]);
      e.store(out[0], e.batchedView(arg(fn, 1), outType, buf.batch));
      finish({});
    }

    // <prefix>_init_params(params, seed); with baked weights, <prefix>_params()
    if (!weights) {
      auto fn = makeEntry("init_params", {i64}, {});
      EntryBuilder e(b, loc);
      SmallVector<Value> values = e.inlineBody(init, arg(fn, 0));
      for (auto [value, p] : llvm::zip(values, params))
        e.store(value, e.paramView(paramsOf(fn), p));
      finish({});
    } else if (writable) {
      // float *<prefix>_params(void): a raw pointer, not a memref (the
      // bare-pointer convention covers arguments only).
      auto ptr = LLVM::LLVMPointerType::get(b.getContext());
      auto fn = makeEntry("params", {}, {ptr});
      Value base = memref::ExtractAlignedPointerAsIndexOp::create(
          b, loc, paramsOf(fn));
      Value i = arith::IndexCastOp::create(b, loc, i64, base);
      finish({LLVM::IntToPtrOp::create(b, loc, ptr, i)});
    }

    // Which result of `fn` carries `attr` = `value`, if any.
    auto resultWith = [](func::FuncOp fn, StringRef attr,
                         Attribute value) -> std::optional<unsigned> {
      for (unsigned r = 0; r < fn.getNumResults(); ++r)
        if (fn.getResultAttr(r, attr) == value)
          return r;
      return std::nullopt;
    };
    auto paramName = [&](unsigned k) {
      return forward.getArgAttr(k + 1, ::dlc::kParamAttr);
    };

    // <prefix>_gradients(params, x, targets, batch, grads) -> loss
    auto grads = lookup(::dlc::kGradientsFunc);
    if (grads && (!weights || writable)) {
      auto fn = makeEntry("gradients",
                          {ptrType, targetsPtrType(grads), i64, paramsType},
                          {f32});
      EntryBuilder e(b, loc);
      Buffers buf{paramsOf(fn), {}, arg(fn, 0), arg(fn, 1),
                  e.batchIndex(arg(fn, 2)), params, {}};
      SmallVector<Value> pm, sm;
      SmallVector<Value> out = bind(grads, e, buf, pm, sm);
      if (!ok)
        return signalPassFailure();
      // Gradients of trainable parameters, zeros for frozen ones.
      for (auto [k, p] : llvm::enumerate(params)) {
        Value view = e.paramView(arg(fn, 3), p);
        if (auto r = resultWith(grads, ::dlc::kGradOfAttr, paramName(k)))
          e.store(out[*r], view);
        else
          e.fill(view, 0.0f);
      }
      finish({lossScalar(out[0])});
    }

    // metrics[0] = loss, metrics[1] = correct (0 without the metric).
    auto storeMetrics = [&](func::FuncOp model, ArrayRef<Value> out,
                            Value metrics) {
      auto correct = resultWith(model, ::dlc::kMetricAttr,
                                b.getStringAttr("correct"));
      Value values[2] = {
          lossScalar(out[0]),
          correct ? lossScalar(out[*correct])
                  : arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0))};
      for (unsigned k = 0; k < 2; ++k)
        memref::StoreOp::create(b, loc, values[k], metrics,
                                ValueRange{arith::ConstantIndexOp::create(b, loc, k)});
    };
    auto metricsType = MemRefType::get({2}, f32);

    // <prefix>_train_step_metrics(params, opt_state, x, targets, batch, m[2])
    // <prefix>_train_step(params, opt_state, x, targets, batch) -> loss
    // <prefix>_opt_state_size(), <prefix>_init_opt_state(opt_state)
    auto step = lookup(::dlc::kTrainStepFunc);
    if (step && (!weights || writable)) {
      SmallVector<ParamView> state;
      int64_t stateSize = 0;
      for (unsigned i = 0; i < step.getNumArguments(); ++i)
        if (step.getArgAttr(i, ::dlc::kStateAttr)) {
          auto type = cast<RankedTensorType>(step.getArgumentTypes()[i]);
          // Every slot starts on a 64-byte boundary of the buffer: vector
          // loads and stores of the moments never straddle cache lines.
          stateSize = llvm::alignTo(stateSize, kStateSlotAlign);
          state.push_back({type, stateSize});
          stateSize += type.getNumElements();
        }
      auto stateType = MemRefType::get({stateSize}, f32);
      SmallVector<Type> args{stateType, ptrType, targetsPtrType(step), i64};
      func::FuncOp full;
      {
        SmallVector<Type> withMetrics(args);
        withMetrics.push_back(metricsType);
        full = makeEntry("train_step_metrics", withMetrics, {});
        EntryBuilder e(b, loc);
        Buffers buf{paramsOf(full), arg(full, 0), arg(full, 1), arg(full, 2),
                    e.batchIndex(arg(full, 3)), params, state,
                    /*writableParams=*/true};
        SmallVector<Value> pm, sm;
        SmallVector<Value> out = bind(step, e, buf, pm, sm);
        if (!ok)
          return signalPassFailure();
        // Every result named after a parameter or a state slot goes back
        // into the buffer it was read from, in place.
        unsigned nextState = 0;
        for (unsigned i = 0; i < step.getNumArguments(); ++i) {
          if (auto name = step.getArgAttr(i, ::dlc::kStateAttr)) {
            Value view = sm[nextState++];
            if (auto r = resultWith(step, ::dlc::kStateAttr, name))
              e.store(out[*r], view);
          }
        }
        for (auto [k, m] : llvm::enumerate(pm))
          if (auto r = resultWith(step, ::dlc::kParamAttr, paramName(k)))
            e.store(out[*r], m);
        storeMetrics(step, out, arg(full, 4));
        finish({});
      }
      {
        // The plain form: a thin wrapper with its metrics on the stack.
        auto fn = makeEntry("train_step", args, {f32});
        Value m = memref::AllocaOp::create(b, loc, metricsType);
        SmallVector<Value> callArgs(fn.getArguments());
        callArgs.push_back(m);
        func::CallOp::create(b, loc, full, callArgs);
        finish({memref::LoadOp::create(
            b, loc, m, ValueRange{arith::ConstantIndexOp::create(b, loc, 0)})});
      }
      {
        auto fn = func::FuncOp::create(b, loc,
                                       prefix + "_opt_state_size",
                                       b.getFunctionType({}, {i64}));
        b.setInsertionPointToStart(fn.addEntryBlock());
        finish({arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(stateSize))});
      }
      {
        auto fn = func::FuncOp::create(
            b, loc, prefix + "_init_opt_state",
            b.getFunctionType({stateType}, {}));
        b.setInsertionPointToStart(fn.addEntryBlock());
        EntryBuilder e(b, loc);
        e.fill(fn.getArgument(0), 0.0f);
        finish({});
      }
    }

    // <prefix>_eval_step(params, x, targets, batch, metrics[2])
    if (auto lossFn = lookup(::dlc::kLossFunc)) {
      auto fn = makeEntry("eval_step",
                          {ptrType, targetsPtrType(lossFn), i64, metricsType},
                          {});
      EntryBuilder e(b, loc);
      Buffers buf{paramsOf(fn), {}, arg(fn, 0), arg(fn, 1),
                  e.batchIndex(arg(fn, 2)), params, {}};
      SmallVector<Value> pm, sm;
      SmallVector<Value> out = bind(lossFn, e, buf, pm, sm);
      if (!ok)
        return signalPassFailure();
      storeMetrics(lossFn, out, arg(fn, 3));
      finish({});
    }

    // Everything else at dl level was an ingredient of the entry points.
    for (StringRef name : {::dlc::kLossFunc, ::dlc::kForwardFunc,
                           ::dlc::kInitFunc, ::dlc::kGradientsFunc,
                           ::dlc::kTrainStepFunc})
      if (auto fn = lookup(name))
        fn.erase();
    module->removeAttr(::dlc::kWeightsAttr);
    module->removeAttr(::dlc::kWritableWeightsAttr);
  }
};
} // namespace
