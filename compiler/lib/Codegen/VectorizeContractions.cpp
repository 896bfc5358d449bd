//===- VectorizeContractions.cpp - register-blocked f32 matrix products
//----===//
//
// Rewrites the matrix products that dl lowers to (linalg.matmul and the two
// transposed linalg.generic forms), once bufferized, into a register-blocked
// outer-product kernel on the vector dialect. See Passes.td for the loop nest.
//
// Vocabulary: C[m, n] += sum_k A(m, k) * B(k, n). `n` is always C's last,
// contiguous dimension (the vector lanes run along it); A is the input
// indexed by m, B the one indexed by n, whatever their order in the op.
//
//===----------------------------------------------------------------------===//
#include "dl/Codegen/Passes.h"

#include "OutlinedViews.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::dl {
#define GEN_PASS_DEF_DLVECTORIZECONTRACTIONS
#include "dl/Codegen/Passes.h.inc"
} // namespace mlir::dl

using namespace mlir;
using dl::anyOffset;
using dl::appendViewArgs;
using dl::appendViewArgTypes;
using dl::rebuildView;

namespace {

//===----------------------------------------------------------------------===//
// Matching
//===----------------------------------------------------------------------===//

/// A matched contraction, with roles assigned.
struct Contraction {
  linalg::LinalgOp op;
  Value a, b, c;
  bool aKM = false; ///< A is indexed [k, m] rather than [m, k].
  bool bNK = false; ///< B is indexed [n, k] rather than [k, n].
  /// The linalg.fill of +0.0 into C that immediately precedes the op, if
  /// any: the kernel then starts its accumulators at zero instead.
  linalg::FillOp zeroFill;
};

/// The body `yield out + in0 * in1` (either operand order).
bool isMulAddBody(Block &body) {
  if (body.getNumArguments() != 3 ||
      !llvm::hasNItems(body.without_terminator(), 2))
    return false;
  auto yield = dyn_cast<linalg::YieldOp>(body.getTerminator());
  if (!yield || yield.getNumOperands() != 1)
    return false;
  auto add = yield.getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!add)
    return false;
  Value in0 = body.getArgument(0), in1 = body.getArgument(1),
        out = body.getArgument(2);
  Value other = add.getLhs() == out   ? add.getRhs()
                : add.getRhs() == out ? add.getLhs()
                                      : Value();
  auto mul = other ? other.getDefiningOp<arith::MulFOp>() : nullptr;
  if (!mul || mul->getBlock() != &body)
    return false;
  return (mul.getLhs() == in0 && mul.getRhs() == in1) ||
         (mul.getLhs() == in1 && mul.getRhs() == in0);
}

/// The loop dimension of result `r` of `map`, if it is a plain dimension.
std::optional<unsigned> dimAt(AffineMap map, unsigned r) {
  if (auto d = dyn_cast<AffineDimExpr>(map.getResult(r)))
    return d.getPosition();
  return std::nullopt;
}

std::optional<Contraction> matchContraction(linalg::LinalgOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || op.getNumLoops() != 3 ||
      op->getNumResults() != 0)
    return std::nullopt;
  for (Value v : op->getOperands()) {
    auto t = dyn_cast<MemRefType>(v.getType());
    if (!t || t.getRank() != 2 || !t.getElementType().isF32())
      return std::nullopt;
  }
  if (!isMulAddBody(*op.getBlock()))
    return std::nullopt;

  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();
  for (AffineMap map : maps)
    if (map.getNumResults() != 2)
      return std::nullopt;
  std::optional<unsigned> m = dimAt(maps[2], 0), n = dimAt(maps[2], 1);
  if (!m || !n || *m == *n || iters[*m] != utils::IteratorType::parallel ||
      iters[*n] != utils::IteratorType::parallel)
    return std::nullopt;
  unsigned k = 3 - *m - *n;
  if (iters[k] != utils::IteratorType::reduction)
    return std::nullopt;

  Contraction ct;
  ct.op = op;
  ct.c = op.getDpsInitOperand(0)->get();
  for (unsigned i = 0; i < 2; ++i) {
    std::optional<unsigned> d0 = dimAt(maps[i], 0), d1 = dimAt(maps[i], 1);
    if (!d0 || !d1)
      return std::nullopt;
    Value v = op.getDpsInputOperand(i)->get();
    // Which parallel dimension this input carries, and in which position.
    if (*d0 == *m && *d1 == k && !ct.a)
      ct.a = v, ct.aKM = false;
    else if (*d0 == k && *d1 == *m && !ct.a)
      ct.a = v, ct.aKM = true;
    else if (*d0 == k && *d1 == *n && !ct.b)
      ct.b = v, ct.bNK = false;
    else if (*d0 == *n && *d1 == k && !ct.b)
      ct.b = v, ct.bNK = true;
    else
      return std::nullopt;
  }
  // The lanes run along C's rows: they must be contiguous.
  if (!cast<MemRefType>(ct.c.getType()).isLastDimUnitStride())
    return std::nullopt;
  // C freshly zeroed by the op just before (dl's dx and dW products): nothing
  // can read C in between, and neither input is C itself.
  if (auto fill = dyn_cast_or_null<linalg::FillOp>(op->getPrevNode()))
    if (fill.hasPureBufferSemantics() &&
        fill.getDpsInitOperand(0)->get() == ct.c && ct.a != ct.c &&
        ct.b != ct.c &&
        matchPattern(fill.getDpsInputOperand(0)->get(), m_PosZeroFloat()))
      ct.zeroFill = fill;
  return ct;
}

