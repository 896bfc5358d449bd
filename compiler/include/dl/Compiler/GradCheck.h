//===- GradCheck.h - `dlc gradcheck` --------------------------------*- C++
//-*-===//
#ifndef DL_COMPILER_GRADCHECK_H
#define DL_COMPILER_GRADCHECK_H

#include <cstdint>
#include <string>

namespace dlc {

struct GradCheckOptions {
  std::string input;
  int64_t batch = 4;
  uint64_t seed = 0;
  int64_t samples = 16; ///< Elements checked per tensor (all if fewer).
  double step = 2e-2;   ///< Half-width h of the fitted interval.
  double tolerance = 1e-3;
  unsigned optLevel = 2;
};

/// Compares the compiled gradients of the model's loss with finite
/// differences of the compiled loss (a cubic fitted to 33 points around each
/// checked element); prints one line per parameter tensor.
/// Returns 0 if every tensor is within tolerance, 1 otherwise.
int runGradCheck(const GradCheckOptions &options);

} // namespace dlc

#endif // DL_COMPILER_GRADCHECK_H
