//===- Commands.cpp - dlc train / evaluate / predict
//-----------------------===//
//
// Keras semantics where a Keras user would look for them: validation_split
// takes the last samples before shuffling, the last partial batch is
// trained on, the epoch line shows running means, evaluate reports the mean
// loss and accuracy over the whole set. Same seed, same data: same numbers.
//
//===----------------------------------------------------------------------===//
#include "dl/Compiler/Commands.h"
#include "dl/Compiler/Cache.h"
#include "dl/Compiler/Checkpoint.h"
#include "dl/Compiler/Distributed.h"
#include "dl/Compiler/Driver.h"
#include "dl/Compiler/Jit.h"

#include "dl/Dialect/DL/IR/DLEntryPoints.h"
#include "dlrt/dlrt.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <vector>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#if defined(__linux__)
#include <link.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace dlc {
namespace {

/// The checkpoint tensor holding the optimizer state (step, moments).
constexpr const char *kStateTensor = "optimizer.state";

/// The largest --batch-size and --epochs accepted: far beyond any real run,
/// small enough that batch * sample size cannot overflow.
constexpr int64_t kMaxBatch = int64_t(1) << 20;
constexpr int64_t kMaxEpochs = 1000000;
/// An epoch's loss this many times the first step's is reported as
/// divergence.
constexpr double kDivergence = 1e6;

/// The rows a batch buffer needs: a batch larger than the data set (Keras
/// allows it) is the whole set.
int64_t batchRows(int64_t batch, int64_t count) {
  return std::max<int64_t>(1, std::min(batch, count));
}

int fail(const std::string &message) {
  error() << message << "\n";
  return 1;
}

/// A dlrt_dataset that frees itself.
struct Dataset : dlrt_dataset {
  Dataset() : dlrt_dataset{} {}
  ~Dataset() { dlrt_dataset_free(this); }
  Dataset(const Dataset &) = delete;
  Dataset &operator=(const Dataset &) = delete;
};

/// "train-images-idx3-ubyte" with or without ".gz", in `dir`.
std::string findIdx(const std::string &dir, const std::string &stem) {
  for (const char *ext : {".gz", ""}) {
    llvm::SmallString<256> p(dir);
    llvm::sys::path::append(p, stem + ext);
    if (llvm::sys::fs::exists(p))
      return std::string(p);
  }
  return "";
}

/// Values per step of a shape with a variable axis (-1): the product of
/// the others.
int64_t stepSize(const Shape &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d < 0 ? 1 : d;
  return n;
}

/// The CSV columns (0-based, negative from the end) of a model's float
/// targets, or none when its loss takes class labels: --target-columns
/// (1-based), else the last columns, one per output value.
std::optional<std::vector<int32_t>>
targetColumns(const JitModel &m, const std::vector<int32_t> &flag) {
  const ModelSpec &spec = m.spec();
  if (!spec.train || spec.train->loss->getTargets() != TargetKind::LikeOutput)
    return std::nullopt;
  if (!flag.empty()) {
    std::vector<int32_t> columns;
    for (int32_t c : flag)
      columns.push_back(c - 1);
    return columns;
  }
  // (A variable-length output is refused later, by name; read one step.)
  int32_t n = int32_t(stepSize(spec.outputShape()));
  std::vector<int32_t> columns;
  for (int32_t k = -n; k < 0; ++k)
    columns.push_back(k);
  return columns;
}

bool isNpy(const std::string &path) {
  return llvm::StringRef(path).ends_with_insensitive(".npy");
}

/// A shape without its axes of size 1: the per-sample shape of a .npy file
/// and the model's match when these do, so that f32[50, 1] takes [N, 50, 1]
/// and [N, 50], and an output f32[1] targets [N, 1] and [N].
Shape squeezed(const int64_t *dims, int64_t rank) {
  Shape r;
  for (int64_t i = 0; i < rank; ++i)
    if (dims[i] != 1)
      r.push_back(dims[i]);
  return r;
}

/// "(N, 50, 1)": a batch of samples of shape `s` ("(N, T, 1)" for f32[?, 1]).
std::string batchShape(const Shape &s) {
  std::string r = "(N";
  for (int64_t d : s)
    r += ", " + (d < 0 ? std::string("T") : std::to_string(d));
  return r + ")";
}

/// "(100, 50, 1)": a .npy array's shape as numpy prints it.
std::string npyShape(const dlrt_dataset &ds) {
  std::string r = "(" + std::to_string(ds.count);
  for (int32_t i = 0; i < ds.rank; ++i)
    r += ", " + std::to_string(ds.shape[i]);
  return r + (ds.rank == 0 ? ",)" : ")");
}

/// Loads .npy inputs (`xFlag` 'x') and, unless `y` is empty, their targets
/// (`yFlag` 'y', the same number of samples): float targets shaped like the
/// model's output, or one class index per sample for a loss that takes
/// labels. Checks the per-sample shapes against the model's.
bool loadNpy(const JitModel &m, const char *xFlag, const std::string &x,
             const char *yFlag, const std::string &y, Dataset &ds) {
  const ModelSpec &spec = m.spec();
  dlrt_error err;
  if (dlrt_load_npy(x.c_str(), &ds, &err)) {
    fail(err.message);
    return false;
  }
  // A variable time axis (f32[?, F]) takes the file's length there: the
  // first per-sample axis, in [N, T, F] and [N, T] alike.
  Shape in = spec.inputShape();
  if (m.variableLength() && ds.rank >= 1 && !in.empty())
    in[0] = ds.shape[0];
  if (squeezed(ds.shape, ds.rank) != squeezed(in.data(), int64_t(in.size()))) {
    in = spec.inputShape();
    fail(fmt::format("{} '{}': expected samples of shape {} (model '{}' "
                     "takes input {}; axes of size 1 may be left out), "
                     "found array {}",
                     xFlag, x, batchShape(in), spec.name, formatShape(in),
                     npyShape(ds)));
    return false;
  }
  if (y.empty())
    return true;
  Dataset t;
  if (dlrt_load_npy(y.c_str(), &t, &err)) {
    fail(err.message);
    return false;
  }
  if (t.count != ds.count) {
    fail(fmt::format("{} '{}' has {} samples (array {}), but {} '{}' has {}",
                     yFlag, y, t.count, npyShape(t), xFlag, x, ds.count));
    return false;
  }
  const Shape &out = spec.outputShape();
  const TargetKind kind = spec.train->loss->getTargets();
  const bool likeOutput =
      squeezed(t.shape, t.rank) == squeezed(out.data(), int64_t(out.size()));
  // Float targets: a loss on values shaped like the output, or one-hot rows
  // for categorical cross-entropy.
  if (kind == TargetKind::LikeOutput ||
      (kind == TargetKind::Distribution && likeOutput && t.sample_size > 1)) {
    if (!likeOutput) {
      fail(fmt::format("{} '{}': expected targets of shape {} (model "
                       "'{}' outputs {}), found array {}",
                       yFlag, y, batchShape(out), spec.name, formatShape(out),
                       npyShape(t)));
      return false;
    }
    ds.targets = t.x;
    ds.target_size = t.sample_size;
    t.x = nullptr;
    return true;
  }
  // Class indices: one per sample, integers >= 0.
  if (t.sample_size != 1) {
    fail(fmt::format("{} '{}': expected one class index per sample (loss {} "
                     "takes class labels), or one-hot rows shaped like the "
                     "output {}, found array {}",
                     yFlag, y, spec.train->loss->getName().str(),
                     formatShape(out), npyShape(t)));
    return false;
  }
  ds.labels = static_cast<int32_t *>(std::malloc(sizeof(int32_t) * t.count));
  if (!ds.labels) {
    fail(fmt::format("{} '{}': out of memory", yFlag, y));
    return false;
  }
  for (int64_t i = 0; i < t.count; ++i) {
    float v = t.x[i];
    if (!(v >= 0 && v == std::floor(v) && v <= 1e6)) {
      fail(fmt::format("{} '{}': sample {} (counting from 0) has target {}, "
                       "but loss {} takes class indices (integers >= 0)",
                       yFlag, y, i, v, spec.train->loss->getName().str()));
      return false;
    }
    ds.labels[i] = int32_t(v);
    ds.num_classes = std::max(ds.num_classes, ds.labels[i] + 1);
  }
  return true;
}

/// --data and --targets (or their --test-/--validation- forms): .npy inputs
/// need .npy targets, and only they do.
bool checkNpyPair(const char *xFlag, const std::string &x, const char *yFlag,
                  const std::string &y) {
  if (x.empty() && !y.empty()) {
    fail(fmt::format("{} names the targets of {}, which is not given", yFlag,
                     xFlag));
    return false;
  }
  if (isNpy(x) && y.empty()) {
    fail(fmt::format("{} '{}' is a .npy file: its targets come from {} "
                     "(a .npy file with the same number of samples)",
                     xFlag, x, yFlag));
    return false;
  }
  if (!x.empty() && !isNpy(x) && !y.empty()) {
    fail(fmt::format("{} is for .npy data, but {} '{}' is not a .npy file "
                     "(a CSV file holds its targets in columns: "
                     "--target-columns)",
                     yFlag, xFlag, x));
    return false;
  }
  return true;
}

/// --target-columns names CSV columns: a .npy file's targets are a file.
bool checkTargetColumns(const std::string &data,
                        const std::vector<int32_t> &columns) {
  if (isNpy(data) && !columns.empty()) {
    fail(fmt::format("--target-columns names columns of a CSV file, but "
                     "--data '{}' is a .npy file (its targets: --targets)",
                     data));
    return false;
  }
  return true;
}

/// The options of the compiled-model cache that also keeps decoded data
/// (set once by the command, before it loads any).
struct DataCache {
  std::optional<ObjectCache> cache;
  bool verbose = false;
} dataCache;

/// Loads IDX `images` and `labels` through the cache's decoded copy of the
/// images when they are gzip: the copy mapped if there (a warm start then
/// reads only the pages it uses), else decoded from the file and the copy
/// written. The labels are small: read as they
/// are.
int loadIdx(const std::string &images, const std::string &labels, Dataset &ds,
            dlrt_error &err) {
  const ObjectCache *cache = dataCache.cache ? &*dataCache.cache : nullptr;
  std::string copy = cache ? cache->decodedPath(images) : "";
  if (!copy.empty() && llvm::sys::fs::exists(copy)) {
    if (!dlrt_load_idx_mapped(copy.c_str(), labels.c_str(), 1.0f / 255, &ds,
                              &err)) {
      if (dataCache.verbose)
        llvm::WithColor::note(llvm::errs(), "dlc")
            << "using the decoded copy '" << copy << "' of '" << images
            << "'\n";
      return 0;
    }
    // Cut short or otherwise damaged: the file itself decides (and its
    // errors name it, not the copy).
    llvm::WithColor::note(llvm::errs(), "dlc")
        << "ignoring the unreadable decoded copy '" << copy << "' of '"
        << images << "'; decoding it again\n";
    (void)llvm::sys::fs::remove(copy);
    dlrt_dataset_free(&ds);
  }
  if (dlrt_load_idx(images.c_str(), labels.c_str(), 1.0f / 255, &ds, &err))
    return -1;
  if (copy.empty())
    return 0;
  // The IDX header of the samples as loaded, then their bytes.
  std::string header = {0, 0, 0x08, char(ds.rank + 1)};
  auto dim = [&](int64_t d) {
    for (int shift : {24, 16, 8, 0})
      header += char((uint64_t(d) >> shift) & 0xff);
  };
  dim(ds.count);
  for (int32_t i = 0; i < ds.rank; ++i)
    dim(ds.shape[i]);
  cache->storeDecoded(
      copy, {header, llvm::StringRef(reinterpret_cast<const char *>(ds.bytes),
                                     size_t(ds.count * ds.sample_size))});
  if (dataCache.verbose)
    llvm::WithColor::note(llvm::errs(), "dlc")
        << "decoded '" << images << "', kept as '" << copy << "'\n";
  return 0;
}

/// Loads split `which` ("train" or "t10k") of `data`: a directory of IDX
/// files (pixels / 255), or a CSV file (label in the last column, or float
/// targets in `targets`' columns).
bool loadData(const std::string &data, const std::string &which, Dataset &ds,
              bool required = true,
              const std::optional<std::vector<int32_t>> &targets = {}) {
  dlrt_error err;
  if (llvm::sys::fs::is_directory(data)) {
    std::string images = findIdx(data, which + "-images-idx3-ubyte");
    std::string labels = findIdx(data, which + "-labels-idx1-ubyte");
    if (images.empty() || labels.empty()) {
      if (required)
        fail(fmt::format("'{}': expected the IDX files {}-images-"
                         "idx3-ubyte[.gz] and {}-labels-idx1-"
                         "ubyte[.gz] (MNIST's layout)",
                         data, which, which));
      return false;
    }
    if (loadIdx(images, labels, ds, err)) {
      fail(err.message);
      return false;
    }
    return true;
  }
  if (targets ? dlrt_load_csv_targets(data.c_str(), targets->data(),
                                      int32_t(targets->size()), 1.0f, &ds, &err)
              : dlrt_load_csv(data.c_str(), -1, 1.0f, &ds, &err)) {
    fail(err.message);
    return false;
  }
  return true;
}

/// --classes and --max-samples: the listed classes of `ds`, relabelled by
/// their position in the list, at most `max` samples (0: all).
bool selectClasses(Dataset &ds, const std::vector<int32_t> &classes,
                   int64_t max, const std::string &what) {
  if (classes.empty() && max == 0)
    return true;
  if (ds.targets) {
    fail(fmt::format("{} has float targets: {} selects classes", what,
                     classes.empty() ? "--max-samples" : "--classes"));
    return false;
  }
  std::vector<int32_t> all;
  if (classes.empty())
    for (int32_t c = 0; c < ds.num_classes; ++c)
      all.push_back(c);
  const std::vector<int32_t> &keep = classes.empty() ? all : classes;
  dlrt_error err;
  if (dlrt_select_classes(&ds, keep.data(), int32_t(keep.size()), max, &err)) {
    fail(fmt::format("--classes: {}", err.message));
    return false;
  }
  if (ds.count == 0) {
    fail(fmt::format("{} has no samples of the classes given by --classes",
                     what));
    return false;
  }
  return true;
}

/// "--data 'path'": where a data set came from, for its errors; an IDX
/// directory adds the split ("train" or "t10k").
std::string dataOrigin(const char *flag, const std::string &path,
                       const char *split = "train") {
  if (llvm::sys::fs::is_directory(path))
    return fmt::format("{} '{}' ({} split)", flag, path, split);
  return fmt::format("{} '{}'", flag, path);
}

/// Checks that `sampleSize` values per sample fit model `m`'s input; in a
/// model with a variable axis (input f32[?, F]) a CSV row or IDX item of
/// fixed size is a sequence of sampleSize / F steps, and this sets m's
/// length (Targets keeps it for its data set's batches). (A data set that knows
/// its shape, as .npy [N, T, F] would, sets the length from T here instead.)
/// `what` names the data by its option and file; `extra` follows the count in
/// the message. Fails (diagnosed).
bool checkSampleSize(const JitModel &m, int64_t sampleSize,
                     const std::string &what, const std::string &extra = "") {
  const ModelSpec &spec = m.spec();
  if (!m.variableLength()) {
    if (sampleSize == numElements(spec.inputShape()))
      return true;
    fail(fmt::format("{} has {} values per sample{}, but model '{}' "
                     "takes input {} ({} values)",
                     what, sampleSize, extra, spec.name,
                     formatShape(spec.inputShape()),
                     numElements(spec.inputShape())));
    return false;
  }
  if (llvm::is_contained(spec.outputShape(), -1)) {
    fail(fmt::format("model '{}' outputs {}, with a variable length: dlc "
                     "reads fixed-size targets only; reduce the sequence "
                     "(return_sequences = false) or call the entry points "
                     "from C",
                     spec.name, formatShape(spec.outputShape())));
    return false;
  }
  int64_t step = stepSize(spec.inputShape());
  if (sampleSize < step || sampleSize % step != 0) {
    fail(fmt::format("{} has {} values per sample{}, but model '{}' takes "
                     "input {}: a whole number of steps of {} value{} (the "
                     "length is values / {})",
                     what, sampleSize, extra, spec.name,
                     formatShape(spec.inputShape()), step, step == 1 ? "" : "s",
                     step));
    return false;
  }
  m.setLength(sampleSize / step);
  return true;
}

/// Turns a data set's class labels into the model's targets: int32 indices
/// for sparse cross-entropy, one-hot rows for categorical, the label value
/// for a single-output model. Checks sizes and ranges.
class Targets {
public:
  /// `what` names the data set by its option and file (dataOrigin).
  bool init(const JitModel &m, const Dataset &ds, const std::string &what) {
    const ModelSpec &spec = m.spec();
    if (m.variableLength() && llvm::is_contained(spec.outputShape(), -1))
      return checkSampleSize(m, ds.sample_size, what); // says why not
    outSize = numElements(spec.outputShape());
    // The target count first: a wrong one also shifts the feature count.
    if (ds.targets && ds.target_size != outSize) {
      fail(fmt::format("{} has {} target column{} per sample, but model '{}' "
                       "outputs {} ({} values); name them with "
                       "--target-columns",
                       what, ds.target_size, ds.target_size == 1 ? "" : "s",
                       spec.name, formatShape(spec.outputShape()), outSize));
      return false;
    }
    if (!checkSampleSize(m, ds.sample_size, what,
                         ds.targets
                             ? fmt::format(" (besides its {} target column{})",
                                           ds.target_size,
                                           ds.target_size == 1 ? "" : "s")
                             : std::string()))
      return false;
    model = &m;
    outSize = numElements(spec.outputShape());
    sparse = m.sparseLabels();
    oneHot = spec.train &&
             spec.train->loss->getTargets() == TargetKind::Distribution;
    floats = ds.targets != nullptr;
    if (floats)
      return initFloats(spec, ds, what);
    if (!sparse && !oneHot && outSize != 1) {
      fail(fmt::format("loss {} needs targets shaped like the "
                       "output {}, but {} has one class label per "
                       "sample",
                       spec.train ? spec.train->loss->getName().str()
                                  : std::string("(none)"),
                       formatShape(spec.outputShape()), what));
      return false;
    }
    // Binary cross-entropy of a label outside [0, 1] is no loss at all
    // (it goes below zero and training runs away): the data set is a
    // multi-class one, or its labels are not 0/1.
    if (!sparse && !oneHot && spec.train &&
        spec.train->loss->getFoldedActivation() == "sigmoid")
      for (int64_t i = 0; i < ds.count; ++i)
        if (ds.labels[i] != 0 && ds.labels[i] != 1) {
          fail(fmt::format("{}: sample {} (counting from 0) has label {}, "
                           "but loss {} needs labels 0 or 1",
                           what, i, ds.labels[i],
                           spec.train->loss->getName().str()));
          return false;
        }
    if (sparse || oneHot)
      for (int64_t i = 0; i < ds.count; ++i)
        if (ds.labels[i] < 0 || ds.labels[i] >= outSize) {
          fail(fmt::format("{}: sample {} (counting from 0) has label {}, "
                           "outside the model's {} classes",
                           what, i, ds.labels[i], outSize));
          return false;
        }
    return true;
  }

