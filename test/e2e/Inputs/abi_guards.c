/* The generated entry points check what they can cheaply (docs/abi.md,
 * "What the entry points check"): every batch entry point called with a
 * batch of 0, -1 and INT64_MIN (with null x, targets and workspace: it must
 * read nothing) returns NaN or writes NaN metrics, and leaves params,
 * opt_state (the step counter included), y and grads byte for byte as they
 * were; so does every entry point with int32 labels when one sample of an
 * otherwise valid batch has label 10 (or the classes), -1, INT32_MAX or
 * INT32_MIN; F_workspace_size of a negative batch is that of batch 0. A
 * valid step afterwards still trains. Prints FAIL lines and exits 1 on any
 * failure. The model is compiled with --model-prefix=model. */
#include "model.h"
#include "random_batch.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { kBatch = 8, kBad = 5 };

static int failures = 0;

static float *alloc_floats(int64_t n) {
  float *p = aligned_alloc(64, (size_t)((n * 4 + 63) / 64 * 64));
  if (!p)
    exit(2);
  return p;
}

static void fail(const char *what, const char *call, long long arg) {
  printf("FAIL %s(%lld): %s\n", call, arg, what);
  ++failures;
}

/* Buffers the rejected call must leave alone, with their state before it. */
static float *params, *state, *y, *grads, *tgrads;
static float *params0, *state0, *ysaved, *grads0, *tgrads0;
static int64_t np, ns, ng;

static void snapshot(void) {
  memcpy(params0, params, (size_t)np * 4);
  memcpy(state0, state, (size_t)ns * 4);
  memcpy(ysaved, y, (size_t)kBatch * MODEL_OUTPUT_SIZE * 4);
  memcpy(grads0, grads, (size_t)np * 4);
  memcpy(tgrads0, tgrads, (size_t)ng * 4);
}

/* After a rejected call: nothing written but NaN results. */
static void check_rejected(const char *call, long long arg, float result,
                           const float *metrics) {
  if (!isnan(result))
    fail("result is not NaN", call, arg);
  if (metrics && !(isnan(metrics[0]) && isnan(metrics[1])))
    fail("metrics are not NaN", call, arg);
  if (memcmp(params, params0, (size_t)np * 4))
    fail("params changed", call, arg);
  if (memcmp(state, state0, (size_t)ns * 4))
    fail("opt_state changed", call, arg);
  if (memcmp(y, ysaved, (size_t)kBatch * MODEL_OUTPUT_SIZE * 4))
    fail("y changed", call, arg);
  if (memcmp(grads, grads0, (size_t)np * 4))
    fail("grads changed", call, arg);
  if (memcmp(tgrads, tgrads0, (size_t)ng * 4))
    fail("train_gradients' grads changed", call, arg);
}

/* Every entry point that takes `batch` and `targets`, called with them;
 * NaN stands for "no float result". */
static void call_all(const float *x, const void *t, int64_t batch, void *ws,
                     const char *why, long long arg) {
  float metrics[2];
  char name[128];
#define CHECK_CALL(NAME, RESULT, METRICS)                                      \
  do {                                                                         \
    snapshot();                                                                \
    metrics[0] = metrics[1] = 0.0f;                                            \
    float r_ = (RESULT);                                                       \
    snprintf(name, sizeof name, "%s %s", NAME, why);                           \
    check_rejected(name, arg, r_, METRICS);                                    \
  } while (0)
  CHECK_CALL("train_step", model_train_step(params, state, x, t, batch), NULL);
  CHECK_CALL(
      "train_step_metrics",
      (model_train_step_metrics(params, state, x, t, batch, metrics), NAN),
      metrics);
  CHECK_CALL(
      "train_step_metrics_ws",
      (model_train_step_metrics_ws(params, state, x, t, batch, metrics, ws),
       NAN),
      metrics);
  CHECK_CALL("gradients", model_gradients(params, x, t, batch, grads), NULL);
  CHECK_CALL(
      "train_gradients",
      (model_train_gradients(params, state, x, t, batch, tgrads, metrics), NAN),
      metrics);
  CHECK_CALL("train_gradients_ws",
             (model_train_gradients_ws(params, state, x, t, batch, tgrads,
                                       metrics, ws),
              NAN),
             metrics);
  CHECK_CALL("eval_step", (model_eval_step(params, x, t, batch, metrics), NAN),
             metrics);
  CHECK_CALL("eval_step_ws",
             (model_eval_step_ws(params, x, t, batch, metrics, ws), NAN),
             metrics);
#undef CHECK_CALL
}

