//===- Model.cpp - a .dl file read, checked and lowered
//--------------------===//
#include "dl/Compiler/Model.h"
#include "dl/Compiler/Driver.h"
#include "dl/Compiler/InitAll.h"
#include "dl/Frontend/Frontend.h"
#include "dl/Frontend/MLIRGen.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/MemoryBuffer.h"

namespace dlc {

static PassTiming *activeTiming = nullptr;
// On where bugs are looked for: builds with assertions, and the sanitizer
// and fuzzing builds (cmake/Sanitizers.cmake).
#if !defined(NDEBUG) || defined(DLC_VERIFY_EACH_DEFAULT)
static bool verifyEachPass = true;
#else
static bool verifyEachPass = false;
#endif

void setVerifyEachPass(bool on) { verifyEachPass = on; }

PassTiming::PassTiming() {
  manager.setEnabled(true);
  manager.setDisplayMode(mlir::DefaultTimingManager::DisplayMode::List);
  root = manager.getRootScope();
  activeTiming = this;
}

PassTiming::~PassTiming() {
  activeTiming = nullptr;
  root.stop();
}

mlir::TimingScope *PassTiming::current() {
  return activeTiming ? &activeTiming->root : nullptr;
}

mlir::TimingScope PassTiming::step(llvm::StringRef name) {
  mlir::TimingScope *root = PassTiming::current();
  return root ? root->nest(name) : mlir::TimingScope();
}

void configurePassManager(mlir::PassManager &pm) {
  (void)mlir::applyPassManagerCLOptions(pm);
  pm.enableVerifier(verifyEachPass);
  if (mlir::TimingScope *root = PassTiming::current())
    pm.enableTiming(*root);
}

mlir::LogicalResult runPipeline(mlir::PassManager &pm, mlir::ModuleOp module) {
  // What createContext left for compilation: every dialect a pass may create
  // (not all passes declare theirs), and the pass manager's threads.
  mlir::MLIRContext *ctx = module.getContext();
  ctx->loadAllAvailableDialects();
  if (!ctx->isMultithreadingEnabled())
    ctx->enableMultithreading(); // unless --mlir-disable-threading
  if (failed(pm.run(module)))
    return mlir::failure();
  if (failed(mlir::verify(module))) {
    error() << "internal error: the lowered module does not verify\n";
    return mlir::failure();
  }
  return mlir::success();
}

std::unique_ptr<SourceModel> loadSourceModel(const std::string &path) {
  auto model = std::make_unique<SourceModel>();
  model->path = path;
  auto buffer = llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/true);
  if (std::error_code ec = buffer.getError()) {
    error() << "cannot read '" << path << "': " << ec.message() << "\n";
    return nullptr;
  }
  unsigned id = model->srcMgr.AddNewSourceBuffer(std::move(*buffer), {});
  std::optional<ast::Model> tree = parseModel(model->srcMgr, id);
  if (!tree)
    return nullptr;
  std::optional<ModelSpec> spec = checkModel(*tree, model->srcMgr);
  if (!spec)
    return nullptr;
  model->spec = std::move(*spec);
  return model;
}

std::unique_ptr<mlir::MLIRContext> createContext() {
  mlir::DialectRegistry registry;
  registerDialects(registry);
  // Neither loaded dialects nor threads yet: a command that finds its model
  // in the cache only generates and prints the forward module (the cache
  // key), and loading the 16 dialects and starting the verifier's threads
  // was a fifth of that start. runPipeline adds both.
  return std::make_unique<mlir::MLIRContext>(
      registry, mlir::MLIRContext::Threading::DISABLED);
}

mlir::OwningOpRef<mlir::ModuleOp> generateForwardModule(mlir::MLIRContext &ctx,
                                                        SourceModel &model) {
  mlir::OwningOpRef<mlir::ModuleOp> module =
      generateDL(ctx, model.spec, model.srcMgr);
  if (!module)
    return nullptr;
  if (failed(mlir::verify(*module))) {
    error() << "internal error: the generated dl module does not verify\n";
    return nullptr;
  }
  return module;
}

mlir::LogicalResult runDLPipeline(mlir::ModuleOp module) {
  mlir::PassManager pm(module.getContext());
  configurePassManager(pm);
  buildDLPipeline(pm);
  return runPipeline(pm, module);
}

mlir::OwningOpRef<mlir::ModuleOp> generateModule(mlir::MLIRContext &ctx,
                                                 SourceModel &model) {
  mlir::OwningOpRef<mlir::ModuleOp> module = generateForwardModule(ctx, model);
  if (!module || failed(runDLPipeline(*module)))
    return nullptr;
  return module;
}

mlir::LogicalResult lowerToLLVMDialect(mlir::ModuleOp module,
                                       const PipelineOptions &options) {
  mlir::PassManager pm(module.getContext());
  configurePassManager(pm);
  buildDLToLinalgPipeline(pm, options);
  buildLinalgToLLVMPipeline(pm, options);
  return runPipeline(pm, module);
}

} // namespace dlc