  /// Float targets (a regression CSV; their count checked): finite, and in
  /// [0, 1] for binary cross-entropy.
  bool initFloats(const ModelSpec &spec, const Dataset &ds,
                  const std::string &what) {
    if (spec.train->loss->getFoldedActivation() == "sigmoid")
      for (int64_t i = 0; i < ds.count * outSize; ++i)
        if (!(ds.targets[i] >= 0 && ds.targets[i] <= 1)) {
          fail(fmt::format("{}: sample {} (counting from 0) has target {}, "
                           "but loss {} needs targets in [0, 1]",
                           what, i / outSize, ds.targets[i],
                           spec.train->loss->getName().str()));
          return false;
        }
    return true;
  }

  /// Targets for the batch of samples order[first..first+n) of `ds` (first..
  /// first+n without an order) whose labels dlrt_gather put in `labels`.
  const void *batch(const Dataset &ds, const int64_t *order, int64_t first,
                    const int32_t *labels, int64_t n) {
    useLengthOf(ds);
    if (floats) {
      dense.resize(n * outSize);
      dlrt_gather_targets(&ds, order, first, n, dense.data());
      return dense.data();
    }
    if (sparse)
      return labels;
    dense.assign(n * outSize, 0.0f);
    for (int64_t i = 0; i < n; ++i) {
      if (oneHot)
        dense[i * outSize + labels[i]] = 1.0f;
      else
        dense[i] = float(labels[i]);
    }
    return dense.data();
  }

