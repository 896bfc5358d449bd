/* The same model compiled twice, sequential (prefix st) and with --parallel
 * (prefix mt): train steps on the same data must give the same parameters
 * and optimizer state, bit for bit (every C tile is accumulated in the same
 * order). Prints one line per batch size. */
#include "mt.h"
#include "random_batch.h"
#include "st.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
  test_rng = 12345;
  static const int64_t batches[] = {3, 32, 256};
  int ok = 1;
  for (size_t bi = 0; bi < sizeof batches / sizeof *batches; ++bi) {
    int64_t batch = batches[bi];
    int64_t states = st_opt_state_size();
    float *p0 = malloc(sizeof(float) * ST_NUM_PARAMS);
    float *p1 = malloc(sizeof(float) * ST_NUM_PARAMS);
    float *s0 = malloc(sizeof(float) * states);
    float *s1 = malloc(sizeof(float) * states);
    float *x = malloc(sizeof(float) * batch * ST_INPUT_SIZE);
    int32_t *labels = malloc(sizeof(int32_t) * batch);
    st_init_params(p0, 7);
    memcpy(p1, p0, sizeof(float) * ST_NUM_PARAMS);
    st_init_opt_state(s0);
    mt_init_opt_state(s1);
    float l0 = 0, l1 = 0;
    for (int step = 0; step < 3; ++step) {
      test_random_batch(x, batch * ST_INPUT_SIZE, 0, 1, labels, batch,
                        ST_OUTPUT_SIZE);
      l0 = st_train_step(p0, s0, x, labels, batch);
      l1 = mt_train_step(p1, s1, x, labels, batch);
    }
    int same = memcmp(p0, p1, sizeof(float) * ST_NUM_PARAMS) == 0 &&
               memcmp(s0, s1, sizeof(float) * states) == 0 && l0 == l1;
    printf("batch %lld: loss %.6f %.6f %s\n", (long long)batch, l0, l1,
           same ? "bitwise equal" : "DIFFERENT");
    ok &= same;
    free(p0), free(p1), free(s0), free(s1), free(x), free(labels);
  }
  return ok ? 0 : 1;
}