//===----------------------------------------------------------------------===//
// Code generation
//===----------------------------------------------------------------------===//

struct KernelOptions {
  int64_t lanes, mr, nrVectors, kc, mc, packMinM;
  bool parallel = false;
  uint64_t parallelMinFlops = 0;
};

/// x / d rounded up, for positive sizes.
int64_t ceilDiv(int64_t x, int64_t d) { return (x + d - 1) / d; }

/// What a kernel computes on: the contraction's operands (the op's own, or
/// an outlined kernel's arguments) and what the kernel may assume.
struct KernelOperands {
  Value a, b, c;
  bool aKM = false, bNK = false;
  /// C is +0.0 on entry (a fill folded into the kernel): the first k block
  /// starts from zero, and the kernel zero-fills C itself when K is 0.
  bool zeroFilled = false;
  /// The buffer for B's panels, from the caller; null: the kernel allocates
  /// it.
  Value panels;
};

/// Static K of a contraction (kDynamic if dynamic).
int64_t staticKOf(Value a, bool aKM) {
  return cast<MemRefType>(a.getType()).getDimSize(aKM ? 0 : 1);
}

/// Whether B gets packed into panels: never, always, or when its dynamic row
/// stride is a multiple of 4 KiB (decided at run time). See `emit`.
enum class Packing { Never, Always, ByStride };
constexpr int64_t kConflictStride = 1024; // floats: 4 KiB

Packing packingOf(MemRefType bType, MemRefType cType, bool bNK,
                  const KernelOptions &o) {
  if (bNK || !bType.isLastDimUnitStride() || o.packMinM == 0)
    return Packing::Always;
  int64_t staticM = cType.getDimSize(0);
  int64_t staticStride = bType.getStridesAndOffset().first[0];
  bool largeM = !ShapedType::isDynamic(staticM) && staticM >= o.packMinM;
  bool badStride = !ShapedType::isDynamic(staticStride) &&
                   staticStride % kConflictStride == 0;
  if (largeM || badStride)
    return Packing::Always;
  return ShapedType::isDynamic(staticStride) ? Packing::ByStride
                                             : Packing::Never;
}

/// Vectors per register-tile row: narrow products (a 10-class output layer)
/// use one.
int64_t vectorsPerRow(int64_t staticN, const KernelOptions &o) {
  return !ShapedType::isDynamic(staticN) && staticN <= o.lanes ? 1
                                                               : o.nrVectors;
}

/// The k block.
int64_t kBlock(int64_t staticK, const KernelOptions &o) {
  return ShapedType::isDynamic(staticK) ? o.kc
                                        : std::clamp<int64_t>(staticK, 1, o.kc);
}

/// The type of the buffer of B's panels: [N / nr tiles][kc][nr].
MemRefType panelsType(MLIRContext *ctx, int64_t staticN, int64_t staticK,
                      const KernelOptions &o) {
  int64_t nr = vectorsPerRow(staticN, o) * o.lanes;
  int64_t tiles = ShapedType::isDynamic(staticN) ? ShapedType::kDynamic
                                                 : ceilDiv(staticN, nr);
  return MemRefType::get(
      {tiles, ceilDiv(kBlock(staticK, o), o.lanes) * o.lanes, nr},
      Float32Type::get(ctx));
}

/// Builds the loop nest for one contraction at the builder's point.
class ContractionEmitter {
public:
  ContractionEmitter(OpBuilder &b, Location loc, const KernelOperands &ct,
                     const KernelOptions &o)
      : b(b), loc(loc), ct(ct), o(o) {}

  void emit();

private:
  Value cst(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value min(Value x, Value y) { return arith::MinSIOp::create(b, loc, x, y); }
  Value lessThan(Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, y);
  }
  /// `body(iv)` inside `scf.for iv = lb to ub step step`.
  void loop(Value lb, Value ub, int64_t step, function_ref<void(Value)> body) {
    scf::ForOp::create(b, loc, lb, ub, cst(step), {},
                       [&](OpBuilder &, Location, Value iv, ValueRange) {
                         body(iv);
                         scf::YieldOp::create(b, loc);
                       });
  }
  /// Size `d` of `memref`; `staticSize` gets its static value or kDynamic.
  Value size(Value memref, int64_t d, int64_t &staticSize) {
    staticSize = cast<MemRefType>(memref.getType()).getDimSize(d);
    if (!ShapedType::isDynamic(staticSize))
      return cst(staticSize);
    return memref::DimOp::create(b, loc, memref, d);
  }
  /// A[row, k] as a scalar, whichever way A is stored.
  Value loadA(Value row, Value k) {
    return memref::LoadOp::create(
        b, loc, ct.a, ct.aKM ? ValueRange{k, row} : ValueRange{row, k});
  }