  /// With a variable axis, the calls that follow run at the length of
  /// `ds`'s sequences (train, validation and test sets may differ; init
  /// checked that each is a whole number of steps).
  void useLengthOf(const Dataset &ds) const {
    if (model && model->variableLength())
      model->setLength(ds.sample_size / stepSize(model->spec().inputShape()));
  }

private:
  int64_t outSize = 0;
  bool sparse = false, oneHot = false, floats = false;
  const JitModel *model = nullptr;
  std::vector<float> dense;
};

struct Metrics {
  double loss = 0, correct = 0;
  int64_t count = 0;
  /// mae and mse: sums of |p - t| and (p - t)^2 over `values` elements.
  double absError = 0, squaredError = 0;
  int64_t values = 0;
  /// Adds a step's metrics over `n` samples; with `errorValues` (the
  /// predicted values, where the step measures mae and mse) also m[2] and
  /// m[3], which are means over them.
  void add(const float *m, int64_t n, int64_t errorValues = 0) {
    loss += double(m[0]) * n;
    correct += m[1];
    count += n;
    if (errorValues) {
      absError += double(m[2]) * double(errorValues);
      squaredError += double(m[3]) * double(errorValues);
      values += errorValues;
    }
  }
  /// Adds the errors of `n` values predicted `p` against targets `t`.
  void addErrors(const float *p, const float *t, int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
      double d = double(p[i]) - double(t[i]);
      absError += std::fabs(d);
      squaredError += d * d;
    }
    values += n;
  }
  double meanLoss() const { return count ? loss / count : NAN; }
  double accuracy() const { return count ? correct / count : NAN; }
  /// A metric by its history name: accuracy, mae or mse.
  double metric(llvm::StringRef name) const {
    if (name == "accuracy")
      return accuracy();
    if (!values)
      return NAN;
    return (name == "mae" ? absError : squaredError) / double(values);
  }
};

/// The predicted values of `n` samples whose mae and mse the compiled steps
/// report (metrics[2] and [3]; where the train block measures them), else 0.
int64_t stepErrorValues(const JitModel &m, int64_t n) {
  return m.spec().train->measuresErrors()
             ? n * numElements(m.spec().outputShape())
             : 0;
}

/// Adds to `r` the errors of the model's predictions for the `n` samples in
/// `x` against their float targets `t` (`pred`: scratch): `dlc evaluate`'s
/// mae and mse of a regressor whose train block does not measure them.
void addPredictionErrors(const JitModel &m, const std::vector<float> &params,
                         const float *x, const void *t, int64_t n,
                         std::vector<float> &pred, Metrics &r) {
  int64_t outSize = numElements(m.spec().outputShape());
  pred.resize(n * outSize);
  m.predict(params.data(), x, pred.data(), n);
  r.addErrors(pred.data(), static_cast<const float *>(t), n * outSize);
}

/// Scratch memory an evaluation or prediction may take: a batch of 1,000 CNN
/// samples would need ~430 MB of intermediates, a batch of MLP samples ~1 MB.
constexpr int64_t kEvalWorkspaceBytes = int64_t(64) << 20;

/// batchRows, and fewer rows when their intermediates (`perSample` bytes
/// each) would pass kEvalWorkspaceBytes: the metrics are sums over samples,
/// predictions per sample, so the batch changes only rounding.
int64_t boundedRows(int64_t batch, int64_t count, int64_t perSample) {
  return std::max<int64_t>(
      1, std::min(batchRows(batch, count),
                  kEvalWorkspaceBytes / std::max<int64_t>(1, perSample)));
}

/// Mean loss and accuracy of `ds` in batches of `batch`.
Metrics evaluateRows(const JitModel &m, const std::vector<float> &params,
                     const Dataset &ds, Targets &targets, int64_t batch,
                     int64_t begin, int64_t end, bool errors) {
  Metrics r;
  std::vector<float> pred;
  targets.useLengthOf(ds);
  batch = boundedRows(batch, ds.count, m.evalStepWorkspaceSize(1));
  std::vector<float> x(batch * ds.sample_size);
  std::vector<int32_t> y(batch);
  for (int64_t i = begin; i < end; i += batch) {
    int64_t n = std::min(batch, end - i);
    dlrt_gather(&ds, nullptr, i, n, x.data(), y.data());
    float out[mlir::dl::metricsSize(true)];
    const void *t = targets.batch(ds, nullptr, i, y.data(), n);
    m.evalStep(params.data(), x.data(), t, n, out);
    const int64_t errorValues = stepErrorValues(m, n);
    r.add(out, n, errorValues);
    if (errors && !errorValues)
      addPredictionErrors(m, params, x.data(), t, n, pred, r);
  }
  return r;
}

/// The metrics of `ds`; in a distributed run each rank evaluates its share
/// of the rows and the sums are reduced. False (diagnosed) on an MPI error.
bool evaluate(const JitModel &m, const std::vector<float> &params,
              const Dataset &ds, Targets &targets, int64_t batch,
              Communicator *comm, Metrics &out) {
  const bool errors = m.spec().train->measuresErrors();
  if (!comm) {
    out = evaluateRows(m, params, ds, targets, batch, 0, ds.count, errors);
    return true;
  }
  int64_t r = comm->rank(), size = comm->size();
  out = evaluateRows(m, params, ds, targets, batch, ds.count * r / size,
                     ds.count * (r + 1) / size, errors);
  double sums[6] = {out.loss,     out.correct,      double(out.count),
                    out.absError, out.squaredError, double(out.values)};
  if (!comm->allreduceSum(sums, 6)) {
    fail(comm->error());
    return false;
  }
  out.loss = sums[0];
  out.correct = sums[1];
  out.count = int64_t(sums[2]);
  out.absError = sums[3];
  out.squaredError = sums[4];
  out.values = int64_t(sums[5]);
  return true;
}

/// Parameters, optimizer state and where training stands, atomically.
bool saveCheckpoint(const std::string &path, const ModelSpec &spec,
                    const std::vector<float> &params,
                    const std::vector<float> &state, int64_t epoch,
                    uint64_t seed) {
  std::vector<dlrt_named_tensor> tensors;
  for (const ParamSpec &p : spec.params) {
    dlrt_named_tensor t{};
    t.name = p.name.c_str();
    t.rank = int32_t(p.shape.size());
    std::copy(p.shape.begin(), p.shape.end(), t.shape);
    t.data = const_cast<float *>(params.data() + p.offset);
    tensors.push_back(t);
  }
  if (!state.empty()) {
    dlrt_named_tensor t{};
    t.name = kStateTensor;
    t.rank = 1;
    t.shape[0] = int64_t(state.size());
    t.data = const_cast<float *>(state.data());
    tensors.push_back(t);
  }
  std::string epochText = std::to_string(epoch);
  std::string seedText = std::to_string(seed);
  const char *meta[] = {
      "format",          "dlc",  "model",         spec.name.c_str(), "epoch",
      epochText.c_str(), "seed", seedText.c_str()};
  dlrt_error err;
  if (dlrt_save_safetensors(path.c_str(), tensors.data(),
                            int64_t(tensors.size()), meta, 4, &err)) {
    fail(err.message);
    return false;
  }
  return true;
}

const char *metadata(const dlrt_checkpoint &ck, const char *key) {
  for (int64_t i = 0; i < ck.metadata_pairs; ++i)
    if (std::string(ck.metadata_kv[2 * i]) == key)
      return ck.metadata_kv[2 * i + 1];
  return nullptr;
}

/// The files of --save, --history and --plot are first written after an
/// epoch: one that cannot be is an error before training, not an epoch later.
bool checkOutputPath(const char *flag, const std::string &path) {
  if (path.empty())
    return true;
  if (llvm::sys::fs::is_directory(path)) {
    fail(fmt::format("{} {}: is a directory", flag, path));
    return false;
  }
  llvm::StringRef dir = llvm::sys::path::parent_path(path);
  if (dir.empty())
    dir = ".";
  if (!llvm::sys::fs::is_directory(dir)) {
    fail(fmt::format("{} {}: directory '{}' does not exist", flag, path,
                     dir.str()));
    return false;
  }
  if (llvm::sys::fs::access(dir, llvm::sys::fs::AccessMode::Write)) {
    fail(fmt::format("{} {}: directory '{}' is not writable", flag, path,
                     dir.str()));
    return false;
  }
  return true;
}

/// The shuffle seed of epoch `e`: a function of (seed, e) only, so a run
/// resumed at epoch e sees the same order as an uninterrupted one.
/// Writes `seed` into opt_state's seed slot: its 16-bit words, low first,
/// one per float (exact, finite values; see docs/abi.md).
void writeSeed(float *state, uint64_t seed) {
  for (int k = 0; k < mlir::dl::kSeedWords; ++k)
    state[mlir::dl::kOptStateSeedOffset + k] =
        float((seed >> (16 * k)) & 0xffff);
}

/// The seed held in opt_state's seed slot.
uint64_t readSeed(const float *state) {
  uint64_t seed = 0;
  for (int k = 0; k < mlir::dl::kSeedWords; ++k)
    seed |= uint64_t(state[mlir::dl::kOptStateSeedOffset + k]) << (16 * k);
  return seed;
}

uint64_t epochSeed(uint64_t seed, int64_t epoch) {
  return seed * 0x9E3779B97F4A7C15ull + uint64_t(epoch);
}

/// "loss: 0.1234 - mae: 0.2345": the loss, then `metrics` in their order.
std::string formatMetrics(const Metrics &m,
                          const std::vector<std::string> &metrics,
                          const char *prefix = "") {
  std::string r = fmt::format("{}loss: {:.4f}", prefix, m.meanLoss());
  for (const std::string &name : metrics)
    r += fmt::format(" - {}{}: {:.4f}", prefix, name, m.metric(name));
  return r;
}

/// From how many training steps a model from the cache drops dlc's image.
constexpr int64_t kReleaseImageSteps = 100;

