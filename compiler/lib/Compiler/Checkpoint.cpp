//===- Checkpoint.cpp - model parameters from safetensors
//------------------===//
#include "dl/Compiler/Checkpoint.h"
#include "dl/Compiler/Driver.h"

#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace dlc {

int64_t firstNonFinite(const float *values, int64_t n) {
  // NaN and infinity are exactly the floats whose magnitude bits exceed
  // FLT_MAX's; a signed compare and an OR vectorise with plain SSE2 (an
  // unsigned max would not).
  int32_t any = 0;
  for (int64_t i = 0; i < n; ++i) {
    int32_t bits;
    std::memcpy(&bits, values + i, sizeof bits);
    any |= -int32_t((bits & 0x7fffffff) > 0x7f7fffff);
  }
  if (!any)
    return -1;
  for (int64_t i = 0; i < n; ++i)
    if (!std::isfinite(values[i]))
      return i;
  return -1;
}

std::string formatIndex(const Shape &shape, int64_t flat) {
  std::vector<int64_t> idx(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    idx[d] = shape[d] ? flat % shape[d] : 0;
    flat = shape[d] ? flat / shape[d] : 0;
  }
  return fmt::format("[{}]", fmt::join(idx, ", "));
}

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
    // A NaN or infinity would only resurface later as a NaN loss that names
    // neither the file nor the tensor.
    if (int64_t bad = firstNonFinite(t->data, p.numElements()); bad >= 0) {
      error() << fmt::format("'{}': tensor '{}' holds {} at element {}; "
                             "refusing a checkpoint with non-finite values\n",
                             path, p.name, t->data[bad],
                             formatIndex(p.shape, bad));
      return false;
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
