//===- VectorizeColumnSums.cpp - column reductions in vector registers ----===//
//
// See Passes.td. A linalg.generic that sums over the rows of [..., C] into
// per-column [C] outputs (bias gradients, batch normalisation's statistics
// and its gradient's sums) becomes a loop nest over the rows whose
// accumulators are vector<C> iteration arguments. As a scalar loop nest with
// the column loop innermost, LLVM vectorised the column loop but kept the
// accumulators in memory: a load and a store of each accumulator per row, a
// chain through store-to-load forwarding that ran the sums at about half
// the bandwidth of an elementwise sweep over the same rows.
//
// The rows are summed in the same order as the scalar loops, so the results
// are the same bit for bit; only the columns run side by side.
//
// Row copies (all loops parallel, the last one over C contiguous columns)
// take the same path without accumulators: one vector<C> per output and
// row, stored where the output's map puts the row. A convolution's im2col
// is one: LLVM unrolled its loop of 32 channels fully before its vectoriser
// ran and copied element by element (7.4% of the CNN's step, 3.1% after).
//
//===----------------------------------------------------------------------===//
#include "dl/Codegen/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/DenseSet.h"

namespace mlir::dl {
#define GEN_PASS_DEF_DLVECTORIZECOLUMNSUMS
#include "dl/Codegen/Passes.h.inc"
} // namespace mlir::dl

using namespace mlir;

