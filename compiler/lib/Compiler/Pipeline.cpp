//===- Pipeline.cpp - the lowering pipeline from dl to LLVM
//----------------===//
#include "dl/Compiler/Pipeline.h"
#include "dl/Codegen/Passes.h"
#include "dl/Conversion/Passes.h"
#include "dl/Dialect/DL/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace dlc {
namespace {
/// A pass that looks inside one function at a time, nested on func.func so
/// that the pass manager runs the functions on the context's threads (the MLP
/// has 48): each pass at module level ran them one after the other.
void perFunction(OpPassManager &pm, std::unique_ptr<Pass> pass) {
  pm.addNestedPass<func::FuncOp>(std::move(pass));
}
} // namespace

void buildDLPipeline(OpPassManager &pm) {
  pm.addPass(dl::createDLShapeInference());
  pm.addPass(dl::createDLAutodiff());
  pm.addPass(dl::createDLOptimizer());
  perFunction(pm, dl::createDLBatchNormCancel());
  perFunction(pm, createCanonicalizerPass());
  perFunction(pm, createCSEPass());
}

void buildDLToLinalgPipeline(OpPassManager &pm, const PipelineOptions &o) {
  pm.addPass(dl::createDLExportABI(
      mlir::dl::DLExportABIOptions{o.prefix, o.evalTrainingForm, o.entries}));
  pm.addPass(dl::createConvertDLToLinalg());
  perFunction(pm, createCanonicalizerPass());
  if (o.optLevel > 0) {
    perFunction(pm, dl::createDLFuseElementwise());
    // Fusion moves reshapes through generics (batch normalisation works on
    // collapsed rows), leaving a `tensor.dim` of the new generic beside its
    // consumer; the fusion only fuses a producer with one use, so the
    // canonicalizer folds those dims and a second round fuses what they
    // blocked (the normalisation with the ReLU after it).
    perFunction(pm, createCanonicalizerPass());
    perFunction(pm, dl::createDLFuseElementwise());
  }
  perFunction(pm, createCSEPass());
}

