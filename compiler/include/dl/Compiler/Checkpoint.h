//===- Checkpoint.h - model parameters from safetensors -----------*- C++
//-*-===//
#ifndef DL_COMPILER_CHECKPOINT_H
#define DL_COMPILER_CHECKPOINT_H

#include "dl/Frontend/ModelSpec.h"

#include "dlrt/dlrt.h"

#include <string>
#include <vector>

namespace dlc {

/// A dlrt_checkpoint that frees itself.
struct Checkpoint : dlrt_checkpoint {
  Checkpoint() : dlrt_checkpoint{} {}
  ~Checkpoint() { dlrt_checkpoint_free(this); }
  Checkpoint(const Checkpoint &) = delete;
  Checkpoint &operator=(const Checkpoint &) = delete;
};

/// Copies the tensors of the checkpoint at `path` (or `already`, when the
/// caller has read it) whose names and shapes match `spec`'s parameters into
/// the flat `params`. With `requireAll`, any missing or mis-shaped tensor is
/// an error; with `verbose`, prints what was loaded and skipped (transfer
/// learning). Errors go to stderr as "dlc: error: ...".
/// A tensor holding NaN or infinity is refused, with its name and element.
bool loadParams(const ModelSpec &spec, const std::string &path,
                std::vector<float> &params, bool verbose, bool requireAll,
                const dlrt_checkpoint *already = nullptr);

/// The index of the first NaN or infinity among `n` floats, or -1. Cheap
/// enough to run after every training step (an integer max over the bits,
/// which vectorises).
int64_t firstNonFinite(const float *values, int64_t n);

/// "[i, j, ...]": the multi-index of element `flat` of a row-major `shape`.
std::string formatIndex(const Shape &shape, int64_t flat);

} // namespace dlc

#endif // DL_COMPILER_CHECKPOINT_H