  SmallVector<Value> columnMasks(Value n0, int64_t vectors);
  void emitNest(bool pack);
  void emitPack(Value packed, Value k0, Value kEnd);
  void emitTile(ArrayRef<Value> rows, Value n0, int64_t vectors,
                int64_t kUnroll, Value packed, Value k0, Value kEnd,
                ArrayRef<Value> masks, Value notFirst);
  void emitRowBlock(Value m0, int64_t rows, Value packed, Value k0, Value kEnd,
                    Value notFirst);

  OpBuilder &b;
  Location loc;
  const KernelOperands &ct;
  const KernelOptions &o;
  VectorType vecType, maskType;
  Value M, N, K, zeroVec;
  int64_t staticM = 0, staticN = 0, staticK = 0;
  int64_t mr = 0;   ///< rows per register tile
  int64_t nv = 0;   ///< vectors per register-tile row
  int64_t nr = 0;   ///< columns per register tile: nv * lanes
  int64_t kc = 0;   ///< k block
  int64_t mc = 0;   ///< m block, a multiple of mr
  Value zeroFilled; ///< the fill folded into the kernel, if any
};

/// The masks of the `vectors` vectors of the column tile starting at `n0`:
/// lanes at or past N are off. All-true constants when every such tile is
/// full.
SmallVector<Value> ContractionEmitter::columnMasks(Value n0, int64_t vectors) {
  SmallVector<Value> masks;
  bool full =
      !ShapedType::isDynamic(staticN) && staticN % (vectors * o.lanes) == 0;
  Value left = full ? Value() : sub(N, n0);
  for (int64_t v = 0; v < vectors; ++v)
    masks.push_back(
        full ? vector::ConstantMaskOp::create(b, loc, maskType,
                                              vector::ConstantMaskKind::AllTrue)
                   .getResult()
             : vector::CreateMaskOp::create(
                   b, loc, maskType, ValueRange{sub(left, cst(v * o.lanes))})
                   .getResult());
  return masks;
}

/// Transposes the square block held in `rows` (one vector per row) in
/// registers: log2(n) rounds of two-input shuffles, round d swapping the
/// off-diagonal d x d sub-blocks of every 2d x 2d block.
SmallVector<Value> transposeInRegisters(OpBuilder &b, Location loc,
                                        SmallVector<Value> rows) {
  int64_t n = rows.size();
  for (int64_t d = n / 2; d >= 1; d /= 2) {
    SmallVector<int64_t> lo, hi;
    for (int64_t j = 0; j < n; ++j) {
      bool upper = j & d;
      lo.push_back(upper ? n + j - d : j);
      hi.push_back(upper ? n + j : j + d);
    }
    for (int64_t i = 0; i < n; ++i) {
      if (i & d)
        continue;
      Value x = rows[i], y = rows[i + d];
      rows[i] = vector::ShuffleOp::create(b, loc, x, y, lo);
      rows[i + d] = vector::ShuffleOp::create(b, loc, x, y, hi);
    }
  }
  return rows;
}

