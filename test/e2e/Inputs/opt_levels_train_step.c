/* The same model compiled at -O0 (prefix o0: plain loops, nothing fused)
 * and -O2 (prefix o2: vector kernels, products fused into their optimizer
 * updates): three train steps on the same random batches must give the same
 * loss and parameters within float32 rounding. One line per batch size. */
#include "o0.h"
#include "o2.h"
#include "random_batch.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
  test_rng = 2024;
  static const int64_t batches[] = {1, 3, 33, 257};
  int ok = 1;
  for (size_t bi = 0; bi < sizeof batches / sizeof *batches; ++bi) {
    int64_t batch = batches[bi];
    float *p0 = malloc(sizeof(float) * O0_NUM_PARAMS);
    float *p2 = malloc(sizeof(float) * O2_NUM_PARAMS);
    float *s0 = malloc(sizeof(float) * o0_opt_state_size());
    float *s2 = malloc(sizeof(float) * o2_opt_state_size());
    float *x = malloc(sizeof(float) * batch * O0_INPUT_SIZE);
    int32_t *labels = malloc(sizeof(int32_t) * batch);
    float *start = malloc(sizeof(float) * O0_NUM_PARAMS);
    o0_init_params(p0, 11);
    memcpy(p2, p0, sizeof(float) * O0_NUM_PARAMS);
    memcpy(start, p0, sizeof(float) * O0_NUM_PARAMS);
    o0_init_opt_state(s0);
    o2_init_opt_state(s2);
    float l0 = 0, l2 = 0, worstLoss = 0;
    for (int step = 0; step < 3; ++step) {
      test_random_batch(x, batch * O0_INPUT_SIZE, -1, 1, labels, batch,
                        O0_OUTPUT_SIZE);
      l0 = o0_train_step(p0, s0, x, labels, batch);
      l2 = o2_train_step(p2, s2, x, labels, batch);
      float d = fabsf(l0 - l2) / fmaxf(1.0f, fabsf(l0));
      if (d > worstLoss)
        worstLoss = d;
    }
    /* Every Adam step moves a parameter by at most about the learning rate
     * (1e-3): the updates must agree to 1% of that, and every parameter
     * must have moved the same way (the update is not a no-op). */
    double worst = 0;
    int64_t moved = 0;
    for (int64_t i = 0; i < O0_NUM_PARAMS; ++i) {
      double d = fabs((double)p0[i] - p2[i]);
      if (d > worst)
        worst = d;
      moved += p0[i] != start[i];
    }
    int same = worst <= 1e-5 && worstLoss <= 1e-5 && moved > O0_NUM_PARAMS / 2;
    printf("batch %lld: loss %.6f %.6f, max param difference %.2e, %lld of %d "
           "moved: %s\n",
           (long long)batch, l0, l2, worst, (long long)moved, O0_NUM_PARAMS,
           same ? "OK" : "FAIL");
    ok &= same;
    free(p0), free(p2), free(s0), free(s2), free(x), free(labels), free(start);
  }
  return ok ? 0 : 1;
}
