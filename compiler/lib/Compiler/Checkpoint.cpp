//===- Checkpoint.cpp - model parameters from safetensors
//------------------===//
#include "dl/Compiler/Checkpoint.h"
#include "dl/Compiler/Driver.h"

#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

#include <algorithm>

namespace dlc {

/// Copies the checkpoint's tensors whose names and shapes match into
/// `params`; reports what it loaded and skipped (transfer learning).
bool loadParams(const ModelSpec &spec, const std::string &path,
                std::vector<float> &params, bool verbose, bool requireAll,
                const dlrt_checkpoint *already) {
  Checkpoint local;
  const dlrt_checkpoint *ck = already;
  if (!ck) {
    dlrt_error err;
    if (dlrt_load_safetensors(path.c_str(), &local, &err)) {
      error() << err.message << "\n";
      return false;
    }
    ck = &local;
  }
  int loaded = 0;
  std::vector<std::string> skipped;
  for (const ParamSpec &p : spec.params) {
    const dlrt_named_tensor *t = dlrt_checkpoint_find(ck, p.name.c_str());
    if (!t) {
      skipped.push_back(p.name + " (not in the checkpoint)");
      continue;
    }
    Shape shape(t->shape, t->shape + t->rank);
    if (shape != p.shape) {
      skipped.push_back(fmt::format("{} (checkpoint {} vs model {})", p.name,
                                    formatShape(shape), formatShape(p.shape)));
      continue;
    }
    std::copy(t->data, t->data + p.numElements(), params.begin() + p.offset);
    ++loaded;
  }
  if (requireAll && !skipped.empty()) {
    error() << fmt::format("'{}' does not fit model '{}': {}\n", path,
                           spec.name, skipped.front());
    return false;
  }
  if (verbose) {
    llvm::outs() << fmt::format("Loaded {} of {} parameter tensors from {}\n",
                                loaded, spec.params.size(), path);
    for (const std::string &s : skipped)
      llvm::outs() << "  skipped " << s << "\n";
  }
  return true;
}

} // namespace dlc
