//===- GradCheck.h - `dlc gradcheck` --------------------------------*- C++
//-*-===//
#ifndef DL_COMPILER_GRADCHECK_H
#define DL_COMPILER_GRADCHECK_H

#include <cstdint>
#include <string>
#include <vector>

namespace dlc {

struct GradCheckOptions {
  std::string input;
  std::vector<int64_t> batches = {4}; ///< Each batch size with each seed.
  std::vector<uint64_t> seeds = {0};
  int64_t samples = 16; ///< Elements checked per tensor (all if fewer).
  double step = 2e-2;   ///< Half-width h of the fitted interval.
  double tolerance = 1e-3;
  /// Testing only: the gradient of the first trainable tensor is scaled by
  /// 1 + this, as a wrong VJP would make it, to show that the check fails.
  double debugPerturbGradient = 0;
  unsigned optLevel = 2;
};

/// Compares the compiled gradients of the model's loss with finite
/// differences of the compiled per-sample losses (a cubic fitted to 33 points
/// around each checked element, per sample, summed in double); prints one
/// line per parameter tensor, for each batch size and seed.
/// Returns 0 if every tensor is within tolerance in every run, 1 otherwise.
int runGradCheck(const GradCheckOptions &options);

} // namespace dlc

#endif // DL_COMPILER_GRADCHECK_H
