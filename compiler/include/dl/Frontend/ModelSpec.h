//===- ModelSpec.h - a checked model, ready for MLIRGen -----------*- C++
//-*-===//
//
// Sema's output: every name resolved, every shape known, every option checked
// and defaulted. MLIRGen, --summary and the header emitter read only this.
//
//===----------------------------------------------------------------------===//
#ifndef DL_FRONTEND_MODELSPEC_H
#define DL_FRONTEND_MODELSPEC_H

#include "dl/Frontend/Registry.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SMLoc.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dlc {

enum class Activation {
  Linear,
  Relu,
  Sigmoid,
  Tanh,
  Softmax,
  Relu6,
  LeakyRelu,
  Elu,
  Softplus,
  Softsign,
  HardSigmoid,
  Silu,
  Gelu,
  Exponential,
  LogSoftmax
};
enum class Initializer {
  Zeros,
  Ones,
  GlorotUniform,
  GlorotNormal,
  HeUniform,
  HeNormal,
  Orthogonal ///< Keras's: QR of a normal matrix, sign-corrected
};

const char *toString(Activation a);
const char *toString(Initializer i);

/// "f32[28, 28]"; a negative (variable) size prints as "?".
std::string formatShape(const std::vector<int64_t> &dims);

/// Per-sample shape (no batch dimension). -1 is a variable-length axis.
using Shape = std::vector<int64_t>;

