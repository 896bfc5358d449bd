//===- Commands.h - dlc train / evaluate / predict ----------------*- C++
//-*-===//
//
// The Keras-like workflow over a JIT-compiled model and the runtime (dlrt):
// data loading, shuffling, batching, progress, history, checkpoints.
//
//===----------------------------------------------------------------------===//
#ifndef DL_COMPILER_COMMANDS_H
#define DL_COMPILER_COMMANDS_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dlc {

/// The Fashion-MNIST files of Debian's dataset-fashion-mnist package.
inline constexpr const char *kDefaultData = "/usr/share/datasets/fashion-mnist";

/// How the training commands compile the model in-process.
struct JitCodegen {
  unsigned optLevel = 2;
  bool threads = false; ///< OpenMP matrix products (libomp, OMP_NUM_THREADS)
  bool flushDenormals =
      true;             ///< Subnormals flushed to zero (dl-flush-denormals)
  bool cache = true;    ///< The compiled-model cache (off: --no-cache)
  bool verbose = false; ///< Say whether the model came from the cache
};

struct TrainOptions {
  std::string input;
  std::string data = kDefaultData; ///< IDX directory or a CSV file.
  std::string testData;            ///< CSV test file (IDX: from the directory).
  /// The .npy targets of a .npy --data, --test-data, --validation-data.
  std::string targets, testTargets, validationTargets;
  /// Unset: the train block's, else Keras's defaults (1, 32, 0).
  std::optional<int64_t> epochs;
  std::optional<int64_t> batchSize;
  std::optional<double> validationSplit;
  uint64_t seed = 0;
  std::string save;           ///< safetensors checkpoint, rewritten every epoch
  std::string history;        ///< CSV, rewritten every epoch
  std::string plot;           ///< SVG, rewritten every epoch
  std::string initFrom;       ///< transfer learning: matching parameters only
  std::string resume;         ///< continue: parameters, optimizer state, epoch
  std::string validationData; ///< held-out data instead of a split
  /// Keras's EarlyStopping: stop once `monitor` has not improved by more
  /// than `minDelta` for `patience` epochs.
  bool earlyStopping = false;
  std::optional<std::string> monitor; ///< unset: val_loss (Keras)
  std::optional<int64_t> patience;
  std::optional<double> minDelta;
  bool restoreBestWeights = false;
  /// Whether `monitor` should fall or rise: min, max or auto (unset: the
  /// train block's, else auto: max for accuracies).
  std::optional<std::string> mode;
  std::string saveBest; ///< checkpoint of the best epoch by `monitor`
  /// Keras's ReduceLROnPlateau from the command line: `enabled` adds it to a
  /// train block without one; each option overrides the block's (or Keras's
  /// default).
  struct ReduceLrFlags {
    bool enabled = false;
    std::optional<std::string> monitor, mode;
    std::optional<double> factor, minDelta, minLr;
    std::optional<int64_t> patience, cooldown;
  } reduceLr;
  int verbose = 1; ///< Keras's fit: 0 silent, 1 bar, 2 a line per epoch
  /// Only these classes of every data set, relabelled 0, 1, ... in this
  /// order (empty: all), and at most maxSamples training samples (0: all).
  std::vector<int32_t> classes;
  int64_t maxSamples = 0;
  /// Data-parallel over MPI (docs/distributed.md); also when mpirun started
  /// this process.
  bool distributed = false;
  /// CSV columns (1-based) of float targets, for a loss that takes them
  /// (empty: the last columns, one per output value).
  std::vector<int32_t> targetColumns;
  JitCodegen codegen;
};

struct EvaluateOptions {
  std::string input;
  std::string weights;
  std::string data = kDefaultData;
  std::string targets; ///< .npy targets of a .npy `data`
  int64_t batchSize = 1000;
  std::vector<int32_t> classes;       ///< as TrainOptions::classes
  std::vector<int32_t> targetColumns; ///< as TrainOptions::targetColumns
  JitCodegen codegen;
};

struct PredictOptions {
  std::string input;
  std::string weights;
  std::string inputFile; ///< IDX images, CSV rows of features, or .npy
  std::string output;    ///< every prediction, as .npy or CSV (empty: none)
  int64_t topK = 3;
  int64_t limit = 10; ///< samples to print
  JitCodegen codegen;
};

/// dlc explain: saliency maps (the input_gradient entry point).
struct ExplainOptions {
  std::string input;
  std::string weights;
  std::string data = kDefaultData; ///< IDX directory (t10k), CSV, .npy, IDX
  std::string output;              ///< .npy (the gradients) or .png (a picture)
  std::optional<int64_t> index;    ///< one sample (default 0)
  std::optional<int64_t> limit;    ///< the first samples
  std::string classChoice = "predicted"; ///< a class index, predicted, label
  JitCodegen codegen;
};

int runTrain(const TrainOptions &options);
int runEvaluate(const EvaluateOptions &options);
int runPredict(const PredictOptions &options);
int runExplain(const ExplainOptions &options);

} // namespace dlc

#endif // DL_COMPILER_COMMANDS_H