int main(void) {
  np = MODEL_NUM_PARAMS;
  ns = model_opt_state_size();
  ng = MODEL_NUM_GRADS;
  params = alloc_floats(np);
  params0 = alloc_floats(np);
  state = alloc_floats(ns);
  state0 = alloc_floats(ns);
  y = alloc_floats(kBatch * MODEL_OUTPUT_SIZE);
  ysaved = alloc_floats(kBatch * MODEL_OUTPUT_SIZE);
  grads = alloc_floats(np);
  grads0 = alloc_floats(np);
  tgrads = alloc_floats(ng);
  tgrads0 = alloc_floats(ng);
  float *x = alloc_floats(kBatch * MODEL_INPUT_SIZE);
  int32_t labels[kBatch];
#if !MODEL_SPARSE_LABELS
  static float onehot[kBatch * MODEL_OUTPUT_SIZE];
#endif

  model_init_params(params, 3);
  model_init_opt_state(state);
  /* One valid step first, so opt_state's step counter and moments are not
   * all zero (a reset to zero would go unseen otherwise). */
  test_random_batch(x, kBatch * MODEL_INPUT_SIZE, 0.0f, 1.0f, labels, kBatch,
                    MODEL_OUTPUT_SIZE);
#if MODEL_SPARSE_LABELS
  const void *targets = labels;
#else
  for (int i = 0; i < kBatch; ++i)
    onehot[i * MODEL_OUTPUT_SIZE + labels[i]] = 1.0f;
  const void *targets = onehot;
#endif
  float first = model_train_step(params, state, x, targets, kBatch);
  if (!isfinite(first))
    fail("the first valid step's loss is not finite", "train_step", kBatch);
  for (int64_t i = 0; i < kBatch * MODEL_OUTPUT_SIZE; ++i)
    y[i] = -7.0f; /* sentinels: a rejected call writes none of them */
  for (int64_t i = 0; i < np; ++i)
    grads[i] = -7.0f;
  for (int64_t i = 0; i < ng; ++i)
    tgrads[i] = -7.0f;

  /* Sizes below 1: nothing read (null x, targets and workspace). */
  const int64_t badBatches[] = {0, -1, INT64_MIN};
  const int64_t ws0 = model_train_step_metrics_workspace_size(0);
  for (int k = 0; k < 3; ++k) {
    const int64_t batch = badBatches[k];
    call_all(NULL, NULL, batch, NULL, "batch", (long long)batch);
    snapshot();
    model_predict(params, NULL, y, batch);
    check_rejected("predict", (long long)batch, NAN, NULL);
    model_predict_ws(params, NULL, y, batch, NULL);
    check_rejected("predict_ws", (long long)batch, NAN, NULL);
    if (model_train_step_metrics_workspace_size(batch) != ws0 ||
        model_predict_workspace_size(batch) !=
            model_predict_workspace_size(0) ||
        model_eval_step_workspace_size(batch) !=
            model_eval_step_workspace_size(0) ||
        model_train_gradients_workspace_size(batch) !=
            model_train_gradients_workspace_size(0))
      fail("workspace size differs from batch 0's", "F_workspace_size",
           (long long)batch);
  }
  printf("sizes below 1: checked\n");

#if MODEL_SPARSE_LABELS
  /* A label outside [0, classes) in one sample of a valid batch. */
  int64_t wsBytes = model_train_step_metrics_workspace_size(kBatch);
  if (model_train_gradients_workspace_size(kBatch) > wsBytes)
    wsBytes = model_train_gradients_workspace_size(kBatch);
  if (model_eval_step_workspace_size(kBatch) > wsBytes)
    wsBytes = model_eval_step_workspace_size(kBatch);
  void *ws = aligned_alloc(64, (size_t)(wsBytes + 63) / 64 * 64);
  const int32_t badLabels[] = {MODEL_OUTPUT_SIZE, -1, INT32_MAX, INT32_MIN};
  for (int k = 0; k < 4; ++k) {
    const int32_t keep = labels[kBad];
    labels[kBad] = badLabels[k];
    call_all(x, labels, kBatch, ws, "label", (long long)badLabels[k]);
    labels[kBad] = keep;
  }
  printf("labels out of range: checked\n");
  free(ws);
#endif

  /* A valid call afterwards still trains. */
  snapshot();
  float loss = model_train_step(params, state, x, targets, kBatch);
  if (!isfinite(loss))
    fail("loss is not finite", "valid train_step", kBatch);
  if (!memcmp(params, params0, (size_t)np * 4))
    fail("params did not change", "valid train_step", kBatch);
  if (state[0] != state0[0] + 1.0f)
    fail("the step counter did not advance by 1", "valid train_step", kBatch);
  model_predict(params, x, y, kBatch);
  for (int64_t i = 0; i < kBatch * MODEL_OUTPUT_SIZE; ++i)
    if (!isfinite(y[i])) {
      fail("a prediction is not finite", "valid predict", kBatch);
      break;
    }
  printf("valid step after: loss %g, step %g\n", (double)loss,
         (double)state[0]);
  printf(failures ? "FAILED (%d)\n" : "OK\n", failures);
  return failures ? 1 : 0;
}
