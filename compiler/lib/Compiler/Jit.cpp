//===- Jit.cpp - a model compiled in-process
//-------------------------------===//
#include "dl/Compiler/Jit.h"
#include "dl/Compiler/Target.h"
#include "dl/Dialect/DL/IR/DLEntryPoints.h"

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
/// The prefix of the JIT-compiled entry points.
static constexpr const char *kJitPrefix = "jit";

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
      failed(lowerToLLVMDialect(
          *module, {kJitPrefix, optLevel, threads, vectorBitsOf(**tm),
                    flushDenormals ? flushArchOf(**tm) : ""})))
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
  // Entry points by the descriptor: one the object has (parameters in the
  // caller's buffer) must be there; the others stay null.
  const bool train = model.spec.train.has_value();
  auto bind = [&](auto &fn, mlir::dl::EntryKind kind,
                  mlir::dl::EntryForm form =
                      mlir::dl::EntryForm::Plain) -> llvm::Error {
    const mlir::dl::EntryPoint &entry = mlir::dl::entryPoint(kind);
    auto sym =
        jit->engine_->lookup(mlir::dl::entrySymbol(kJitPrefix, entry, form));
    if (!sym) {
      if (mlir::dl::entryExists(entry, train, mlir::dl::ParamStorage::Buffer))
        return sym.takeError();
      llvm::consumeError(sym.takeError());
      return llvm::Error::success();
    }
    fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(*sym);
    return llvm::Error::success();
  };
  using mlir::dl::EntryForm;
  using mlir::dl::EntryKind;
  if (auto e = bind(jit->initParams_, EntryKind::InitParams))
    return std::move(e);
  if (auto e = bind(jit->predict_, EntryKind::Predict))
    return std::move(e);
  if (auto e = bind(jit->optStateSize_, EntryKind::OptStateSize))
    return std::move(e);
  if (auto e = bind(jit->initOptState_, EntryKind::InitOptState))
    return std::move(e);
  if (auto e = bind(jit->trainStep_, EntryKind::TrainStepMetrics))
    return std::move(e);
  if (auto e = bind(jit->trainStepWs_, EntryKind::TrainStepMetrics,
                    EntryForm::Workspace))
    return std::move(e);
  if (auto e = bind(jit->trainStepWsSize_, EntryKind::TrainStepMetrics,
                    EntryForm::WorkspaceSize))
    return std::move(e);
  if (auto e = bind(jit->gradients_, EntryKind::Gradients))
    return std::move(e);
  if (auto e = bind(jit->evalStep_, EntryKind::EvalStep))
    return std::move(e);
  return jit;
}

bool JitModel::sparseLabels() const {
  return spec_.train &&
         spec_.train->loss->getTargets() == TargetKind::ClassIndex;
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
