//===- FlushDenormals.cpp - entry points run with FTZ/DAZ -----------------===//
//
// See Passes.td: each function that computes on floats, and each OpenMP
// parallel region, sets flush-to-zero/denormals-are-zero on entry and puts
// the caller's floating-point mode back before it returns.
//
//===----------------------------------------------------------------------===//
#include "dl/Codegen/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/IR/Builders.h"

namespace mlir::dl {
#define GEN_PASS_DEF_DLFLUSHDENORMALS
#include "dl/Codegen/Passes.h.inc"
} // namespace mlir::dl

using namespace mlir;

namespace {

/// MXCSR: flush-to-zero (bit 15) and denormals-are-zero (bit 6).
constexpr int32_t kMxcsrFtzDaz = 0x8040;
/// FPCR.FZ (bit 24): AArch64 flushes subnormal inputs and results.
constexpr int64_t kFpcrFz = int64_t(1) << 24;

/// Whether `root` computes on floats itself or calls one of `callees` (the
/// module's private functions that do).
bool computesFloats(Operation *root,
                    const llvm::DenseSet<StringAttr> &callees = {}) {
  auto isFloat = [](Type t) { return isa<FloatType>(getElementTypeOrSelf(t)); };
  WalkResult r = root->walk([&](Operation *op) {
    if (llvm::any_of(op->getResultTypes(), isFloat) ||
        llvm::any_of(op->getOperandTypes(), isFloat))
      return WalkResult::interrupt();
    if (auto call = dyn_cast<LLVM::CallOp>(op))
      if (auto callee = call.getCalleeAttr())
        if (callees.contains(callee.getAttr()))
          return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return r.wasInterrupted();
}

/// Whether `fn` can be called only from this module.
bool isLocal(LLVM::LLVMFuncOp fn) {
  LLVM::Linkage l = fn.getLinkage();
  return l == LLVM::Linkage::Private || l == LLVM::Linkage::Internal;
}

/// Sets the mode at the start of `region` and restores the one found there
/// before each of its exits (`isExit` ops directly in its blocks).
void wrap(Region &region, bool x86, function_ref<bool(Operation *)> isExit) {
  Location loc = region.getLoc();
  OpBuilder b = OpBuilder::atBlockBegin(&region.front());
  auto intrinsic = [&](StringRef name, Type result, ValueRange args) {
    StringAttr callee = b.getStringAttr(name);
    return result ? LLVM::CallIntrinsicOp::create(b, loc, result, callee, args)
                  : LLVM::CallIntrinsicOp::create(b, loc, callee, args);
  };
  SmallVector<Operation *> exits;
  for (Block &block : region)
    for (Operation &op : block)
      if (isExit(&op))
        exits.push_back(&op);

  if (x86) {
    // stmxcsr/ldmxcsr go through memory: one i32 slot. MXCSR also holds the
    // sticky exception flags: on exit only FTZ and DAZ are put back, so the
    // flags the call raised stay raised, as after any function.
    Type i32 = b.getI32Type();
    auto constant = [&](int32_t v) {
      return LLVM::ConstantOp::create(b, loc, i32, b.getI32IntegerAttr(v));
    };
    auto slot = LLVM::AllocaOp::create(
        b, loc, LLVM::LLVMPointerType::get(b.getContext()), i32, constant(1));
    auto readMode = [&]() -> Value {
      intrinsic("llvm.x86.sse.stmxcsr", nullptr, {slot});
      return LLVM::LoadOp::create(b, loc, i32, slot);
    };
    auto writeMode = [&](Value mode) {
      LLVM::StoreOp::create(b, loc, mode, slot);
      intrinsic("llvm.x86.sse.ldmxcsr", nullptr, {slot});
    };
    Value saved = readMode();
    Value bits = constant(kMxcsrFtzDaz);
    writeMode(LLVM::OrOp::create(b, loc, saved, bits));
    Value callerBits = LLVM::AndOp::create(b, loc, saved, bits);
    for (Operation *exit : exits) {
      b.setInsertionPoint(exit);
      Value others =
          LLVM::AndOp::create(b, loc, readMode(), constant(~kMxcsrFtzDaz));
      writeMode(LLVM::OrOp::create(b, loc, others, callerBits));
    }
    return;
  }
  Type i64 = b.getI64Type();
  Value saved = intrinsic("llvm.aarch64.get.fpcr", i64, {}).getResult(0);
  auto bits =
      LLVM::ConstantOp::create(b, loc, i64, b.getI64IntegerAttr(kFpcrFz));
  intrinsic("llvm.aarch64.set.fpcr", nullptr,
            {LLVM::OrOp::create(b, loc, saved, bits)});
  for (Operation *exit : exits) {
    b.setInsertionPoint(exit);
    intrinsic("llvm.aarch64.set.fpcr", nullptr, {saved});
  }
}

struct FlushDenormals : mlir::dl::impl::DLFlushDenormalsBase<FlushDenormals> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (arch != "x86" && arch != "aarch64") {
      module.emitError() << "dl-flush-denormals: unknown arch '" << arch
                         << "'; expected x86 or aarch64";
      return signalPassFailure();
    }
    bool x86 = arch == "x86";
    auto preserveSign =
        StringAttr::get(&getContext(), "preserve-sign,preserve-sign");
    // Private functions (the outlined kernels) are called only from this
    // module's functions, which have set the mode already: saving and
    // restoring it around each kernel call would only cost time. Their
    // callers set it even when the kernel does all their float work.
    llvm::DenseSet<StringAttr> privateFloat;
    for (auto fn : module.getOps<LLVM::LLVMFuncOp>())
      if (!fn.isExternal() && isLocal(fn) && computesFloats(fn)) {
        privateFloat.insert(fn.getSymNameAttr());
        fn.setDenormalFpMathAttr(preserveSign);
      }
    for (auto fn : module.getOps<LLVM::LLVMFuncOp>()) {
      if (fn.isExternal() || isLocal(fn) || !computesFloats(fn, privateFloat))
        continue;
      wrap(fn.getBody(), x86,
           [](Operation *op) { return isa<LLVM::ReturnOp>(op); });
      fn.setDenormalFpMathAttr(preserveSign);
    }
    // A worker thread keeps its own mode: each region sets and restores it.
    module.walk([&](omp::ParallelOp par) {
      wrap(par.getRegion(), x86,
           [](Operation *op) { return isa<omp::TerminatorOp>(op); });
    });
  }
};

} // namespace
