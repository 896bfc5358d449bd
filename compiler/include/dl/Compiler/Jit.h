//===- Jit.h - a model compiled in-process ------------------------*- C++
//-*-===//
//
// dlc's own commands (gradcheck, train, evaluate, predict, explain) run the
// model in-process: the object file of `dlc -o` (same pipeline, same C entry
// points), linked into the process by LLVM's ORC JIT, without an external
// compiler or linker, and kept in the compiled-model cache (Cache.h).
//
//===----------------------------------------------------------------------===//
#ifndef DL_COMPILER_JIT_H
#define DL_COMPILER_JIT_H

#include "dl/Compiler/Model.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>

namespace llvm::orc {
class LLJIT;
}
namespace mlir::dl {
enum class EntryKind;
}

namespace dlc {

class ObjectCache;

class JitModel {
public:
  /// Compiles `model` (its entry points prefixed `jit`) at -O`optLevel`;
  /// `threads`: multithreaded matrix products, with libomp loaded into the
  /// JIT (OMP_NUM_THREADS sets the thread count); `flushDenormals`: the
  /// code runs with subnormals flushed to zero (dl-flush-denormals).
  /// With a `cache`, the object code is taken from it when there, and put
  /// there when compiled; `verbose` says which. `evalTrainingForm`: eval_step
  /// computes the training form, as gradients does (dlc gradcheck).
  /// `entries`: compile only these entry points (with their _ws forms),
  /// those the caller will call; the others stay null. Empty: all of them.
  static llvm::Expected<std::unique_ptr<JitModel>>
  compile(SourceModel &model, unsigned optLevel, bool threads = false,
          bool flushDenormals = true, const ObjectCache *cache = nullptr,
          bool verbose = false, bool evalTrainingForm = false,
          llvm::ArrayRef<mlir::dl::EntryKind> entries = {});
  ~JitModel();

  const ModelSpec &spec() const { return spec_; }
  /// The object code came from the compiled-model cache: nothing compiled.
  bool fromCache() const { return fromCache_; }
  bool hasTraining() const {
    return trainStep_ != nullptr || trainStepL_ != nullptr;
  }
  /// The input has a variable axis (`f32[?, F]`): the entry points take its
  /// length, which the calls below pass from setLength.
  bool variableLength() const { return variableLength_; }
  /// The length of the variable axis for the calls that follow (>= 1; the
  /// entry points reject less).
  void setLength(int64_t length) const { length_ = length; }
  int64_t length() const { return length_; }
  /// Class indices (int32) rather than float targets.
  bool sparseLabels() const;

