/* train_step against its split at the allreduce: train_gradients then
 * apply_gradients on a copy of the parameters and optimizer state, over a
 * few random batches. train_gradients must leave params and opt_state as
 * they are, give train_step's metrics, and (without dropout, whose
 * gradients entry point uses key 0) the trainable slices of `gradients`;
 * the two paths' parameters and state must agree to float rounding (the
 * fused step may fuse the weight gradient into the update). The model is
 * compiled with --model-prefix=model. */
#include "model.h"
#include "random_batch.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { kBatch = 33, kSteps = 6 };

static float *alloc_floats(int64_t n) {
  float *p = aligned_alloc(64, (size_t)((n * 4 + 63) / 64 * 64));
  if (!p)
    exit(2);
  return p;
}

/* The largest |a - b| relative to tol = atol + rtol * |b|; > 1 fails. */
static double worst(const float *a, const float *b, int64_t n, double atol,
                    double rtol, double *maxdiff) {
  double w = 0;
  *maxdiff = 0;
  for (int64_t i = 0; i < n; ++i) {
    double d = fabs((double)a[i] - (double)b[i]);
    double r = d / (atol + rtol * fabs((double)b[i]));
    if (!(r <= w)) /* NaN counts as failing */
      w = isnan(r) ? INFINITY : r;
    if (d > *maxdiff)
      *maxdiff = d;
  }
  return w;
}

int main(void) {
  const int64_t np = MODEL_NUM_PARAMS, ng = MODEL_NUM_GRADS;
  const int64_t ns = model_opt_state_size();
  float *pa = alloc_floats(np), *pb = alloc_floats(np), *pc = alloc_floats(np);
  float *sa = alloc_floats(ns), *sb = alloc_floats(ns), *sc = alloc_floats(ns);
  float *g = alloc_floats(ng), *full = alloc_floats(np);
  float *x = alloc_floats(kBatch * MODEL_INPUT_SIZE);
  int32_t labels[kBatch];
  static float onehot[kBatch * MODEL_OUTPUT_SIZE];
  int64_t counted = 0;
  for (int64_t k = 0; k < MODEL_NUM_PARAM_TENSORS; ++k)
    counted += model_param_info[k].trainable || model_param_info[k].state
                   ? model_param_info[k].size
                   : 0;
  if (counted != ng) {
    printf("NUM_GRADS %lld, but the trainable tensors and statistics hold "
           "%lld floats\n",
           (long long)ng, (long long)counted);
    return 1;
  }
  model_init_params(pa, 7);
  memcpy(pb, pa, (size_t)np * 4);
  model_init_opt_state(sa);
#ifdef MODEL_OPT_STATE_SEED
  sa[MODEL_OPT_STATE_SEED] = 5; /* seed 5: masks that are not key 0's */
#endif
  memcpy(sb, sa, (size_t)ns * 4);
  int ok = 1;
  for (int step = 0; step < kSteps; ++step) {
    test_random_batch(x, kBatch * MODEL_INPUT_SIZE, 0.0f, 1.0f, labels, kBatch,
                      MODEL_OUTPUT_SIZE);
#if MODEL_SPARSE_LABELS
    const void *targets = labels;
#else
    memset(onehot, 0, sizeof onehot);
    for (int i = 0; i < kBatch; ++i)
      onehot[i * MODEL_OUTPUT_SIZE + labels[i]] = 1.0f;
    const void *targets = onehot;
#endif
    float ma[2], mb[2];
    model_train_step_metrics(pa, sa, x, targets, kBatch, ma);
    memcpy(pc, pb, (size_t)np * 4);
    memcpy(sc, sb, (size_t)ns * 4);
    model_train_gradients(pb, sb, x, targets, kBatch, g, mb);
    if (memcmp(pc, pb, (size_t)np * 4) || memcmp(sc, sb, (size_t)ns * 4)) {
      printf("step %d: train_gradients changed params or opt_state\n", step);
      ok = 0;
    }
#ifndef MODEL_OPT_STATE_SEED
    /* The gradient buffer's layout: the trainable tensors of `gradients`'
     * parameter-shaped buffer, back to back. */
    model_gradients(pb, x, targets, kBatch, full);
    int64_t at = 0;
    double gd, gw = 0;
    for (int64_t k = 0; k < MODEL_NUM_PARAM_TENSORS; ++k) {
      const dlc_param_info *p = &model_param_info[k];
      if (!p->trainable)
        continue;
      double w = worst(g + at, full + p->offset, p->size, 1e-7, 1e-5, &gd);
      gw = w > gw ? w : gw;
      at += p->size;
    }
    if (!(gw <= 1)) {
      printf("step %d: grads differ from gradients' trainable slices\n", step);
      ok = 0;
    }
#endif
    model_apply_gradients(pb, sb, g);
    double dp, ds, dm;
    double wp = worst(pb, pa, np, 1e-6, 1e-4, &dp);
    double ws = worst(sb, sa, ns, 1e-7, 1e-4, &ds);
    double wm = worst(mb, ma, 2, 1e-6, 1e-5, &dm);
    int good = wp <= 1 && ws <= 1 && wm <= 1;
    printf("step %d: loss %.6f vs %.6f, max |diff| params %.3g state %.3g %s\n",
           step, ma[0], mb[0], dp, ds, good ? "OK" : "DIFFERENT");
    ok &= good;
  }
  return ok ? 0 : 1;
}