/// Copies B[k0:kEnd, :] into `packed`[t, k - k0, j] = B(k, t * nr + j), zero
/// past N: each register tile then reads one contiguous nr-wide row per k,
/// from a panel that stays in L1, whatever B's layout.
void ContractionEmitter::emitPack(Value packed, Value k0, Value kEnd) {
  Value c0 = cst(0), lastN = sub(N, cst(1));
  Value tiles = arith::CeilDivUIOp::create(b, loc, N, cst(nr));
  Value kLen = sub(kEnd, k0);
  bool unitStride = cast<MemRefType>(ct.b.getType()).isLastDimUnitStride();
  loop(c0, tiles, 1, [&](Value t) {
    Value n0 = mul(t, cst(nr));
    if (!ct.bNK && unitStride) {
      // B[k, n] with contiguous rows: masked vector copies.
      SmallVector<Value> masks = columnMasks(n0, nv);
      loop(c0, kLen, 1, [&](Value kk) {
        for (int64_t v = 0; v < nv; ++v) {
          Value x = vector::MaskedLoadOp::create(
              b, loc, vecType, ct.b,
              ValueRange{add(k0, kk), add(n0, cst(v * o.lanes))}, masks[v],
              zeroVec);
          vector::StoreOp::create(b, loc, x, packed,
                                  ValueRange{t, kk, cst(v * o.lanes)});
        }
      });
    } else if (ct.bNK && unitStride && llvm::isPowerOf2_64(o.lanes)) {
      // B[n, k] (dx = dy * W^T): load lanes x lanes blocks along k,
      // transpose them in registers, store them along n. Rows past N and
      // columns past kEnd load as zeros; the buffer's k extent is rounded up
      // to whole blocks. The nv blocks of a panel are a loop, not unrolled:
      // one block is already lanes loads, lanes * log2(lanes) shuffles and
      // lanes stores, and unrolled they were a fifth of compiling the MLP.
      loop(c0, kLen, o.lanes, [&](Value kk) {
        Value k = add(k0, kk), kLeft = sub(kLen, kk);
        loop(c0, cst(nv), 1, [&](Value v) {
          Value nv0 = add(n0, mul(v, cst(o.lanes)));
          SmallVector<Value> rows;
          for (int64_t r = 0; r < o.lanes; ++r) {
            Value n = add(nv0, cst(r));
            Value count =
                arith::SelectOp::create(b, loc, lessThan(n, N), kLeft, c0);
            Value mask = vector::CreateMaskOp::create(b, loc, maskType,
                                                      ValueRange{count});
            rows.push_back(vector::MaskedLoadOp::create(
                b, loc, vecType, ct.b, ValueRange{min(n, lastN), k}, mask,
                zeroVec));
          }
          SmallVector<Value> cols = transposeInRegisters(b, loc, rows);
          Value lane0 = mul(v, cst(o.lanes));
          for (int64_t c = 0; c < o.lanes; ++c)
            vector::StoreOp::create(b, loc, cols[c], packed,
                                    ValueRange{t, add(kk, cst(c)), lane0});
        });
      });
    } else {
      // Any other layout: element by element.
      Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
      loop(c0, cst(nr), 1, [&](Value j) {
        Value n = add(n0, j);
        Value inside = lessThan(n, N), clamped = min(n, lastN);
        loop(c0, kLen, 1, [&](Value kk) {
          Value k = add(k0, kk);
          Value x = memref::LoadOp::create(b, loc, ct.b,
                                           ct.bNK ? ValueRange{clamped, k}
                                                  : ValueRange{k, clamped});
          x = arith::SelectOp::create(b, loc, inside, x, zero);
          memref::StoreOp::create(b, loc, x, packed, ValueRange{t, kk, j});
        });
      });
    }
  });
}

