//===- DLEntryPoints.h - the C entry points of a compiled model -*- C++ -*-===//
//
// The one description of the generated object's C ABI: which entry points
// it has and when, their C parameters and results, the derived workspace
// forms, the layout of the flat parameter and optimizer-state buffers, and
// the doc comment the header gives each. dl-export-abi builds the entry
// points from it, dl-workspace selects the batch entry points by it, dlc's
// header is printed from it and its JIT binds by it; docs/abi.md points here.
//
// Header-only and free of MLIR: the frontend uses the layout functions too.
//
//===----------------------------------------------------------------------===//
#ifndef DL_DIALECT_DL_IR_DLENTRYPOINTS_H
#define DL_DIALECT_DL_IR_DLENTRYPOINTS_H

#include "dl/Dialect/DL/IR/DLContract.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/MathExtras.h"

#include <cstdint>
#include <string>

namespace mlir::dl {

//===----------------------------------------------------------------------===//
// Buffer layouts
//===----------------------------------------------------------------------===//

/// Offsets (in floats) of the parameter tensors in the flat parameter
/// buffer, given each tensor's number of elements: back to back, in
/// declaration order.
inline llvm::SmallVector<int64_t>
paramOffsets(llvm::ArrayRef<int64_t> numElements) {
  llvm::SmallVector<int64_t> offsets;
  int64_t next = 0;
  for (int64_t n : numElements) {
    offsets.push_back(next);
    next += n;
  }
  return offsets;
}

/// Floats per opt_state slot alignment unit (64 bytes).
inline constexpr int64_t kOptStateSlotAlign = 16;

/// Where the seed slot (kSeedSlot, kSeedWords floats) sits in opt_state:
/// inside the step counter's first 64 bytes, which alignment leaves unused,
/// so the moments are where they are in a model without a seed.
inline constexpr int64_t kOptStateSeedOffset = 1;
/// Where the learning-rate slot (kLearningRateSlot, one float) sits: after
/// the seed's words, in the same unused padding.
inline constexpr int64_t kOptStateLearningRateOffset = 5;

/// Offsets (in floats) of the optimizer-state slots in opt_state, in
/// train_step's state-argument order: every slot starts on a multiple of
/// kOptStateSlotAlign floats, so vector accesses to the moments never
/// straddle cache lines.
inline llvm::SmallVector<int64_t>
optStateOffsets(llvm::ArrayRef<int64_t> numElements) {
  llvm::SmallVector<int64_t> offsets;
  int64_t next = 0;
  for (int64_t n : numElements) {
    next = int64_t(llvm::alignTo(next, kOptStateSlotAlign));
    offsets.push_back(next);
    next += n;
  }
  return offsets;
}

/// Floats of a flat buffer holding tensors of `numElements` at `offsets`
/// (either layout above): up to the end of the last one.
inline int64_t flatBufferSize(llvm::ArrayRef<int64_t> offsets,
                              llvm::ArrayRef<int64_t> numElements) {
  return offsets.empty() ? 0 : offsets.back() + numElements.back();
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

/// Where the model's parameters live in the object.
enum class ParamStorage {
  Buffer,       ///< The caller's buffer, the first argument of each entry.
  BakedConst,   ///< Read-only constants in the object (dlc --weights).
  BakedWritable ///< A writable global (--weights --writable-weights).
};

/// When an entry point is part of the object.
enum class EntryCondition {
  Always,
  ParamBuffer,      ///< The parameters are the caller's buffer.
  BakedWritable,    ///< The parameters are baked in, writable.
  Training,         ///< The model has a train section.
  TrainingWritable, ///< A train section, and parameters that training may
                    ///< update (not read-only baked weights).
  VectorOutput,     ///< A sample's output is a vector of fixed size (f32[C]):
                    ///< scores that a class index picks one of.
};

/// What a C parameter carries; dl-export-abi binds each one by its role.
enum class ArgRole {
  Params,         ///< The flat parameter buffer; absent with baked weights.
  OptState,       ///< The optimizer state, opt_state_size() floats.
  X,              ///< `batch` model inputs.
  Y,              ///< `batch` model outputs.
  Targets,        ///< `batch` targets: floats shaped like y, or int32 labels.
  Batch,          ///< The number of samples (int64).
  Length,         ///< The length of the variable axis (int64); only in a
                  ///< model whose input has one (`f32[?, F]`).
  Metrics,        ///< float[2]: the mean loss, the correct predictions.
  Grads,          ///< A buffer laid out like the parameters.
  TrainableGrads, ///< NUM_GRADS floats: the trainable tensors' gradients,
                  ///< back to back in the parameter table's order.
  Seed,           ///< The initialisers' seed.
  ClassIndex,     ///< `batch` int32 class indices, one per sample.
  InputGrads,     ///< `batch` gradients shaped like the model inputs.
  Workspace,      ///< The _ws form's scratch memory.
};

/// Where the header's declaration wraps onto a new line: before this
/// parameter in the plain form, in the _ws form, or in both. (The layout
/// predates the descriptor; it is data so headers stay as they were.)
enum class Wrap { None, Plain, Ws, Both };

/// One C parameter of an entry point.
struct EntryArg {
  ArgRole role;
  const char *cType; ///< "const float *", "int64_t", ...
  const char *name;
  Wrap wrap = Wrap::None;
};

/// The C result of an entry point.
enum class CResult { Void, Float, Int64, FloatPtr };

inline const char *cSpelling(CResult r) {
  switch (r) {
  case CResult::Void:
    return "void";
  case CResult::Float:
    return "float";
  case CResult::Int64:
    return "int64_t";
  case CResult::FloatPtr:
    return "float *";
  }
  return "void";
}

enum class EntryKind {
  InitParams,
  Params,
  Predict,
  OptStateSize,
  InitOptState,
  TrainStep,
  TrainStepMetrics,
  Gradients,
  TrainGradients,
  ApplyGradients,
  EvalStep,
  InputGradient,
};

/// One C entry point `<prefix>_<suffix>` of the generated object.
struct EntryPoint {
  EntryKind kind;
  const char *suffix;
  EntryCondition when;
  llvm::ArrayRef<EntryArg> args;
  CResult result;
  /// Also comes as `<suffix>_ws` (args + workspace) and
  /// `<suffix>_workspace_size(batch)`, made by dl-workspace.
  bool hasWorkspaceForm;
  /// The header declares it right after the previous entry point, without
  /// a blank line between them.
  bool joinsPrevious;
  /// The header's text before the declaration; `{P}` is the upper-case
  /// prefix, `{p}` the prefix, `{reentrancy}` a sentence on reentrancy.
  const char *doc;
};

namespace detail {
inline constexpr EntryArg kInitParamsArgs[] = {
    {ArgRole::Params, "float *", "params"},
    {ArgRole::Seed, "uint64_t", "seed"}};
inline constexpr EntryArg kPredictArgs[] = {
    {ArgRole::Params, "const float *", "params"},
    {ArgRole::X, "const float *", "x"},
    {ArgRole::Y, "float *", "y"},
    {ArgRole::Batch, "int64_t", "batch"}};
inline constexpr EntryArg kInitOptStateArgs[] = {
    {ArgRole::OptState, "float *", "opt_state"}};
inline constexpr EntryArg kTrainStepArgs[] = {
    {ArgRole::Params, "float *", "params"},
    {ArgRole::OptState, "float *", "opt_state"},
    {ArgRole::X, "const float *", "x"},
    {ArgRole::Targets, "const float *", "targets", Wrap::Plain},
    {ArgRole::Batch, "int64_t", "batch"}};
inline constexpr EntryArg kTrainStepMetricsArgs[] = {
    {ArgRole::Params, "float *", "params"},
    {ArgRole::OptState, "float *", "opt_state"},
    {ArgRole::X, "const float *", "x", Wrap::Both},
    {ArgRole::Targets, "const float *", "targets"},
    {ArgRole::Batch, "int64_t", "batch", Wrap::Ws},
    {ArgRole::Metrics, "float *", "metrics", Wrap::Plain}};
inline constexpr EntryArg kGradientsArgs[] = {
    {ArgRole::Params, "const float *", "params"},
    {ArgRole::X, "const float *", "x"},
    {ArgRole::Targets, "const float *", "targets", Wrap::Plain},
    {ArgRole::Batch, "int64_t", "batch"},
    {ArgRole::Grads, "float *", "grads"}};
inline constexpr EntryArg kTrainGradientsArgs[] = {
    {ArgRole::Params, "const float *", "params"},
    {ArgRole::OptState, "const float *", "opt_state"},
    {ArgRole::X, "const float *", "x", Wrap::Both},
    {ArgRole::Targets, "const float *", "targets"},
    {ArgRole::Batch, "int64_t", "batch", Wrap::Ws},
    {ArgRole::TrainableGrads, "float *", "grads", Wrap::Plain},
    {ArgRole::Metrics, "float *", "metrics"}};
inline constexpr EntryArg kApplyGradientsArgs[] = {
    {ArgRole::Params, "float *", "params"},
    {ArgRole::OptState, "float *", "opt_state"},
    {ArgRole::TrainableGrads, "const float *", "grads"}};
inline constexpr EntryArg kEvalStepArgs[] = {
    {ArgRole::Params, "const float *", "params"},
    {ArgRole::X, "const float *", "x"},
    {ArgRole::Targets, "const float *", "targets", Wrap::Both},
    {ArgRole::Batch, "int64_t", "batch"},
    {ArgRole::Metrics, "float *", "metrics"}};
inline constexpr EntryArg kInputGradientArgs[] = {
    {ArgRole::Params, "const float *", "params"},
    {ArgRole::X, "const float *", "x"},
    {ArgRole::Batch, "int64_t", "batch", Wrap::Both},
    {ArgRole::ClassIndex, "const int32_t *", "class_idx"},
    {ArgRole::InputGrads, "float *", "dx"}};
inline constexpr EntryArg kWorkspaceSizeArgs[] = {
    {ArgRole::Batch, "int64_t", "batch"}};
} // namespace detail

/// Every C entry point, in the header's order.
inline constexpr EntryPoint kEntryPoints[] = {
    {EntryKind::InitParams, "init_params", EntryCondition::ParamBuffer,
     detail::kInitParamsArgs, CResult::Void, false, false,
     "/* Fills params ({P}_NUM_PARAMS floats) with the layers' initialisers\n"
     " * (Keras defaults: glorot_uniform kernels, zero biases). The same seed\n"
     " * gives the same values on every machine and thread count. */\n"},
    {EntryKind::Params,
     "params",
     EntryCondition::BakedWritable,
     {},
     CResult::FloatPtr,
     false,
     false,
     "/* The trained weights live in the object, writable: train_step\n"
     " * updates them in place; this returns them ({P}_NUM_PARAMS floats,\n"
     " * laid out as {p}_param_info says), e.g. to save a checkpoint. */\n"
     "#define {P}_BAKED_WEIGHTS 1\n"},
    {EntryKind::Predict, "predict", EntryCondition::Always,
     detail::kPredictArgs, CResult::Void, true, false,
     "/* y[batch][{P}_OUTPUT_SIZE] = model(x[batch][{P}_INPUT_SIZE]), batch "
     ">= 1\n"
     " * (a smaller batch writes nothing).\n"
     " * {reentrancy} */\n"},
    {EntryKind::OptStateSize,
     "opt_state_size",
     EntryCondition::TrainingWritable,
     {},
     CResult::Int64,
     false,
     false,
     "/* Floats of optimizer state (step counter and moments). */\n"},
    {EntryKind::InitOptState, "init_opt_state",
     EntryCondition::TrainingWritable, detail::kInitOptStateArgs, CResult::Void,
     false, true, "/* Resets the optimizer state: step 0, zero moments. */\n"},
    {EntryKind::TrainStep, "train_step", EntryCondition::TrainingWritable,
     detail::kTrainStepArgs, CResult::Float, false, false,
     "/* One optimizer step on a batch, in place on params and opt_state;\n"
     " * returns the batch's mean loss (before the update). */\n"},
    {EntryKind::TrainStepMetrics, "train_step_metrics",
     EntryCondition::TrainingWritable, detail::kTrainStepMetricsArgs,
     CResult::Void, true, false,
     "/* The same step; metrics[0] = the batch's mean loss, metrics[1] =\n"
     " * its correct predictions (before the update; 0 without accuracy),\n"
     " * and with {P}_NUM_METRICS 4 the predictions' mae and mse. */\n"},
    {EntryKind::Gradients, "gradients", EntryCondition::TrainingWritable,
     detail::kGradientsArgs, CResult::Float, false, false,
     "/* The batch's mean loss; writes d loss / d params into grads (same\n"
     " * layout as params; zero for frozen tensors). */\n"},
    {EntryKind::TrainGradients, "train_gradients",
     EntryCondition::TrainingWritable, detail::kTrainGradientsArgs,
     CResult::Void, true, false,
     "/* train_step split where data-parallel training averages the\n"
     " * gradients (docs/abi.md): train_gradients writes the batch's mean\n"
     " * gradient of the trainable tensors into grads ({P}_NUM_GRADS floats)\n"
     " * and metrics as train_step_metrics does, with the same dropout\n"
     " * masks, and changes neither params nor opt_state; apply_gradients\n"
     " * then clips them, decays and updates params and opt_state in place.\n"
     " * The two in a row compute what train_step_metrics does. */\n"},
    {EntryKind::ApplyGradients, "apply_gradients",
     EntryCondition::TrainingWritable, detail::kApplyGradientsArgs,
     CResult::Void, false, true, ""},
    {EntryKind::EvalStep, "eval_step", EntryCondition::Training,
     detail::kEvalStepArgs, CResult::Void, true, false,
     "/* metrics[0] = the batch's mean loss, metrics[1] = correct\n"
     " * predictions in the batch (0 without the accuracy metric), and with\n"
     " * {P}_NUM_METRICS 4 the predictions' mae and mse. */\n"},
    {EntryKind::InputGradient, "input_gradient", EntryCondition::VectorOutput,
     detail::kInputGradientArgs, CResult::Void, true, false,
     "/* Saliency (docs/abi.md): dx[batch][{P}_INPUT_SIZE] = the gradient of\n"
     " * sample b's score for class class_idx[b] in [0, {P}_OUTPUT_SIZE) with\n"
     " * respect to x[b], in the inference form. The score is the output\n"
     " * before a final softmax or sigmoid (the logit), else the output. A\n"
     " * batch below 1 or a class outside that range writes nothing. */\n"},
};

/// The targets parameter when they are int32 class indices (sparse losses)
/// rather than floats shaped like the output.
inline constexpr EntryArg kInt32TargetsArg = {ArgRole::Targets,
                                              "const int32_t *", "labels"};
/// The parameter the _ws form adds, last.
inline constexpr EntryArg kWorkspaceArg = {ArgRole::Workspace, "void *",
                                           "workspace", Wrap::Both};
/// The header's comment before the first _ws form it declares.
inline constexpr const char *kWorkspaceFormDoc =
    "/* Each batch entry point F also comes as F_ws, which takes its scratch\n"
    " * memory from the caller and allocates nothing (F allocates it once\n"
    " * per call): `workspace` holds F_workspace_size(batch) bytes, 64-byte\n"
    " * aligned, for any batch up to that one. */\n";

inline const EntryPoint &entryPoint(EntryKind kind) {
  for (const EntryPoint &e : kEntryPoints)
    if (e.kind == kind)
      return e;
  llvm_unreachable("every EntryKind has a descriptor");
}

/// The entry point whose (plain form's) suffix is `suffix`, or null.
inline const EntryPoint *lookupEntryPoint(llvm::StringRef suffix) {
  for (const EntryPoint &e : kEntryPoints)
    if (suffix == e.suffix)
      return &e;
  return nullptr;
}

/// Whether the object has entry point `e`. `vectorOutput`: a sample's
/// output is a vector of fixed size (f32[C]).
inline bool entryExists(const EntryPoint &e, bool hasTraining,
                        ParamStorage storage, bool vectorOutput) {
  switch (e.when) {
  case EntryCondition::VectorOutput:
    return vectorOutput;
  case EntryCondition::Always:
    return true;
  case EntryCondition::ParamBuffer:
    return storage == ParamStorage::Buffer;
  case EntryCondition::BakedWritable:
    return storage == ParamStorage::BakedWritable;
  case EntryCondition::Training:
    return hasTraining;
  case EntryCondition::TrainingWritable:
    return hasTraining && storage != ParamStorage::BakedConst;
  }
  return false;
}

/// Whether `e` needs a train section.
inline bool needsTraining(const EntryPoint &e) {
  return e.when == EntryCondition::Training ||
         e.when == EntryCondition::TrainingWritable;
}

/// The three C functions of an entry point with a workspace form.
enum class EntryForm {
  Plain,        ///< F
  Workspace,    ///< F_ws: F's parameters, then the workspace
  WorkspaceSize ///< F_workspace_size(batch): its bytes
};

inline constexpr const char *kWorkspaceFormSuffix = "_ws";
inline constexpr const char *kWorkspaceSizeFormSuffix = "_workspace_size";

/// The symbol's suffix after `<prefix>_`: what dl.entry holds.
inline std::string entrySuffix(const EntryPoint &e,
                               EntryForm form = EntryForm::Plain) {
  std::string s = e.suffix;
  if (form == EntryForm::Workspace)
    s += kWorkspaceFormSuffix;
  else if (form == EntryForm::WorkspaceSize)
    s += kWorkspaceSizeFormSuffix;
  return s;
}

/// The C symbol `<prefix>_<suffix>` of a form of `e`.
inline std::string entrySymbol(llvm::StringRef prefix, const EntryPoint &e,
                               EntryForm form = EntryForm::Plain) {
  return prefix.str() + "_" + entrySuffix(e, form);
}

/// The parameter a model with a variable-length axis adds right after
/// `batch` in every entry point that takes one.
inline constexpr EntryArg kLengthArg = {ArgRole::Length, "int64_t", "length"};

/// The C parameters of a form of `e`, all roles included (dl-export-abi
/// and the header leave out Params with baked weights). `variableLength`:
/// the model's input has a `?` axis, whose length follows the batch.
inline llvm::SmallVector<EntryArg>
entryArgs(const EntryPoint &e, EntryForm form, bool variableLength = false) {
  llvm::SmallVector<EntryArg> args(
      form == EntryForm::WorkspaceSize
          ? llvm::ArrayRef<EntryArg>(detail::kWorkspaceSizeArgs)
          : e.args);
  if (variableLength)
    for (size_t i = 0; i < args.size(); ++i)
      if (args[i].role == ArgRole::Batch) {
        args.insert(args.begin() + i + 1, kLengthArg);
        break;
      }
  if (form == EntryForm::Workspace)
    args.push_back(kWorkspaceArg);
  return args;
}

/// The C result of a form of `e`.
inline CResult entryResult(const EntryPoint &e, EntryForm form) {
  return form == EntryForm::WorkspaceSize ? CResult::Int64 : e.result;
}

} // namespace mlir::dl

#endif // DL_DIALECT_DL_IR_DLENTRYPOINTS_H