  void initParams(float *params, uint64_t seed) const;
  void predict(const float *params, const float *x, float *y,
               int64_t batch) const;
  int64_t optStateSize() const;
  void initOptState(float *state) const;
  /// One optimizer step; metrics[0] = mean loss, metrics[1] = correct
  /// predictions (before the update).
  void trainStep(float *params, float *state, const float *x,
                 const void *targets, int64_t batch, float *metrics) const;
  float gradients(const float *params, const float *x, const void *targets,
                  int64_t batch, float *grads) const;
  /// train_step split at the allreduce (docs/abi.md): the batch's mean
  /// gradient of the trainable tensors (numGrads() floats) and metrics,
  /// with the step's dropout masks; then the update from (averaged) grads.
  void trainGradients(const float *params, const float *state, const float *x,
                      const void *targets, int64_t batch, float *grads,
                      float *metrics) const;
  void applyGradients(float *params, float *state, const float *grads) const;
  /// Floats of the gradient buffer: the trainable tensors.
  int64_t numGrads() const;
  /// metrics[0] = mean loss, metrics[1] = correct predictions.
  void evalStep(const float *params, const float *x, const void *targets,
                int64_t batch, float *metrics) const;
  /// Bytes of scratch memory evalStep takes for `batch` samples.
  int64_t evalStepWorkspaceSize(int64_t batch) const;
  /// Bytes of scratch memory predict takes for `batch` samples.
  int64_t predictWorkspaceSize(int64_t batch) const;
  /// Saliency: dx = d score[b, classIdx[b]] / d x[b] (docs/abi.md); only in
  /// a model whose sample's output is a vector (hasInputGradient).
  bool hasInputGradient() const;
  void inputGradient(const float *params, const float *x, int64_t batch,
                     const int32_t *classIdx, float *dx) const;

private:
  JitModel() = default;
  ModelSpec spec_;
  bool fromCache_ = false;
  std::unique_ptr<llvm::orc::LLJIT> engine_;
  void (*initParams_)(float *, uint64_t) = nullptr;
  void (*predict_)(const float *, const float *, float *, int64_t) = nullptr;
  void (*predictWs_)(const float *, const float *, float *, int64_t,
                     void *) = nullptr;
  int64_t (*predictWsSize_)(int64_t) = nullptr;
  int64_t (*optStateSize_)() = nullptr;
  void (*initOptState_)(float *) = nullptr;
  void (*trainStep_)(float *, float *, const float *, const void *, int64_t,
                     float *) = nullptr;
  /// The step without heap allocations: train_step_metrics_ws with
  /// `workspace_` (grown to the largest batch seen), so a training loop
  /// allocates nothing per step.
  void (*trainStepWs_)(float *, float *, const float *, const void *, int64_t,
                       float *, void *) = nullptr;
  int64_t (*trainStepWsSize_)(int64_t) = nullptr;
  struct FreeDeleter {
    void operator()(void *p) const;
  };
  mutable std::unique_ptr<void, FreeDeleter> workspace_;
  mutable int64_t workspaceBytes_ = 0;
  /// `workspace_` grown to `bytes`, or null when there is no memory for it
  /// (the caller then takes the allocating entry point). Every batch entry
  /// point runs in its _ws form through it: the plain forms allocate their
  /// scratch memory on each call, and on a VM whose page faults are slow a
  /// CNN's evaluation spent 15x its arithmetic faulting in fresh pages.
  void *workspaceFor(int64_t bytes) const;
  float (*gradients_)(const float *, const float *, const void *, int64_t,
                      float *) = nullptr;
  void (*trainGradients_)(const float *, const float *, const float *,
                          const void *, int64_t, float *, float *) = nullptr;
  void (*trainGradientsWs_)(const float *, const float *, const float *,
                            const void *, int64_t, float *, float *,
                            void *) = nullptr;
  int64_t (*trainGradientsWsSize_)(int64_t) = nullptr;
  void (*applyGradients_)(float *, float *, const float *) = nullptr;
  void (*evalStep_)(const float *, const float *, const void *, int64_t,
                    float *) = nullptr;
  void (*evalStepWs_)(const float *, const float *, const void *, int64_t,
                      float *, void *) = nullptr;
  int64_t (*evalStepWsSize_)(int64_t) = nullptr;
  // The same entry points with `length` after `batch`, in a model with a
  // variable axis (DLEntryPoints.h); only these are bound then.
  bool variableLength_ = false;
  mutable int64_t length_ = 0;
  void (*predictL_)(const float *, const float *, float *, int64_t,
                    int64_t) = nullptr;
  void (*predictWsL_)(const float *, const float *, float *, int64_t, int64_t,
                      void *) = nullptr;
  int64_t (*predictWsSizeL_)(int64_t, int64_t) = nullptr;
  void (*trainStepL_)(float *, float *, const float *, const void *, int64_t,
                      int64_t, float *) = nullptr;
  void (*trainStepWsL_)(float *, float *, const float *, const void *, int64_t,
                        int64_t, float *, void *) = nullptr;
  int64_t (*trainStepWsSizeL_)(int64_t, int64_t) = nullptr;
  float (*gradientsL_)(const float *, const float *, const void *, int64_t,
                       int64_t, float *) = nullptr;
  void (*trainGradientsL_)(const float *, const float *, const float *,
                           const void *, int64_t, int64_t, float *,
                           float *) = nullptr;
  void (*trainGradientsWsL_)(const float *, const float *, const float *,
                             const void *, int64_t, int64_t, float *, float *,
                             void *) = nullptr;
  int64_t (*trainGradientsWsSizeL_)(int64_t, int64_t) = nullptr;
  void (*evalStepL_)(const float *, const float *, const void *, int64_t,
                     int64_t, float *) = nullptr;
  void (*evalStepWsL_)(const float *, const float *, const void *, int64_t,
                       int64_t, float *, void *) = nullptr;
  int64_t (*evalStepWsSizeL_)(int64_t, int64_t) = nullptr;
  void (*inputGradient_)(const float *, const float *, int64_t, const int32_t *,
                         float *) = nullptr;
  void (*inputGradientL_)(const float *, const float *, int64_t, int64_t,
                          const int32_t *, float *) = nullptr;
};

} // namespace dlc

#endif // DL_COMPILER_JIT_H