void buildLinalgToLLVMPipeline(OpPassManager &pm, const PipelineOptions &o) {
  // Weight gradients consumed by their optimizer update a block of rows at a
  // time, so no gradient-sized buffer goes through memory. With --parallel the
  // products stay whole: their kernels split them over threads instead.
  if (o.optLevel > 0 && !o.threads) {
    pm.addPass(dl::createDLFuseContractionConsumers());
    // A convolution's forward product and filter gradient: the patches a
    // sample at a time, read from L2. First, so that the products reading
    // the patches are whole when it looks at them.
    perFunction(pm, dl::createDLBlockPatchProducts());
    // A convolution's input gradient: dcols a sample at a time, gathered
    // into dx while in L2; a product pooled, a sample at a time.
    perFunction(pm, dl::createDLBlockGatheredProducts());
    perFunction(pm, createCanonicalizerPass());
  }
  // One tensor.empty (and zero fill) per user: shared ones, as CSE leaves
  // them, make One-Shot Analysis quadratic in the depth and cost copies.
  perFunction(pm, dl::createDLSplitEmptyTensors());
  // tensor.empty destined for a caller's buffer (materialize_in_destination)
  // becomes that buffer: results are computed in place, not copied.
  pm.addPass(bufferization::createEmptyTensorEliminationPass());
  bufferization::OneShotBufferizePassOptions bufferize;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  // An insert_slice written in place copies a view onto an equal view: CSE
  // makes them one value, and the canonicalizer drops the self-copies.
  perFunction(pm, createCSEPass());
  perFunction(pm, createCanonicalizerPass());
  perFunction(pm, dl::createDLStridedCopies());
  // Block buffers of fused products: one allocation before the loop.
  pm.addNestedPass<func::FuncOp>(bufferization::createBufferLoopHoistingPass());
  // bufferization::buildBufferDeallocationPipeline, with the deallocs of
  // distinct allocations split before its simplification pass (which
  // splits them too, but with a quadratic number of alias queries).
  memref::ExpandReallocPassOptions expandRealloc;
  expandRealloc.emitDeallocs = false;
  pm.addPass(memref::createExpandReallocPass(expandRealloc));
  perFunction(pm, createCanonicalizerPass());
  pm.addPass(bufferization::createOwnershipBasedBufferDeallocationPass());
  pm.addPass(dl::createDLSplitDeallocs());
  perFunction(pm, createCanonicalizerPass());
  pm.addPass(bufferization::createBufferDeallocationSimplificationPass());
  pm.addPass(bufferization::createLowerDeallocationsPass());
  perFunction(pm, createCSEPass());
  perFunction(pm, createCanonicalizerPass());
  // Register-blocked AVX-512 FMA kernels for every matrix product; -O0 keeps
  // the plain loops (FMA contracts differently in the last bit).
  if (o.optLevel > 0) {
    dl::DLVectorizeContractionsOptions kernels;
    kernels.parallel = o.threads;
    kernels.lanes = std::max(4u, o.vectorBits / 32);
    kernels.mr = kernels.lanes >= 16 ? 8 : kernels.lanes == 8 ? 6 : 4;
    // One function per shape class, called by every layer and entry point
    // of that shape: code and compile time linear in the model's depth.
    kernels.outline = true;
    pm.addPass(dl::createDLVectorizeContractions(kernels));
  }
  // Every allocation of the batch entry points in one caller-provided
  // workspace (F_ws, F_workspace_size; F allocates it once per call).
  pm.addPass(dl::createDLWorkspace());
  // --threads: the kernels' scf.parallel loops -> omp.parallel + omp.wsloop.
  // It wraps each loop body in a memref.alloca_scope, single-block, which
  // scf-to-cf cannot lower into: the canonicalizer inlines those that
  // allocate nothing (all of them, for the kernels).
  if (o.threads) {
    pm.addPass(createConvertSCFToOpenMPPass());
    perFunction(pm, createCanonicalizerPass());
  }
  if (o.optLevel > 0) {
    perFunction(pm, dl::createDLCollapseElementwise());
    // Each class of equal loops (every layer's bias and ReLU, ...) once.
    pm.addPass(dl::createDLOutlineLinalg());
    perFunction(pm, dl::createDLVectorizeColumnSums());
  }
  perFunction(pm, createConvertLinalgToLoopsPass());
  perFunction(pm, dl::createDLExpandMath());
  perFunction(pm, createLowerAffinePass());
  perFunction(pm, createSCFToControlFlowPass());
  perFunction(pm, createCanonicalizerPass());
  perFunction(pm, dl::createDLExpandDynamicGroups());
  perFunction(pm, memref::createExpandStridedMetadataPass());
  perFunction(pm, createLowerAffinePass());
  perFunction(pm, createConvertVectorToLLVMPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  perFunction(pm, createConvertMathToLLVMPass());
  perFunction(pm, createArithToLLVMConversionPass());
  perFunction(pm, createConvertIndexToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  // Entry points take only static-shape memrefs: with the bare-pointer
  // convention each becomes a plain `float *` in the C ABI.
  ConvertFuncToLLVMPassOptions funcOpts;
  funcOpts.useBarePtrCallConv = true;
  pm.addPass(createConvertFuncToLLVMPass(funcOpts));
  if (o.threads)
    pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addNestedPass<LLVM::LLVMFuncOp>(createCanonicalizerPass());
  if (!o.flushDenormals.empty())
    pm.addPass(dl::createDLFlushDenormals({o.flushDenormals}));
}

namespace {
struct CLIPipelineOptions : public PassPipelineOptions<CLIPipelineOptions> {
  Option<std::string> prefix{*this, "prefix",
                             llvm::cl::desc("Prefix of exported symbols"),
                             llvm::cl::init("model")};
  Option<unsigned> optLevel{*this, "opt-level",
                            llvm::cl::desc("Optimisation level 0-3"),
                            llvm::cl::init(2)};
  Option<bool> threads{*this, "threads",
                       llvm::cl::desc("Multithreaded matrix products (OpenMP)"),
                       llvm::cl::init(false)};
  Option<std::string> flushDenormals{
      *this, "flush-denormals",
      llvm::cl::desc("Flush subnormals in this FP environment: x86 or "
                     "aarch64 (default: none, IEEE)")};
  PipelineOptions get() const {
    PipelineOptions o; // vectorBits: the default, AVX-512's tile
    o.prefix = prefix;
    o.optLevel = optLevel;
    o.threads = threads;
    o.flushDenormals = flushDenormals;
    return o;
  }
};
} // namespace

void registerDLPipelines() {
  PassPipelineRegistration<>(
      "dl-train-pipeline",
      "Shape inference, autodiff and the fused training step, inside dl",
      [](OpPassManager &pm) { buildDLPipeline(pm); });
  PassPipelineRegistration<CLIPipelineOptions>(
      "dl-lower-to-linalg", "Lower a dl model to C entry points on linalg",
      [](OpPassManager &pm, const CLIPipelineOptions &o) {
        buildDLToLinalgPipeline(pm, o.get());
      });
  PassPipelineRegistration<CLIPipelineOptions>(
      "dl-lower-to-llvm", "Lower a dl model all the way to the LLVM dialect",
      [](OpPassManager &pm, const CLIPipelineOptions &o) {
        buildDLPipeline(pm);
        buildDLToLinalgPipeline(pm, o.get());
        buildLinalgToLLVMPipeline(pm, o.get());
      });
}

} // namespace dlc