/// The register tile of C made of rows `rows` and the `vectors` vectors of
/// columns from n0 (n0 a multiple of nr), accumulated over k in [k0, kEnd),
/// with B read from `packed` when set and in place otherwise. `kUnroll` > 1
/// keeps that many independent sets of accumulators, each taking every
/// kUnroll-th k, summed at the end: narrow tiles (one row, N = 10) are then
/// not bound by the latency of one chain of FMAs. With `notFirst` set (C was
/// zero-filled), C is not read when it is false (the first k block).
void ContractionEmitter::emitTile(ArrayRef<Value> rows, Value n0,
                                  int64_t vectors, int64_t kUnroll,
                                  Value packed, Value k0, Value kEnd,
                                  ArrayRef<Value> masks, Value notFirst) {
  int64_t R = rows.size(), W = vectors, tileAcc = R * W;
  SmallVector<Value> cols;
  for (int64_t v = 0; v < W; ++v)
    cols.push_back(add(n0, cst(v * o.lanes)));
  // Packed vector v lies in panel n0 / nr + v / nv, at lane (v % nv) * lanes.
  // Panels past the last one exist only for tiles of nv vectors, so wider
  // tiles mask their panel reads unless every tile is full.
  Value panel = packed ? arith::DivUIOp::create(b, loc, n0, cst(nr)) : Value();
  SmallVector<Value> panels;
  for (int64_t v = 0; v < W; ++v)
    panels.push_back(!packed || v < nv ? panel : add(panel, cst(v / nv)));
  bool guardPanels =
      W > nv && (ShapedType::isDynamic(staticN) || staticN % (W * o.lanes));

  // The accumulators start from C, or from zero on the first k block of a
  // zero-filled C: a branch, not masked-off loads (slow on fresh pages).
  auto loadC = [&] {
    SmallVector<Value> c;
    for (int64_t i = 0; i < R; ++i)
      for (int64_t v = 0; v < W; ++v)
        c.push_back(vector::MaskedLoadOp::create(b, loc, vecType, ct.c,
                                                 ValueRange{rows[i], cols[v]},
                                                 masks[v], zeroVec));
    return c;
  };
  SmallVector<Value> init;
  if (notFirst) {
    auto ifOp = scf::IfOp::create(
        b, loc, notFirst,
        [&](OpBuilder &, Location) { scf::YieldOp::create(b, loc, loadC()); },
        [&](OpBuilder &, Location) {
          scf::YieldOp::create(b, loc, SmallVector<Value>(tileAcc, zeroVec));
        });
    init.assign(ifOp.getResults().begin(), ifOp.getResults().end());
  } else {
    init = loadC();
  }
  for (int64_t u = 1; u < kUnroll; ++u)
    init.append(tileAcc, zeroVec);

  // One k step into the tileAcc accumulators `acc`.
  auto step = [&](Value k, ValueRange acc) {
    SmallVector<Value> bv;
    for (int64_t v = 0; v < W; ++v) {
      if (!packed) {
        bv.push_back(vector::MaskedLoadOp::create(
            b, loc, vecType, ct.b, ValueRange{k, cols[v]}, masks[v], zeroVec));
        continue;
      }
      SmallVector<Value> idx{panels[v], sub(k, k0), cst(v % nv * o.lanes)};
      bv.push_back(guardPanels
                       ? vector::MaskedLoadOp::create(b, loc, vecType, packed,
                                                      idx, masks[v], zeroVec)
                             .getResult()
                       : vector::LoadOp::create(b, loc, vecType, packed, idx)
                             .getResult());
    }
    SmallVector<Value> next;
    for (int64_t i = 0; i < R; ++i) {
      Value a = vector::BroadcastOp::create(b, loc, vecType, loadA(rows[i], k));
      for (int64_t v = 0; v < W; ++v)
        next.push_back(vector::FMAOp::create(b, loc, a, bv[v], acc[i * W + v]));
    }
    return next;
  };

  SmallVector<Value> result;
  if (kUnroll == 1) {
    auto kLoop =
        scf::ForOp::create(b, loc, k0, kEnd, cst(1), init,
                           [&](OpBuilder &, Location, Value k, ValueRange acc) {
                             scf::YieldOp::create(b, loc, step(k, acc));
                           });
    result.assign(kLoop.getResults().begin(), kLoop.getResults().end());
  } else {
    // k in [k0, kMain) by kUnroll, then the rest into the first set.
    Value kMain =
        sub(kEnd, arith::RemUIOp::create(b, loc, sub(kEnd, k0), cst(kUnroll)));
    auto mainLoop = scf::ForOp::create(
        b, loc, k0, kMain, cst(kUnroll), init,
        [&](OpBuilder &, Location, Value k, ValueRange acc) {
          SmallVector<Value> next;
          for (int64_t u = 0; u < kUnroll; ++u)
            llvm::append_range(
                next, step(add(k, cst(u)), acc.slice(u * tileAcc, tileAcc)));
          scf::YieldOp::create(b, loc, next);
        });
    auto restLoop = scf::ForOp::create(
        b, loc, kMain, kEnd, cst(1), mainLoop.getResults().take_front(tileAcc),
        [&](OpBuilder &, Location, Value k, ValueRange acc) {
          scf::YieldOp::create(b, loc, step(k, acc));
        });
    SmallVector<SmallVector<Value>> sets;
    sets.emplace_back(restLoop.getResults().begin(),
                      restLoop.getResults().end());
    for (int64_t u = 1; u < kUnroll; ++u)
      sets.emplace_back(
          mainLoop.getResults().slice(u * tileAcc, tileAcc).begin(),
          mainLoop.getResults().slice(u * tileAcc, tileAcc).end());
    // Pairwise sums.
    while (sets.size() > 1) {
      SmallVector<SmallVector<Value>> halved;
      for (size_t s = 0; s + 1 < sets.size(); s += 2) {
        SmallVector<Value> sum;
        for (int64_t j = 0; j < tileAcc; ++j)
          sum.push_back(
              arith::AddFOp::create(b, loc, sets[s][j], sets[s + 1][j]));
        halved.push_back(sum);
      }
      if (sets.size() % 2)
        halved.push_back(sets.back());
      sets = std::move(halved);
    }
    result = sets.front();
  }

  for (int64_t i = 0; i < R; ++i)
    for (int64_t v = 0; v < W; ++v)
      vector::MaskedStoreOp::create(b, loc, ct.c, ValueRange{rows[i], cols[v]},
                                    masks[v], result[i * W + v]);
}

/// `rows` rows of C from m0 (fewer than mr), across all of N, in tiles as
/// wide as fit the main tile's mr x nr-vectors accumulators (half that for
/// one row), at most 8 vectors and
/// never wider than N needs; a multiple of nv vectors, so that a tile covers
/// whole packed panels.
void ContractionEmitter::emitRowBlock(Value m0, int64_t rows, Value packed,
                                      Value k0, Value kEnd, Value notFirst) {
  int64_t W = std::clamp<int64_t>(o.mr * o.nrVectors / rows, 1, 8);
  if (!ShapedType::isDynamic(staticN))
    W = std::min(W, ceilDiv(staticN, o.lanes));
  W = ceilDiv(W, nv) * nv;
  int64_t kUnroll = std::max<int64_t>(1, 8 / (rows * W));
  SmallVector<Value> rowIdx{m0};
  for (int64_t i = 1; i < rows; ++i)
    rowIdx.push_back(add(m0, cst(i)));
  loop(cst(0), N, W * o.lanes, [&](Value n0) {
    SmallVector<Value> masks = columnMasks(n0, W);
    emitTile(rowIdx, n0, W, kUnroll, packed, k0, kEnd, masks, notFirst);
  });
}

