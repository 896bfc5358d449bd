//===- Jit.cpp - a model compiled in-process
//-------------------------------===//
#include "dl/Compiler/Jit.h"
#include "dl/Compiler/Cache.h"
#include "dl/Compiler/Driver.h"
#include "dl/Compiler/SplitCodegen.h"
#include "dl/Compiler/Target.h"
#include "dl/Dialect/DL/IR/DLEntryPoints.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OperationSupport.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/SubtargetFeature.h"

#include <algorithm>
#include <cstdlib>

namespace dlc {

/// LLVM's OpenMP runtime (Debian's libomp-22-dev), loaded by the JIT for
/// --parallel.
static constexpr const char *kLibompPath = DLC_LLVM_LIBRARY_DIR "/libomp.so";
/// The prefix of the JIT-compiled entry points.
static constexpr const char *kJitPrefix = "jit";

JitModel::~JitModel() = default;

namespace {

/// This dlc executable: its path, size and time. A rebuilt dlc (a changed
/// pass, the same version number) must not load objects of the old one.
std::string buildIdentity() {
  static int anchor;
  std::string exe = llvm::sys::fs::getMainExecutable(nullptr, &anchor);
  llvm::sys::fs::file_status status;
  if (exe.empty() || llvm::sys::fs::status(exe, status))
    return "unknown";
  return exe + " " + std::to_string(status.getSize()) + " " +
         std::to_string(
             status.getLastModificationTime().time_since_epoch().count());
}

/// Everything the object code depends on: the model (its dl module, printed
/// without locations, so comments and layout of the .dl file do not count),
/// the codegen flags, the target and the compiler.
std::string cacheKey(mlir::ModuleOp forward, const llvm::TargetMachine &tm,
                     unsigned optLevel, bool threads, bool flushDenormals,
                     bool evalTrainingForm,
                     llvm::ArrayRef<std::string> entries) {
  std::string key;
  llvm::raw_string_ostream os(key);
  os << "dlc " << DLC_VERSION << " LLVM " << LLVM_VERSION_STRING << "\n"
     << buildIdentity() << "\n"
     << tm.getTargetTriple().str() << " " << tm.getTargetCPU() << " "
     << tm.getTargetFeatureString() << "\n"
     << "O" << optLevel << " threads=" << threads << " flush=" << flushDenormals
     << " eval-training-form=" << evalTrainingForm
     << " entries=" << llvm::join(entries, ",") << "\n";
  forward->print(os, mlir::OpPrintingFlags().enableDebugInfo(false));
  return key;
}

/// The pipeline of `dlc -o`, from the forward module to an object file in
/// memory.
llvm::Expected<std::string>
compileObject(mlir::ModuleOp module, llvm::TargetMachine &tm, unsigned optLevel,
              bool threads, bool flushDenormals, bool evalTrainingForm,
              llvm::ArrayRef<std::string> entries, const std::string &path) {
  PipelineOptions options{kJitPrefix,
                          optLevel,
                          threads,
                          vectorBitsOf(tm),
                          flushDenormals ? flushArchOf(tm) : "",
                          evalTrainingForm,
                          {entries.begin(), entries.end()}};
  if (failed(runDLPipeline(module)) ||
      failed(lowerToLLVMDialect(module, options)))
    return llvm::createStringError("cannot compile '" + path + "'");
  // Two code generators, as `dlc -o` by default (SplitCodegen.h), where
  // this process may run on two CPUs: on one (taskset), splitting only
  // costs. Either object is the same code up to register allocation; the
  // cache takes both.
  ObjectOptions o;
  o.optLevel = optLevel;
  o.codegenThreads =
      llvm::hardware_concurrency().compute_thread_count() > 1 ? 2 : 1;
  o.symbolPrefix = kJitPrefix;
  llvm::SmallVector<char, 0> object;
  llvm::raw_svector_ostream os(object);
  if (llvm::Error e = emitModuleObject(
          module, tm, o,
          [&] { return createTargetMachine({"", "", optLevel}); }, os))
    return std::move(e);
  return std::string(object.begin(), object.end());
}

} // namespace

llvm::Expected<std::unique_ptr<JitModel>>
JitModel::compile(SourceModel &model, unsigned optLevel, bool threads,
                  bool flushDenormals, const ObjectCache *cache, bool verbose,
                  bool evalTrainingForm,
                  llvm::ArrayRef<mlir::dl::EntryKind> entries) {
  auto tm = createTargetMachine({"", "", optLevel});
  if (!tm)
    return tm.takeError();
  llvm::SmallVector<std::string> entryNames;
  for (mlir::dl::EntryKind kind : entries)
    entryNames.push_back(mlir::dl::entryPoint(kind).suffix);
  std::unique_ptr<llvm::MemoryBuffer> object;
  bool fromCache = false;
  {
    std::unique_ptr<mlir::MLIRContext> ctx = createContext();
    mlir::SourceMgrDiagnosticHandler diagnostics(model.srcMgr, ctx.get());
    mlir::OwningOpRef<mlir::ModuleOp> module =
        generateForwardModule(*ctx, model);
    if (!module)
      return llvm::createStringError("cannot compile '" + model.path + "'");
    std::string key;
    if (cache) {
      key = cacheKey(*module, **tm, optLevel, threads, flushDenormals,
                     evalTrainingForm, entryNames);
      object = cache->lookup(key);
      fromCache = object != nullptr;
      if (object && verbose)
        llvm::WithColor::note(llvm::errs(), "dlc")
            << "using the cached model '" << cache->entryPath(key) << "'\n";
    }
    if (!object) {
      auto compiled =
          compileObject(*module, **tm, optLevel, threads, flushDenormals,
                        evalTrainingForm, entryNames, model.path);
      if (!compiled)
        return compiled.takeError();
      if (cache) {
        cache->store(key, *compiled);
        if (verbose)
          llvm::WithColor::note(llvm::errs(), "dlc")
              << "compiled the model, cached as '" << cache->entryPath(key)
              << "'\n";
      }
      object = llvm::MemoryBuffer::getMemBufferCopy(*compiled, model.path);
    }
  }

  // The object is the one `dlc -o` would write (with the `jit` prefix):
  // linked into this process by ORC, against this process's libc and libm.
  llvm::orc::JITTargetMachineBuilder jtmb((*tm)->getTargetTriple());
  jtmb.setCPU(std::string((*tm)->getTargetCPU()));
  jtmb.getFeatures() = llvm::SubtargetFeatures((*tm)->getTargetFeatureString());
  auto lljit = llvm::orc::LLJITBuilder()
                   .setJITTargetMachineBuilder(std::move(jtmb))
                   .create();
  if (!lljit)
    return lljit.takeError();
  // Threaded kernels call LLVM's OpenMP runtime.
  if (threads) {
    auto libomp = llvm::orc::DynamicLibrarySearchGenerator::Load(
        kLibompPath, (*lljit)->getDataLayout().getGlobalPrefix());
    if (!libomp)
      return libomp.takeError();
    (*lljit)->getMainJITDylib().addGenerator(std::move(*libomp));
  }
  if (auto e = (*lljit)->addObjectFile(std::move(object)))
    return std::move(e);
  mlir::TimingScope linkTimer = PassTiming::step("JIT link");

  std::unique_ptr<JitModel> jit(new JitModel());
  jit->spec_ = model.spec;
  jit->fromCache_ = fromCache;
  jit->engine_ = std::move(*lljit);
  // Entry points by the descriptor: one the object has (parameters in the
  // caller's buffer) and the caller asked for must be there; the others
  // stay null.
  const bool train = model.spec.train.has_value();
  const Shape &outShape = model.spec.outputShape();
  const bool vectorOutput = outShape.size() == 1 && outShape[0] >= 0;
  auto bind = [&](auto &fn, mlir::dl::EntryKind kind,
                  mlir::dl::EntryForm form =
                      mlir::dl::EntryForm::Plain) -> llvm::Error {
    const mlir::dl::EntryPoint &entry = mlir::dl::entryPoint(kind);
    auto sym =
        jit->engine_->lookup(mlir::dl::entrySymbol(kJitPrefix, entry, form));
    if (!sym) {
      if (mlir::dl::entryExists(entry, train, mlir::dl::ParamStorage::Buffer,
                                vectorOutput) &&
          (entries.empty() || llvm::is_contained(entries, kind)))
        return sym.takeError();
      llvm::consumeError(sym.takeError());
      return llvm::Error::success();
    }
    fn = sym->template toPtr<std::remove_reference_t<decltype(fn)>>();
    return llvm::Error::success();
  };
  using mlir::dl::EntryForm;
  using mlir::dl::EntryKind;
  if (auto e = bind(jit->initParams_, EntryKind::InitParams))
    return std::move(e);
  if (auto e = bind(jit->optStateSize_, EntryKind::OptStateSize))
    return std::move(e);
  if (auto e = bind(jit->initOptState_, EntryKind::InitOptState))
    return std::move(e);
  if (auto e = bind(jit->applyGradients_, EntryKind::ApplyGradients))
    return std::move(e);
  jit->variableLength_ = llvm::is_contained(model.spec.inputShape(), -1);
  // The batch entry points, with or without `length` after `batch`.
  auto bindBatch = [&](auto &fixed, auto &variable, EntryKind kind,
                       EntryForm form = EntryForm::Plain) {
    return jit->variableLength_ ? bind(variable, kind, form)
                                : bind(fixed, kind, form);
  };
  if (auto e = bindBatch(jit->predict_, jit->predictL_, EntryKind::Predict))
    return std::move(e);
  if (auto e = bindBatch(jit->predictWs_, jit->predictWsL_, EntryKind::Predict,
                         EntryForm::Workspace))
    return std::move(e);
  if (auto e = bindBatch(jit->predictWsSize_, jit->predictWsSizeL_,
                         EntryKind::Predict, EntryForm::WorkspaceSize))
    return std::move(e);
  if (auto e = bindBatch(jit->trainStep_, jit->trainStepL_,
                         EntryKind::TrainStepMetrics))
    return std::move(e);
  if (auto e = bindBatch(jit->trainStepWs_, jit->trainStepWsL_,
                         EntryKind::TrainStepMetrics, EntryForm::Workspace))
    return std::move(e);
  if (auto e = bindBatch(jit->trainStepWsSize_, jit->trainStepWsSizeL_,
                         EntryKind::TrainStepMetrics, EntryForm::WorkspaceSize))
    return std::move(e);
  if (auto e =
          bindBatch(jit->gradients_, jit->gradientsL_, EntryKind::Gradients))
    return std::move(e);
  if (auto e = bindBatch(jit->trainGradients_, jit->trainGradientsL_,
                         EntryKind::TrainGradients))
    return std::move(e);
  if (auto e = bindBatch(jit->trainGradientsWs_, jit->trainGradientsWsL_,
                         EntryKind::TrainGradients, EntryForm::Workspace))
    return std::move(e);
  if (auto e =
          bindBatch(jit->trainGradientsWsSize_, jit->trainGradientsWsSizeL_,
                    EntryKind::TrainGradients, EntryForm::WorkspaceSize))
    return std::move(e);
  if (auto e = bindBatch(jit->evalStep_, jit->evalStepL_, EntryKind::EvalStep))
    return std::move(e);
  if (auto e = bindBatch(jit->evalStepWs_, jit->evalStepWsL_,
                         EntryKind::EvalStep, EntryForm::Workspace))
    return std::move(e);
  if (auto e = bindBatch(jit->evalStepWsSize_, jit->evalStepWsSizeL_,
                         EntryKind::EvalStep, EntryForm::WorkspaceSize))
    return std::move(e);
  if (auto e = bindBatch(jit->inputGradient_, jit->inputGradientL_,
                         EntryKind::InputGradient))
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
void *JitModel::workspaceFor(int64_t bytes) const {
  // At least 64 bytes: a zero-byte workspace still needs a non-null pointer.
  bytes = std::max<int64_t>(bytes, 64);
  if (bytes > workspaceBytes_) {
    // 64-byte aligned, as the workspace ABI asks; rounded for aligned_alloc.
    void *p = std::aligned_alloc(64, size_t(bytes + 63) / 64 * 64);
    if (!p)
      return nullptr;
    workspace_.reset(p);
    workspaceBytes_ = bytes;
  }
  return workspace_.get();
}

void JitModel::predict(const float *params, const float *x, float *y,
                       int64_t batch) const {
  if (void *ws = workspaceFor(predictWorkspaceSize(batch)))
    return variableLength_ ? predictWsL_(params, x, y, batch, length_, ws)
                           : predictWs_(params, x, y, batch, ws);
  if (variableLength_)
    return predictL_(params, x, y, batch, length_);
  predict_(params, x, y, batch);
}
int64_t JitModel::predictWorkspaceSize(int64_t batch) const {
  return variableLength_ ? predictWsSizeL_(batch, length_)
                         : predictWsSize_(batch);
}
int64_t JitModel::optStateSize() const { return optStateSize_(); }
void JitModel::initOptState(float *state) const { initOptState_(state); }
void JitModel::trainStep(float *params, float *state, const float *x,
                         const void *targets, int64_t batch,
                         float *metrics) const {
  void *ws = workspaceFor(variableLength_ ? trainStepWsSizeL_(batch, length_)
                                          : trainStepWsSize_(batch));
  if (!ws) // No memory for a workspace: the allocating entry point.
    return variableLength_
               ? trainStepL_(params, state, x, targets, batch, length_, metrics)
               : trainStep_(params, state, x, targets, batch, metrics);
  if (variableLength_)
    return trainStepWsL_(params, state, x, targets, batch, length_, metrics,
                         ws);
  trainStepWs_(params, state, x, targets, batch, metrics, ws);
}

void JitModel::FreeDeleter::operator()(void *p) const { std::free(p); }
float JitModel::gradients(const float *params, const float *x,
                          const void *targets, int64_t batch,
                          float *grads) const {
  if (variableLength_)
    return gradientsL_(params, x, targets, batch, length_, grads);
  return gradients_(params, x, targets, batch, grads);
}
void JitModel::trainGradients(const float *params, const float *state,
                              const float *x, const void *targets,
                              int64_t batch, float *grads,
                              float *metrics) const {
  void *ws =
      workspaceFor(variableLength_ ? trainGradientsWsSizeL_(batch, length_)
                                   : trainGradientsWsSize_(batch));
  if (!ws)
    return variableLength_ ? trainGradientsL_(params, state, x, targets, batch,
                                              length_, grads, metrics)
                           : trainGradients_(params, state, x, targets, batch,
                                             grads, metrics);
  if (variableLength_)
    return trainGradientsWsL_(params, state, x, targets, batch, length_, grads,
                              metrics, ws);
  trainGradientsWs_(params, state, x, targets, batch, grads, metrics, ws);
}
void JitModel::applyGradients(float *params, float *state,
                              const float *grads) const {
  applyGradients_(params, state, grads);
}
int64_t JitModel::numGrads() const { return spec_.numGradFloats(); }
void JitModel::evalStep(const float *params, const float *x,
                        const void *targets, int64_t batch,
                        float *metrics) const {
  if (void *ws = workspaceFor(evalStepWorkspaceSize(batch)))
    return variableLength_
               ? evalStepWsL_(params, x, targets, batch, length_, metrics, ws)
               : evalStepWs_(params, x, targets, batch, metrics, ws);
  if (variableLength_)
    return evalStepL_(params, x, targets, batch, length_, metrics);
  evalStep_(params, x, targets, batch, metrics);
}

bool JitModel::hasInputGradient() const {
  return inputGradient_ != nullptr || inputGradientL_ != nullptr;
}
void JitModel::inputGradient(const float *params, const float *x, int64_t batch,
                             const int32_t *classIdx, float *dx) const {
  if (variableLength_)
    return inputGradientL_(params, x, batch, length_, classIdx, dx);
  inputGradient_(params, x, batch, classIdx, dx);
}

int64_t JitModel::evalStepWorkspaceSize(int64_t batch) const {
  return variableLength_ ? evalStepWsSizeL_(batch, length_)
                         : evalStepWsSize_(batch);
}

} // namespace dlc
