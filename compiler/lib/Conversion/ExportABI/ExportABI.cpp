//===- ExportABI.cpp - C entry points over flat buffers
//--------------------===//
//
// The generated object's ABI is plain C: float pointers and an int64 batch.
// Each entry point views those pointers as memrefs of the model's shapes
// (memref.reinterpret_cast), hands them to the model function as tensors
// (bufferization.to_tensor restrict) and writes results straight into the
// caller's buffers (materialize_in_destination), so one-shot bufferization
// produces no boundary copies. Entry points take only static-shape memrefs,
// which lowers with the bare-pointer calling convention to `float *`.
//
// Which entry points exist, and their signatures, come from the descriptor
// in DLEntryPoints.h; each is built by one function below and marked with
// dl.entry so that later passes find it by attribute.
//
//===----------------------------------------------------------------------===//
#include "dl/Conversion/Passes.h"
#include "dl/Dialect/DL/IR/DLDerivatives.h"
#include "dl/Dialect/DL/IR/DLEntryPoints.h"
#include "dl/Dialect/DL/IR/DLOps.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

#include <limits>

namespace mlir::dl {
#define GEN_PASS_DEF_DLEXPORTABI
#include "dl/Conversion/Passes.h.inc"
} // namespace mlir::dl

using namespace mlir;
using dl::ArgRole;
using dl::EntryKind;

namespace {

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

/// The ops an entry point is made of: views of the C buffers, stores into
/// them, the model function's body.
class EntryBuilder {
public:
  EntryBuilder(OpBuilder &b, Location loc) : b(b), loc(loc) {}

