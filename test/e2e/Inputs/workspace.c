/* The _ws entry points against the allocating ones (prefix m): the same
 * results bit for bit, and not one call to malloc or free from the model's
 * code while a _ws function runs (counted through the linker's --wrap). */
#include "m.h"
#include "random_batch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int counting;
static long calls;
void *__real_malloc(size_t);
void __real_free(void *);
void *__wrap_malloc(size_t n) {
  calls += counting;
  return __real_malloc(n);
}
void __wrap_free(void *p) {
  calls += counting;
  __real_free(p);
}

int main(void) {
  test_rng = 99;
  static const int64_t batches[] = {1, 7, 32, 33};
  int ok = 1;
  int64_t states = m_opt_state_size();
  float *p0 = malloc(sizeof(float) * M_NUM_PARAMS),
        *p1 = malloc(sizeof(float) * M_NUM_PARAMS);
  float *s0 = malloc(sizeof(float) * states),
        *s1 = malloc(sizeof(float) * states);
  m_init_params(p0, 3);
  memcpy(p1, p0, sizeof(float) * M_NUM_PARAMS);
  m_init_opt_state(s0);
  m_init_opt_state(s1);
  int64_t previous = 0;
  for (size_t bi = 0; bi < sizeof batches / sizeof *batches; ++bi) {
    int64_t batch = batches[bi];
    int64_t bytes = m_train_step_metrics_workspace_size(batch);
    if (m_eval_step_workspace_size(batch) > bytes)
      bytes = m_eval_step_workspace_size(batch);
    if (m_predict_workspace_size(batch) > bytes)
      bytes = m_predict_workspace_size(batch);
    /* Grows with the batch: a workspace for a batch serves smaller ones. */
    ok &= bytes > previous;
    previous = bytes;
    void *ws = aligned_alloc(64, (size_t)(bytes + 63) / 64 * 64);
    float *x = malloc(sizeof(float) * batch * M_INPUT_SIZE);
    int32_t *y = malloc(sizeof(int32_t) * batch);
    float *out0 = malloc(sizeof(float) * batch * M_OUTPUT_SIZE);
    float *out1 = malloc(sizeof(float) * batch * M_OUTPUT_SIZE);
    test_random_batch(x, batch * M_INPUT_SIZE, 0, 1, y, batch, M_OUTPUT_SIZE);
    float t0[2], t1[2], e0[2], e1[2];
    m_train_step_metrics(p0, s0, x, y, batch, t0);
    m_eval_step(p0, x, y, batch, e0);
    m_predict(p0, x, out0, batch);
    calls = 0;
    counting = 1;
    m_train_step_metrics_ws(p1, s1, x, y, batch, t1, ws);
    m_eval_step_ws(p1, x, y, batch, e1, ws);
    m_predict_ws(p1, x, out1, batch, ws);
    counting = 0;
    int same = !memcmp(p0, p1, sizeof(float) * M_NUM_PARAMS) &&
               !memcmp(s0, s1, sizeof(float) * states) &&
               !memcmp(t0, t1, sizeof t0) && !memcmp(e0, e1, sizeof e0) &&
               !memcmp(out0, out1, sizeof(float) * batch * M_OUTPUT_SIZE);
    printf("batch %lld: workspace %lld bytes, %ld allocations, %s\n",
           (long long)batch, (long long)bytes, calls,
           same ? "bitwise equal" : "DIFFERENT");
    ok &= same && calls == 0;
    free(ws), free(x), free(y), free(out0), free(out1);
  }
  /* The allocating entry points do allocate (the count above is live). */
  calls = 0;
  counting = 1;
  float t[2];
  float x1[M_INPUT_SIZE] = {0};
  int32_t y1[1] = {0};
  m_train_step_metrics(p0, s0, x1, y1, 1, t);
  counting = 0;
  printf("train_step_metrics: %ld allocations\n", calls);
  ok &= calls > 0;
  return ok ? 0 : 1;
}
