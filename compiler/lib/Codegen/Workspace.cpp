//===- Workspace.cpp - a caller-provided workspace for the entry points ---===//
//
// Plans every allocation of a batch entry point into one scratch buffer (see
// Passes.td): F_ws takes the buffer, F_workspace_size(batch) says its size,
// and F keeps its ABI by allocating it once around a call of F_ws.
//
//===----------------------------------------------------------------------===//
#include "dl/Codegen/Passes.h"
#include "dl/Dialect/DL/IR/DLEntryPoints.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"
#include "llvm/Support/MathExtras.h"

namespace mlir::dl {
#define GEN_PASS_DEF_DLWORKSPACE
#include "dl/Codegen/Passes.h.inc"
} // namespace mlir::dl

using namespace mlir;

namespace {

constexpr int64_t kAlign = 64; // bytes: whole cache lines, AVX-512 loads

/// The entry point `fn` is, by its dl.entry attribute, if it has a workspace
/// form (the batch entry points); null otherwise.
const dl::EntryPoint *batchEntry(func::FuncOp fn) {
  auto kind = fn->getAttrOfType<StringAttr>(dl::kEntryAttr);
  if (!kind || fn.isExternal())
    return nullptr;
  const dl::EntryPoint *entry = dl::lookupEntryPoint(kind.getValue());
  return entry && entry->hasWorkspaceForm ? entry : nullptr;
}

/// One dimension of an allocation's slot: a constant (static, or an upper
/// bound of a ragged block) or a value that is rebuilt from the batch (and
/// the variable axis's length, in a model with one).
struct SlotDim {
  int64_t constant = 0;
  Value fromBatch; ///< in the original function; null when constant
};

struct Slot {
  memref::AllocOp alloc;
  SmallVector<SlotDim> dims;
  int64_t elementBytes = 0;
};

/// Re-creates `v` (an index or integer value of the original function) at
/// the builder's point from the entry's i64 arguments `sizeArgs` (the batch,
/// and the length in a model with a variable axis), here `sizes`, through
/// pure ops and the sizes of views. Null when `v` depends on anything else.
class Rebuilder {
public:
  Rebuilder(OpBuilder &b, Location loc, ValueRange sizeArgs, ValueRange sizes)
      : b(b), loc(loc) {
    map.map(sizeArgs, sizes);
  }

  Value value(Value v, int depth = 0) {
    if (depth > 32)
      return {};
    if (Value known = map.lookupOrNull(v))
      return known;
    Operation *op = v.getDefiningOp();
    if (!op)
      return {};
    if (auto dim = dyn_cast<memref::DimOp>(op)) {
      std::optional<int64_t> d = dim.getConstantIndex();
      return d ? size(dim.getSource(), *d, depth + 1) : Value();
    }
    if (!isPure(op) || op->getNumRegions() || op->getNumResults() != 1 ||
        !op->getResult(0).getType().isIntOrIndex())
      return {};
    for (Value operand : op->getOperands()) {
      Value r = value(operand, depth + 1);
      if (!r)
        return {};
      map.map(operand, r);
    }
    Value r = b.clone(*op, map)->getResult(0);
    map.map(v, r);
    return r;
  }