/// The rest of the command runs the compiled model, not the compiler: drops
/// this process's mappings of dlc's own image (the statically linked MLIR
/// and LLVM code and read-only data, 30-40 MB resident after compiling, and
/// as much from the static initialisers and the kernel's fault-around after
/// a cache hit). MADV_DONTNEED on clean, private file pages leaves them in
/// the page cache: what runs later faults its pages back from memory, and
/// the next dlc process starts as fast. (MADV_PAGEOUT, used before, evicted
/// them, so the next run read them from disk.)
static void releaseCompilerCode() {
#if defined(__linux__)
  dl_iterate_phdr(
      [](dl_phdr_info *info, size_t, void *) -> int {
        // The first object is the executable itself.
        const uintptr_t page = uintptr_t(sysconf(_SC_PAGESIZE));
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const ElfW(Phdr) &ph = info->dlpi_phdr[i];
          // Code and read-only data only: dropping written pages would
          // lose what was written.
          if (ph.p_type != PT_LOAD || (ph.p_flags & PF_W))
            continue;
          uintptr_t begin = (info->dlpi_addr + ph.p_vaddr) & ~(page - 1);
          uintptr_t end = info->dlpi_addr + ph.p_vaddr + ph.p_memsz;
          (void)madvise(reinterpret_cast<void *>(begin), end - begin,
                        MADV_DONTNEED);
        }
        return 1;
      },
      nullptr);
#endif
}

/// The runtime's rule (Keras's) for whether `mode` maximises `monitor`.
bool maximizes(MonitorMode mode, const std::string &monitor) {
  int m = mode == MonitorMode::Min   ? DLRT_MODE_MIN
          : mode == MonitorMode::Max ? DLRT_MODE_MAX
                                     : DLRT_MODE_AUTO;
  return dlrt_mode_maximizes(m, monitor.c_str()) == 1;
}

/// What a command calls of the model: the JIT compiles only that.
enum class JitUse { Train, TrainDistributed, Evaluate, Predict, Explain };

/// `adjust`, if given, changes the checked model before it is compiled (the
/// command line's settings that change the code); it reports its own errors.
std::unique_ptr<JitModel>
compileForCommand(const std::string &input, const JitCodegen &codegen,
                  JitUse use,
                  llvm::function_ref<bool(ModelSpec &)> adjust = nullptr) {
  std::unique_ptr<SourceModel> source = loadSourceModel(input);
  if (!source)
    return nullptr;
  if (use != JitUse::Predict && use != JitUse::Explain && !source->spec.train) {
    fail("model '" + source->spec.name +
         "' has no train section (loss and optimizer)");
    return nullptr;
  }
  if (adjust && !adjust(source->spec))
    return nullptr;
  // Each entry point inlines the whole network: compiling the ones a
  // command never calls would cost it their share of the compile time
  // (about half, for `dlc train` of the MLP).
  using mlir::dl::EntryKind;
  llvm::SmallVector<EntryKind> entries;
  if (use == JitUse::Predict) {
    entries = {EntryKind::Predict};
  } else if (use == JitUse::Explain) {
    entries = {EntryKind::Predict, EntryKind::InputGradient};
  } else {
    entries = {EntryKind::EvalStep};
    // The confusion matrix and a regressor's mae and mse (where the train
    // block does not measure them) come from predict's outputs.
    if (use == JitUse::Evaluate)
      entries.push_back(EntryKind::Predict);
    if (use != JitUse::Evaluate)
      entries.append({EntryKind::InitParams, EntryKind::OptStateSize,
                      EntryKind::InitOptState, EntryKind::TrainStepMetrics});
    if (use == JitUse::TrainDistributed)
      entries.append({EntryKind::TrainGradients, EntryKind::ApplyGradients});
  }
  std::optional<ObjectCache> cache = ObjectCache::open(codegen.cache);
  dataCache = {cache, codegen.verbose};
  auto jit = JitModel::compile(*source, codegen.optLevel, codegen.threads,
                               codegen.flushDenormals,
                               cache ? &*cache : nullptr, codegen.verbose,
                               /*evalTrainingForm=*/false, entries);
  if (!jit) {
    fail(llvm::toString(jit.takeError()));
    return nullptr;
  }
  // From the cache nothing was compiled: whether dlc's pages are worth
  // dropping depends on the run's length (train).
  if ((*jit)->fromCache())
    return std::move(*jit);
#ifdef __GLIBC__
  // The compiler's IR is freed by now; give its pages back before the data
  // set is loaded, so the peak RSS is not the compiler's plus the data's.
  malloc_trim(0);
#endif
  releaseCompilerCode();
  return std::move(*jit);
}