  /// Tensor `p` of a flat buffer, as a memref view.
  Value paramView(Value flat, const ParamView &p) {
    auto strides = rowMajorStrides(p.type.getShape());
    auto layout = StridedLayoutAttr::get(b.getContext(), p.offset, strides);
    auto type =
        MemRefType::get(p.type.getShape(), p.type.getElementType(), layout);
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

  /// A caller buffer of `batch` samples of `type` (leading dim dynamic;
  /// any other dynamic dim is the variable axis, `length` long).
  Value batchedView(Value ptr, RankedTensorType type, Value batch,
                    Value length = {}) {
    SmallVector<int64_t> shape(type.getShape());
    SmallVector<OpFoldResult> sizes{batch};
    for (int64_t d : ArrayRef<int64_t>(shape).drop_front())
      sizes.push_back(d == ShapedType::kDynamic
                          ? OpFoldResult(length)
                          : OpFoldResult(b.getIndexAttr(d)));
    // Row-major strides: static unless a variable axis lies to the right.
    SmallVector<OpFoldResult> strideAttrs(shape.size());
    OpFoldResult stride = b.getIndexAttr(1);
    for (int64_t i = int64_t(shape.size()) - 1; i >= 0; --i) {
      strideAttrs[i] = stride;
      if (i == 0)
        break;
      auto constant = [](OpFoldResult v) { return getConstantIntValue(v); };
      if (constant(stride) && constant(sizes[i]))
        stride = b.getIndexAttr(*constant(stride) * *constant(sizes[i]));
      else
        stride = OpFoldResult(arith::MulIOp::create(
            b, loc, getValueOrCreateConstantIndexOp(b, loc, stride),
            getValueOrCreateConstantIndexOp(b, loc, sizes[i])));
    }
    auto memType = MemRefType::get(shape, getElementTypeOrSelf(ptr.getType()));
    return memref::ReinterpretCastOp::create(
        b, loc, memType, ptr, b.getIndexAttr(0), sizes, strideAttrs);
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

  /// The f32 held by a 0-d tensor (the loss, a metric).
  Value scalar(Value t) {
    return tensor::ExtractOp::create(b, loc, t, ValueRange{});
  }

private:
  OpBuilder &b;
  Location loc;
};

/// How the flat C buffers map onto one model function's arguments.
struct Buffers {
  Value params, state, x, targets, batch, grads;
  /// The variable axis's length (index), in a model with one.
  Value length;
  /// The training key of a model function that takes one (dl.key).
  Value key;
  ArrayRef<ParamView> paramViews;
  /// Where each dl.state slot and each gradient (dl.grad_of, by parameter
  /// name) is in opt_state and in the trainable-gradient buffer.
  const DenseMap<Attribute, ParamView> *stateViews = nullptr;
  const DenseMap<Attribute, ParamView> *gradViews = nullptr;
  bool writableParams = false, writableState = true;
};

/// Why a dl.grad_of / dl.update_of name has no place in the gradient buffer.
constexpr llvm::StringLiteral kNoGradientSlot =
    ", which is neither a trainable parameter nor an updated statistic";

/// The tensor whose place in the gradient buffer an argument or result
/// takes: a gradient's (dl.grad_of) or a statistic's (dl.update_of).
Attribute gradientSlot(DictionaryAttr attrs) {
  if (!attrs)
    return {};
  if (Attribute of = attrs.get(dl::kGradOfAttr))
    return of;
  return attrs.get(dl::kUpdateOfAttr);
}

/// Binds every argument of `fn` to a tensor view of the C buffers, by its
/// dl.* attribute; fails on an argument it cannot place.
LogicalResult bindArguments(func::FuncOp fn, EntryBuilder &e,
                            const Buffers &buf, SmallVectorImpl<Value> &args,
                            SmallVectorImpl<Value> &paramMemrefs,
                            SmallVectorImpl<Value> &stateMemrefs) {
  unsigned nextParam = 0;
  for (unsigned i = 0; i < fn.getNumArguments(); ++i) {
    auto type = cast<RankedTensorType>(fn.getArgumentTypes()[i]);
    if (fn.getArgAttr(i, dl::kInputAttr)) {
      args.push_back(
          e.readOnly(e.batchedView(buf.x, type, buf.batch, buf.length), type));
    } else if (fn.getArgAttr(i, dl::kTargetsAttr)) {
      args.push_back(e.readOnly(
          e.batchedView(buf.targets, type, buf.batch, buf.length), type));
    } else if (fn.getArgAttr(i, dl::kKeyAttr)) {
      args.push_back(buf.key);
    } else if (fn.getArgAttr(i, dl::kParamAttr)) {
      if (nextParam >= buf.paramViews.size())
        return fn.emitError("more parameters than @forward declares");
      Value m = e.paramView(buf.params, buf.paramViews[nextParam++]);
      paramMemrefs.push_back(m);
      args.push_back(e.asTensor(m, type, buf.writableParams));
    } else if (Attribute name = fn.getArgAttr(i, dl::kStateAttr)) {
      auto view = buf.stateViews ? buf.stateViews->find(name)
                                 : DenseMap<Attribute, ParamView>::iterator();
      if (!buf.stateViews || view == buf.stateViews->end())
        return fn.emitError("state argument ")
               << name << " without a place in opt_state";
      Value m = e.paramView(buf.state, view->second);
      stateMemrefs.push_back(m);
      args.push_back(e.asTensor(m, type, buf.writableState));
    } else if (Attribute name = gradientSlot(fn.getArgAttrDict(i))) {
      auto view = buf.gradViews ? buf.gradViews->find(name)
                                : DenseMap<Attribute, ParamView>::iterator();
      if (!buf.gradViews || view == buf.gradViews->end())
        return fn.emitError("gradient argument of ") << name << kNoGradientSlot;
      args.push_back(e.readOnly(e.paramView(buf.grads, view->second), type));
    } else {
      return fn.emitError("argument #")
             << i << " has no dl.input, dl.targets, "
             << "dl.key, dl.param, dl.state, dl.grad_of or dl.update_of "
             << "attribute";
    }
  }
  return success();
}

/// The model function `fn` inlined at `e` over `buf`: the values it returns,
/// or failure (diagnosed) when an argument has no buffer.
FailureOr<SmallVector<Value>>
inlineModel(func::FuncOp fn, EntryBuilder &e, const Buffers &buf,
            SmallVectorImpl<Value> &paramMemrefs,
            SmallVectorImpl<Value> &stateMemrefs) {
  SmallVector<Value> args;
  if (failed(bindArguments(fn, e, buf, args, paramMemrefs, stateMemrefs)))
    return failure();
  return e.inlineBody(fn, args);
}

/// Which result of `fn` carries `attr` = `value`, if any.
std::optional<unsigned> resultWith(func::FuncOp fn, StringRef attr,
                                   Attribute value) {
  for (unsigned r = 0; r < fn.getNumResults(); ++r)
    if (fn.getResultAttr(r, attr) == value)
      return r;
  return std::nullopt;
}

/// What every entry point shares: the model functions, the parameter
/// layout and where the parameters live.
struct Model {
  ModuleOp module;
  std::string prefix;
  func::FuncOp forward, init, gradients, trainStep, loss;
  /// train_step split at the allreduce (dl-optimizer).
  func::FuncOp trainGradients, applyGradients;
  SmallVector<ParamView> params;
  int64_t numParams = 0;
  /// The trainable tensors' places in the gradient buffer, by name.
  DenseMap<Attribute, ParamView> gradViews;
  int64_t numGrads = 0;
  /// Floats of the metrics argument (dl::metricsSize).
  int64_t numMetrics = dl::metricsSize(false);
  /// Baked weights (dl.weights, see dlc --weights), or null.
  memref::GlobalOp weights;
  dl::ParamStorage storage = dl::ParamStorage::Buffer;

  Location loc() { return forward.getLoc(); }
  bool baked() { return storage != dl::ParamStorage::Buffer; }
  /// @forward's input has a variable axis: the entry points that take x
  /// take its length after the batch.
  bool variableLength = false;
  /// @forward's parameter arguments, in order.
  SmallVector<unsigned> paramArgs;
  /// Parameter `k`'s name (dl.param of @forward's argument).
  Attribute paramName(unsigned k) {
    return forward.getArgAttr(paramArgs[k], dl::kParamAttr);
  }
};

/// The memref<1 x T> a batched buffer is passed as: a bare pointer, shaped
/// inside with reinterpret_cast. T is f32, or for targets the element type
/// of `fn`'s dl.targets argument.
Type batchPtrType(OpBuilder &b, func::FuncOp fn = {}) {
  if (fn)
    for (unsigned i = 0; i < fn.getNumArguments(); ++i)
      if (fn.getArgAttr(i, dl::kTargetsAttr))
        return MemRefType::get({1},
                               getElementTypeOrSelf(fn.getArgumentTypes()[i]));
  return MemRefType::get({1}, b.getF32Type());
}

/// One C entry point under construction: a func.func `<prefix>_<suffix>`
/// with the descriptor's signature, marked dl.entry, the builder in its body.
class EntryFunc {
public:
  /// `targetsFrom`: the model function whose dl.targets type the targets
  /// pointer has; `optStateSize`: floats of opt_state, if it is an argument.
  EntryFunc(OpBuilder &b, Model &m, EntryKind kind,
            func::FuncOp targetsFrom = {}, int64_t optStateSize = 0)
      : b(b), m(m), entry(dl::entryPoint(kind)), e(b, m.loc()) {
    auto f32 = b.getF32Type();
    auto i64 = b.getI64Type();
    auto flat = MemRefType::get({m.numParams}, f32);
    SmallVector<Type> types;
    for (const dl::EntryArg &a :
         dl::entryArgs(entry, dl::EntryForm::Plain, m.variableLength)) {
      // With baked weights the parameters are a global, not an argument.
      if (a.role == ArgRole::Params && m.baked())
        continue;
      roles.push_back(a.role);
      switch (a.role) {
      case ArgRole::Params:
      case ArgRole::Grads:
        types.push_back(flat);
        break;
      case ArgRole::TrainableGrads:
        types.push_back(MemRefType::get({m.numGrads}, f32));
        break;
      case ArgRole::OptState:
        types.push_back(MemRefType::get({optStateSize}, f32));
        break;
      case ArgRole::X:
      case ArgRole::Y:
      case ArgRole::InputGrads:
        types.push_back(batchPtrType(b));
        break;
      case ArgRole::ClassIndex:
        types.push_back(MemRefType::get({1}, b.getI32Type()));
        break;
      case ArgRole::Targets:
        types.push_back(batchPtrType(b, targetsFrom));
        break;
      case ArgRole::Batch:
      case ArgRole::Length:
      case ArgRole::Seed:
        types.push_back(i64);
        break;
      case ArgRole::Metrics:
        types.push_back(MemRefType::get({m.numMetrics}, f32));
        break;
      case ArgRole::Workspace:
        llvm_unreachable("dl-workspace adds the workspace argument");
      }
    }
    SmallVector<Type> results;
    switch (entry.result) {
    case dl::CResult::Void:
      break;
    case dl::CResult::Float:
      results.push_back(f32);
      break;
    case dl::CResult::Int64:
      results.push_back(i64);
      break;
    case dl::CResult::FloatPtr:
      // A raw pointer, not a memref: the bare-pointer convention covers
      // arguments only.
      results.push_back(LLVM::LLVMPointerType::get(b.getContext()));
      break;
    }
    b.setInsertionPointToEnd(m.module.getBody());
    fn = func::FuncOp::create(b, m.loc(), dl::entrySymbol(m.prefix, entry),
                              b.getFunctionType(types, results));
    fn->setAttr(dl::kEntryAttr, b.getStringAttr(entry.suffix));
    b.setInsertionPointToStart(fn.addEntryBlock());
    // train_step only forwards to train_step_metrics, which checks.
    if (kind != EntryKind::TrainStep)
      guardInputs(results, targetsFrom);
  }

  /// The boundary checks (docs/abi.md, "What the entry points check"): a
  /// batch or a length below 1, or a class index outside [0, classes), is
  /// rejected before anything is read or written but the labels: the entry
  /// point then writes only NaN into metrics (if it has them), returns NaN
  /// (if it returns a float) and leaves every other buffer as it was. The
  /// body goes in the then-branch. The labels are scanned in full (O(batch)
  /// compares) before the step writes anything, so a bad one in the last
  /// sample still leaves params and opt_state untouched.
  void guardInputs(TypeRange results, func::FuncOp targetsFrom) {
    Location loc = m.loc();
    bool hasBatch = llvm::is_contained(roles, ArgRole::Batch);
    bool hasLength = llvm::is_contained(roles, ArgRole::Length);
    if (!hasBatch && !hasLength)
      return;
    Value one = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(1));
    Value ok;
    auto require = [&](Value cond) {
      ok = ok ? arith::AndIOp::create(b, loc, ok, cond) : cond;
    };
    for (ArgRole role : {ArgRole::Batch, ArgRole::Length})
      if (llvm::is_contained(roles, role))
        require(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge,
                                      arg(role), one));
    if (Value labelsOk = checkLabels(targetsFrom, ok))
      require(labelsOk);
    guard = scf::IfOp::create(b, loc, results, ok, /*withElseRegion=*/true);
    b.setInsertionPointToStart(guard.elseBlock());
    bool hasMetrics = llvm::is_contained(roles, ArgRole::Metrics);
    if (!hasMetrics && results.empty()) { // predict: nothing to report in
      b.setInsertionPointToStart(guard.thenBlock());
      return;
    }
    Value nan = arith::ConstantOp::create(
        b, loc, b.getF32FloatAttr(std::numeric_limits<float>::quiet_NaN()));
    if (hasMetrics)
      for (int64_t k = 0; k < m.numMetrics; ++k)
        memref::StoreOp::create(
            b, loc, nan, arg(ArgRole::Metrics),
            ValueRange{arith::ConstantIndexOp::create(b, loc, k)});
    if (!results.empty())
      scf::YieldOp::create(b, loc, SmallVector<Value>(results.size(), nan));
    b.setInsertionPointToStart(guard.thenBlock());
  }

