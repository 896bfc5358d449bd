/* Dropout's masks, read through train_step (see dropmask.dl): the kept
 * fraction is within 3 sigma of 1 - rate, kept values are exactly
 * 1 / (1 - rate) rounded to f32, the same seed and step give the same mask,
 * another step or seed a different one; predict and eval_step are the
 * identity (no dropout); spatial_dropout2d decides per sample and channel. */
#include "dropmask.h"
#include "spatialmask.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N DROPMASK_NUM_PARAMS
static const double kRate = 0.3;

static float x[N], params[N], mask[N], other[N];
static int failures = 0;

static void check(int ok, const char *what) {
  printf("%s: %s\n", ok ? "OK" : "FAILED", what);
  failures += !ok;
}

/* The seed slot as docs/abi.md defines it. */
static void set_seed(float *state, uint64_t seed) {
  for (int k = 0; k < 4; ++k)
    state[DROPMASK_OPT_STATE_SEED + k] = (float)((seed >> (16 * k)) & 0xffff);
}

/* One step at (seed, step) from a zero kernel: the kernel becomes minus the
 * dropout's output for inputs of ones. */
static void mask_at(float *state, uint64_t seed, float step, float *out) {
  dropmask_init_opt_state(state);
  set_seed(state, seed);
  state[0] = step;
  memset(params, 0, sizeof params);
  float target = -0.5f;
  dropmask_train_step(params, state, x, &target, 1);
  for (int i = 0; i < N; ++i)
    out[i] = -params[i];
}

/* The mask as docs/abi.md and dl.dropout's description define it, written
 * independently of the compiler: SplitMix64's mixer; the step's key from
 * the seed and step; the layer's key from its stream (its position in the
 * model: 1); element i kept when the top 24 bits of its draw, as a
 * fraction, are >= rate. */
static uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
static const uint64_t kGolden = 0x9E3779B97F4A7C15ull;
static int reference_kept(uint64_t seed, uint64_t step, uint64_t stream,
                          uint64_t i) {
  uint64_t key = mix64(seed + (step + 1) * kGolden);
  uint64_t layer = mix64(key + (stream + 1) * kGolden);
  uint64_t bits = mix64(layer + (2 * i + 1) * kGolden);
  return (float)(bits >> 40) * (1.0f / 16777216.0f) >= (float)kRate;
}

static int differing(const float *a, const float *b, int n) {
  int d = 0;
  for (int i = 0; i < n; ++i)
    d += (a[i] != 0) != (b[i] != 0);
  return d;
}

int main(void) {
  float *state = calloc((size_t)dropmask_opt_state_size(), sizeof(float));
  for (int i = 0; i < N; ++i)
    x[i] = 1.0f;

  mask_at(state, 42, 0, mask);
  const float scale = (float)(1.0 / (1.0 - kRate));
  int kept = 0, exact = 1;
  for (int i = 0; i < N; ++i) {
    kept += mask[i] != 0;
    exact &= mask[i] == 0 || mask[i] == scale;
  }
  double mean = N * (1 - kRate), sigma = sqrt(N * kRate * (1 - kRate));
  printf("kept %d of %d (expected %.0f +- %.0f)\n", kept, N, mean, 3 * sigma);
  /* Which elements: for comparing builds (the .test compares -O0 and -O2). */
  uint64_t hash = 14695981039346656037ull; /* FNV-1a over the kept flags */
  for (int i = 0; i < N; ++i)
    hash = (hash ^ (uint64_t)(mask[i] != 0)) * 1099511628211ull;
  printf("mask hash %016llx\n", (unsigned long long)hash);
  check(fabs(kept - mean) <= 3 * sigma, "kept fraction within 3 sigma");
  check(exact, "kept values are exactly 1 / (1 - rate) (as f32), others 0");
  int formula = 1;
  for (int i = 0; i < N; ++i)
    formula &= (mask[i] != 0) == reference_kept(42, 0, 1, (uint64_t)i);
  check(formula, "the mask is the documented function of seed, step, "
                 "stream and index");

  /* A fair coin per element: two independent masks agree on a fraction
   * p^2 + (1-p)^2 of the elements, so they differ on 2p(1-p) = 42%. */
  double expectDiff = N * 2 * kRate * (1 - kRate);
  mask_at(state, 42, 0, other);
  check(memcmp(mask, other, sizeof mask) == 0, "same seed and step: same mask");
  mask_at(state, 42, 1, other);
  int d = differing(mask, other, N);
  printf("step 1 differs on %d elements (expected about %.0f)\n", d,
         expectDiff);
  check(fabs(d - expectDiff) <= 0.05 * N, "another step: another mask");
  mask_at(state, 43, 0, other);
  d = differing(mask, other, N);
  check(fabs(d - expectDiff) <= 0.05 * N, "another seed: another mask");
  mask_at(state, 42ull << 40, 0, other);
  d = differing(mask, other, N);
  check(fabs(d - expectDiff) <= 0.05 * N, "the seed's high words count too");

  /* train_step advanced the counter: the next call uses step 1's mask. */
  mask_at(state, 42, 0, other);
  check(state[0] == 1.0f, "train_step counts the step");

  /* Inference: a kernel of ones sums the inputs exactly as they are. */
  for (int i = 0; i < N; ++i)
    params[i] = 1.0f;
  float y = 0, metrics[2] = {-1, -1}, target = (float)N;
  dropmask_predict(params, x, &y, 1);
  check(y == (float)N, "predict: dropout is the identity");
  dropmask_eval_step(params, x, &target, 1, metrics);
  check(metrics[0] == 0.0f, "eval_step: dropout is the identity");

  /* spatial_dropout2d: per channel, every position kept or every dropped. */
  enum { H = 4, W = 4, C = 512, S = H * W * C };
  static float sx[S], sp[S];
  float *sstate = calloc((size_t)spatialmask_opt_state_size(), sizeof(float));
  for (int i = 0; i < S; ++i)
    sx[i] = 1.0f;
  spatialmask_init_opt_state(sstate);
  spatialmask_init_params(sp, 0);
  float starget = -0.5f;
  spatialmask_train_step(sp, sstate, sx, &starget, 1);
  int uniform = 1, channelsKept = 0;
  for (int c = 0; c < C; ++c) {
    int k = sp[c] != 0;
    channelsKept += k;
    for (int p = 0; p < H * W; ++p)
      uniform &= (sp[p * C + c] != 0) == k;
  }
  printf("spatial: %d of %d channels kept\n", channelsKept, C);
  check(uniform, "spatial: one decision per channel");
  check(fabs(channelsKept - C * 0.5) <= 3 * sqrt(C * 0.25),
        "spatial: kept channels within 3 sigma");
  free(state);
  free(sstate);
  return failures ? 1 : 0;
}