namespace {

/// Accumulator floats at most (all outputs together): 16 AVX-512 registers,
/// leaving the other 16 for the rows read and the body's temporaries.
constexpr int64_t kMaxAccumulators = 256;

/// Elementwise ops whose vector form is the same op on vector operands.
bool hasVectorForm(Operation &op) {
  return isa<arith::AddFOp, arith::SubFOp, arith::MulFOp, arith::DivFOp,
             arith::NegFOp, arith::MaximumFOp, arith::MinimumFOp,
             arith::MaxNumFOp, arith::MinNumFOp, arith::CmpFOp, arith::SelectOp,
             math::FmaOp, math::AbsFOp>(op);
}

/// Integer and index arithmetic, on a row's indices (scalars) or on values
/// read from a row (vectors).
bool isIntegerArith(Operation &op) {
  return isa<arith::AddIOp, arith::SubIOp, arith::MulIOp, arith::DivUIOp,
             arith::RemUIOp, arith::CmpIOp, arith::AndIOp, arith::OrIOp,
             arith::IndexCastOp, arith::SelectOp>(op);
}

bool isIndexOf(Value v, unsigned dim) {
  auto index = v.getDefiningOp<linalg::IndexOp>();
  return index && index.getDim() == dim;
}

/// A read in the body of a row of C contiguous f32 or i32 elements of a
/// buffer from above: a memref.load whose last index is the column loop's
/// (a pooling's gradient, computed where batch normalisation's sums read
/// it, reads the pooled gradient and the argmax so).
bool isRowLoad(Operation &op, unsigned column, int64_t columns) {
  auto load = dyn_cast<memref::LoadOp>(op);
  if (!load || load.getIndices().empty() ||
      !isIndexOf(load.getIndices().back(), column) ||
      load.getMemRef().getParentBlock() == op.getBlock())
    return false;
  MemRefType type = load.getMemRefType();
  return (type.getElementType().isF32() ||
          type.getElementType().isInteger(32)) &&
         type.getShape().back() == columns && type.isLastDimUnitStride();
}

/// The values of `op`'s body that vary along the columns: the block's
/// arguments, row loads and what is computed from them. The others (the
/// row loops' indices and arithmetic on them) are the same for a whole row.
llvm::DenseSet<Value> columnValues(linalg::GenericOp op, int64_t columns) {
  llvm::DenseSet<Value> vec(op.getBlock()->getArguments().begin(),
                            op.getBlock()->getArguments().end());
  unsigned column = op.getNumLoops() - 1;
  for (Operation &inner : op.getBlock()->without_terminator())
    if (isRowLoad(inner, column, columns) ||
        llvm::any_of(inner.getOperands(),
                     [&](Value v) { return vec.contains(v); }))
      vec.insert(inner.getResults().begin(), inner.getResults().end());
  return vec;
}

/// Whether `op`'s body (its last loop running over `columns` columns) is
/// elementwise ops over values of the body, the block's arguments, or
/// f32/i1 scalars from above, and integer arithmetic on the row loops'
/// indices and row loads (isRowLoad), the column loop's index only as a row
/// load's last index, and no row load at a row that depends on a column's
/// value (a gather).
bool isColumnwiseBody(linalg::GenericOp op, int64_t columns) {
  Block *body = op.getBlock();
  unsigned last = op.getNumLoops() - 1;
  for (Operation &inner : body->without_terminator()) {
    if (auto index = dyn_cast<linalg::IndexOp>(inner)) {
      if (index.getDim() == last &&
          !llvm::all_of(index->getUses(), [&](OpOperand &use) {
            return isRowLoad(*use.getOwner(), last, columns) &&
                   use.getOperandNumber() + 1 ==
                       use.getOwner()->getNumOperands();
          }))
        return false;
      continue;
    }
    if (isRowLoad(inner, last, columns))
      continue;
    if (!hasVectorForm(inner) && !isIntegerArith(inner))
      return false;
    for (Value v : inner.getOperands())
      if (v.getParentBlock() != body && !v.getType().isIntOrIndexOrFloat())
        return false;
  }
  // No row load at a row that depends on a column's value (a gather).
  llvm::DenseSet<Value> vec = columnValues(op, columns);
  for (Operation &inner : body->without_terminator())
    if (auto load = dyn_cast<memref::LoadOp>(inner);
        load && llvm::any_of(load.getIndices().drop_back(),
                             [&](Value i) { return vec.contains(i); }))
      return false;
  return true;
}

/// The number of columns C if `op` sums rows into per-column outputs: every
/// loop a reduction but the last, parallel one; every output indexed by
/// the last loop alone; every input indexed by all loops (a row) or by the
/// last alone (a per-column vector); f32 memrefs with static C and unit
/// stride along it; a columnwise body.
std::optional<int64_t> columnsOf(linalg::GenericOp op) {
  unsigned loops = op.getNumLoops();
  if (!op.hasPureBufferSemantics() || loops < 2 ||
      op.getNumReductionLoops() != loops - 1 ||
      op.getIteratorTypesArray().back() != utils::IteratorType::parallel)
    return std::nullopt;
  MLIRContext *ctx = op.getContext();
  AffineMap column = AffineMap::get(loops, 0, getAffineDimExpr(loops - 1, ctx));
  std::optional<int64_t> columns;
  for (OpOperand &operand : op->getOpOperands()) {
    auto type = dyn_cast<MemRefType>(operand.get().getType());
    if (!type || !type.getElementType().isF32())
      return std::nullopt;
    AffineMap map = op.getMatchingIndexingMap(&operand);
    if (map != column && (op.isDpsInit(&operand) || !map.isIdentity()))
      return std::nullopt;
    if (!type.isLastDimUnitStride())
      return std::nullopt;
    int64_t c = type.getShape().back();
    if (ShapedType::isDynamic(c) || (columns && *columns != c))
      return std::nullopt;
    columns = c;
  }
  if (!columns || *columns * op.getNumDpsInits() > kMaxAccumulators)
    return std::nullopt;
  if (!isColumnwiseBody(op, *columns))
    return std::nullopt;
  return columns;
}

/// The number of columns C if `op` writes rows of C contiguous columns: all
/// loops parallel, the last one over a static C; each input's value unused
/// (an operand that only gives loops their extents, as an im2col's) or, if
/// the body reads rows, a row or a per-column vector of f32 with unit
/// stride (as for sums); every
/// output of f32 with unit stride along its last dimension, indexed by the
/// last loop only in its last index, as `e + d_last`, its value unused; a
/// columnwise body. LLVM unrolled such a loop of 32 channels fully before its
/// vectoriser saw it, and the convolution's im2col copied element by element.
std::optional<int64_t> rowCopyColumnsOf(linalg::GenericOp op) {
  unsigned loops = op.getNumLoops();
  if (!op.hasPureBufferSemantics() || loops < 2 ||
      op.getNumParallelLoops() != loops)
    return std::nullopt;
  int64_t columns = op.getStaticLoopRanges().back();
  if (ShapedType::isDynamic(columns) || columns < 2 ||
      columns > kMaxAccumulators)
    return std::nullopt;
  unsigned last = loops - 1;
  MLIRContext *ctx = op.getContext();
  AffineMap column = AffineMap::get(loops, 0, getAffineDimExpr(last, ctx));
  // A plain elementwise generic is left to LLVM's loop vectoriser, which
  // handles it well; what it unrolled instead is the reads in the body.
  bool readsRows = !op.getBlock()->getOps<memref::LoadOp>().empty();
  for (OpOperand &operand : op->getOpOperands()) {
    if (op.getMatchingBlockArgument(&operand).use_empty())
      continue;
    // A read input: a row at the loops' indices, or one per-column vector
    // (an elementwise consumer fused into a gather, as the ReLU's gradient
    // into a convolution's input gradient). Outputs are written only.
    auto type = dyn_cast<MemRefType>(operand.get().getType());
    AffineMap map = op.getMatchingIndexingMap(&operand);
    if (!readsRows || op.isDpsInit(&operand) || !type ||
        !type.getElementType().isF32() || !type.isLastDimUnitStride() ||
        type.getShape().back() != columns ||
        (!map.isIdentity() && map != column))
      return std::nullopt;
  }
  for (OpOperand &out : op.getDpsInitsMutable()) {
    auto type = dyn_cast<MemRefType>(out.get().getType());
    if (!type || !type.getElementType().isF32() || !type.isLastDimUnitStride())
      return std::nullopt;
    AffineMap map = op.getMatchingIndexingMap(&out);
    for (AffineExpr e : map.getResults().drop_back())
      if (e.isFunctionOfDim(last))
        return std::nullopt;
    // d_last or e + d_last, with d_last nowhere in e.
    AffineExpr index = map.getResults().back();
    AffineExpr d = getAffineDimExpr(last, ctx);
    auto add = dyn_cast<AffineBinaryOpExpr>(index);
    bool plusColumn =
        add && add.getKind() == AffineExprKind::Add &&
        ((add.getRHS() == d && !add.getLHS().isFunctionOfDim(last)) ||
         (add.getLHS() == d && !add.getRHS().isFunctionOfDim(last)));
    if (index != d && !plusColumn)
      return std::nullopt;
  }
  if (!isColumnwiseBody(op, columns))
    return std::nullopt;
  return columns;
}

void vectorize(linalg::GenericOp op, int64_t columns, RewriterBase &rw) {
  Location loc = op.getLoc();
  rw.setInsertionPoint(op);
  Block *body = op.getBlock();
  auto vectorOf = [&](Type scalar) {
    return VectorType::get({columns}, scalar);
  };
  Value zero = arith::ConstantIndexOp::create(rw, loc, 0);
  Value one = arith::ConstantIndexOp::create(rw, loc, 1);

  // Before the rows: per-column inputs, the accumulators' start (the outputs'
  // values) and the scalars the body captures, each as a vector.
  IRMapping map;
  SmallVector<OpOperand *> rowInputs;
  // Without reductions, each row's values are stored where the outputs'
  // maps put them; with them, they are the accumulators.
  const bool rowCopy = op.getNumReductionLoops() == 0;
  for (OpOperand *in : op.getDpsInputOperands()) {
    if (op.getMatchingBlockArgument(in).use_empty())
      continue;
    if (op.getMatchingIndexingMap(in).getNumResults() == 1)
      map.map(op.getMatchingBlockArgument(in),
              vector::LoadOp::create(rw, loc, vectorOf(rw.getF32Type()),
                                     in->get(), ValueRange{zero}));
    else
      rowInputs.push_back(in);
  }
  SmallVector<Value> init;
  for (OpOperand &out : op.getDpsInitsMutable())
    if (!rowCopy)
      init.push_back(vector::LoadOp::create(rw, loc, vectorOf(rw.getF32Type()),
                                            out.get(), ValueRange{zero}));
  llvm::DenseSet<Value> vec = columnValues(op, columns);
  auto isVector = [&](Operation &inner) {
    return llvm::any_of(inner.getResults(),
                        [&](Value r) { return vec.contains(r); });
  };
  // Scalars from above read by column values: broadcast once.
  IRMapping broadcasts;
  for (Operation &inner : body->without_terminator())
    if (isVector(inner) && !isa<memref::LoadOp>(inner))
      for (Value v : inner.getOperands())
        if (v.getParentBlock() != body && !map.contains(v) &&
            !broadcasts.contains(v))
          broadcasts.map(v, vector::BroadcastOp::create(
                                rw, loc, vectorOf(v.getType()), v));
  unsigned column = op.getNumLoops() - 1;

  // One loop per reduction dimension, the accumulators carried through all.
  SmallVector<Range> ranges =
      cast<linalg::LinalgOp>(op.getOperation()).createLoopRanges(rw, loc);
  SmallVector<Value> rowIndex;
  std::function<SmallVector<Value>(OpBuilder &, unsigned, ValueRange)> nest =
      [&](OpBuilder &b, unsigned dim, ValueRange acc) -> SmallVector<Value> {
    if (dim + 1 == op.getNumLoops()) {
      SmallVector<Value> at(rowIndex);
      at.push_back(zero);
      IRMapping row = map;
      for (OpOperand *in : rowInputs)
        row.map(op.getMatchingBlockArgument(in),
                vector::LoadOp::create(b, loc, vectorOf(b.getF32Type()),
                                       in->get(), at));
      // (Row copies carry no accumulators: their outputs are not read.)
      if (!rowCopy)
        for (auto [arg, a] : llvm::zip_equal(
                 body->getArguments().take_back(op.getNumDpsInits()), acc))
          row.map(arg, a);
      for (Operation &inner : body->without_terminator()) {
        if (auto index = dyn_cast<linalg::IndexOp>(inner)) {
          // The column loop's index is only a row load's last index.
          if (index.getDim() != column)
            row.map(index.getResult(), rowIndex[index.getDim()]);
          continue;
        }
        if (auto load = dyn_cast<memref::LoadOp>(inner);
            load && vec.contains(load.getResult())) {
          SmallVector<Value> where;
          for (Value i : load.getIndices().drop_back())
            where.push_back(row.lookupOrDefault(i));
          where.push_back(zero);
          row.map(load.getResult(),
                  vector::LoadOp::create(b, loc, vectorOf(load.getType()),
                                         load.getMemRef(), where));
          continue;
        }
        if (!isVector(inner)) {
          b.clone(inner, row);
          continue;
        }
        // A column value: scalar operands (a row's, or from above)
        // broadcast to the row's vector.
        IRMapping operands = row;
        for (Value v : inner.getOperands()) {
          if (vec.contains(v))
            continue;
          if (broadcasts.contains(v))
            operands.map(v, broadcasts.lookup(v));
          else if (!map.contains(v))
            operands.map(
                v, vector::BroadcastOp::create(b, loc, vectorOf(v.getType()),
                                               row.lookupOrDefault(v)));
        }
        Operation *copy = b.clone(inner, operands);
        for (auto [r, c] :
             llvm::zip_equal(inner.getResults(), copy->getResults())) {
          c.setType(vectorOf(c.getType()));
          row.map(r, c);
        }
      }
      SmallVector<Value> next;
      for (Value v : body->getTerminator()->getOperands())
        next.push_back(row.lookupOrDefault(v));
      if (!rowCopy)
        return next;
      // Row copies: store at the outputs' indices, the column loop's at 0.
      SmallVector<Value> dims(rowIndex);
      dims.push_back(zero);
      for (auto [v, out] : llvm::zip_equal(next, op.getDpsInitsMutable())) {
        SmallVector<Value> at;
        for (AffineExpr e : op.getMatchingIndexingMap(&out).getResults())
          at.push_back(affine::AffineApplyOp::create(
              b, loc, AffineMap::get(op.getNumLoops(), 0, e), dims));
        vector::StoreOp::create(b, loc, v, out.get(), at);
      }
      return {};
    }
    // A linalg loop runs from 0 to its range's size.
    auto loop = scf::ForOp::create(
        b, loc, zero, getValueOrCreateConstantIndexOp(b, loc, ranges[dim].size),
        one, acc, [&](OpBuilder &lb, Location, Value iv, ValueRange inner) {
          rowIndex.push_back(iv);
          scf::YieldOp::create(lb, loc, nest(lb, dim + 1, inner));
          rowIndex.pop_back();
        });
    return SmallVector<Value>(loop.getResults());
  };
  SmallVector<Value> sums = nest(rw, 0, init);
  if (!rowCopy)
    for (auto [sum, out] : llvm::zip_equal(sums, op.getDpsInits()))
      vector::StoreOp::create(rw, loc, sum, out, ValueRange{zero});
  rw.eraseOp(op);
}

struct VectorizeColumnSums
    : mlir::dl::impl::DLVectorizeColumnSumsBase<VectorizeColumnSums> {
  void runOnOperation() override {
    SmallVector<std::pair<linalg::GenericOp, int64_t>> work;
    getOperation()->walk([&](linalg::GenericOp op) {
      if (std::optional<int64_t> c = columnsOf(op))
        work.push_back({op, *c});
      else if (std::optional<int64_t> c = rowCopyColumnsOf(op))
        work.push_back({op, *c});
    });
    IRRewriter rewriter(&getContext());
    for (auto [op, columns] : work)
      vectorize(op, columns, rewriter);
  }
};

} // namespace