  /// Whether every int32 label is a class index of the model's output
  /// (its last axis): an i1, or null when the targets are not labels. Reads
  /// the labels only when `sizesOk` (the batch and length are valid), so a
  /// bad size reads nothing.
  Value checkLabels(func::FuncOp targetsFrom, Value sizesOk) {
    // input_gradient's class indices are checked as labels are.
    ArgRole labelRole = llvm::is_contained(roles, ArgRole::ClassIndex)
                            ? ArgRole::ClassIndex
                            : ArgRole::Targets;
    if (!targetsFrom || !llvm::is_contained(roles, labelRole))
      return {};
    RankedTensorType labels;
    for (unsigned i = 0; i < targetsFrom.getNumArguments(); ++i)
      if (targetsFrom.getArgAttr(i, dl::kTargetsAttr))
        labels = cast<RankedTensorType>(targetsFrom.getArgumentTypes()[i]);
    auto out = cast<RankedTensorType>(m.forward.getResultTypes()[0]);
    if (!labels || !labels.getElementType().isInteger(32) ||
        out.getRank() < 2 || out.isDynamicDim(out.getRank() - 1))
      return {};
    Location loc = m.loc();
    // Labels in the buffer: batch times the static axes (and the length
    // for a variable one); none when a size is invalid.
    Value count = arg(ArgRole::Batch);
    for (int64_t d : labels.getShape().drop_front())
      count = arith::MulIOp::create(
          b, loc, count,
          d == ShapedType::kDynamic
              ? arg(ArgRole::Length)
              : arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(d))
                    .getResult());
    count = arith::SelectOp::create(
        b, loc, sizesOk, count,
        arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(0)));
    Value n = e.batchIndex(count);
    Value all = memref::ReinterpretCastOp::create(
        b, loc, MemRefType::get({ShapedType::kDynamic}, b.getI32Type()),
        arg(labelRole), b.getIndexAttr(0), ArrayRef<OpFoldResult>{n},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
    Value classes = arith::ConstantOp::create(
        b, loc, b.getI32IntegerAttr(int32_t(out.getShape().back())));
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value step = arith::ConstantIndexOp::create(b, loc, 1);
    Value yes = arith::ConstantOp::create(b, loc, b.getBoolAttr(true));
    // An and-reduction without an early exit, which LLVM vectorises;
    // unsigned, so a negative label compares above every class.
    auto loop = scf::ForOp::create(
        b, loc, zero, n, step, ValueRange{yes},
        [&](OpBuilder &nb, Location l, Value i, ValueRange acc) {
          Value label = memref::LoadOp::create(nb, l, all, ValueRange{i});
          Value in = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ult,
                                           label, classes);
          scf::YieldOp::create(
              nb, l, ValueRange{arith::AndIOp::create(nb, l, acc[0], in)});
        });
    return loop.getResult(0);
  }

  /// The argument of `role`.
  Value arg(ArgRole role) {
    auto it = llvm::find(roles, role);
    assert(it != roles.end() && "the entry point has no such argument");
    return fn.getArgument(it - roles.begin());
  }

  /// The flat parameter buffer: the argument, or the baked global (read
  /// here).
  Value params() {
    if (m.weights)
      return memref::GetGlobalOp::create(b, m.loc(), m.weights.getType(),
                                         m.weights.getSymName());
    return arg(ArgRole::Params);
  }

  /// The buffers, in the order dl-export-abi has always read them (the
  /// parameters, then the batch size).
  Buffers buffers(bool hasState = false) {
    Buffers buf;
    buf.params = params();
    if (hasState)
      buf.state = arg(ArgRole::OptState);
    if (llvm::is_contained(roles, ArgRole::TrainableGrads))
      buf.grads = arg(ArgRole::TrainableGrads);
    buf.gradViews = &m.gradViews;
    if (llvm::is_contained(roles, ArgRole::X))
      buf.x = arg(ArgRole::X);
    if (llvm::is_contained(roles, ArgRole::Targets))
      buf.targets = arg(ArgRole::Targets);
    if (llvm::is_contained(roles, ArgRole::ClassIndex))
      buf.targets = arg(ArgRole::ClassIndex);
    if (llvm::is_contained(roles, ArgRole::Batch))
      buf.batch = e.batchIndex(arg(ArgRole::Batch));
    if (llvm::is_contained(roles, ArgRole::Length))
      buf.length = e.batchIndex(arg(ArgRole::Length));
    buf.paramViews = m.params;
    // The fixed key of the entry points without a step (gradients); where
    // the inference form replaces the ops that read it, it is dead.
    buf.key = arith::ConstantOp::create(
        b, m.loc(),
        DenseElementsAttr::get(RankedTensorType::get({}, b.getI64Type()),
                               b.getI64IntegerAttr(0)));
    return buf;
  }

  /// Returns `results` and leaves the builder after the function.
  void finish(ValueRange results) {
    if (guard) {
      if (!results.empty())
        scf::YieldOp::create(b, m.loc(), results);
      b.setInsertionPointAfter(guard);
      func::ReturnOp::create(b, m.loc(), guard.getResults());
    } else {
      func::ReturnOp::create(b, m.loc(), results);
    }
    b.setInsertionPointToEnd(m.module.getBody());
  }

  OpBuilder &b;
  Model &m;
  const dl::EntryPoint &entry;
  EntryBuilder e;
  func::FuncOp fn;