  /// Dimension `d` of the buffer `m`, from what its views were made of.
  Value size(Value m, int64_t d, int depth) {
    auto type = cast<MemRefType>(m.getType());
    if (!type.isDynamicDim(d))
      return arith::ConstantIndexOp::create(b, loc, type.getDimSize(d));
    Operation *op = m.getDefiningOp();
    auto fromMixed = [&](OpFoldResult s) -> Value {
      if (auto a = dyn_cast<Attribute>(s))
        return arith::ConstantIndexOp::create(b, loc,
                                              cast<IntegerAttr>(a).getInt());
      return value(cast<Value>(s), depth + 1);
    };
    if (auto rc = dyn_cast_or_null<memref::ReinterpretCastOp>(op))
      return fromMixed(rc.getMixedSizes()[d]);
    if (auto sv = dyn_cast_or_null<memref::SubViewOp>(op))
      return fromMixed(sv.getMixedSizes()[d]);
    if (auto expand = dyn_cast_or_null<memref::ExpandShapeOp>(op))
      return fromMixed(expand.getMixedOutputShape()[d]);
    if (auto cast = dyn_cast_or_null<memref::CastOp>(op))
      return size(cast.getSource(), d, depth + 1);
    if (auto alloc = dyn_cast_or_null<memref::AllocOp>(op))
      return value(alloc.getDynamicSizes()[type.getDynamicDimIndex(d)],
                   depth + 1);
    // An allocation already placed in the workspace (the later plans).
    if (auto view = dyn_cast_or_null<memref::ViewOp>(op))
      return value(view.getSizes()[type.getDynamicDimIndex(d)], depth + 1);
    if (auto collapse = dyn_cast_or_null<memref::CollapseShapeOp>(op)) {
      // A named copy: the groups come back by value, and a range-for over
      // an element of that temporary read it after its end (ASan).
      SmallVector<ReassociationIndices> groups =
          collapse.getReassociationIndices();
      Value product;
      for (int64_t s : groups[d]) {
        Value x = size(collapse.getSrc(), s, depth + 1);
        if (!x)
          return {};
        product = product ? arith::MulIOp::create(b, loc, product, x) : x;
      }
      return product;
    }
    return {};
  }

private:
  OpBuilder &b;
  Location loc;
  IRMapping map;
};

/// The slot of every allocation of `fn`, or failure (with a diagnostic).
FailureOr<SmallVector<Slot>> planSlots(func::FuncOp fn, ValueRange sizeArgs) {
  SmallVector<Slot> slots;
  WalkResult walk = fn.walk([&](memref::AllocOp alloc) {
    MemRefType type = alloc.getType();
    if (!type.getLayout().isIdentity() || type.getMemorySpace() ||
        !type.getElementType().isIntOrFloat()) {
      alloc.emitError("dl-workspace: cannot place a ") << type;
      return WalkResult::interrupt();
    }
    Slot slot{alloc, {}, type.getElementTypeBitWidth() / 8};
    for (int64_t d = 0; d < type.getRank(); ++d) {
      if (!type.isDynamicDim(d)) {
        slot.dims.push_back({type.getDimSize(d), {}});
        continue;
      }
      Value size = alloc.getDynamicSizes()[type.getDynamicDimIndex(d)];
      // From the batch? Try to rebuild it in a scratch function.
      OpBuilder scratch(fn.getContext());
      Block block;
      scratch.setInsertionPointToStart(&block);
      Value probe = arith::ConstantOp::create(scratch, alloc.getLoc(),
                                              scratch.getI64IntegerAttr(1));
      SmallVector<Value> probes(sizeArgs.size(), probe);
      Rebuilder r(scratch, alloc.getLoc(), sizeArgs, probes);
      bool fromBatch = bool(r.value(size));
      if (fromBatch) {
        slot.dims.push_back({0, size});
        continue;
      }
      FailureOr<int64_t> bound = ValueBoundsConstraintSet::computeConstantBound(
          presburger::BoundType::UB, ValueBoundsConstraintSet::Variable(size),
          /*stopCondition=*/nullptr, /*closedUB=*/true);
      if (failed(bound) || *bound < 0) {
        alloc.emitError("dl-workspace: no bound on dimension ")
            << d << " of this allocation";
        return WalkResult::interrupt();
      }
      slot.dims.push_back({*bound, {}});
    }
    slots.push_back(slot);
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  return slots;
}

/// Emits the byte offset of every slot and the total, for `sizes` (i64: the
/// batch, and the length in a model with a variable axis).
///
/// A deep model has thousands of slots but a handful of distinct sizes:
/// each distinct size (its constant factor and batch-derived dimensions) is
/// computed and rounded once, constant slots are summed here, and the total
/// is a count times each size. Offsets are a running sum, one add per
/// slot. Emitting the whole product and rounding per slot made this
/// arithmetic half of the IR every later pass walked, three times over.
Value emitPlan(OpBuilder &b, Location loc, ArrayRef<Slot> slots,
               ValueRange sizeArgs, ValueRange sizes,
               SmallVector<Value> *offsets) {
  Rebuilder r(b, loc, sizeArgs, sizes);
  DenseMap<int64_t, Value> constants;
  auto idx = [&](int64_t v) {
    Value &c = constants[v];
    if (!c)
      c = arith::ConstantIndexOp::create(b, loc, v);
    return c;
  };
  auto add = [&](Value x, Value y) {
    return x ? arith::AddIOp::create(b, loc, x, y).getResult() : y;
  };
  // A running dynamic sum (null: zero) plus a constant.
  auto plus = [&](Value dyn, int64_t c) {
    return !dyn ? idx(c) : c ? add(dyn, idx(c)) : dyn;
  };
  // A distinct dynamic size: its aligned bytes and how many slots have it.
  using Key = std::pair<int64_t, SmallVector<Value, 2>>;
  struct Class {
    Value aligned;
    int64_t count = 0;
  };
  SmallVector<std::pair<Key, Class>> classes;
  int64_t constTotal = 0;
  Value dynTotal; // null: nothing dynamic yet
  for (const Slot &s : slots) {
    if (offsets)
      offsets->push_back(plus(dynTotal, constTotal));
    Key key{s.elementBytes, {}};
    for (const SlotDim &d : s.dims) {
      if (d.fromBatch)
        key.second.push_back(d.fromBatch);
      else
        key.first *= d.constant;
    }
    if (key.second.empty()) {
      constTotal += llvm::alignTo(key.first, kAlign);
      continue;
    }
    auto *it = llvm::find_if(classes, [&](auto &c) { return c.first == key; });
    if (it == classes.end()) {
      Value bytes = idx(key.first);
      for (Value v : key.second)
        bytes = arith::MulIOp::create(b, loc, bytes, r.value(v));
      // Round up to the alignment (a multiple of it already: nothing to do).
      if (key.first % kAlign)
        bytes = arith::MulIOp::create(
            b, loc, arith::CeilDivUIOp::create(b, loc, bytes, idx(kAlign)),
            idx(kAlign));
      classes.push_back({key, {bytes, 0}});
      it = std::prev(classes.end());
    }
    ++it->second.count;
    if (offsets)
      dynTotal = add(dynTotal, it->second.aligned);
  }
  if (!offsets)
    for (auto &[key, c] : classes)
      dynTotal =
          add(dynTotal, c.count == 1 ? c.aligned
                                     : arith::MulIOp::create(b, loc, c.aligned,
                                                             idx(c.count))
                                           .getResult());
  return plus(dynTotal, constTotal);
}

/// The sizes (the batch and the length, if any) at least 0: F_ws rejects a
/// batch or a length below 1 without touching the workspace (dl-export-abi's
/// guard), and neither F nor F_workspace_size may turn a negative size into
/// a huge allocation first.
SmallVector<Value> clampSizes(OpBuilder &b, Location loc, ValueRange sizes) {
  SmallVector<Value> out;
  Value zero = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(0));
  for (Value v : sizes)
    out.push_back(arith::MaxSIOp::create(b, loc, v, zero));
  return out;
}

struct Workspace : mlir::dl::impl::DLWorkspaceBase<Workspace> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<std::pair<func::FuncOp, const dl::EntryPoint *>> entries;
    for (auto fn : module.getOps<func::FuncOp>())
      if (const dl::EntryPoint *entry = batchEntry(fn))
        entries.push_back({fn, entry});
    for (auto [fn, entry] : entries)
      if (failed(split(fn, *entry)))
        return signalPassFailure();
  }