/// dlc train; `comm`: the ranks of a distributed run (null: one process).
int train(const TrainOptions &flags, Communicator *comm) {
  if ((flags.epochs &&
       !checkFlagRange("--epochs", *flags.epochs, 1, kMaxEpochs)) ||
      (flags.batchSize &&
       !checkFlagRange("--batch-size", *flags.batchSize, 1, kMaxBatch)))
    return 1;
  if (flags.validationSplit &&
      !(*flags.validationSplit >= 0 && *flags.validationSplit < 1))
    return fail(fmt::format("--validation-split must be in [0, 1), got {}",
                            *flags.validationSplit));
  const TrainOptions &o = flags;
  if (!o.initFrom.empty() && !o.resume.empty())
    return fail("--init-from and --resume exclude each other");
  if (!o.validationData.empty() && flags.validationSplit)
    return fail("--validation-data and --validation-split exclude each other");
  if (o.patience && !checkFlagRange("--patience", *o.patience, 0, kMaxEpochs))
    return 1;
  if (o.minDelta && !(*o.minDelta >= 0 && std::isfinite(*o.minDelta)))
    return fail(fmt::format("--min-delta must be a finite number >= 0, got {}",
                            *o.minDelta));
  std::optional<MonitorMode> mode, reduceMode;
  auto readMode = [](const char *flag, const std::optional<std::string> &text,
                     std::optional<MonitorMode> &out) {
    if (!text)
      return true;
    out = parseMonitorMode(*text);
    if (!out)
      fail(fmt::format("{} must be min, max or auto, got '{}'", flag, *text));
    return out.has_value();
  };
  if (!readMode("--mode", o.mode, mode))
    return 1;
  const TrainOptions::ReduceLrFlags &rf = o.reduceLr;
  if (!readMode("--reduce-lr-mode", rf.mode, reduceMode))
    return 1;
  // The same ranges as the train block's reduce_lr_on_plateau (TrainSema).
  if (rf.factor && !(*rf.factor > 0 && *rf.factor < 1))
    return fail(fmt::format("--reduce-lr-factor must be in (0, 1), got {}",
                            *rf.factor));
  if ((rf.patience &&
       !checkFlagRange("--reduce-lr-patience", *rf.patience, 0, kMaxEpochs)) ||
      (rf.cooldown &&
       !checkFlagRange("--reduce-lr-cooldown", *rf.cooldown, 0, kMaxEpochs)))
    return 1;
  for (auto [flag, value] : {std::pair{"--reduce-lr-min-delta", rf.minDelta},
                             std::pair{"--reduce-lr-min-lr", rf.minLr}})
    if (value && !(*value >= 0 && std::isfinite(float(*value))))
      return fail(fmt::format("{} must be at least 0 and finite as a 32-bit "
                              "float, got {}",
                              flag, *value));
  // Rank 0 alone prints and writes files (the others see the same values).
  const bool lead = !comm || comm->rank() == 0;
  const int verbose = lead ? o.verbose : 0;
  if (lead && (!checkOutputPath("--save", o.save) ||
               !checkOutputPath("--save-best", o.saveBest) ||
               !checkOutputPath("--history", o.history) ||
               !checkOutputPath("--plot", o.plot)))
    return 1;
  if (!o.save.empty() && o.save == o.saveBest)
    return fail(fmt::format("--save and --save-best name the same file '{}'; "
                            "--save keeps the last epoch (to --resume from), "
                            "--save-best the best one",
                            o.save));
  // --reduce-lr-on-plateau puts the rate in opt_state: it changes the code.
  auto applyReduceLrFlags = [&](ModelSpec &model) {
    TrainSpec &t = *model.train;
    if (!rf.enabled && !t.reduceLROnPlateau) {
      const char *option = rf.monitor    ? "--reduce-lr-monitor"
                           : rf.factor   ? "--reduce-lr-factor"
                           : rf.patience ? "--reduce-lr-patience"
                           : rf.minDelta ? "--reduce-lr-min-delta"
                           : rf.cooldown ? "--reduce-lr-cooldown"
                           : rf.minLr    ? "--reduce-lr-min-lr"
                           : rf.mode     ? "--reduce-lr-mode"
                                         : nullptr;
      if (option)
        fail(fmt::format("{} is an option of --reduce-lr-on-plateau, which "
                         "is not given (nor a reduce_lr_on_plateau callback "
                         "in the train block)",
                         option));
      return !option;
    }
    if (!t.reduceLROnPlateau) {
      // Keras: a rate from a schedule "is not settable" by the callback.
      if (t.schedule) {
        fail("--reduce-lr-on-plateau cannot change a learning rate that "
             "comes from a schedule (the train block's optimizer's "
             "learning_rate)");
        return false;
      }
      t.reduceLROnPlateau.emplace();
    }
    ReduceLROnPlateauSpec &r = *t.reduceLROnPlateau;
    r.monitor = rf.monitor.value_or(r.monitor);
    r.factor = rf.factor.value_or(r.factor);
    r.patience = rf.patience.value_or(r.patience);
    r.minDelta = rf.minDelta.value_or(r.minDelta);
    r.cooldown = rf.cooldown.value_or(r.cooldown);
    r.minLr = rf.minLr.value_or(r.minLr);
    r.mode = reduceMode.value_or(r.mode);
    return true;
  };
  std::unique_ptr<JitModel> m = compileForCommand(
      o.input, o.codegen, comm ? JitUse::TrainDistributed : JitUse::Train,
      applyReduceLrFlags);
  if (!m)
    return 1;
  const ModelSpec &spec = m->spec();
  const std::vector<std::string> &metrics = spec.train->metrics;
  const bool errors = spec.train->measuresErrors();
  // The train block's early_stopping callback, each flag overriding its
  // setting.
  const bool earlyStopping =
      o.earlyStopping || spec.train->earlyStopping.has_value();
  if (!earlyStopping) {
    const char *option = o.patience             ? "--patience"
                         : o.minDelta           ? "--min-delta"
                         : o.restoreBestWeights ? "--restore-best-weights"
                                                : nullptr;
    if (option)
      return fail(fmt::format("{} is an option of --early-stopping, which "
                              "is not given (nor an early_stopping callback "
                              "in the train block)",
                              option));
    if (o.monitor && o.saveBest.empty())
      return fail("--monitor names what --early-stopping and --save-best "
                  "watch; neither is given");
    if (o.mode && o.saveBest.empty())
      return fail("--mode says whether what --early-stopping and --save-best "
                  "watch should fall or rise; neither is given");
  }
  EarlyStoppingSpec es =
      spec.train->earlyStopping.value_or(EarlyStoppingSpec());
  if (o.monitor)
    es.monitor = *o.monitor;
  if (o.patience)
    es.patience = *o.patience;
  if (o.minDelta)
    es.minDelta = *o.minDelta;
  es.restoreBestWeights |= o.restoreBestWeights;
  es.mode = mode.value_or(es.mode);
  // The flags, else the train block (checked by Sema), else Keras's defaults.
  const int64_t epochs = flags.epochs.value_or(spec.train->epochs.value_or(1));
  const int64_t batchSize =
      flags.batchSize.value_or(spec.train->batchSize.value_or(32));
  const double validationSplit =
      flags.validationSplit.value_or(spec.train->validationSplit.value_or(0));

  Dataset train, validation, test;
  if (!o.targetColumns.empty() &&
      spec.train->loss->getTargets() != TargetKind::LikeOutput)
    return fail(fmt::format("--target-columns names float targets, but loss "
                            "{} takes class labels",
                            spec.train->loss->getName().str()));
  const auto floatTargets = targetColumns(*m, o.targetColumns);
  if (!checkNpyPair("--data", o.data, "--targets", o.targets) ||
      !checkNpyPair("--test-data", o.testData, "--test-targets",
                    o.testTargets) ||
      !checkNpyPair("--validation-data", o.validationData,
                    "--validation-targets", o.validationTargets) ||
      !checkTargetColumns(o.data, o.targetColumns))
    return 1;
  if (isNpy(o.data)
          ? !loadNpy(*m, "--data", o.data, "--targets", o.targets, train)
          : !loadData(o.data, "train", train, true, floatTargets))
    return 1;
  bool haveTest = false;
  if (isNpy(o.testData))
    haveTest = loadNpy(*m, "--test-data", o.testData, "--test-targets",
                       o.testTargets, test);
  else if (!o.testData.empty())
    haveTest = loadData(o.testData, "t10k", test, true, floatTargets);
  else if (llvm::sys::fs::is_directory(o.data))
    haveTest = loadData(o.data, "t10k", test, /*required=*/false);
  if (!o.testData.empty() && !haveTest)
    return 1;
  if (!selectClasses(train, o.classes, o.maxSamples,
                     dataOrigin("--data", o.data)) ||
      (haveTest && !selectClasses(test, o.classes, 0,
                                  o.testData.empty()
                                      ? dataOrigin("--data", o.data, "t10k")
                                      : dataOrigin("--test-data", o.testData))))
    return 1;
  // Checked before the split, so that the validation rows' labels are
  // checked too and sample numbers count from the start of the file.
  Targets targets;
  if (!targets.init(*m, train, dataOrigin("--data", o.data)) ||
      (haveTest && !targets.init(*m, test,
                                 o.testData.empty()
                                     ? dataOrigin("--data", o.data, "t10k")
                                     : dataOrigin("--test-data", o.testData))))
    return 1;
  dlrt_error err;
  if (!o.validationData.empty()) {
    // An IDX directory gives its test split, as --data's does to the test.
    if ((isNpy(o.validationData)
             ? !loadNpy(*m, "--validation-data", o.validationData,
                        "--validation-targets", o.validationTargets, validation)
             : !loadData(o.validationData, "t10k", validation, true,
                         floatTargets)) ||
        !selectClasses(
            validation, o.classes, 0,
            dataOrigin("--validation-data", o.validationData, "t10k")) ||
        !targets.init(
            *m, validation,
            dataOrigin("--validation-data", o.validationData, "t10k")))
      return 1;
  } else if (dlrt_split(&train, validationSplit, &validation, &err)) {
    return fail(err.message);
  }

  std::vector<float> params(spec.numParams());
  std::vector<float> state(m->optStateSize());
  m->initParams(params.data(), o.seed);
  m->initOptState(state.data());
  // Dropout masks are keyed by this seed and the step counter, both in
  // opt_state, so a run repeats with --seed and resumes with its state.
  if (spec.hasTrainingForm())
    writeSeed(state.data(), o.seed);
  int64_t firstEpoch = 1;
  if (!o.initFrom.empty() &&
      !loadParams(spec, o.initFrom, params, /*verbose=*/lead,
                  /*requireAll=*/false))
    return 1;
  if (!o.resume.empty()) {
    Checkpoint ck;
    if (dlrt_load_safetensors(o.resume.c_str(), &ck, &err))
      return fail(err.message);
    if (!loadParams(spec, o.resume, params, false, true, &ck))
      return 1;
    const dlrt_named_tensor *st = dlrt_checkpoint_find(&ck, kStateTensor);
    const char *epoch = metadata(ck, "epoch");
    if (!st || !epoch || st->rank != 1 || st->shape[0] != int64_t(state.size()))
      return fail(fmt::format("'{}' has no optimizer state of this "
                              "model's optimizer to resume from; use "
                              "--init-from to start from its weights",
                              o.resume));
    if (int64_t bad = firstNonFinite(st->data, int64_t(state.size())); bad >= 0)
      return fail(fmt::format("'{}': tensor '{}' holds {} at element [{}]; "
                              "refusing a checkpoint with non-finite values",
                              o.resume, kStateTensor, st->data[bad], bad));
    std::copy(st->data, st->data + state.size(), state.begin());
    firstEpoch = std::strtoll(epoch, nullptr, 10) + 1;
    if (verbose > 0)
      llvm::outs() << fmt::format("Resuming from {} after epoch {}\n", o.resume,
                                  firstEpoch - 1);
  }

  if (verbose > 0)
    llvm::outs() << fmt::format(
        "Training {} on {} samples{}, {} epochs, batch size {}{}\n", spec.name,
        train.count,
        validation.count ? fmt::format(", validating on {}", validation.count)
                         : std::string(),
        epochs, batchSize,
        comm ? fmt::format(" per rank, {} rank{}", comm->size(),
                           comm->size() == 1 ? "" : "s")
             : "");
  std::vector<const char *> columns{"epoch", "loss"};
  for (const std::string &name : metrics)
    columns.push_back(name.c_str());
  std::vector<std::string> valNames;
  for (const std::string &name : metrics)
    valNames.push_back("val_" + name);
  if (validation.count) {
    columns.push_back("val_loss");
    for (const std::string &name : valNames)
      columns.push_back(name.c_str());
  }
  // A rate that changes (a schedule, reduce_lr_on_plateau) is in opt_state
  // and in the history, as Keras 3's callbacks log it.
  const std::optional<ReduceLROnPlateauSpec> &reduceLr =
      spec.train->reduceLROnPlateau;
  const bool rateColumn = spec.train->schedule || reduceLr;
  if (rateColumn)
    columns.push_back("learning_rate");
  const size_t rateSlot = mlir::dl::kOptStateLearningRateOffset;
  size_t reduceIndex = 0;
  dlrt_plateau plateau;
  if (reduceLr) {
    auto column = llvm::find(columns, reduceLr->monitor);
    if (column == columns.end()) {
      std::vector<std::string> have(columns.begin() + 1, columns.end() - 1);
      return fail(fmt::format(
          "{} watches '{}', which this run does not measure (it measures: "
          "{}){}",
          rf.enabled ? "--reduce-lr-on-plateau"
                     : "the train block's reduce_lr_on_plateau",
          reduceLr->monitor, llvm::join(have, ", "),
          llvm::StringRef(reduceLr->monitor).starts_with("val_") &&
                  !validation.count
              ? "; validation needs --validation-split or --validation-data"
              : ""));
    }
    reduceIndex = size_t(column - columns.begin());
    dlrt_plateau_init(&plateau, maximizes(reduceLr->mode, reduceLr->monitor),
                      reduceLr->factor, reduceLr->patience, reduceLr->minDelta,
                      reduceLr->cooldown, reduceLr->minLr);
  }
  std::vector<double> history;
  // What --early-stopping and --save-best watch: a column of the history.
  const std::string &monitor = es.monitor;
  auto monitorColumn = llvm::find(columns, monitor);
  const bool watching = earlyStopping || !o.saveBest.empty();
  if (watching && monitorColumn == columns.end()) {
    std::vector<std::string> have(columns.begin() + 1, columns.end());
    return fail(fmt::format(
        "{} watches '{}', which this run does not measure (it measures: "
        "{}){}",
        o.earlyStopping ? "--early-stopping"
        : earlyStopping ? "the train block's early_stopping"
                        : "--save-best",
        monitor, llvm::join(have, ", "),
        llvm::StringRef(monitor).starts_with("val_") && !validation.count
            ? "; validation needs --validation-split or --validation-data"
            : ""));
  }
  const size_t monitorIndex = size_t(monitorColumn - columns.begin());
  dlrt_monitor best;
  dlrt_monitor_init(&best, maximizes(es.mode, monitor), es.minDelta,
                    es.patience);
  if (!o.resume.empty() && !o.history.empty() &&
      llvm::sys::fs::exists(o.history)) {
    // Resumed: the history continues, and the monitor relives its epochs
    // so patience counts across the interruption.
    double *rows = nullptr;
    int64_t nrows = 0;
    if (dlrt_read_history_csv(o.history.c_str(), columns.data(),
                              int32_t(columns.size()), double(firstEpoch - 1),
                              &rows, &nrows, &err))
      return fail(err.message +
                  std::string("; --resume appends to the --history of the "
                              "run it continues"));
    history.assign(rows, rows + nrows * columns.size());
    std::free(rows);
    if (watching)
      for (int64_t r = 0; r < nrows; ++r)
        dlrt_monitor_update(&best, int64_t(history[r * columns.size()]),
                            history[r * columns.size() + monitorIndex]);
    // The plateau's counters too; the rate itself is in the resumed state.
    if (reduceLr)
      for (int64_t r = 0; r < nrows; ++r)
        dlrt_plateau_update(&plateau, history[r * columns.size() + reduceIndex],
                            float(history[(r + 1) * columns.size() - 1]));
  }
  // The parameters of the best epoch (--restore-best-weights).
  std::vector<float> bestParams;
  bool stopped = false;
  std::vector<int64_t> order(train.count);
  const int64_t batch = batchRows(batchSize, train.count);
  // A model from the cache still has 30-40 MB of dlc's image mapped (static
  // initialisers, fault-around). Dropping them costs ~5 ms (`perf stat` of a
  // one-step run): worth it for a run of many steps, not for a short one.
  if (m->fromCache() &&
      epochs * ((train.count + batch - 1) / batch) >= kReleaseImageSteps)
    releaseCompilerCode();
  std::vector<float> x(batch * train.sample_size);
  std::vector<int32_t> y(batch);
  // Distributed, a step is `ranks` consecutive batches of the epoch's order
  // (the same on every rank), rank r's the r-th; their gradients are summed
  // weighted by their sizes, with the loss and accuracy sums and the sample
  // count behind them, in one allreduce, so the step is the mean over all
  // of its samples, as one process with the ranks' batches together.
  const int64_t ranks = comm ? comm->size() : 1;
  const int64_t stepRows = batch * ranks;
  int64_t steps = (train.count + stepRows - 1) / stepRows;
  const int64_t numGrads = m->numGrads();
  // After the gradients: the loss and accuracy sums, the sample count, and
  // with mae or mse, the sums and count of the prediction errors.
  const int64_t kSums = errors ? 6 : 3;
  std::vector<float> grads(comm ? numGrads + kSums : 0);
  // Where a distributed step's time goes: the allreduce (waiting for the
  // slowest rank included) against the whole step, reported at the end.
  using Clock = std::chrono::steady_clock;
  Clock::duration stepTime{}, allreduceTime{};
  int64_t totalSteps = 0;
  // Divergence: the loss of this run's first step, and whether it was
  // reported already.
  double firstLoss = NAN;
  bool warnedDiverging = false;
  for (int64_t epoch = firstEpoch; epoch <= epochs; ++epoch) {
    dlrt_shuffle(order.data(), train.count, epochSeed(o.seed, epoch));
    llvm::outs().flush(); // the bar writes to stdout through stdio
    // --verbose 2: the finished line of each epoch only, as Keras's.
    dlrt_progress *bar =
        verbose == 0 ? nullptr
                     : dlrt_progress_begin(stdout, int(epoch), int(epochs),
                                           steps, verbose == 1 ? -1 : 0);
    Metrics running;
    float prevLoss = NAN; // the loss of the step before
    // Parameter `bad` became non-finite in step `stepNo` (1-based), whose
    // loss was `loss`: stop before anything saves it.
    auto brokenParams = [&](int64_t bad, int64_t stepNo, float loss) {
      dlrt_progress_end(bar, formatMetrics(running, metrics).c_str());
      std::fflush(stdout);
      const ParamSpec *p = &spec.params.front();
      for (const ParamSpec &q : spec.params)
        if (q.offset <= bad && bad < q.offset + q.numElements())
          p = &q;
      return fail(fmt::format(
          "epoch {}, step {} of {}: parameter '{}' became {} at element {} "
          "(the step's loss was {}); stopped without saving it; lower the "
          "learning rate",
          epoch, stepNo, steps, p->name, params[bad],
          formatIndex(p->shape, bad - p->offset), loss));
    };
    for (int64_t step = 0; step < steps; ++step) {
      int64_t first = step * stepRows + (comm ? comm->rank() * batch : 0);
      int64_t n = std::clamp<int64_t>(train.count - first, 0, batch);
      if (n)
        dlrt_gather(&train, order.data(), first, n, x.data(), y.data());
      // The next batch's rows arrive during this step.
      if (first + stepRows < train.count)
        dlrt_prefetch(&train, order.data(), first + stepRows, batch);
      // mae and mse (with `errors`) are the step's, of its predictions
      // before the update, as the loss.
      float out[mlir::dl::metricsSize(true)];
      int64_t stepSamples = n, errorValues = stepErrorValues(*m, n);
      const void *t =
          n ? targets.batch(train, order.data(), first, y.data(), n) : nullptr;
      const Clock::time_point stepStart = Clock::now();
      if (!comm) {
        m->trainStep(params.data(), state.data(), x.data(), t, n, out);
      } else {
        float *g = grads.data();
        if (n) {
          // Dropout masks are a function of the key and the sample's place
          // in the batch: ranks > 0 draw theirs from a seed of their own
          // (written into the seed slot for this call only), so that the
          // same place in each rank's batch does not share a mask.
          const bool ownSeed = spec.hasTrainingForm() && comm->rank() > 0;
          const uint64_t seed = ownSeed ? readSeed(state.data()) : 0;
          if (ownSeed)
            writeSeed(state.data(),
                      seed ^ (uint64_t(comm->rank()) * 0x9E3779B97F4A7C15ull));
          m->trainGradients(params.data(), state.data(), x.data(), t, n, g,
                            out);
          if (ownSeed)
            writeSeed(state.data(), seed);
          // Weighted by n / batch: 1 for a full batch, which needs no pass
          // over the buffer; a short last batch weighs less.
          const float weight = float(n) / float(batch);
          if (n != batch)
            for (int64_t i = 0; i < numGrads; ++i)
              g[i] *= weight;
          g[numGrads] = out[0] * float(n);
          g[numGrads + 1] = out[1];
          if (errors) {
            g[numGrads + 3] = out[2] * float(errorValues);
            g[numGrads + 4] = out[3] * float(errorValues);
            g[numGrads + 5] = float(errorValues);
          }
        } else { // the epoch's last step has no rows for this rank
          std::fill(grads.begin(), grads.end(), 0.0f);
        }
        g[numGrads + 2] = float(n);
        const Clock::time_point reduceStart = Clock::now();
        if (!comm->allreduceSum(g, numGrads + kSums))
          return fail(comm->error());
        allreduceTime += Clock::now() - reduceStart;
        stepSamples = int64_t(g[numGrads + 2]);
        // The sum of the weights is the step's samples over `batch`.
        const float scale = float(batch) / g[numGrads + 2];
        for (int64_t i = 0; i < numGrads; ++i)
          g[i] *= scale;
        m->applyGradients(params.data(), state.data(), g);
        out[0] = g[numGrads] / g[numGrads + 2];
        out[1] = g[numGrads + 1];
        if (errors) {
          errorValues = int64_t(g[numGrads + 5]);
          out[2] = g[numGrads + 3] / std::max(g[numGrads + 5], 1.0f);
          out[3] = g[numGrads + 4] / std::max(g[numGrads + 5], 1.0f);
        }
        stepTime += Clock::now() - stepStart;
      }
      running.add(out, stepSamples, errorValues);
      ++totalSteps;
      if (std::isnan(firstLoss))
        firstLoss = out[0];
      // A step's loss is computed before its update, so a parameter broken
      // by step k shows in step k + 1's loss (NaN and inf reach the loss
      // through every product). The parameters are scanned only then, and
      // at the epoch's end for its last step: a scan per step cost ~13 us
      // of the MLP's ~90 us step.
      if (!std::isfinite(out[0]) && step > 0)
        if (int64_t bad = firstNonFinite(params.data(), int64_t(params.size()));
            bad >= 0)
          return brokenParams(bad, step, prevLoss);
      prevLoss = out[0];
      dlrt_progress_update(bar, step + 1,
                           formatMetrics(running, metrics).c_str());
    }
    if (int64_t bad = firstNonFinite(params.data(), int64_t(params.size()));
        bad >= 0)
      return brokenParams(bad, steps, prevLoss);
    std::string line = formatMetrics(running, metrics);
    std::vector<double> row{double(epoch), running.meanLoss()};
    for (const std::string &name : metrics)
      row.push_back(running.metric(name));
    if (validation.count) {
      Metrics v;
      if (!evaluate(*m, params, validation, targets, 1000, comm, v))
        return 1;
      line += " - " + formatMetrics(v, metrics, "val_");
      row.push_back(v.meanLoss());
      for (const std::string &name : metrics)
        row.push_back(v.metric(name));
    }
    // The optimizer's rate at the epoch's end (with a schedule, that of the
    // next step), before reduce_lr_on_plateau changes it, as Keras logs it.
    if (rateColumn)
      row.push_back(state[rateSlot]);
    dlrt_progress_end(bar, line.c_str());
    std::fflush(stdout);
    if (!std::isfinite(running.meanLoss()))
      return fail(fmt::format("the loss is {} after epoch {}; lower the "
                              "learning rate",
                              running.meanLoss(), epoch));
    // The optimizer state (larger than the parameters, and broken first only
    // where the parameters follow) is checked once per epoch, before saving.
    if (int64_t bad = firstNonFinite(state.data(), int64_t(state.size()));
        bad >= 0)
      return fail(fmt::format("epoch {}: the optimizer state ('{}') became {} "
                              "at element [{}]; stopped without saving it; "
                              "lower the learning rate",
                              epoch, kStateTensor, state[bad], bad));
    // Finite but exploding: a million times the first step's loss (or 1 if
    // that was smaller) is no longer training.
    if (lead && !warnedDiverging &&
        running.meanLoss() > kDivergence * std::max(1.0, firstLoss)) {
      llvm::WithColor::warning(llvm::errs(), "dlc") << fmt::format(
          "the loss rose from {:g} (first step) to {:g} (epoch {}): training "
          "is diverging; lower the learning rate\n",
          firstLoss, running.meanLoss(), epoch);
      warnedDiverging = true;
    }
    history.insert(history.end(), row.begin(), row.end());
    int64_t rows = int64_t(history.size() / columns.size());
    // Before saving, so that a checkpoint resumes with the reduced rate.
    if (reduceLr) {
      float rate =
          dlrt_plateau_update(&plateau, row[reduceIndex], state[rateSlot]);
      if (rate != state[rateSlot] && lead && o.verbose > 0)
        llvm::outs() << fmt::format(
            "Epoch {}: reduce_lr_on_plateau: {} has not improved for {} "
            "epoch{}; learning rate {:g} -> {:g}\n",
            epoch, reduceLr->monitor, reduceLr->patience,
            reduceLr->patience == 1 ? "" : "s", state[rateSlot], rate);
      state[rateSlot] = rate;
    }
    if (lead && !o.save.empty() &&
        !saveCheckpoint(o.save, spec, params, state, epoch, o.seed))
      return 1;
    if (watching) {
      int verdict = dlrt_monitor_update(&best, epoch, row[monitorIndex]);
      if (verdict & DLRT_MONITOR_IMPROVED) {
        if (lead && !o.saveBest.empty() &&
            !saveCheckpoint(o.saveBest, spec, params, state, epoch, o.seed))
          return 1;
        if (es.restoreBestWeights)
          bestParams = params;
      }
      stopped = earlyStopping && (verdict & DLRT_MONITOR_STOP);
    }
    if (lead && !o.history.empty() &&
        dlrt_write_history_csv(o.history.c_str(), columns.data(),
                               int32_t(columns.size()), history.data(), rows,
                               &err))
      return fail(err.message);
    if (lead && !o.plot.empty() &&
        dlrt_write_history_svg(o.plot.c_str(), spec.name.c_str(),
                               columns.data(), int32_t(columns.size()),
                               history.data(), rows, &err))
      return fail(err.message);
    if (stopped) {
      if (verbose > 0)
        llvm::outs() << fmt::format(
            "Epoch {}: early stopping: {} has not improved on {:.4f} (epoch "
            "{}) for {} epoch{}\n",
            epoch, monitor, best.best, best.best_epoch, best.wait,
            best.wait == 1 ? "" : "s");
      break;
    }
  }
  // Unlike Keras's, also when training ran every epoch: the best weights
  // are what the flag asks for.
  if (es.restoreBestWeights) {
    if (!bestParams.empty()) {
      params = bestParams;
      if (verbose > 0)
        llvm::outs() << fmt::format(
            "Restored the weights of epoch {} ({} {:.4f})\n", best.best_epoch,
            monitor, best.best);
    } else if (lead) {
      llvm::WithColor::warning(llvm::errs(), "dlc") << fmt::format(
          "--restore-best-weights: the best epoch ({}) was before the resumed "
          "run; keeping the last epoch's weights\n",
          best.best_epoch);
    }
  }
  if (haveTest) {
    Metrics t;
    if (!evaluate(*m, params, test, targets, 1000, comm, t))
      return 1;
    if (lead)
      llvm::outs() << fmt::format("Test: {}\n", formatMetrics(t, metrics));
  }
  if (comm && verbose > 0 && stepTime.count() > 0)
    llvm::outs() << fmt::format(
        "Distributed over {} rank{}: the allreduce of {} floats took {:.1f}% "
        "of rank 0's step time ({:.0f} us of {:.0f} us a step)\n",
        comm->size(), comm->size() == 1 ? "" : "s", numGrads + kSums,
        100.0 * double(allreduceTime.count()) / double(stepTime.count()),
        std::chrono::duration<double, std::micro>(allreduceTime).count() /
            double(std::max<int64_t>(1, totalSteps)),
        std::chrono::duration<double, std::micro>(stepTime).count() /
            double(std::max<int64_t>(1, totalSteps)));
  if (!o.save.empty() && verbose > 0)
    llvm::outs() << "Saved " << o.save << "\n";
  if (!o.saveBest.empty() && best.best_epoch > 0 && verbose > 0)
    llvm::outs() << fmt::format("Saved {} (epoch {}, {} {:.4f})\n", o.saveBest,
                                best.best_epoch, monitor, best.best);
  return 0;
}

} // namespace