private:
  SmallVector<ArgRole> roles; ///< of fn's arguments
  /// The boundary checks around the body (guardInputs), if any.
  scf::IfOp guard;
};

/// metrics[0] = loss, metrics[1] = correct (0 without the metric), and
/// where the model measures them metrics[2] = mae, metrics[3] = mse.
void storeMetrics(EntryFunc &f, func::FuncOp model, ArrayRef<Value> out) {
  OpBuilder &b = f.b;
  Location loc = f.m.loc();
  Value metrics = f.arg(ArgRole::Metrics);
  const char *slots[] = {nullptr, dl::kCorrectMetric, dl::kAbsErrorMetric,
                         dl::kSquaredErrorMetric};
  for (int64_t k = 0; k < f.m.numMetrics; ++k) {
    std::optional<unsigned> r = 0;
    if (slots[k])
      r = resultWith(model, dl::kMetricAttr, b.getStringAttr(slots[k]));
    Value v = r ? f.e.scalar(out[*r])
                : arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
    memref::StoreOp::create(
        b, loc, v, metrics,
        ValueRange{arith::ConstantIndexOp::create(b, loc, k)});
  }
}

/// <prefix>_predict(params, x, y, batch)
LogicalResult buildPredict(OpBuilder &b, Model &m) {
  EntryFunc f(b, m, EntryKind::Predict);
  Buffers buf = f.buffers();
  SmallVector<Value> pm, sm;
  auto out = inlineModel(m.forward, f.e, buf, pm, sm);
  if (failed(out) || failed(dl::applyInferenceForms(f.fn)))
    return failure();
  auto outType = cast<RankedTensorType>(m.forward.getResultTypes()[0]);
  f.e.store((*out)[0],
            f.e.batchedView(f.arg(ArgRole::Y), outType, buf.batch, buf.length));
  f.finish({});
  return success();
}

/// <prefix>_init_params(params, seed); with baked writable weights,
/// float *<prefix>_params(void) instead.
void buildInitParams(OpBuilder &b, Model &m) {
  if (!m.baked()) {
    EntryFunc f(b, m, EntryKind::InitParams);
    SmallVector<Value> values = f.e.inlineBody(m.init, f.arg(ArgRole::Seed));
    for (auto [value, p] : llvm::zip(values, m.params))
      f.e.store(value, f.e.paramView(f.params(), p));
    f.finish({});
  } else if (m.storage == dl::ParamStorage::BakedWritable) {
    EntryFunc f(b, m, EntryKind::Params);
    Value base =
        memref::ExtractAlignedPointerAsIndexOp::create(b, m.loc(), f.params());
    Value i = arith::IndexCastOp::create(b, m.loc(), b.getI64Type(), base);
    f.finish({LLVM::IntToPtrOp::create(
        b, m.loc(), LLVM::LLVMPointerType::get(b.getContext()), i)});
  }
}

