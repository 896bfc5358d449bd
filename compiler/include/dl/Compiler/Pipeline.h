//===- Pipeline.h - the lowering pipeline from dl to LLVM ---------*- C++
//-*-===//
#ifndef DL_COMPILER_PIPELINE_H
#define DL_COMPILER_PIPELINE_H

#include "mlir/Pass/PassManager.h"

#include <string>

namespace dlc {

struct PipelineOptions {
  std::string prefix = "model"; ///< Prefix of the exported C symbols.
  unsigned optLevel = 2;        ///< -O0 .. -O3.
  /// Multithreaded matrix products (OpenMP): the code then calls libomp
  /// (__kmpc_*); the thread count comes from OMP_NUM_THREADS at run time.
  /// Needs optLevel > 0 (the kernels).
  bool threads = false;
  /// The target's f32 vector width (vectorBitsOf): the kernels' register
  /// tile is 8 x 2 vectors of 16 lanes at 512 bits (16 of the 32 zmm
  /// registers), 6 x 2 of 8 at 256 and 4 x 2 of 4 at 128 (12 and 8 of 16).
  unsigned vectorBits = 512;
  /// "x86" or "aarch64" (flushArchOf): the code runs with subnormal floats
  /// flushed to zero (dl-flush-denormals). Empty: IEEE subnormals.
  std::string flushDenormals;
  /// eval_step keeps the training form (dropout masks of gradients' fixed
  /// key), for dlc gradcheck; see dl-export-abi's eval-training-form.
  bool evalTrainingForm = false;
  /// Only these entry points (suffixes, dl-export-abi's `entries`); empty:
  /// all of them, as `dlc -o` writes.
  llvm::SmallVector<std::string> entries = {};
};

/// Inside dl: shape inference, autodiff, the fused training step.
void buildDLPipeline(mlir::OpPassManager &pm);
/// dl (model functions) -> C entry points -> linalg on tensors.
void buildDLToLinalgPipeline(mlir::OpPassManager &pm,
                             const PipelineOptions &options);
/// linalg on tensors -> bufferized loops -> LLVM dialect.
void buildLinalgToLLVMPipeline(mlir::OpPassManager &pm,
                               const PipelineOptions &options);

/// Registers `dl-train-pipeline`, `dl-lower-to-linalg` and
/// `dl-lower-to-llvm` for dl-opt.
void registerDLPipelines();

} // namespace dlc

#endif // DL_COMPILER_PIPELINE_H