int runTrain(const TrainOptions &o) {
  if (!o.distributed && !launchedByMpirun())
    return train(o, nullptr);
  std::string error;
  std::unique_ptr<Communicator> comm = joinDistributed(error);
  if (!comm)
    return fail(o.distributed
                    ? "--distributed: " + error
                    : "dlc train was started by mpirun, but " + error);
  int rc = train(o, comm.get());
  // One rank failing alone (a file it cannot write, an MPI error) would
  // leave the others in the next allreduce: end them all.
  if (rc != 0 && comm->size() > 1) {
    dlc::error() << fmt::format("rank {} of {} stopped; ending the run\n",
                                comm->rank(), comm->size());
    llvm::outs().flush();
    llvm::errs().flush();
    std::fflush(nullptr);
    comm->abort(rc);
  }
  return rc;
}

int runEvaluate(const EvaluateOptions &o) {
  if (!checkFlagRange("--batch-size", o.batchSize, 1, kMaxBatch))
    return 1;
  std::unique_ptr<JitModel> m =
      compileForCommand(o.input, o.codegen, JitUse::Evaluate);
  if (!m)
    return 1;
  const ModelSpec &spec = m->spec();
  Dataset test;
  if (!o.targetColumns.empty() &&
      spec.train->loss->getTargets() != TargetKind::LikeOutput)
    return fail(fmt::format("--target-columns names float targets, but loss "
                            "{} takes class labels",
                            spec.train->loss->getName().str()));
  if (!checkNpyPair("--data", o.data, "--targets", o.targets) ||
      !checkTargetColumns(o.data, o.targetColumns))
    return 1;
  if ((isNpy(o.data)
           ? !loadNpy(*m, "--data", o.data, "--targets", o.targets, test)
           : !loadData(o.data, "t10k", test, true,
                       targetColumns(*m, o.targetColumns))) ||
      !selectClasses(test, o.classes, 0, dataOrigin("--data", o.data, "t10k")))
    return 1;
  Targets targets;
  if (!targets.init(*m, test, dataOrigin("--data", o.data, "t10k")))
    return 1;
  std::vector<float> params(spec.numParams());
  if (!loadParams(spec, o.weights, params, false, true))
    return 1;
  // A regressor (a loss on float targets with no output activation folded
  // into it) is reported by its loss, mse and mae, as Keras's evaluate with
  // metrics = [mse, mae]; a classifier by the train block's metrics.
  const bool regressor =
      spec.train->loss->getTargets() == TargetKind::LikeOutput &&
      spec.train->loss->getFoldedActivation().empty();
  std::vector<std::string> reported = spec.train->metrics;
  if (regressor)
    reported = {"mse", "mae"};
  Metrics r =
      evaluateRows(*m, params, test, targets, o.batchSize, 0, test.count,
                   regressor || spec.train->measuresErrors());
  llvm::outs() << fmt::format("{} samples - {}\n", test.count,
                              formatMetrics(r, reported));
  if (regressor)
    return 0;

  // Confusion matrix from the predicted classes (argmax of predict).
  int64_t classes = numElements(spec.outputShape());
  if (classes < 2 || classes > 100)
    return 0;
  std::vector<int64_t> confusion(classes * classes, 0);
  const int64_t batch =
      boundedRows(o.batchSize, test.count, m->predictWorkspaceSize(1));
  std::vector<float> x(batch * test.sample_size), out(batch * classes);
  std::vector<int32_t> y(batch);
  for (int64_t i = 0; i < test.count; i += batch) {
    int64_t n = std::min(batch, test.count - i);
    dlrt_gather(&test, nullptr, i, n, x.data(), y.data());
    m->predict(params.data(), x.data(), out.data(), n);
    for (int64_t b = 0; b < n; ++b) {
      const float *row = out.data() + b * classes;
      int64_t best = std::max_element(row, row + classes) - row;
      if (y[b] >= 0 && y[b] < classes)
        ++confusion[y[b] * classes + best];
    }
  }
  llvm::outs() << "Confusion matrix (rows: true class, columns: predicted)\n";
  llvm::outs() << fmt::format("{:>6}", "");
  for (int64_t c = 0; c < classes; ++c)
    llvm::outs() << fmt::format("{:>6}", c);
  llvm::outs() << "\n";
  for (int64_t t = 0; t < classes; ++t) {
    llvm::outs() << fmt::format("{:>6}", t);
    for (int64_t c = 0; c < classes; ++c)
      llvm::outs() << fmt::format("{:>6}", confusion[t * classes + c]);
    llvm::outs() << "\n";
  }
  return 0;
}

