/* The compiled steps' mae and mse (metrics[2] and [3], with
 * MODEL_NUM_METRICS 4) against the same errors computed here, in double,
 * from predict's outputs on the parameters before each step: for
 * train_step_metrics, train_gradients and eval_step, over a few random
 * batches of float targets; a rejected batch (0) writes NaN into all four.
 * The model is compiled with --model-prefix=model. */
#include "model.h"
#include "random_batch.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { kBatch = 13, kSteps = 4 };

static float *alloc_floats(int64_t n) {
  float *p = aligned_alloc(64, (size_t)((n * 4 + 63) / 64 * 64));
  if (!p)
    exit(2);
  return p;
}

static int failures = 0;

/* got against want at rtol 1e-5 (float sums of 39 terms). */
static void expect(const char *what, int step, float got, double want) {
  int ok = fabs((double)got - want) <= 1e-5 * fabs(want) + 1e-7;
  printf("step %d %s: %.7g, by hand %.7g %s\n", step, what, got, want,
         ok ? "OK" : "FAIL");
  failures += !ok;
}

int main(void) {
#if MODEL_NUM_METRICS != 4
#error "the model measures mae and mse: MODEL_NUM_METRICS should be 4"
#endif
  const int64_t np = MODEL_NUM_PARAMS, ns = model_opt_state_size();
  const int64_t nv = kBatch * MODEL_OUTPUT_SIZE;
  float *params = alloc_floats(np), *state = alloc_floats(ns);
  float *g = alloc_floats(MODEL_NUM_GRADS);
  float *x = alloc_floats(kBatch * MODEL_INPUT_SIZE);
  float *t = alloc_floats(nv), *p = alloc_floats(nv);
  int32_t unused[kBatch];
  model_init_params(params, 3);
  model_init_opt_state(state);
  for (int step = 0; step < kSteps; ++step) {
    test_random_batch(x, kBatch * MODEL_INPUT_SIZE, -2, 2, unused, kBatch, 1);
    for (int64_t i = 0; i < nv; ++i)
      t[i] = 2 * test_uniform() - 1;
    model_predict(params, x, p, kBatch);
    double mae = 0, mse = 0;
    for (int64_t i = 0; i < nv; ++i) {
      double d = (double)p[i] - (double)t[i];
      mae += fabs(d);
      mse += d * d;
    }
    mae /= (double)nv;
    mse /= (double)nv;
    float m[MODEL_NUM_METRICS];
    model_eval_step(params, x, t, kBatch, m);
    expect("eval_step mae", step, m[2], mae);
    expect("eval_step mse", step, m[3], mse);
    model_train_gradients(params, state, x, t, kBatch, g, m);
    expect("train_gradients mae", step, m[2], mae);
    expect("train_gradients mse", step, m[3], mse);
    model_train_step_metrics(params, state, x, t, kBatch, m);
    /* the loss is the mae: the same number both ways */
    expect("train_step_metrics loss", step, m[0], mae);
    expect("train_step_metrics mae", step, m[2], mae);
    expect("train_step_metrics mse", step, m[3], mse);
  }
  float m[MODEL_NUM_METRICS] = {0, 0, 0, 0};
  model_train_step_metrics(params, state, x, t, 0, m);
  int nan = isnan(m[0]) && isnan(m[1]) && isnan(m[2]) && isnan(m[3]);
  printf("batch 0: %s\n", nan ? "NaN metrics OK" : "FAIL");
  failures += !nan;
  printf("%s\n", failures ? "FAIL" : "all OK");
  return failures != 0;
}