/// The number of elements of a (static) shape.
inline int64_t numElements(const Shape &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

/// Keras's L1/L2 regulariser (`l1(..)`, `l2(..)`, `l1_l2(..)`): the penalty
/// l1 sum |x| + l2 sum x^2 is added to the loss. Both zero: none.
struct Regularizer {
  double l1 = 0, l2 = 0;
  bool any() const { return l1 > 0 || l2 > 0; }
};

/// A trainable tensor. Parameters are laid out back to back, in declaration
/// order, in one flat float buffer; `offset` is in elements.
struct ParamSpec {
  std::string name; ///< "<layer>.kernel", "<layer>.bias"
  Shape shape;
  Initializer init = Initializer::Zeros;
  bool trainable = true;
  /// A non-trainable statistic that the training step overwrites
  /// (batch_normalization's moving mean and variance): never trainable.
  bool state = false;
  /// A statistic that train_step overwrites (a state tensor of a trainable
  /// layer); it follows the gradients in train_gradients' buffer.
  bool updated = false;
  /// kernel_regularizer / bias_regularizer (trainable parameters only).
  Regularizer regularizer;
  /// Elements [onesBegin, onesBegin + onesCount) of the flat parameter start
  /// at 1 whatever `init` gives (lstm's unit_forget_bias: the forget gate's
  /// bias).
  int64_t onesBegin = 0, onesCount = 0;
  int64_t offset = 0;
  int64_t numElements() const { return dlc::numElements(shape); }
};

/// A checked layer. What every kind has is here; what only one kind has
/// (dense's units, reshape's target shape) is in its LayerOptions.
struct LayerSpec {
  const LayerKind *kind = nullptr; ///< Null for the model's input.
  std::string name; ///< Unique: "dense", "dense_1", ... or the user's name=.
  llvm::SMLoc loc;  ///< Where the layer was written.
  std::vector<int>
      inputs;     ///< Indices of producing layers in ModelSpec::layers.
  Shape outShape; ///< Per-sample output shape.
  /// Applied to the layer's result (Keras's `activation=`); Linear if none.
  Activation activation = Activation::Linear;
  /// The activation's parameter: leaky_relu's negative slope (Keras's
  /// `leaky_relu` activation: 0.2), elu's alpha (1.0); unused by the others.
  double activationAlpha = 0.0;
  bool trainable = true;
  /// activity_regularizer: a penalty on the layer's output (after its
  /// activation), summed over the batch as Keras 3 does.
  Regularizer activityRegularizer;
  std::vector<int> params; ///< Indices into ModelSpec::params.
  std::shared_ptr<const LayerOptions> options; ///< The kind's own settings.

  /// The kind's settings; only the kind that stored them asks.
  template <typename T> const T &getOptions() const {
    return static_cast<const T &>(*options);
  }
};

/// Keras's callbacks' `mode`: whether the monitored quantity should fall
/// (min) or rise (max); auto, the default, is max for accuracies and min
/// for losses and errors.
enum class MonitorMode { Auto, Min, Max };

/// "min", "max" or "auto"; nullopt for anything else.
inline std::optional<MonitorMode> parseMonitorMode(llvm::StringRef text) {
  if (text == "auto")
    return MonitorMode::Auto;
  if (text == "min")
    return MonitorMode::Min;
  if (text == "max")
    return MonitorMode::Max;
  return std::nullopt;
}

/// The training section; filled with Keras's defaults where not written.
/// Keras's EarlyStopping callback, from the train block's `callbacks`.
struct EarlyStoppingSpec {
  std::string monitor = "val_loss";
  int64_t patience = 0;
  double minDelta = 0;
  bool restoreBestWeights = false;
  MonitorMode mode = MonitorMode::Auto;
};

/// A Keras LearningRateSchedule passed as an optimizer's `learning_rate`,
/// evaluated in train_step on the step counter.
struct ScheduleSpec {
  enum class Kind { ExponentialDecay, PiecewiseConstantDecay, CosineDecay };
  Kind kind = Kind::ExponentialDecay;
  double initialLearningRate = 0, decaySteps = 1;
  /// exponential_decay.
  double decayRate = 1;
  bool staircase = false;
  /// piecewise_constant_decay.
  std::vector<double> boundaries, values;
  /// cosine_decay.
  double alpha = 0;
  std::optional<double> warmupTarget;
  double warmupSteps = 0;
};

/// Keras's ReduceLROnPlateau callback: `dlc train` lowers the rate in
/// opt_state's learning-rate slot between epochs.
struct ReduceLROnPlateauSpec {
  std::string monitor = "val_loss";
  double factor = 0.1;
  int64_t patience = 10;
  double minDelta = 1e-4;
  int64_t cooldown = 0;
  double minLr = 0;
  MonitorMode mode = MonitorMode::Auto;
};

struct TrainSpec {
  const LossKind *loss = nullptr;
  bool fromLogits = false;
  const OptimizerKind *optimizer = nullptr;
  /// One value per optimizer option (OptimizerKind::getOptions()).
  std::vector<double> optimizerValues;
  /// The options Keras's optimizer base class gives every optimizer;
  /// 0 = not set. At most one of the three clipping options is set.
  double weightDecay = 0, clipnorm = 0, clipvalue = 0, globalClipnorm = 0;
  std::vector<std::string> metrics;
  /// Whether the metrics name mae or mse: the compiled steps then report
  /// both (metrics[2] and [3] of the C entry points).
  bool measuresErrors() const {
    for (const std::string &m : metrics)
      if (m == "mae" || m == "mse")
        return true;
    return false;
  }
  /// Keras's fit arguments, when the train block sets them (`dlc train`'s
  /// flags override them). They do not change the compiled code.
  std::optional<int64_t> epochs, batchSize;
  std::optional<double> validationSplit;
  std::optional<EarlyStoppingSpec> earlyStopping;
  std::optional<ScheduleSpec> schedule;
  std::optional<ReduceLROnPlateauSpec> reduceLROnPlateau;
  llvm::SMLoc loc;
};

struct ModelSpec {
  std::string name;
  llvm::SMLoc loc;
  std::vector<LayerSpec> layers; ///< Topologically ordered; inputs first.
  std::vector<ParamSpec> params;
  int inputLayer = 0; ///< v1: exactly one input.
  int outputLayer = 0;
  std::optional<TrainSpec> train;

  /// Whether a layer computes differently when training (dropout): the
  /// model functions then take a training key, and train_step an optimizer
  /// state seed slot.
  bool hasTrainingForm() const {
    for (const LayerSpec &l : layers)
      if (l.kind && l.kind->hasTrainingForm())
        return true;
    return false;
  }
  /// Whether a layer's training form mixes the samples of a batch
  /// (LayerKind::couplesBatch).
  bool couplesBatch() const {
    for (const LayerSpec &l : layers)
      if (l.kind && l.kind->couplesBatch(l))
        return true;
    return false;
  }
  /// Floats of train_gradients' and apply_gradients' buffer: the
  /// trainable tensors, then the statistics the step overwrites.
  int64_t numGradFloats() const {
    int64_t n = 0;
    for (const ParamSpec &p : params)
      n += p.trainable || p.updated ? p.numElements() : 0;
    return n;
  }
  int64_t numParams() const {
    int64_t n = 0;
    for (const ParamSpec &p : params)
      n += p.numElements();
    return n;
  }
  const Shape &inputShape() const { return layers[inputLayer].outShape; }
  const Shape &outputShape() const { return layers[outputLayer].outShape; }
};

} // namespace dlc

#endif // DL_FRONTEND_MODELSPEC_H