int runPredict(const PredictOptions &o) {
  // Both are capped by the data and the classes later; only the lower
  // bound matters (a negative --limit would size a vector negatively).
  if (!checkFlagRange("--top-k", o.topK, 1) ||
      !checkFlagRange("--limit", o.limit, 1) ||
      !checkOutputPath("--output", o.output))
    return 1;
  std::unique_ptr<JitModel> m =
      compileForCommand(o.input, o.codegen, JitUse::Predict);
  if (!m)
    return 1;
  const ModelSpec &spec = m->spec();
  std::vector<float> params(spec.numParams());
  if (!loadParams(spec, o.weights, params, false, true))
    return 1;
  Dataset ds;
  dlrt_error err;
  bool csv = llvm::StringRef(o.inputFile).ends_with_insensitive(".csv");
  if (isNpy(o.inputFile)) {
    if (!loadNpy(*m, "--input", o.inputFile, "", "", ds))
      return 1;
  } else if (csv ? dlrt_load_csv_features(o.inputFile.c_str(), 1.0f, &ds, &err)
                 : dlrt_load_idx_images(o.inputFile.c_str(), 1.0f / 255, &ds,
                                        &err)) {
    return fail(err.message);
  }
  if (m->variableLength()) {
    if (!checkSampleSize(*m, ds.sample_size, "'" + o.inputFile + "'"))
      return 1;
  } else if (ds.sample_size != numElements(spec.inputShape()))
    return fail(fmt::format("'{}' has {} values per sample, but model "
                            "'{}' takes input {}",
                            o.inputFile, ds.sample_size, spec.name,
                            formatShape(spec.inputShape())));
  int64_t outSize = numElements(spec.outputShape());
  if (!o.output.empty()) {
    // Every sample, in batches of at most 1,000 (its intermediates bounded
    // as evaluate's), into one array of shape (N, output...).
    const int64_t batch =
        boundedRows(1000, ds.count, m->predictWorkspaceSize(1));
    std::vector<float> x(batch * ds.sample_size),
        all(size_t(ds.count * outSize));
    for (int64_t i = 0; i < ds.count; i += batch) {
      int64_t n = std::min(batch, ds.count - i);
      dlrt_gather(&ds, nullptr, i, n, x.data(), nullptr);
      m->predict(params.data(), x.data(), all.data() + i * outSize, n);
    }
    std::vector<int64_t> shape{ds.count};
    for (int64_t d : spec.outputShape())
      shape.push_back(d);
    if (isNpy(o.output)
            ? dlrt_save_npy(o.output.c_str(), all.data(), int32_t(shape.size()),
                            shape.data(), &err)
            : dlrt_save_csv_rows(o.output.c_str(), all.data(), ds.count,
                                 outSize, &err))
      return fail(fmt::format("--output: {}", err.message));
    llvm::outs() << fmt::format("Wrote the predictions of {} samples ({} "
                                "each) to {}\n",
                                ds.count, formatShape(spec.outputShape()),
                                o.output);
    return 0;
  }
  int64_t n = std::min(o.limit, ds.count);
  std::vector<float> x(n * ds.sample_size), y(n * outSize);
  dlrt_gather(&ds, nullptr, 0, n, x.data(), nullptr);
  m->predict(params.data(), x.data(), y.data(), n);
  // A regression (a loss on float targets with no output activation to
  // fold): the predicted values, not classes.
  if (spec.train && spec.train->loss->getTargets() == TargetKind::LikeOutput &&
      spec.train->loss->getFoldedActivation().empty()) {
    for (int64_t b = 0; b < n; ++b) {
      std::string line = fmt::format("sample {}:", b);
      for (int64_t c = 0; c < outSize; ++c)
        line += fmt::format("{} {:.6g}", c ? "," : "", y[b * outSize + c]);
      llvm::outs() << line << "\n";
    }
    return 0;
  }
  for (int64_t b = 0; b < n; ++b) {
    const float *row = y.data() + b * outSize;
    std::vector<int64_t> idx(outSize);
    for (int64_t c = 0; c < outSize; ++c)
      idx[c] = c;
    int64_t k = std::min(o.topK, outSize);
    std::partial_sort(idx.begin(), idx.begin() + k, idx.end(),
                      [&](int64_t a, int64_t c) { return row[a] > row[c]; });
    std::string line = fmt::format("sample {}:", b);
    for (int64_t j = 0; j < k; ++j)
      line += fmt::format("{} class {} ({:.4f})", j ? "," : "", idx[j],
                          row[idx[j]]);
    llvm::outs() << line << "\n";
  }
  return 0;
}

} // namespace dlc

