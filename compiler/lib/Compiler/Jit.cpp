//===- Jit.cpp - a model compiled in-process -------------------------------===//
#include "dl/Compiler/Jit.h"

#include <cstdlib>
#include "dl/Compiler/Target.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"

#include <cstdlib>

namespace dlc {

/// LLVM's OpenMP runtime (Debian's libomp-22-dev), loaded by the JIT for
/// --parallel.
static constexpr const char *kLibompPath = DLC_LLVM_LIBRARY_DIR "/libomp.so";

JitModel::~JitModel() = default;

llvm::Expected<std::unique_ptr<JitModel>>
JitModel::compile(SourceModel &model, unsigned optLevel, bool threads,
                  bool flushDenormals) {
  std::unique_ptr<mlir::MLIRContext> ctx = createContext();
  mlir::SourceMgrDiagnosticHandler diagnostics(model.srcMgr, ctx.get());
  auto tm = createTargetMachine({"", "", optLevel});
  if (!tm)
    return tm.takeError();
  mlir::OwningOpRef<mlir::ModuleOp> module = generateModule(*ctx, model);
  if (!module ||
      failed(lowerToLLVMDialect(*module, {"jit", optLevel, threads,
                                          vectorBitsOf(**tm),
                                          flushDenormals ? flushArchOf(**tm)
                                                         : ""})))
    return llvm::createStringError("cannot compile '" + model.path + "'");
  mlir::registerBuiltinDialectTranslation(*ctx);
  mlir::registerLLVMDialectTranslation(*ctx);
  mlir::registerOpenMPDialectTranslation(*ctx);
  auto transformer =
      mlir::makeOptimizingTransformer(optLevel, /*sizeLevel=*/0, tm->get());
  mlir::ExecutionEngineOptions options;
  options.transformer = transformer;
  options.jitCodeGenOptLevel = (*tm)->getOptLevel();
  options.enableGDBNotificationListener = false;
  options.enablePerfNotificationListener = false;
  // Threaded kernels call LLVM's OpenMP runtime.
  llvm::SmallVector<llvm::StringRef, 1> libs;
  if (threads) {
    libs.push_back(kLibompPath);
    options.sharedLibPaths = libs;
  }
  auto engine = mlir::ExecutionEngine::create(*module, options, std::move(*tm));
  if (!engine)
    return engine.takeError();

  std::unique_ptr<JitModel> jit(new JitModel());
  jit->spec_ = model.spec;
  jit->engine_ = std::move(*engine);
  auto bind = [&](auto &fn, llvm::StringRef name, bool required) -> llvm::Error {
    auto sym = jit->engine_->lookup(("jit_" + name).str());
    if (!sym) {
      if (required)
        return sym.takeError();
      llvm::consumeError(sym.takeError());
      return llvm::Error::success();
    }
    fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(*sym);
    return llvm::Error::success();
  };
  bool train = model.spec.train.has_value();
  if (auto e = bind(jit->initParams_, "init_params", true))
    return std::move(e);
  if (auto e = bind(jit->predict_, "predict", true))
    return std::move(e);
  if (auto e = bind(jit->optStateSize_, "opt_state_size", train))
    return std::move(e);
  if (auto e = bind(jit->initOptState_, "init_opt_state", train))
    return std::move(e);
  if (auto e = bind(jit->trainStep_, "train_step_metrics", train))
    return std::move(e);
  if (auto e = bind(jit->trainStepWs_, "train_step_metrics_ws", train))
    return std::move(e);
  if (auto e = bind(jit->trainStepWsSize_, "train_step_metrics_workspace_size",
                    train))
    return std::move(e);
  if (auto e = bind(jit->gradients_, "gradients", train))
    return std::move(e);
  if (auto e = bind(jit->evalStep_, "eval_step", train))
    return std::move(e);
  return jit;
}

bool JitModel::sparseLabels() const {
  return spec_.train && spec_.train->loss->getTargets() == TargetKind::ClassIndex;
}
void JitModel::initParams(float *params, uint64_t seed) const {
  initParams_(params, seed);
}
void JitModel::predict(const float *params, const float *x, float *y,
                       int64_t batch) const {
  predict_(params, x, y, batch);
}
int64_t JitModel::optStateSize() const { return optStateSize_(); }
void JitModel::initOptState(float *state) const { initOptState_(state); }
void JitModel::trainStep(float *params, float *state, const float *x,
                         const void *targets, int64_t batch,
                         float *metrics) const {
  int64_t need = trainStepWsSize_(batch);
  if (need > workspaceBytes_) {
    // 64-byte aligned, as the workspace ABI asks; rounded for aligned_alloc.
    void *p = std::aligned_alloc(64, size_t(need + 63) / 64 * 64);
    if (!p) // No memory for a workspace: the allocating entry point.
      return trainStep_(params, state, x, targets, batch, metrics);
    workspace_.reset(p);
    workspaceBytes_ = need;
  }
  trainStepWs_(params, state, x, targets, batch, metrics, workspace_.get());
}

void JitModel::FreeDeleter::operator()(void *p) const { std::free(p); }
float JitModel::gradients(const float *params, const float *x,
                          const void *targets, int64_t batch,
                          float *grads) const {
  return gradients_(params, x, targets, batch, grads);
}
void JitModel::evalStep(const float *params, const float *x,
                        const void *targets, int64_t batch,
                        float *metrics) const {
  evalStep_(params, x, targets, batch, metrics);
}

} // namespace dlc