  /// Splits entry point `fn` into its three forms, each marked dl.entry.
  LogicalResult split(func::FuncOp fn, const dl::EntryPoint &entry) {
    MLIRContext *ctx = &getContext();
    Location loc = fn.getLoc();
    // The sizes: the entry's i64 arguments, the batch and, in a model with a
    // variable axis, its length (DLEntryPoints.h's order).
    SmallVector<Value> sizeArgs;
    SmallVector<unsigned> sizeArgNos;
    for (BlockArgument a : fn.getArguments())
      if (a.getType().isInteger(64)) {
        sizeArgs.push_back(a);
        sizeArgNos.push_back(a.getArgNumber());
      }
    if (sizeArgs.empty())
      return fn.emitError("dl-workspace: no batch argument");
    if (sizeArgs.size() > 2)
      return fn.emitError("dl-workspace: more than two i64 arguments (the "
                          "batch and the length)");
    FailureOr<SmallVector<Slot>> slots = planSlots(fn, sizeArgs);
    if (failed(slots))
      return failure();

    std::string name = fn.getSymName().str();
    FunctionType type = fn.getFunctionType();
    auto i8 = IntegerType::get(ctx, 8);
    auto wsArgType = MemRefType::get({1}, i8); // a bare `void *`
    auto wsType = MemRefType::get({ShapedType::kDynamic}, i8);
    OpBuilder b(ctx);
    // Each form is an entry point of its own, marked with its suffix.
    auto markAs = [&](func::FuncOp f, dl::EntryForm form) {
      f->setAttr(dl::kEntryAttr, b.getStringAttr(dl::entrySuffix(entry, form)));
    };

    // F becomes F_ws: the same body, allocations placed in the workspace.
    fn.setSymName(name + dl::kWorkspaceFormSuffix);
    markAs(fn, dl::EntryForm::Workspace);
    if (failed(fn.insertArgument(fn.getNumArguments(), wsArgType, {}, loc)))
      return failure();
    Value wsArg = fn.getArguments().back();
    b.setInsertionPointToStart(&fn.front());
    SmallVector<Value> offsets;
    Value total = emitPlan(b, loc, *slots, sizeArgs, sizeArgs, &offsets);
    Value ws = memref::ReinterpretCastOp::create(
        b, loc, wsType, wsArg, OpFoldResult(b.getIndexAttr(0)),
        ArrayRef<OpFoldResult>{total},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
    IRRewriter rewriter(ctx);
    for (auto [slot, offset] : llvm::zip(*slots, offsets)) {
      memref::AllocOp alloc = slot.alloc;
      for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
        if (isa<memref::DeallocOp>(user))
          rewriter.eraseOp(user);
      rewriter.setInsertionPoint(alloc);
      rewriter.replaceOpWithNewOp<memref::ViewOp>(
          alloc, alloc.getType(), ws, offset, alloc.getDynamicSizes());
    }

    // F_workspace_size(batch[, length]) -> bytes.
    b.setInsertionPoint(fn);
    SmallVector<Type> sizeTypes(sizeArgs.size(), b.getI64Type());
    auto sizeFn =
        func::FuncOp::create(b, loc, name + dl::kWorkspaceSizeFormSuffix,
                             b.getFunctionType(sizeTypes, {b.getI64Type()}));
    markAs(sizeFn, dl::EntryForm::WorkspaceSize);
    b.setInsertionPointToStart(sizeFn.addEntryBlock());
    Value bytes = emitPlan(b, loc, *slots, sizeArgs,
                           clampSizes(b, loc, sizeFn.getArguments()), nullptr);
    func::ReturnOp::create(
        b, loc,
        ValueRange{arith::IndexCastOp::create(b, loc, b.getI64Type(), bytes)});

    // F(args...): the workspace from the heap, once per call.
    b.setInsertionPoint(fn);
    auto wrapper = func::FuncOp::create(b, loc, name, type);
    markAs(wrapper, dl::EntryForm::Plain);
    b.setInsertionPointToStart(wrapper.addEntryBlock());
    SmallVector<Value> wrapperSizes;
    for (unsigned no : sizeArgNos)
      wrapperSizes.push_back(wrapper.getArgument(no));
    Value need = emitPlan(b, loc, *slots, sizeArgs,
                          clampSizes(b, loc, wrapperSizes), nullptr);
    Value heap = memref::AllocOp::create(b, loc, wsType, ValueRange{need},
                                         b.getI64IntegerAttr(kAlign));
    Value asArg = memref::ReinterpretCastOp::create(
        b, loc, wsArgType, heap, OpFoldResult(b.getIndexAttr(0)),
        ArrayRef<OpFoldResult>{b.getIndexAttr(1)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
    SmallVector<Value> args(wrapper.getArguments());
    args.push_back(asArg);
    auto call = func::CallOp::create(b, loc, fn, args);
    memref::DeallocOp::create(b, loc, heap);
    func::ReturnOp::create(b, loc, call.getResults());
    return success();
  }
};

} // namespace