/// <prefix>_gradients(params, x, targets, batch, grads) -> loss
LogicalResult buildGradients(OpBuilder &b, Model &m) {
  func::FuncOp grads = m.gradients;
  EntryFunc f(b, m, EntryKind::Gradients, grads);
  Buffers buf = f.buffers();
  SmallVector<Value> pm, sm;
  auto out = inlineModel(grads, f.e, buf, pm, sm);
  if (failed(out))
    return failure();
  // Gradients of trainable parameters, zeros for frozen ones.
  for (auto [k, p] : llvm::enumerate(m.params)) {
    Value view = f.e.paramView(f.arg(ArgRole::Grads), p);
    if (auto r = resultWith(grads, dl::kGradOfAttr, m.paramName(k)))
      f.e.store((*out)[*r], view);
    else
      f.e.fill(view, 0.0f);
  }
  f.finish({f.e.scalar((*out)[0])});
  return success();
}

/// Stores every result of `fn` named after a parameter or a state slot
/// into the buffer view it was read from (`pm`, `sm`: inlineModel's).
void writeBack(EntryBuilder &e, Model &m, func::FuncOp fn, ArrayRef<Value> out,
               ArrayRef<Value> pm, ArrayRef<Value> sm) {
  unsigned nextState = 0;
  for (unsigned i = 0; i < fn.getNumArguments(); ++i)
    if (auto name = fn.getArgAttr(i, dl::kStateAttr)) {
      Value view = sm[nextState++];
      if (auto r = resultWith(fn, dl::kStateAttr, name))
        e.store(out[*r], view);
    }
  for (auto [k, view] : llvm::enumerate(pm))
    if (auto r = resultWith(fn, dl::kParamAttr, m.paramName(k)))
      e.store(out[*r], view);
}

/// <prefix>_train_step_metrics(params, opt_state, x, targets, batch, m[]):
/// the step, with every updated parameter and state slot written back in
/// place.
FailureOr<func::FuncOp>
buildTrainStepMetrics(OpBuilder &b, Model &m,
                      const DenseMap<Attribute, ParamView> &state,
                      int64_t stateSize) {
  func::FuncOp step = m.trainStep;
  EntryFunc f(b, m, EntryKind::TrainStepMetrics, step, stateSize);
  Buffers buf = f.buffers(/*hasState=*/true);
  buf.stateViews = &state;
  buf.writableParams = true;
  SmallVector<Value> pm, sm;
  auto out = inlineModel(step, f.e, buf, pm, sm);
  if (failed(out))
    return failure();
  writeBack(f.e, m, step, *out, pm, sm);
  storeMetrics(f, step, *out);
  f.finish({});
  return f.fn;
}

/// <prefix>_train_gradients(params, opt_state, x, targets, batch, grads,
/// metrics): train_step's gradients with its training key, opt_state read
/// only.
LogicalResult buildTrainGradients(OpBuilder &b, Model &m,
                                  const DenseMap<Attribute, ParamView> &state,
                                  int64_t stateSize) {
  func::FuncOp fn = m.trainGradients;
  EntryFunc f(b, m, EntryKind::TrainGradients, fn, stateSize);
  Buffers buf = f.buffers(/*hasState=*/true);
  buf.stateViews = &state;
  buf.writableState = false;
  SmallVector<Value> pm, sm;
  auto out = inlineModel(fn, f.e, buf, pm, sm);
  if (failed(out))
    return failure();
  for (unsigned r = 0; r < fn.getNumResults(); ++r)
    if (Attribute of = gradientSlot(fn.getResultAttrDict(r))) {
      auto view = m.gradViews.find(of);
      if (view == m.gradViews.end())
        return fn.emitError("gradient of ") << of << kNoGradientSlot;
      f.e.store((*out)[r], f.e.paramView(buf.grads, view->second));
    }
  storeMetrics(f, fn, *out);
  f.finish({});
  return success();
}

/// <prefix>_apply_gradients(params, opt_state, grads): train_step's update,
/// in place on params and opt_state.
LogicalResult buildApplyGradients(OpBuilder &b, Model &m,
                                  const DenseMap<Attribute, ParamView> &state,
                                  int64_t stateSize) {
  func::FuncOp fn = m.applyGradients;
  EntryFunc f(b, m, EntryKind::ApplyGradients, {}, stateSize);
  Buffers buf = f.buffers(/*hasState=*/true);
  buf.stateViews = &state;
  buf.writableParams = true;
  SmallVector<Value> pm, sm;
  auto out = inlineModel(fn, f.e, buf, pm, sm);
  if (failed(out))
    return failure();
  writeBack(f.e, m, fn, *out, pm, sm);
  f.finish({});
  return success();
}

/// <prefix>_train_step(params, opt_state, x, targets, batch) -> loss: a
/// thin wrapper of `full` with its metrics on the stack.
void buildTrainStep(OpBuilder &b, Model &m, func::FuncOp full,
                    int64_t stateSize) {
  EntryFunc f(b, m, EntryKind::TrainStep, m.trainStep, stateSize);
  auto metricsType = MemRefType::get({m.numMetrics}, b.getF32Type());
  Value metrics = memref::AllocaOp::create(b, m.loc(), metricsType);
  SmallVector<Value> args(f.fn.getArguments());
  args.push_back(metrics);
  func::CallOp::create(b, m.loc(), full, args);
  Value zero = arith::ConstantIndexOp::create(b, m.loc(), 0);
  f.finish({memref::LoadOp::create(b, m.loc(), metrics, ValueRange{zero})});
}