/// The blocked loop nest, B packed or read in place:
///   for k0 step kc: [pack B]
///     for m1 in [0, mFull) step mc: for n0 step nr:
///       for m0 in [m1, m1 + mc) step mr: mr x nr tile
///     rows [mFull, M) (fewer than mr): blocks of 4, 2, 1 rows, wide tiles
/// where mFull = M rounded down to a multiple of mr.
void ContractionEmitter::emitNest(bool pack) {
  Value packed = pack ? ct.panels : Value();
  bool ownPanels = pack && !packed;
  if (ownPanels) {
    MemRefType type = panelsType(b.getContext(), staticN, staticK, o);
    SmallVector<Value> dynSizes;
    if (type.isDynamicDim(0))
      dynSizes.push_back(arith::CeilDivUIOp::create(b, loc, N, cst(nr)));
    packed = memref::AllocOp::create(b, loc, type, dynSizes,
                                     b.getI64IntegerAttr(64));
  }
  bool staticRows = !ShapedType::isDynamic(staticM);
  int64_t staticRem = staticRows ? staticM % mr : -1;
  bool mainTiles = !staticRows || staticM >= mr;
  Value c0 = cst(0);
  Value rem =
      staticRows ? cst(staticRem) : arith::RemUIOp::create(b, loc, M, cst(mr));
  Value mFull = staticRows ? cst(staticM - staticRem) : sub(M, rem);
  // Parallel tiles: decided here for static sizes, else by `parallelIf`.
  bool useParallel = false;
  Value parallelIf;
  if (o.parallel && mainTiles) {
    uint64_t half = (o.parallelMinFlops + 1) / 2; // M * N * K at least
    if (!ShapedType::isDynamic(staticM) && !ShapedType::isDynamic(staticN) &&
        !ShapedType::isDynamic(staticK)) {
      useParallel =
          uint64_t(staticM) * uint64_t(staticN) * uint64_t(staticK) >= half;
    } else {
      useParallel = true;
      parallelIf = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge,
                                         mul(mul(M, N), K), cst(int64_t(half)));
    }
  }
  loop(c0, K, kc, [&](Value k0) {
    Value kEnd = min(add(k0, cst(kc)), K);
    Value notFirst =
        zeroFilled
            ? arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, k0, c0)
                  .getResult()
            : Value();
    if (packed)
      emitPack(packed, k0, kEnd);
    // One mc x nr block of full tiles. With o.parallel (and enough flops)
    // the (m1, n0) pairs are one 2-D scf.parallel: the blocks write
    // disjoint parts of C and only read A and the packed panels.
    auto block = [&](Value m1, Value mEnd, Value n0) {
      SmallVector<Value> masks = columnMasks(n0, nv);
      loop(m1, mEnd, mr, [&](Value m0) {
        SmallVector<Value> rows{m0};
        for (int64_t i = 1; i < mr; ++i)
          rows.push_back(add(m0, cst(i)));
        emitTile(rows, n0, nv, /*kUnroll=*/1, packed, k0, kEnd, masks,
                 notFirst);
      });
    };
    auto sequential = [&] {
      loop(c0, mFull, mc, [&](Value m1) {
        Value mEnd = min(add(m1, cst(mc)), mFull);
        loop(c0, N, nr, [&](Value n0) { block(m1, mEnd, n0); });
      });
    };
    auto parallel = [&] {
      scf::ParallelOp::create(b, loc, ValueRange{c0, c0}, ValueRange{mFull, N},
                              ValueRange{cst(mc), cst(nr)},
                              [&](OpBuilder &, Location, ValueRange ivs) {
                                block(ivs[0], min(add(ivs[0], cst(mc)), mFull),
                                      ivs[1]);
                              });
    };
    if (mainTiles) {
      if (!useParallel)
        sequential();
      else if (!parallelIf)
        parallel();
      else
        scf::IfOp::create(
            b, loc, parallelIf,
            [&](OpBuilder &, Location) {
              parallel();
              scf::YieldOp::create(b, loc);
            },
            [&](OpBuilder &, Location) {
              sequential();
              scf::YieldOp::create(b, loc);
            });
    }
    // The rem < mr rows left: a block of p rows for each bit p of rem, from
    // the highest, at mFull + (the higher bits of rem).
    for (int64_t p = llvm::PowerOf2Ceil(mr) / 2; p >= 1; p /= 2) {
      if (p >= mr || (staticRows && !(staticRem & p)))
        continue;
      auto emitBlock = [&] {
        Value m0 =
            add(mFull, arith::AndIOp::create(b, loc, rem, cst(~(2 * p - 1))));
        emitRowBlock(m0, p, packed, k0, kEnd, notFirst);
      };
      if (staticRows) {
        emitBlock();
        continue;
      }
      Value bit = arith::AndIOp::create(b, loc, rem, cst(p));
      Value has =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, bit, c0);
      scf::IfOp::create(b, loc, has, [&](OpBuilder &, Location) {
        emitBlock();
        scf::YieldOp::create(b, loc);
      });
    }
  });
  if (ownPanels)
    memref::DeallocOp::create(b, loc, packed);
}

