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
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/ADT/DenseSet.h"
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

/// Bytes as a polynomial in the sizes: c + a*s0 + b*s1 + d*s0*s1 (s1 the
/// length, in a model with one), every coefficient at least 0.
using Poly = std::array<int64_t, 4>;

struct Slot {
  memref::AllocOp alloc;
  SmallVector<SlotDim> dims;
  int64_t elementBytes = 0;
  /// Its bytes as a polynomial, when they are one (checked at probe sizes).
  std::optional<Poly> poly;
  /// Its lifetime in its home block (the alloc's): from the alloc's index to
  /// the index of the last op that uses it or a view of it; none when a view
  /// escapes (a terminator, a non-view op with a memref result).
  Block *home = nullptr;
  int64_t start = 0;
  std::optional<int64_t> end;
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
    Slot slot;
    slot.alloc = alloc;
    slot.elementBytes = type.getElementTypeBitWidth() / 8;
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

/// The index of every op of `block` (computed once per home block).
class BlockIndex {
public:
  int64_t of(Operation *op) {
    Block *block = op->getBlock();
    auto [it, inserted] = indices.try_emplace(block);
    if (inserted) {
      int64_t i = 0;
      for (Operation &o : *block)
        it->second[&o] = i++;
    }
    return it->second.lookup(op);
  }

private:
  DenseMap<Block *, DenseMap<Operation *, int64_t>> indices;
};

/// Sets `slot`'s lifetime: the deallocs are all at the end of the block
/// (ownership-based deallocation), so the last use is found from the uses of
/// the allocation and of every view of it.
void computeLifetime(Slot &slot, BlockIndex &index) {
  Operation *alloc = slot.alloc;
  slot.home = alloc->getBlock();
  slot.start = index.of(alloc);
  int64_t end = slot.start;
  SmallVector<Value> work{slot.alloc.getResult()};
  DenseSet<Value> seen;
  while (!work.empty()) {
    Value v = work.pop_back_val();
    if (!seen.insert(v).second)
      continue;
    for (Operation *user : v.getUsers()) {
      if (isa<memref::DeallocOp>(user))
        continue;
      // Ops that carry the address on in anything but a view of it (a loop's
      // iter_args, a call's result, an integer address) or return it: the
      // buffer's life is unknown here.
      if (user->hasTrait<OpTrait::IsTerminator>() ||
          isa<memref::ExtractAlignedPointerAsIndexOp,
              UnrealizedConversionCastOp>(user) ||
          user->getDialect()->getNamespace() == "llvm")
        return;
      bool view = isa<ViewLikeOpInterface, memref::CastOp,
                      memref::ExtractStridedMetadataOp>(user);
      for (Value r : user->getResults()) {
        if (!isa<BaseMemRefType>(r.getType()))
          continue;
        if (!view)
          return;
        work.push_back(r);
      }
      Operation *at = slot.home->findAncestorOpInBlock(*user);
      if (!at)
        return;
      end = std::max(end, index.of(at));
    }
  }
  slot.end = end;
}

/// The bytes of every slot whose size is a polynomial c + a*s0 (+ b*s1 +
/// d*s0*s1) in the sizes: its dimensions are rebuilt once, in a scratch
/// block, and evaluated by folding at probe sizes; the coefficients come
/// from the smallest probes and must hold at every other (a ceil-divided
/// size does not).
void fitPolys(MutableArrayRef<Slot> slots, ValueRange sizeArgs) {
  if (slots.empty())
    return;
  MLIRContext *ctx = sizeArgs.front().getContext();
  Location loc = slots.front().alloc.getLoc();
  OpBuilder scratch(ctx);
  Block block;
  scratch.setInsertionPointToStart(&block);
  SmallVector<Value> placeholders;
  for (size_t i = 0; i < sizeArgs.size(); ++i)
    placeholders.push_back(
        arith::ConstantOp::create(scratch, loc, scratch.getI64IntegerAttr(0)));
  Rebuilder r(scratch, loc, sizeArgs, placeholders);
  // Each distinct dimension, rebuilt once (deep models: thousands of slots).
  DenseMap<Value, Value> rebuilt;
  for (Slot &s : slots)
    for (const SlotDim &d : s.dims)
      if (d.fromBatch && !rebuilt.count(d.fromBatch))
        rebuilt[d.fromBatch] = r.value(d.fromBatch);

  bool two = sizeArgs.size() == 2;
  // The first four fit the coefficients (two with one size), the rest check.
  SmallVector<std::pair<int64_t, int64_t>> probes =
      two ? SmallVector<std::pair<int64_t, int64_t>>{{1, 1},       {2, 1},
                                                     {1, 2},       {2, 2},
                                                     {3, 7},       {7, 3},
                                                     {17, 100},    {100, 17},
                                                     {4097, 5},    {5, 4097},
                                                     {1 << 20, 3}, {3, 1 << 20}}
          : SmallVector<std::pair<int64_t, int64_t>>{
                {1, 1},  {2, 1},   {3, 1},    {7, 1},
                {17, 1}, {100, 1}, {4097, 1}, {1 << 20, 1}};
  // The value of every rebuilt dimension at each probe (none: not folded).
  DenseMap<Value, SmallVector<std::optional<int64_t>>> at;
  for (auto [s0, s1] : probes) {
    DenseMap<Value, Attribute> vals;
    vals[placeholders[0]] = scratch.getI64IntegerAttr(s0);
    if (two)
      vals[placeholders[1]] = scratch.getI64IntegerAttr(s1);
    for (Operation &op : block) {
      if (llvm::is_contained(placeholders, op.getResult(0)))
        continue;
      SmallVector<Attribute> operands;
      for (Value o : op.getOperands())
        operands.push_back(vals.lookup(o));
      SmallVector<OpFoldResult> results;
      if (op.getNumResults() != 1 || failed(op.fold(operands, results)) ||
          results.size() != 1)
        continue;
      if (auto a = dyn_cast<Attribute>(results[0]))
        vals[op.getResult(0)] = a;
      else
        vals[op.getResult(0)] = vals.lookup(cast<Value>(results[0]));
    }
    for (auto &[orig, v] : rebuilt) {
      std::optional<int64_t> x;
      if (auto a = dyn_cast_or_null<IntegerAttr>(v ? vals.lookup(v) : nullptr))
        x = a.getValue().getSExtValue();
      at[orig].push_back(x);
    }
  }

  for (Slot &s : slots) {
    // The slot's bytes at each probe.
    SmallVector<int64_t> bytes;
    bool ok = true;
    for (size_t p = 0; p < probes.size() && ok; ++p) {
      int64_t v = s.elementBytes;
      for (const SlotDim &d : s.dims) {
        std::optional<int64_t> x =
            d.fromBatch ? at[d.fromBatch][p] : std::optional(d.constant);
        if (!x || *x < 0 || llvm::MulOverflow(v, *x, v))
          ok = false;
      }
      bytes.push_back(v);
    }
    if (!ok)
      continue;
    Poly c{};
    if (two) {
      c[3] = bytes[3] - bytes[2] - bytes[1] + bytes[0];
      c[1] = bytes[1] - bytes[0] - c[3];
      c[2] = bytes[2] - bytes[0] - c[3];
      c[0] = bytes[0] - c[1] - c[2] - c[3];
    } else {
      c[1] = bytes[1] - bytes[0];
      c[0] = bytes[0] - c[1];
    }
    if (llvm::any_of(c, [](int64_t x) { return x < 0; }))
      continue;
    for (size_t p = 0; p < probes.size() && ok; ++p) {
      auto [s0, s1] = probes[p];
      if (!two)
        s1 = 0;
      ok = c[0] + c[1] * s0 + c[2] * s1 + c[3] * s0 * s1 == bytes[p];
    }
    if (ok)
      s.poly = c;
  }
}

/// A set of slots of one home block whose lifetimes do not overlap: they
/// share one piece of the workspace, as big as the largest (coefficient-wise
/// max) of them.
struct Colour {
  Block *home;
  SmallVector<std::pair<int64_t, int64_t>> spans; ///< its slots' lifetimes
  Poly size;
};

/// A size compared at a typical batch and length.
int64_t typical(const Poly &p) {
  return p[0] + p[1] * 128 + p[2] * 64 + p[3] * 128 * 64;
}

/// Greedy interval colouring, in program order or largest slots first (as
/// TFLite's greedy by size: the big buffers set the pieces, the small ones
/// fill their gaps): a slot joins a colour of its block none of whose slots
/// is live with it (one at least as big if any, else the one that grows
/// least, if it grows by less than the slot's own size), or starts a colour
/// of its own. Returns each slot's colour (-1: a slot kept apart, unknown
/// size or lifetime), the colours numbered in program order of their first
/// slot.
SmallVector<int> colourSlots(ArrayRef<Slot> slots, bool bySize,
                             SmallVector<Colour> &colours) {
  auto max = [](const Poly &x, const Poly &y) {
    Poly m;
    for (int i = 0; i < 4; ++i)
      m[i] = std::max(x[i], y[i]);
    return m;
  };
  SmallVector<int> order;
  for (auto [i, s] : llvm::enumerate(slots))
    if (s.poly && s.end)
      order.push_back(i);
  if (bySize)
    llvm::stable_sort(order, [&](int x, int y) {
      return typical(*slots[x].poly) > typical(*slots[y].poly);
    });
  // The colours of each home block (their indices).
  DenseMap<Block *, SmallVector<int>> byBlock;
  SmallVector<Colour> made;
  SmallVector<int> of(slots.size(), -1);
  for (int i : order) {
    const Slot &s = slots[i];
    const Poly &p = *s.poly;
    int best = -1;
    int64_t bestCost = typical(p); // a colour of its own
    for (int c : byBlock[s.home]) {
      Colour &col = made[c];
      if (llvm::any_of(col.spans, [&](auto span) {
            return !(span.second < s.start || *s.end < span.first);
          }))
        continue;
      int64_t grow = typical(max(col.size, p)) - typical(col.size);
      // Among colours that need not grow, the smallest.
      int64_t cost = grow ? grow : -(int64_t(1) << 62) + typical(col.size);
      if (cost < bestCost || (best < 0 && cost <= bestCost)) {
        best = c;
        bestCost = cost;
      }
    }
    if (best < 0) {
      best = made.size();
      made.push_back({s.home, {}, p});
      byBlock[s.home].push_back(best);
    }
    made[best].spans.push_back({s.start, *s.end});
    made[best].size = max(made[best].size, p);
    of[i] = best;
  }
  // Renumbered in program order, as the plan without sharing was laid out.
  SmallVector<int> renumber(made.size(), -1);
  for (int &c : of) {
    if (c < 0)
      continue;
    if (renumber[c] < 0) {
      renumber[c] = colours.size();
      colours.push_back(std::move(made[c]));
    }
    c = renumber[c];
  }
  return of;
}

/// Emits the byte offset of every slot and the total, for `sizes` (i64: the
/// batch, and the length in a model with a variable axis). The colours come
/// first, each slot of one at its offset; then the slots kept apart.
///
/// A deep model has thousands of slots but a handful of distinct sizes:
/// each distinct size (a colour's polynomial; a slot's constant factor and
/// batch-derived dimensions) is computed and rounded once, constant pieces
/// are summed here, and the total is a count times each size. Offsets are a
/// running sum, one add per piece. Emitting the whole product and rounding
/// per slot made this arithmetic half of the IR every later pass walked,
/// three times over.
Value emitPlan(OpBuilder &b, Location loc, ArrayRef<Slot> slots,
               ArrayRef<int> colourOf, ArrayRef<Colour> colours,
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
  auto mul = [&](Value x, Value y) {
    return arith::MulIOp::create(b, loc, x, y).getResult();
  };
  // A running dynamic sum (null: zero) plus a constant.
  auto plus = [&](Value dyn, int64_t c) {
    return !dyn ? idx(c) : c ? add(dyn, idx(c)) : dyn;
  };
  auto alignUp = [&](Value bytes) {
    return mul(arith::CeilDivUIOp::create(b, loc, bytes, idx(kAlign)),
               idx(kAlign));
  };
  // A distinct dynamic size: its aligned bytes and how many pieces have it.
  struct Class {
    Value aligned;
    int64_t count = 0;
  };
  using Key = std::pair<int64_t, SmallVector<Value, 2>>;
  SmallVector<std::pair<Key, Class>> classes;
  SmallVector<std::pair<Poly, Class>> polyClasses;
  int64_t constTotal = 0;
  Value dynTotal; // null: nothing dynamic yet
  // The sizes as indices, for the colours' polynomials.
  SmallVector<Value> s;
  Value s01;
  auto size = [&](int i) {
    if (s.empty())
      for (Value v : sizes)
        s.push_back(arith::IndexCastOp::create(b, loc, b.getIndexType(), v)
                        .getResult());
    return s[i];
  };
  auto count = [&](Class &c) {
    ++c.count;
    if (offsets)
      dynTotal = add(dynTotal, c.aligned);
  };

  SmallVector<Value> colourOffsets;
  for (const Colour &col : colours) {
    colourOffsets.push_back(plus(dynTotal, constTotal));
    const Poly &p = col.size;
    if (!p[1] && !p[2] && !p[3]) {
      constTotal += llvm::alignTo(p[0], kAlign);
      continue;
    }
    auto *it =
        llvm::find_if(polyClasses, [&](auto &c) { return c.first == p; });
    if (it == polyClasses.end()) {
      Value bytes;
      if (p[1])
        bytes = mul(size(0), idx(p[1]));
      if (p[2])
        bytes = add(bytes, mul(size(1), idx(p[2])));
      if (p[3]) {
        if (!s01)
          s01 = mul(size(0), size(1));
        bytes = add(bytes, mul(s01, idx(p[3])));
      }
      if (p[0])
        bytes = add(bytes, idx(p[0]));
      // Round up to the alignment (a multiple of it already: nothing to do).
      if (llvm::any_of(p, [](int64_t x) { return x % kAlign; }))
        bytes = alignUp(bytes);
      polyClasses.push_back({p, {bytes, 0}});
      it = std::prev(polyClasses.end());
    }
    count(it->second);
  }

  if (offsets)
    offsets->resize(slots.size());
  for (auto [i, slot] : llvm::enumerate(slots)) {
    if (colourOf[i] >= 0) {
      if (offsets)
        (*offsets)[i] = colourOffsets[colourOf[i]];
      continue;
    }
    if (offsets)
      (*offsets)[i] = plus(dynTotal, constTotal);
    Key key{slot.elementBytes, {}};
    for (const SlotDim &d : slot.dims) {
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
        bytes = mul(bytes, r.value(v));
      if (key.first % kAlign)
        bytes = alignUp(bytes);
      classes.push_back({key, {bytes, 0}});
      it = std::prev(classes.end());
    }
    count(it->second);
  }
  if (!offsets) {
    auto total = [&](Class &c) {
      dynTotal = add(dynTotal,
                     c.count == 1 ? c.aligned : mul(c.aligned, idx(c.count)));
    };
    for (auto &[key, c] : polyClasses)
      total(c);
    for (auto &[key, c] : classes)
      total(c);
  }
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
    // Slots whose lifetimes do not overlap share memory.
    BlockIndex index;
    for (Slot &slot : *slots)
      computeLifetime(slot, index);
    fitPolys(*slots, sizeArgs);
    // Neither order wins everywhere (the CNN's training step packs better
    // largest first, its predict in program order): the smaller plan.
    SmallVector<Colour> colours, bySize;
    SmallVector<int> colourOf = colourSlots(*slots, false, colours);
    SmallVector<int> bySizeOf = colourSlots(*slots, true, bySize);
    auto planned = [](ArrayRef<Colour> cs) {
      int64_t t = 0;
      for (const Colour &c : cs)
        t += llvm::alignTo(typical(c.size), kAlign);
      return t;
    };
    if (planned(bySize) < planned(colours)) {
      colours = std::move(bySize);
      colourOf = std::move(bySizeOf);
    }

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
    Value total = emitPlan(b, loc, *slots, colourOf, colours, sizeArgs,
                           sizeArgs, &offsets);
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
    Value bytes = emitPlan(b, loc, *slots, colourOf, colours, sizeArgs,
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
    Value need = emitPlan(b, loc, *slots, colourOf, colours, sizeArgs,
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
