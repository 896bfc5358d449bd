/* The objects of linear1.dl compiled with --denormals=flush (prefix fz) and
 * --denormals=ieee (prefix ie): y = w x + b with subnormal results and
 * inputs. The expected values are this file's own arithmetic in the default
 * IEEE mode; the caller's MXCSR must be the same after every call. */
#include "fz.h"
#include "ie.h"

#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int failures;

/* MXCSR's control bits (rounding, masks, FTZ, DAZ); bits 0-5 are the
 * sticky exception flags, which any arithmetic may raise. */
static const unsigned kControl = ~0x3fu;

static void expect_mode(const char *what, unsigned before) {
  unsigned after = _mm_getcsr();
  if ((after & kControl) != (before & kControl)) {
    printf("%s: MXCSR 0x%x before, 0x%x after\n", what, before, after);
    ++failures;
  }
}

static float from_bits(uint32_t bits) {
  float f;
  memcpy(&f, &bits, sizeof f);
  return f;
}

typedef void (*predict_fn)(const float *, const float *, float *, int64_t);

/* y = w x (b = 0) with the caller's MXCSR set to `mode`. */
static float predict(predict_fn f, float w, float x, unsigned mode) {
  float params[2] = {w, 0.0f};
  float y = -1.0f;
  unsigned saved = _mm_getcsr();
  _mm_setcsr(mode);
  f(params, &x, &y, 1);
  expect_mode("predict", mode);
  _mm_setcsr(saved);
  return y;
}

static void check(const char *what, float got, float want) {
  int ok = memcmp(&got, &want, sizeof got) == 0;
  printf("%s: got %g, want %g: %s\n", what, got, want, ok ? "OK" : "FAIL");
  failures += !ok;
}

int main(void) {
  const unsigned ieee = _mm_getcsr() & ~0x8040u, ftz = ieee | 0x8040u;
  /* 1e-20 * 1e-20 = 1e-40: a subnormal result (flushed by FTZ). */
  volatile float tiny = 1e-20f, big = 1e30f;
  float product = tiny * tiny;
  /* 1e-40 as an input (read as zero under DAZ) times 1e30 = 1e-10. */
  float sub = from_bits(0x000116c2u); /* about 1e-40 */
  float scaled = sub * big;
  if (!(product > 0.0f && product < 1.17549435e-38f) || !(scaled > 0.0f)) {
    printf("the harness itself runs with subnormals flushed\n");
    return 1;
  }
  check("ieee object, subnormal result", predict(ie_predict, tiny, tiny, ieee),
        product);
  check("ieee object, subnormal input", predict(ie_predict, big, sub, ieee),
        scaled);
  check("flush object, subnormal result", predict(fz_predict, tiny, tiny, ieee),
        0.0f);
  check("flush object, subnormal input", predict(fz_predict, big, sub, ieee),
        0.0f);
  /* A caller that flushes already keeps doing so; the IEEE object does not
   * touch the mode either. */
  check("flush object, FTZ caller", predict(fz_predict, tiny, tiny, ftz), 0.0f);
  check("ieee object, FTZ caller", predict(ie_predict, tiny, tiny, ftz), 0.0f);
  /* The flags a call raises reach the caller: flushing 1e-40 raises
   * underflow (bit 4) even though the caller's mode comes back. */
  unsigned saved = _mm_getcsr();
  _mm_setcsr(ieee & kControl);
  float y, params1[2] = {tiny, 0.0f}, x1 = tiny;
  fz_predict(params1, &x1, &y, 1);
  unsigned flags = _mm_getcsr() & 0x3fu;
  _mm_setcsr(saved);
  printf("underflow flag after the flushing call: %s\n",
         (flags & 0x10u) ? "raised" : "clear");

  /* The training step (the allocating form and the _ws form) gives the
   * caller its mode back as well. */
  float params[2] = {0.5f, 0.0f}, x = 1.0f, target = 2.0f, metrics[2];
  float state[64];
  if (fz_opt_state_size() > 64) {
    printf("opt_state too small\n");
    return 1;
  }
  unsigned before = _mm_getcsr();
  fz_init_opt_state(state);
  fz_train_step_metrics(params, state, &x, &target, 1, metrics);
  expect_mode("train_step_metrics", before);
  static unsigned char ws[1 << 16] __attribute__((aligned(64)));
  if (fz_train_step_metrics_workspace_size(1) > (int64_t)sizeof ws) {
    printf("workspace too small\n");
    return 1;
  }
  fz_train_step_metrics_ws(params, state, &x, &target, 1, metrics, ws);
  expect_mode("train_step_metrics_ws", before);
  printf("%d failures\n", failures);
  return failures != 0;
}