void ContractionEmitter::emit() {
  vecType = VectorType::get({o.lanes}, b.getF32Type());
  maskType = VectorType::get({o.lanes}, b.getI1Type());
  zeroVec = arith::ConstantOp::create(
      b, loc, vecType, DenseElementsAttr::get(vecType, b.getF32FloatAttr(0)));
  M = size(ct.c, 0, staticM);
  N = size(ct.c, 1, staticN);
  K = size(ct.a, ct.aKM ? 0 : 1, staticK);

  nv = vectorsPerRow(staticN, o);
  nr = nv * o.lanes;
  mr = o.mr;
  mc = ceilDiv(o.mc, mr) * mr;
  kc = kBlock(staticK, o);

  // A zero fill of C just before: the first k block starts from zero instead
  // of reading C. With K = 0 there is no k block: C is then zero-filled
  // here, under a run-time test when K is dynamic (the caller keeps the fill
  // when K is statically 0).
  if (ct.zeroFilled && staticK != 0) {
    zeroFilled = ct.c;
    if (ShapedType::isDynamic(staticK)) {
      Value none =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, K, cst(0));
      scf::IfOp::create(b, loc, none, [&](OpBuilder &, Location) {
        Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
        linalg::FillOp::create(b, loc, zero, ct.c);
        scf::YieldOp::create(b, loc);
      });
    }
  }

  // B is packed when its n dimension is not contiguous. A row-contiguous B
  // is read in place (the copy rarely pays for the batch sizes of training)
  // unless a static M >= pack-min-m, or B's row stride is a multiple of
  // 4 KiB: then every row of a panel maps to the same few cache sets, and
  // the panel cannot stay in L1 or even L2. A dynamic M (the batch) reads B
  // in place: a second nest for the rare batches >= pack-min-m would cost
  // a third of the object's code and of its compile time. A dynamic stride
  // is tested at run time, with one nest per outcome.
  switch (packingOf(cast<MemRefType>(ct.b.getType()),
                    cast<MemRefType>(ct.c.getType()), ct.bNK, o)) {
  case Packing::Always:
    return emitNest(/*pack=*/true);
  case Packing::Never:
    return emitNest(/*pack=*/false);
  case Packing::ByStride:
    break;
  }
  auto meta = memref::ExtractStridedMetadataOp::create(b, loc, ct.b);
  Value rem = arith::RemUIOp::create(b, loc, meta.getStrides()[0],
                                     cst(kConflictStride));
  Value bad =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, rem, cst(0));
  scf::IfOp::create(
      b, loc, bad,
      [&](OpBuilder &, Location) {
        emitNest(/*pack=*/true);
        scf::YieldOp::create(b, loc);
      },
      [&](OpBuilder &, Location) {
        emitNest(/*pack=*/false);
        scf::YieldOp::create(b, loc);
      });
}

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

/// The operands of `ct` for a kernel emitted in place.
KernelOperands operandsOf(const Contraction &ct) {
  KernelOperands k;
  k.a = ct.a, k.b = ct.b, k.c = ct.c, k.aKM = ct.aKM, k.bNK = ct.bNK;
  k.zeroFilled = ct.zeroFill && staticKOf(ct.a, ct.aKM) != 0;
  return k;
}

/// Outlined kernels: one private function per contraction shape class (the
/// operands' shapes and strides, their roles, whether C is zero-filled), so
/// that a deep model, and the entry points that each contain the model, call
/// one copy of each kernel instead of inlining a copy per product: code size
/// and compile time grow with the number of shapes, not of layers.
///
/// A memref crosses the call as its base buffer (a 0-d memref: a bare
/// pointer in the C calling convention the entry points use), its offset and
/// its dynamic sizes and strides; the kernel rebuilds the view with
/// memref.reinterpret_cast. B's panel buffer, when the kernel packs B, is
/// allocated by the caller, where dl-workspace places it in the entry
/// point's workspace.
class KernelOutliner {
public:
  KernelOutliner(ModuleOp module, const KernelOptions &o)
      : module(module), o(o) {}

  void outline(IRRewriter &rewriter, const Contraction &ct) {
    Location loc = ct.op->getLoc();
    auto aType = cast<MemRefType>(ct.a.getType());
    auto bType = cast<MemRefType>(ct.b.getType());
    auto cType = cast<MemRefType>(ct.c.getType());
    int64_t staticK = staticKOf(ct.a, ct.aKM);
    bool zeroFilled = ct.zeroFill && staticK != 0;
    std::optional<MemRefType> panels;
    if (packingOf(bType, cType, ct.bNK, o) != Packing::Never)
      panels =
          panelsType(rewriter.getContext(), cType.getDimSize(1), staticK, o);
    SmallVector<MemRefType> types{anyOffset(aType), anyOffset(bType),
                                  anyOffset(cType)};
    if (panels)
      types.push_back(*panels);

    std::string key;
    llvm::raw_string_ostream os(key);
    for (MemRefType t : types)
      os << t << ";";
    os << ct.aKM << ct.bNK << zeroFilled;
    func::FuncOp &kernel = kernels[key];
    if (!kernel)
      kernel = create(rewriter, loc, types, ct.aKM, ct.bNK, zeroFilled);

    // The call: each memref as its base, offset, dynamic sizes and strides.
    rewriter.setInsertionPoint(ct.op);
    SmallVector<Value> args;
    auto pass = [&](Value v) { appendViewArgs(rewriter, loc, v, args); };
    pass(ct.a);
    pass(ct.b);
    pass(ct.c);
    Value panelBuf;
    if (panels) {
      SmallVector<Value> dynSizes;
      if (panels->isDynamicDim(0)) {
        Value n = memref::DimOp::create(rewriter, loc, ct.c, 1);
        Value nr = arith::ConstantIndexOp::create(rewriter, loc,
                                                  panels->getDimSize(2));
        dynSizes.push_back(arith::CeilDivUIOp::create(rewriter, loc, n, nr));
      }
      panelBuf = memref::AllocOp::create(rewriter, loc, *panels, dynSizes,
                                         rewriter.getI64IntegerAttr(64));
      pass(panelBuf);
    }
    func::CallOp::create(rewriter, loc, kernel, args);
    if (panelBuf)
      memref::DeallocOp::create(rewriter, loc, panelBuf);
    if (zeroFilled)
      rewriter.eraseOp(ct.zeroFill);
    rewriter.eraseOp(ct.op);
    ++calls[kernel];
  }

