//===- Registry.cpp - the layer, loss and optimizer tables ----------------===//
//
// The kinds come from the files of Layers/, Losses/ and Optimizers/: the
// build writes one DL_LAYER(File) line per file of Layers/ into Layers.def
// (likewise Losses.def, Optimizers.def), and File.cpp defines
// registry::layerFile(). Nothing here names a kind.
//
//===----------------------------------------------------------------------===//
#include "LayerChecker.h"

#include "dl/Frontend/Registry.h"

#include "llvm/ADT/STLExtras.h"

using namespace dlc;
using llvm::StringRef;

namespace dlc::registry {
#define DL_LAYER(NAME) const LayerKind &layer##NAME();
#include "Layers.def"
#define DL_LOSS(NAME) const LossKind &loss##NAME();
#include "Losses.def"
#define DL_OPTIMIZER(NAME) const OptimizerKind &optimizer##NAME();
#include "Optimizers.def"
} // namespace dlc::registry

LayerOptions::~LayerOptions() = default;
LayerKind::~LayerKind() = default;
LossKind::~LossKind() = default;
OptimizerKind::~OptimizerKind() = default;

namespace {

template <typename Kind>
std::vector<const Kind *> sortedByName(std::vector<const Kind *> kinds) {
  llvm::sort(kinds, [](const Kind *a, const Kind *b) {
    return a->getName() < b->getName();
  });
  return kinds;
}

template <typename Kind>
const Kind *lookup(llvm::ArrayRef<const Kind *> kinds, StringRef name) {
  auto it =
      llvm::find_if(kinds, [&](const Kind *k) { return k->getName() == name; });
  return it == kinds.end() ? nullptr : *it;
}

/// Keras layers the language plans to have: "not supported yet" until their
/// file exists, then just supported (the registry filters this list).
const StringRef kPlannedLayers[] = {
    "activation",
    "add",
    "average_pooling1d",
    "average_pooling2d",
    "batch_normalization",
    "concatenate",
    "conv1d",
    "conv2d",
    "conv2d_transpose",
    "conv3d",
    "depthwise_conv2d",
    "dropout",
    "embedding",
    "global_average_pooling2d",
    "global_max_pooling2d",
    "gru",
    "layer_normalization",
    "lstm",
    "max_pooling1d",
    "max_pooling2d",
    "multiply",
    "reshape",
    "separable_conv2d",
    "simple_rnn",
};

} // namespace

llvm::ArrayRef<const LayerKind *> dlc::layerKinds() {
  static const std::vector<const LayerKind *> kinds = sortedByName<LayerKind>({
#define DL_LAYER(NAME) &registry::layer##NAME(),
#include "Layers.def"
  });
  return kinds;
}

llvm::ArrayRef<const LossKind *> dlc::lossKinds() {
  static const std::vector<const LossKind *> kinds = sortedByName<LossKind>({
#define DL_LOSS(NAME) &registry::loss##NAME(),
#include "Losses.def"
  });
  return kinds;
}

llvm::ArrayRef<const OptimizerKind *> dlc::optimizerKinds() {
  static const std::vector<const OptimizerKind *> kinds =
      sortedByName<OptimizerKind>({
#define DL_OPTIMIZER(NAME) &registry::optimizer##NAME(),
#include "Optimizers.def"
      });
  return kinds;
}

const LayerKind *dlc::lookupLayerKind(StringRef name) {
  return lookup(layerKinds(), name);
}

const LossKind *dlc::lookupLossKind(StringRef name) {
  for (const LossKind *kind : lossKinds())
    if (kind->getName() == name || llvm::is_contained(kind->getAliases(), name))
      return kind;
  return nullptr;
}

const OptimizerKind *dlc::lookupOptimizerKind(StringRef name) {
  return lookup(optimizerKinds(), name);
}

llvm::SmallVector<StringRef> dlc::detail::plannedLayerNames() {
  llvm::SmallVector<StringRef> names;
  for (StringRef name : kPlannedLayers)
    if (!lookupLayerKind(name))
      names.push_back(name);
  return names;
}
