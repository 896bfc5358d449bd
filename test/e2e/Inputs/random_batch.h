/* Reproducible random batches for the e2e C harnesses: an LCG, so the same
 * numbers on every machine and compiler. */
#ifndef DLC_TEST_RANDOM_BATCH_H
#define DLC_TEST_RANDOM_BATCH_H

#include <stdint.h>

static unsigned test_rng = 1;

static float test_uniform(void) {
  test_rng = test_rng * 1664525u + 1013904223u;
  return (float)(test_rng >> 8) / (float)(1u << 24);
}

/* x[0..n) uniform in [lo, hi), then labels[0..batch) in [0, classes). */
static void test_random_batch(float *x, int64_t n, float lo, float hi,
                              int32_t *labels, int64_t batch, int classes) {
  for (int64_t i = 0; i < n; ++i)
    x[i] = lo + (hi - lo) * test_uniform();
  for (int64_t i = 0; i < batch; ++i)
    labels[i] = (int32_t)(test_uniform() * classes) % classes;
}

#endif
