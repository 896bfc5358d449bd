//===- OutlineLinalg.cpp - one function per class of equal linalg ops -----===//
//
// See Passes.td: each linalg op of the model's functions becomes a call of a
// private function holding that op, one function per class of ops equal but
// for where their operands lie, so LLVM optimises and emits each loop once.
//
//===----------------------------------------------------------------------===//
#include "dl/Codegen/Passes.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringMap.h"

namespace mlir::dl {
#define GEN_PASS_DEF_DLOUTLINELINALG
#include "dl/Codegen/Passes.h.inc"
} // namespace mlir::dl

using namespace mlir;

namespace {

/// `t` with a dynamic offset: views of one shape at different places in
/// their buffers (each layer's parameters) share a function.
MemRefType anyOffset(MemRefType t) {
  auto [strides, offset] = t.getStridesAndOffset();
  return MemRefType::get(
      t.getShape(), t.getElementType(),
      StridedLayoutAttr::get(t.getContext(), ShapedType::kDynamic, strides),
      t.getMemorySpace());
}

bool isScalar(Type t) { return t.isIntOrIndexOrFloat(); }

struct DLOutlineLinalg : mlir::dl::impl::DLOutlineLinalgBase<DLOutlineLinalg> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<linalg::LinalgOp> ops;
    for (auto fn : module.getOps<func::FuncOp>()) {
      if (fn.isPrivate() || fn.isExternal())
        continue;
      fn.walk([&](linalg::LinalgOp op) {
        if (op.hasPureBufferSemantics() && op->getNumResults() == 0 &&
            !op->getParentOfType<linalg::LinalgOp>())
          ops.push_back(op);
      });
    }
    for (linalg::LinalgOp op : ops)
      outline(module, op);
    // Functions called more than once stay out of line in LLVM too.
    for (auto [fn, n] : calls)
      if (n > 1)
        fn->setAttr(
            "passthrough",
            ArrayAttr::get(fn.getContext(),
                           {StringAttr::get(fn.getContext(), "noinline")}));
  }

  void outline(ModuleOp module, linalg::LinalgOp linalgOp) {
    Operation *op = linalgOp;
    // What crosses the call: the operands, and the values the body uses
    // from above; constants are copied in instead (part of the class).
    SetVector<Value> captured;
    getUsedValuesDefinedAbove(op->getRegions(), captured);
    // Each value once (an op may read the buffer it writes).
    SetVector<Value> inputs(llvm::from_range, op->getOperands());
    inputs.insert_range(captured);
    for (Value v : inputs)
      if (!isa<MemRefType>(v.getType()) && !isScalar(v.getType()))
        return;

    Location loc = op->getLoc();
    MLIRContext *ctx = op->getContext();
    OpBuilder b(ctx);
    Type index = b.getIndexType();
    SmallVector<Type> argTypes;
    SmallVector<Value> args; // at the call
    b.setInsertionPoint(op);
    for (Value v : inputs) {
      if (matchPattern(v, m_Constant()))
        continue;
      auto t = dyn_cast<MemRefType>(v.getType());
      if (!t) {
        argTypes.push_back(v.getType());
        args.push_back(v);
        continue;
      }
      auto meta = memref::ExtractStridedMetadataOp::create(b, loc, v);
      argTypes.push_back(MemRefType::get({}, t.getElementType(),
                                         MemRefLayoutAttrInterface(),
                                         t.getMemorySpace()));
      args.push_back(meta.getBaseBuffer());
      argTypes.push_back(index);
      args.push_back(meta.getOffset());
      for (int64_t d = 0; d < t.getRank(); ++d)
        if (t.isDynamicDim(d)) {
          argTypes.push_back(index);
          args.push_back(meta.getSizes()[d]);
        }
      auto strides = t.getStridesAndOffset().first;
      for (int64_t d = 0; d < t.getRank(); ++d)
        if (ShapedType::isDynamic(strides[d])) {
          argTypes.push_back(index);
          args.push_back(meta.getStrides()[d]);
        }
    }

    // The candidate function: the op on views rebuilt from the arguments.
    b.setInsertionPointToEnd(module.getBody());
    auto fn = func::FuncOp::create(b, loc, "dl_linalg",
                                   FunctionType::get(ctx, argTypes, {}));
    fn.setPrivate();
    fn->setAttr("llvm.linkage",
                LLVM::LinkageAttr::get(ctx, LLVM::Linkage::Internal));
    Block *entry = fn.addEntryBlock();
    b.setInsertionPointToStart(entry);
    IRMapping map;
    unsigned next = 0;
    for (Value v : inputs) {
      if (matchPattern(v, m_Constant())) {
        map.map(v, b.clone(*v.getDefiningOp())->getResult(0));
        continue;
      }
      auto t = dyn_cast<MemRefType>(v.getType());
      if (!t) {
        map.map(v, entry->getArgument(next++));
        continue;
      }
      Value base = entry->getArgument(next++);
      OpFoldResult offset = entry->getArgument(next++);
      SmallVector<OpFoldResult> sizes, strides;
      for (int64_t d = 0; d < t.getRank(); ++d)
        sizes.push_back(t.isDynamicDim(d)
                            ? OpFoldResult(entry->getArgument(next++))
                            : b.getIndexAttr(t.getDimSize(d)));
      for (int64_t s : t.getStridesAndOffset().first)
        strides.push_back(ShapedType::isDynamic(s)
                              ? OpFoldResult(entry->getArgument(next++))
                              : b.getIndexAttr(s));
      map.map(v, memref::ReinterpretCastOp::create(b, loc, anyOffset(t), base,
                                                   offset, sizes, strides));
    }
    b.clone(*op, map);
    func::ReturnOp::create(b, loc);

    // Its class: the function as text (without locations).
    std::string key;
    {
      llvm::raw_string_ostream os(key);
      fn.print(os, OpPrintingFlags().useLocalScope());
    }
    func::FuncOp &shared = classes[key];
    if (!shared) {
      shared = fn;
      fn.setName("dl_linalg_" + std::to_string(classes.size() - 1));
    } else {
      fn.erase();
    }
    b.setInsertionPoint(op);
    func::CallOp::create(b, loc, shared, args);
    op->erase();
    ++calls[shared];
  }

  llvm::StringMap<func::FuncOp> classes;
  llvm::MapVector<func::FuncOp, unsigned> calls;
};

} // namespace
