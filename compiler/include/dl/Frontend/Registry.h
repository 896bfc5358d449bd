//===- Registry.h - layer, loss and optimizer kinds ---------------*- C++
//-*-===//
//
// One layer, one place: every layer kind, loss and optimizer of the language
// is one class in its own file (compiler/lib/Frontend/{Layers,Losses,
// Optimizers}/<Name>.cpp) holding its name, options and defaults, its check
// and what it emits. The build collects the files of those folders into the
// registry (see compiler/lib/Frontend/CMakeLists.txt), so adding a layer is
// adding a file: Sema, --summary, automatic names, "did you mean" and the
// "supported: ..." lists all read the registry, and nothing else switches
// over kinds.
//
//===----------------------------------------------------------------------===//
#ifndef DL_FRONTEND_REGISTRY_H
#define DL_FRONTEND_REGISTRY_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

namespace mlir {
class Attribute;
class MLIRContext;
class Value;
} // namespace mlir

namespace dlc {

struct LayerSpec;
struct TrainSpec;
class LayerChecker; // Sema's services to a layer's check (LayerChecker.h)
struct EmitContext; // MLIRGen's services to emission (Emit.h)

/// Per-kind settings of a layer (dense's units, reshape's target shape...):
/// each kind derives its own and is the only one to read it.
struct LayerOptions {
  virtual ~LayerOptions();
};

/// A layer kind: `dense`, `flatten`, ...
class LayerKind {
public:
  constexpr LayerKind(llvm::StringRef name, llvm::StringRef kerasName)
      : name(name), kerasName(kerasName) {}
  virtual ~LayerKind();

  /// The dl spelling, also the base of automatic names (dense, dense_1).
  llvm::StringRef getName() const { return name; }
  /// Keras's class name, shown by --summary.
  llvm::StringRef getKerasName() const { return kerasName; }
  /// How many inputs the layer takes: 1, or for merge layers a range
  /// (Keras's Add: 2 or more; Subtract: exactly 2).
  virtual unsigned getMinInputs() const { return 1; }
  virtual unsigned getMaxInputs() const { return 1; }
  /// Whether the layer computes differently when training (dropout): its
  /// emission reads EmitContext::key, and the model functions get a dl.key
  /// argument.
  virtual bool hasTrainingForm() const { return false; }
  /// Whether, when training, one sample's output depends on the rest of the
  /// batch (batch normalisation's batch statistics): gradcheck then
  /// differentiates the batch's loss, not each sample's.
  virtual bool couplesBatch(const LayerSpec &) const { return false; }
  /// Whether the layer takes an input with a variable-length axis (`?`,
  /// -1 in the shape) and propagates it; Sema rejects the others' such
  /// inputs before `check`, naming the axis.
  virtual bool takesVariableLength() const { return false; }

  /// Binds and checks the statement's arguments against the input shapes
  /// (c.inputShape(i)); on success sets the layer's output shape, options,
  /// activation and trainability and adds its parameters through `c`.
  /// Reports every error through `c` and returns false after one.
  virtual bool check(LayerChecker &c, LayerSpec &layer) const = 0;

  /// Emits the layer's dl ops, without its activation (the caller applies
  /// LayerSpec::activation, so the loss can read the logits before it).
  virtual mlir::Value emit(EmitContext &e, const LayerSpec &layer) const = 0;

private:
  llvm::StringRef name, kerasName;
};

/// What a loss compares the prediction with.
enum class TargetKind {
  ClassIndex,   ///< one int32 class index per sample
  Distribution, ///< one row of class probabilities per sample (one-hot)
  LikeOutput,   ///< a float tensor shaped like the prediction
};

/// A loss: `sparse_categorical_crossentropy`, `mean_squared_error`, ...
class LossKind {
public:
  constexpr LossKind(llvm::StringRef name,
                     llvm::ArrayRef<llvm::StringRef> aliases,
                     TargetKind targets, llvm::StringRef foldedActivation)
      : name(name), aliases(aliases), targets(targets),
        foldedActivation(foldedActivation) {}
  virtual ~LossKind();

  llvm::StringRef getName() const { return name; }
  /// Other names Keras accepts for it (`mse`).
  llvm::ArrayRef<llvm::StringRef> getAliases() const { return aliases; }
  TargetKind getTargets() const { return targets; }
  /// The output activation the loss computes from its logits ("softmax",
  /// "sigmoid"): the output layer must apply it unless from_logits = true,
  /// and the loss then reads the values before it (exact, never NaN). Empty
  /// for a loss of the output itself; such a loss has no from_logits.
  llvm::StringRef getFoldedActivation() const { return foldedActivation; }
  bool hasFromLogits() const { return !foldedActivation.empty(); }

  /// The batch's mean loss (a 0-d tensor) of `prediction` (the logits, for a
  /// loss with a folded activation) against `targets`.
  virtual mlir::Value emit(EmitContext &e, mlir::Value prediction,
                           mlir::Value targets) const = 0;

private:
  llvm::StringRef name;
  llvm::ArrayRef<llvm::StringRef> aliases;
  TargetKind targets;
  llvm::StringRef foldedActivation;
};

/// One numeric option of an optimizer, with Keras's default.
struct OptimizerOption {
  enum class Range {
    Positive,     ///< (0, inf): learning rates, epsilon
    UnitInterval, ///< [0, 1): momentum, decay rates
    Bool,         ///< true/false, stored as 0/1
    NonNegative,  ///< [0, inf): weight decay
  };
  llvm::StringRef name;
  double defaultValue;
  Range range;
};

/// An optimizer: `sgd`, `adam`, `rmsprop`. Its update rule lives in the
/// dialect (dl-optimizer); here are its name, options and defaults, and the
/// attribute that carries them to the dialect.
class OptimizerKind {
public:
  constexpr OptimizerKind(llvm::StringRef name,
                          llvm::ArrayRef<OptimizerOption> options)
      : name(name), options(options) {}
  virtual ~OptimizerKind();

  llvm::StringRef getName() const { return name; }
  /// The options, learning_rate first (the only positional one).
  llvm::ArrayRef<OptimizerOption> getOptions() const { return options; }

  /// The dl.optimizer attribute for these option values (one per option).
  virtual mlir::Attribute buildAttr(mlir::MLIRContext &ctx,
                                    llvm::ArrayRef<double> values) const = 0;

  /// `weight_decay` when not written: Keras's optimizers have none (0),
  /// AdamW has its own default.
  virtual double getDefaultWeightDecay() const { return 0; }

private:
  llvm::StringRef name;
  llvm::ArrayRef<OptimizerOption> options;
};

/// Every registered kind, ordered by name.
llvm::ArrayRef<const LayerKind *> layerKinds();
llvm::ArrayRef<const LossKind *> lossKinds();
llvm::ArrayRef<const OptimizerKind *> optimizerKinds();

/// The kind of that name (or, for losses, alias), or null.
const LayerKind *lookupLayerKind(llvm::StringRef name);
const LossKind *lookupLossKind(llvm::StringRef name);
const OptimizerKind *lookupOptimizerKind(llvm::StringRef name);

} // namespace dlc

#endif // DL_FRONTEND_REGISTRY_H