  /// Kernels called more than once are kept out of line by LLVM too: its
  /// inliner would otherwise copy a small one into every caller.
  void markShared() {
    for (auto [kernel, n] : calls)
      if (n > 1)
        kernel->setAttr(
            "passthrough",
            ArrayAttr::get(kernel.getContext(),
                           {StringAttr::get(kernel.getContext(), "noinline")}));
  }

private:
  func::FuncOp create(IRRewriter &rewriter, Location loc,
                      ArrayRef<MemRefType> types, bool aKM, bool bNK,
                      bool zeroFilled) {
    OpBuilder::InsertionGuard guard(rewriter);
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<Type> argTypes;
    for (MemRefType t : types)
      appendViewArgTypes(t, argTypes);
    rewriter.setInsertionPointToEnd(module.getBody());
    std::string name = "dl_contraction_" + std::to_string(kernels.size() - 1);
    auto fn = func::FuncOp::create(rewriter, loc, name,
                                   FunctionType::get(ctx, argTypes, {}));
    fn.setPrivate();
    fn->setAttr("llvm.linkage",
                LLVM::LinkageAttr::get(ctx, LLVM::Linkage::Internal));
    Block *entry = fn.addEntryBlock();
    rewriter.setInsertionPointToStart(entry);

    // Rebuild each view from its pieces.
    unsigned next = 0;
    auto rebuild = [&](MemRefType t) {
      return rebuildView(rewriter, loc, t, entry, next);
    };
    KernelOperands k;
    k.a = rebuild(types[0]);
    k.b = rebuild(types[1]);
    k.c = rebuild(types[2]);
    k.aKM = aKM, k.bNK = bNK, k.zeroFilled = zeroFilled;
    if (types.size() > 3)
      k.panels = rebuild(types[3]);
    ContractionEmitter(rewriter, loc, k, o).emit();
    func::ReturnOp::create(rewriter, loc);
    return fn;
  }

  ModuleOp module;
  const KernelOptions &o;
  llvm::StringMap<func::FuncOp> kernels;
  llvm::MapVector<func::FuncOp, unsigned> calls;
};

struct DLVectorizeContractions
    : mlir::dl::impl::DLVectorizeContractionsBase<DLVectorizeContractions> {
  using DLVectorizeContractionsBase::DLVectorizeContractionsBase;

  void runOnOperation() override {
    KernelOptions o{lanes, mr,       nrVectors, kc,
                    mc,    packMinM, parallel,  parallelMinFlops};
    if (o.lanes < 1 || o.mr < 1 || o.nrVectors < 1 || o.kc < 1 || o.mc < 1) {
      getOperation()->emitError("dl-vectorize-contractions: lanes, mr, "
                                "nr-vectors, kc and mc must be positive");
      return signalPassFailure();
    }
    auto module = dyn_cast<ModuleOp>(getOperation());
    if (outline && !module) {
      getOperation()->emitError("dl-vectorize-contractions: outline needs a "
                                "module to put the kernels in");
      return signalPassFailure();
    }
    SmallVector<Contraction> found;
    getOperation()->walk([&](linalg::LinalgOp op) {
      if (auto ct = matchContraction(op))
        found.push_back(*ct);
    });
    IRRewriter rewriter(&getContext());
    if (outline) {
      KernelOutliner outliner(module, o);
      for (const Contraction &ct : found)
        outliner.outline(rewriter, ct);
      outliner.markShared();
      return;
    }
    for (const Contraction &ct : found) {
      rewriter.setInsertionPoint(ct.op);
      KernelOperands k = operandsOf(ct);
      ContractionEmitter(rewriter, ct.op->getLoc(), k, o).emit();
      if (k.zeroFilled)
        rewriter.eraseOp(ct.zeroFill);
      rewriter.eraseOp(ct.op);
    }
  }
};

} // namespace