/// <prefix>_opt_state_size() and <prefix>_init_opt_state(opt_state): zeros,
/// and the optimizer's learning rate in the learning-rate slot, if any.
void buildOptState(OpBuilder &b, Model &m, int64_t stateSize,
                   std::optional<float> learningRate) {
  {
    EntryFunc f(b, m, EntryKind::OptStateSize);
    f.finish({arith::ConstantOp::create(b, m.loc(),
                                        b.getI64IntegerAttr(stateSize))});
  }
  EntryFunc f(b, m, EntryKind::InitOptState, {}, stateSize);
  Value state = f.arg(ArgRole::OptState);
  f.e.fill(state, 0.0f);
  if (learningRate) {
    Value rate =
        arith::ConstantOp::create(b, m.loc(), b.getF32FloatAttr(*learningRate));
    Value at = arith::ConstantIndexOp::create(b, m.loc(),
                                              dl::kOptStateLearningRateOffset);
    memref::StoreOp::create(b, m.loc(), rate, state, ValueRange{at});
  }
  f.finish({});
}

/// The training entry points over opt_state, laid out from train_step's
/// dl.state arguments.
LogicalResult buildTraining(OpBuilder &b, Model &m) {
  func::FuncOp step = m.trainStep;
  // The seed and learning-rate slots, if any, sit in the step counter's
  // padding at fixed offsets; the other slots are laid out as in a model
  // without them.
  SmallVector<RankedTensorType> types;
  SmallVector<Attribute> names;
  SmallVector<int64_t> sizes;
  // Per state argument: its fixed offset in the padding, or -1.
  SmallVector<int64_t> padded;
  for (unsigned i = 0; i < step.getNumArguments(); ++i)
    if (auto name = step.getArgAttrOfType<StringAttr>(i, dl::kStateAttr)) {
      auto type = cast<RankedTensorType>(step.getArgumentTypes()[i]);
      names.push_back(name);
      types.push_back(type);
      int64_t fixed = name.getValue() == dl::kSeedSlot ? dl::kOptStateSeedOffset
                      : name.getValue() == dl::kLearningRateSlot
                          ? dl::kOptStateLearningRateOffset
                          : -1;
      padded.push_back(fixed);
      if (fixed < 0)
        sizes.push_back(type.getNumElements());
    }
  SmallVector<int64_t> offsets = dl::optStateOffsets(sizes);
  int64_t stateSize = dl::flatBufferSize(offsets, sizes);
  DenseMap<Attribute, ParamView> state;
  std::optional<float> learningRate;
  unsigned nextOffset = 0;
  for (auto [k, type] : llvm::enumerate(types)) {
    Attribute name = names[k];
    if (padded[k] < 0) {
      state[name] = {type, offsets[nextOffset++]};
      continue;
    }
    if (k == 0 || padded[k] + type.getNumElements() > dl::kOptStateSlotAlign)
      return step.emitError("the seed and learning-rate slots must follow "
                            "the step counter and fit in its 64 bytes");
    state[name] = {type, padded[k]};
    stateSize = std::max(stateSize, padded[k] + type.getNumElements());
    if (padded[k] == dl::kOptStateLearningRateOffset) {
      auto opt = m.loss ? m.loss->getAttrOfType<dl::OptimizerAttrInterface>(
                              dl::kOptimizerAttr)
                        : dl::OptimizerAttrInterface();
      if (!opt)
        return step.emitError("a learning-rate slot needs @loss's optimizer "
                              "for its initial value");
      learningRate = opt.getLearningRateValue();
    }
  }

  FailureOr<func::FuncOp> full = buildTrainStepMetrics(b, m, state, stateSize);
  if (failed(full))
    return failure();
  buildTrainStep(b, m, *full, stateSize);
  buildOptState(b, m, stateSize, learningRate);
  if (m.trainGradients && m.applyGradients &&
      (failed(buildTrainGradients(b, m, state, stateSize)) ||
       failed(buildApplyGradients(b, m, state, stateSize))))
    return failure();
  return success();
}

/// <prefix>_eval_step(params, x, targets, batch, metrics[]), in the
/// inference form unless `evalTrainingForm`.
LogicalResult buildEvalStep(OpBuilder &b, Model &m, bool evalTrainingForm) {
  EntryFunc f(b, m, EntryKind::EvalStep, m.loss);
  Buffers buf = f.buffers();
  SmallVector<Value> pm, sm;
  auto out = inlineModel(m.loss, f.e, buf, pm, sm);
  if (failed(out) ||
      (!evalTrainingForm && failed(dl::applyInferenceForms(f.fn))))
    return failure();
  storeMetrics(f, m.loss, *out);
  f.finish({});
  return success();
}