namespace dlc {
namespace {

/// What --class asks for: a fixed class, or each sample's prediction or label.
struct ClassChoice {
  enum Kind { Fixed, Predicted, Label } kind = Predicted;
  int32_t fixed = 0;
};

/// Parses --class against a model of `classes` outputs; fails (diagnosed).
std::optional<ClassChoice> parseClass(const std::string &text,
                                      int64_t classes) {
  if (text == "predicted")
    return ClassChoice{ClassChoice::Predicted};
  if (text == "label")
    return ClassChoice{ClassChoice::Label};
  int64_t c = 0;
  if (llvm::StringRef(text).getAsInteger(10, c)) {
    fail(fmt::format("--class '{}': expected a class index, 'predicted' or "
                     "'label'",
                     text));
    return std::nullopt;
  }
  if (c < 0 || c >= classes) {
    fail(fmt::format("--class {}: the model has {} classes (0 to {})", c,
                     classes, classes - 1));
    return std::nullopt;
  }
  return ClassChoice{ClassChoice::Fixed, int32_t(c)};
}

/// The picture of `n` samples' saliency, one row each: the input (the mean
/// over channels, from its minimum black to its maximum white), a white
/// gap, then max over channels of |dx| from 0 black to the sample's maximum
/// white; every pixel enlarged to k x k, k = max(1, 128 / max(H, W)), and a
/// white gap of k between the rows and between the two pictures.
/// Whether the model's input is an image (f32[H, W] or f32[H, W, C]) that
/// saveSaliencyPng can draw; fails (diagnosed) if not.
bool checkImageInput(const std::string &path, const ModelSpec &spec) {
  const Shape &in = spec.inputShape();
  if ((in.size() == 2 || in.size() == 3) && !llvm::is_contained(in, -1))
    return true;
  fail(fmt::format("-o {}: a picture needs an image input (f32[H, W] or "
                   "f32[H, W, C]), but model '{}' takes {}; write a .npy "
                   "file",
                   path, spec.name, formatShape(in)));
  return false;
}

/// `in`: an image shape (checkImageInput).
bool saveSaliencyPng(const std::string &path, const Shape &in,
                     const std::vector<float> &x, const std::vector<float> &dx,
                     int64_t n) {
  const int64_t H = in[0], W = in[1], C = in.size() == 3 ? in[2] : 1;
  const int64_t k = std::max<int64_t>(1, 128 / std::max(H, W));
  const int64_t width = (2 * W + 1) * k, height = (n * (H + 1) - 1) * k;
  std::vector<uint8_t> pixels(size_t(width * height), 255);
  for (int64_t s = 0; s < n; ++s) {
    const float *xs = x.data() + s * H * W * C;
    const float *gs = dx.data() + s * H * W * C;
    std::vector<float> image(H * W, 0.0f), map(H * W, 0.0f);
    for (int64_t p = 0; p < H * W; ++p)
      for (int64_t c = 0; c < C; ++c) {
        image[p] += xs[p * C + c] / float(C);
        map[p] = std::max(map[p], std::fabs(gs[p * C + c]));
      }
    auto [lo, hi] = std::minmax_element(image.begin(), image.end());
    float top = *std::max_element(map.begin(), map.end());
    auto gray = [](float v, float from, float to) {
      return to > from ? uint8_t(std::lround(255 * (v - from) / (to - from)))
                       : uint8_t(0);
    };
    for (int64_t y = 0; y < H * k; ++y)
      for (int64_t xk = 0; xk < W * k; ++xk) {
        int64_t p = (y / k) * W + xk / k;
        uint8_t *row = pixels.data() + (s * (H + 1) * k + y) * width;
        row[xk] = gray(image[p], *lo, *hi);
        row[(W + 1) * k + xk] = gray(map[p], 0, top);
      }
  }
  dlrt_error err;
  if (dlrt_save_png_gray(path.c_str(), pixels.data(), height, width, &err)) {
    fail(fmt::format("-o: {}", err.message));
    return false;
  }
  return true;
}

} // namespace

int runExplain(const ExplainOptions &o) {
  if (o.index && o.limit)
    return fail("--index and --limit both choose the samples: give one");
  if ((o.index && !checkFlagRange("--index", *o.index, 0)) ||
      (o.limit && !checkFlagRange("--limit", *o.limit, 1, kMaxBatch)))
    return 1;
  const bool png = llvm::StringRef(o.output).ends_with_insensitive(".png");
  if (!png && !isNpy(o.output))
    return fail(fmt::format("-o '{}': expected a .npy file (the gradients) or "
                            "a .png file (a picture)",
                            o.output));
  if (!checkOutputPath("-o", o.output))
    return 1;
  // Saliency needs class scores: a vector per sample, as input_gradient.
  auto classOutput = [&](ModelSpec &spec) {
    const Shape &out = spec.outputShape();
    if (out.size() != 1 || out[0] < 1) {
      fail(fmt::format("model '{}' outputs {} per sample: dlc explain needs "
                       "a vector of class scores (f32[C])",
                       spec.name, formatShape(out)));
      return false;
    }
    return !png || checkImageInput(o.output, spec);
  };
  std::unique_ptr<JitModel> m =
      compileForCommand(o.input, o.codegen, JitUse::Explain, classOutput);
  if (!m)
    return 1;
  const ModelSpec &spec = m->spec();
  const int64_t classes = spec.outputShape()[0];
  std::optional<ClassChoice> choice = parseClass(o.classChoice, classes);
  if (!choice)
    return 1;
  std::vector<float> params(spec.numParams());
  if (!loadParams(spec, o.weights, params, false, true))
    return 1;

  // The data: an IDX directory's test split or a CSV file, with labels; a
  // .npy file or IDX images, without.
  Dataset ds;
  dlrt_error err;
  const std::string what = dataOrigin("--data", o.data, "t10k");
  if (isNpy(o.data)) {
    if (!loadNpy(*m, "--data", o.data, "", "", ds))
      return 1;
  } else if (llvm::sys::fs::is_directory(o.data) ||
             llvm::StringRef(o.data).ends_with_insensitive(".csv")) {
    if (!loadData(o.data, "t10k", ds))
      return 1;
  } else if (dlrt_load_idx_images(o.data.c_str(), 1.0f / 255, &ds, &err)) {
    return fail(err.message);
  }
  if (!checkSampleSize(*m, ds.sample_size, what))
    return 1;
  if (choice->kind == ClassChoice::Label && !ds.labels)
    return fail(fmt::format("--class label: {} has no labels (use an IDX "
                            "directory or a CSV file, or --class predicted)",
                            what));
  const int64_t first = o.index.value_or(0);
  if (first >= ds.count)
    return fail(fmt::format("--index {}: {} has {} samples (0 to {})", first,
                            what, ds.count, ds.count - 1));
  const int64_t n = o.limit ? std::min(*o.limit, ds.count) : 1;

  std::vector<float> x(n * ds.sample_size), dx(x.size()), y(n * classes);
  std::vector<int32_t> labels(n), chosen(n);
  dlrt_gather(&ds, nullptr, first, n, x.data(),
              ds.labels ? labels.data() : nullptr);
  m->predict(params.data(), x.data(), y.data(), n);
  for (int64_t b = 0; b < n; ++b) {
    const float *row = y.data() + b * classes;
    int32_t predicted = int32_t(std::max_element(row, row + classes) - row);
    chosen[b] = choice->kind == ClassChoice::Fixed   ? choice->fixed
                : choice->kind == ClassChoice::Label ? labels[b]
                                                     : predicted;
    if (chosen[b] < 0 || chosen[b] >= classes)
      return fail(fmt::format("--class label: sample {} of {} has label {}, "
                              "but the model has {} classes (0 to {})",
                              first + b, what, chosen[b], classes,
                              classes - 1));
    std::string line =
        fmt::format("sample {}: class {} (output {:.4f}); "
                    "predicted {}",
                    first + b, chosen[b], row[chosen[b]], predicted);
    if (ds.labels)
      line += fmt::format(", label {}", labels[b]);
    llvm::outs() << line << "\n";
  }
  m->inputGradient(params.data(), x.data(), n, chosen.data(), dx.data());

  Shape in = spec.inputShape();
  if (m->variableLength())
    in[0] = m->length();
  if (png) {
    if (!saveSaliencyPng(o.output, in, x, dx, n))
      return 1;
  } else {
    std::vector<int64_t> shape;
    if (o.limit)
      shape.push_back(n);
    shape.insert(shape.end(), in.begin(), in.end());
    if (dlrt_save_npy(o.output.c_str(), dx.data(), int32_t(shape.size()),
                      shape.data(), &err))
      return fail(fmt::format("-o: {}", err.message));
  }
  llvm::outs() << fmt::format("Wrote the saliency of {} sample{} to {}\n", n,
                              n == 1 ? "" : "s", o.output);
  return 0;
}

} // namespace dlc
