//===- OutlineLinalg.cpp - one function per class of equal linalg ops -----===//
//
// See Passes.td: each linalg op of the model's functions becomes a call of a
// private function holding that op, one function per class of ops equal but
// for where their operands lie, so LLVM optimises and emits each loop once.
//
//===----------------------------------------------------------------------===//
#include "dl/Codegen/Passes.h"

#include "OutlinedViews.h"

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
using dl::anyOffset;
using dl::appendViewArgs;
using dl::appendViewArgTypes;
using dl::rebuildView;

namespace {

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
      appendViewArgTypes(t, argTypes);
      appendViewArgs(b, loc, v, args);
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
      map.map(v, rebuildView(b, loc, anyOffset(t), entry, next));
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