/// The model function input_gradient inlines, made from @forward: its
/// inference form, with int32 class indices (dl.targets) after the input,
/// returning d score[b, class[b]] / d x[b] for every sample, where the score
/// is the output before a final softmax or sigmoid (the logits, as Simonyan
/// et al. 2013 take them) or else the output. The reverse sweep is
/// dl-autodiff's, seeded with the one-hot rows of the classes and active
/// from the input: no parameter gets a gradient. Null when a sample's
/// output is not a vector of fixed size (no class to pick).
FailureOr<func::FuncOp> deriveInputGradient(OpBuilder &b, Model &m) {
  auto outType = cast<RankedTensorType>(m.forward.getResultTypes()[0]);
  if (outType.getRank() != 2 || outType.isDynamicDim(1))
    return func::FuncOp();
  b.setInsertionPointToEnd(m.module.getBody());
  auto fn = cast<func::FuncOp>(b.clone(*m.forward));
  fn.setSymName("__dl_input_gradient");
  fn.setPrivate();
  // Saliency explains the deployed model: dropout off, moving statistics.
  if (failed(dl::applyInferenceForms(fn)))
    return failure();
  Block &body = fn.getBody().front();
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  std::optional<unsigned> input;
  for (unsigned i = 0; i < fn.getNumArguments(); ++i)
    if (fn.getArgAttr(i, dl::kInputAttr))
      input = i;
  if (!input)
    return fn.emitError("@forward has no dl.input argument");
  Location loc = fn.getLoc();
  auto classType =
      RankedTensorType::get({ShapedType::kDynamic}, b.getI32Type());
  if (failed(fn.insertArgument(*input + 1, classType,
                               b.getDictionaryAttr(b.getNamedAttr(
                                   dl::kTargetsAttr, b.getUnitAttr())),
                               loc)))
    return failure();
  Value x = body.getArgument(*input);
  Value classes = body.getArgument(*input + 1);

  SmallVector<Operation *> ops;
  for (Operation &op : body.without_terminator())
    ops.push_back(&op);
  DenseSet<Value> active{x};
  dl::propagateActivity(ops, active);

  Value score = ret.getOperand(0);
  if (Operation *def = score.getDefiningOp();
      def && isa<dl::SoftmaxOp, dl::SigmoidOp>(def))
    score = def->getOperand(0);
  b.setInsertionPoint(ret);
  DenseMap<Value, Value> grads;
  if (active.contains(score)) {
    // seed[b, j] = (j == class[b]): d score[b, class[b]] / d score.
    auto scoreType = cast<RankedTensorType>(score.getType());
    Value rows = tensor::DimOp::create(b, loc, score, 0);
    Value empty = tensor::EmptyOp::create(b, loc, scoreType.getShape(),
                                          b.getF32Type(), ValueRange{rows});
    MLIRContext *ctx = b.getContext();
    SmallVector<AffineMap> maps{
        AffineMap::get(2, 0, {b.getAffineDimExpr(0)}, ctx),
        b.getMultiDimIdentityMap(2)};
    SmallVector<utils::IteratorType> iters(2, utils::IteratorType::parallel);
    auto seed = linalg::GenericOp::create(
        b, loc, TypeRange{scoreType}, ValueRange{classes}, ValueRange{empty},
        maps, iters, [](OpBuilder &nb, Location l, ValueRange a) {
          Value j = linalg::IndexOp::create(nb, l, 1);
          Value c = arith::IndexCastOp::create(nb, l, nb.getIndexType(), a[0]);
          Value hit =
              arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq, j, c);
          Value one = arith::ConstantOp::create(nb, l, nb.getF32FloatAttr(1));
          Value zero = arith::ConstantOp::create(nb, l, nb.getF32FloatAttr(0));
          linalg::YieldOp::create(
              nb, l,
              ValueRange{arith::SelectOp::create(nb, l, hit, one, zero)});
        });
    grads[score] = seed.getResult(0);
    if (failed(dl::buildReverseSweep(b, ops, active, grads)))
      return failure();
  }
  Value dx = grads.lookup(x);
  if (!dx) { // The output does not depend on the input.
    auto xType = cast<RankedTensorType>(x.getType());
    SmallVector<Value> dynamic;
    for (int64_t d = 0; d < xType.getRank(); ++d)
      if (xType.isDynamicDim(d))
        dynamic.push_back(tensor::DimOp::create(b, loc, x, d));
    Value empty = tensor::EmptyOp::create(b, loc, xType.getShape(),
                                          b.getF32Type(), dynamic);
    Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
    dx = linalg::FillOp::create(b, loc, ValueRange{zero}, ValueRange{empty})
             .getResult(0);
  }
  func::ReturnOp::create(b, loc, dx);
  ret.erase();
  fn.setType(b.getFunctionType(fn.getArgumentTypes(), {x.getType()}));
  fn.setAllResultAttrs(ArrayRef<DictionaryAttr>{b.getDictionaryAttr({})});
  return fn;
}

/// <prefix>_input_gradient(params, x, batch, class_idx, dx): `fn` from
/// deriveInputGradient, its result written into dx.
LogicalResult buildInputGradient(OpBuilder &b, Model &m, func::FuncOp fn) {
  EntryFunc f(b, m, EntryKind::InputGradient, fn);
  Buffers buf = f.buffers();
  SmallVector<Value> pm, sm;
  auto out = inlineModel(fn, f.e, buf, pm, sm);
  if (failed(out))
    return failure();
  auto xType = cast<RankedTensorType>(fn.getResultTypes()[0]);
  f.e.store((*out)[0], f.e.batchedView(f.arg(ArgRole::InputGrads), xType,
                                       buf.batch, buf.length));
  f.finish({});
  return success();
}

struct DLExportABI : mlir::dl::impl::DLExportABIBase<DLExportABI> {
  using Base::Base;

  func::FuncOp lookup(StringRef name) {
    return getOperation().lookupSymbol<func::FuncOp>(name);
  }

  /// The model functions, the parameter layout and the baked weights'
  /// global, if any; fails (diagnosed) on a module that is not a model.
  LogicalResult readModel(OpBuilder &b, Model &m) {
    ModuleOp module = getOperation();
    m.module = module;
    m.prefix = prefix;
    m.forward = lookup(dl::kForwardFunc);
    m.init = lookup(dl::kInitFunc);
    if (!m.forward || !m.init)
      return module.emitError("expects the model functions @")
             << dl::kForwardFunc << " and @" << dl::kInitFunc;
    m.gradients = lookup(dl::kGradientsFunc);
    m.trainStep = lookup(dl::kTrainStepFunc);
    m.trainGradients =
        lookup(std::string(dl::kTrainStepFunc) + dl::kTrainGradientsSuffix);
    m.applyGradients =
        lookup(std::string(dl::kTrainStepFunc) + dl::kApplyGradientsSuffix);
    m.loss = lookup(dl::kLossFunc);
    if (m.loss)
      m.numMetrics = dl::metricsSize(
          resultWith(m.loss, dl::kMetricAttr,
                     StringAttr::get(m.loss.getContext(), dl::kAbsErrorMetric))
              .has_value());

    // Parameter layout: forward's parameter arguments.
    SmallVector<int64_t> sizes;
    for (unsigned i = 0; i < m.forward.getNumArguments(); ++i) {
      if (!m.forward.getArgAttr(i, dl::kParamAttr))
        continue;
      m.paramArgs.push_back(i);
      m.params.push_back(
          {cast<RankedTensorType>(m.forward.getArgumentTypes()[i]), 0});
      sizes.push_back(m.params.back().type.getNumElements());
    }
    SmallVector<int64_t> offsets = dl::paramOffsets(sizes);
    for (auto [p, offset] : llvm::zip(m.params, offsets))
      p.offset = offset;
    for (unsigned i = 0; i < m.forward.getNumArguments(); ++i)
      if (m.forward.getArgAttr(i, dl::kInputAttr)) {
        auto type = cast<RankedTensorType>(m.forward.getArgumentTypes()[i]);
        m.variableLength =
            llvm::any_of(type.getShape().drop_front(), ShapedType::isDynamic);
      }
    m.numParams = dl::flatBufferSize(offsets, sizes);
    // The gradient buffer: the trainable tensors, back to back, then the
    // statistics that the step overwrites (dl.update_of), which a
    // data-parallel run averages with the gradients.
    for (auto [k, p] : llvm::enumerate(m.params)) {
      if (m.forward.getArgAttr(m.paramArgs[k], dl::kFrozenAttr))
        continue;
      m.gradViews[m.paramName(k)] = {p.type, m.numGrads};
      m.numGrads += p.type.getNumElements();
    }
    DenseSet<Attribute> updated;
    if (m.trainGradients)
      for (unsigned r = 0; r < m.trainGradients.getNumResults(); ++r)
        if (Attribute of = m.trainGradients.getResultAttr(r, dl::kUpdateOfAttr))
          updated.insert(of);
    for (auto [k, p] : llvm::enumerate(m.params)) {
      if (!updated.contains(m.paramName(k)))
        continue;
      m.gradViews[m.paramName(k)] = {p.type, m.numGrads};
      m.numGrads += p.type.getNumElements();
    }

    // Baked weights: the parameters are a global instead of the first
    // argument of each entry.
    auto weights = module->getAttrOfType<DenseElementsAttr>(dl::kWeightsAttr);
    if (!weights)
      return success();
    bool writable = module->hasAttr(dl::kWritableWeightsAttr);
    m.storage = writable ? dl::ParamStorage::BakedWritable
                         : dl::ParamStorage::BakedConst;
    auto type = RankedTensorType::get({m.numParams}, b.getF32Type());
    if (weights.getType() != type)
      return module.emitError("expects dl.weights of type ")
             << type << ", found " << weights.getType();
    b.setInsertionPointToEnd(module.getBody());
    m.weights = memref::GlobalOp::create(
        b, m.loc(), prefix + "_weights", b.getStringAttr("private"),
        MemRefType::get({m.numParams}, b.getF32Type()), weights,
        /*constant=*/!writable, /*alignment=*/b.getI64IntegerAttr(64));
    return success();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    for (const std::string &name : entries)
      if (!dl::lookupEntryPoint(name)) {
        std::string known;
        for (const dl::EntryPoint &e : dl::kEntryPoints)
          known += (known.empty() ? "" : ", ") + std::string(e.suffix);
        module.emitError("unknown entry point '")
            << name << "' in entries; expected one of: " << known;
        return signalPassFailure();
      }
    OpBuilder b(module.getBodyRegion());
    Model m;
    if (failed(readModel(b, m)))
      return signalPassFailure();

    // In the order the object has always had them.
    bool trainable = m.storage != dl::ParamStorage::BakedConst;
    if (failed(buildPredict(b, m)))
      return signalPassFailure();
    buildInitParams(b, m);
    if (m.gradients && trainable && failed(buildGradients(b, m)))
      return signalPassFailure();
    if (m.trainStep && trainable && failed(buildTraining(b, m)))
      return signalPassFailure();
    if (m.loss && failed(buildEvalStep(b, m, evalTrainingForm)))
      return signalPassFailure();
    // Only when asked for, or with every entry point: it is a whole forward
    // and backward pass more to compile.
    if (entries.empty() ||
        llvm::is_contained(entries,
                           dl::entryPoint(EntryKind::InputGradient).suffix)) {
      FailureOr<func::FuncOp> saliency = deriveInputGradient(b, m);
      if (failed(saliency) ||
          (*saliency && failed(buildInputGradient(b, m, *saliency))))
        return signalPassFailure();
      if (*saliency)
        saliency->erase();
    }

    // Everything else at dl level was an ingredient of the entry points.
    for (StringRef name : {dl::kLossFunc, dl::kForwardFunc, dl::kInitFunc,
                           dl::kGradientsFunc, dl::kTrainStepFunc})
      if (auto fn = lookup(name))
        fn.erase();
    for (func::FuncOp fn : {m.trainGradients, m.applyGradients})
      if (fn)
        fn.erase();
    module->removeAttr(dl::kWeightsAttr);
    module->removeAttr(dl::kWritableWeightsAttr);
    if (!entries.empty())
      keepOnly(module);
  }

  /// Erases the entry points not in `entries`, but not one that a kept one
  /// calls (train_step calls train_step_metrics): each inlines the whole
  /// network, and every one left out is that much less to compile.
  void keepOnly(ModuleOp module) {
    for (bool erased = true; erased;) {
      erased = false;
      for (auto fn :
           llvm::make_early_inc_range(module.getOps<func::FuncOp>())) {
        auto kind = fn->getAttrOfType<StringAttr>(dl::kEntryAttr);
        if (!kind || llvm::is_contained(entries, kind.getValue()) ||
            !SymbolTable::symbolKnownUseEmpty(fn, module))
          continue;
        fn.erase();
        erased = true;
      }
    }
  }
};
} // namespace
