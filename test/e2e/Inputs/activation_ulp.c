/* The largest error, in ulps of float, of a compiled activation against a
 * double-precision reference from libm, over every float whose bit pattern
 * is a multiple of STRIDE (1: all 2^32 of them) plus the neighbourhood of
 * the points where an approximation typically switches (0, the saturation
 * thresholds). The models are act_tanh.dl and act_sigmoid.dl with w = 1 and
 * b = 0, so predict computes the activation of x itself.
 *
 * usage: activation_ulp STRIDE MIN_ABS
 *   MIN_ABS: skip |x| below it (FLT_MIN for an object that flushes
 *   subnormals, 0 for one built with --denormals=ieee). */
#include "sg.h"
#include "th.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*predict_fn)(const float *, const float *, float *, int64_t);

enum { kBatch = 1 << 16 };

static double ref_tanh(double x) { return tanh(x); }
static double ref_sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }

/* The error of `got` against the exact value `want` (a normal float or
 * beyond) in units of the float spacing at `want`. NaN against NaN is no error;
 * a NaN on one side only is an infinite one. */
static double ulp_error(float got, double want) {
  if (isnan(got) || isnan(want))
    return isnan(got) && isnan(want) ? 0.0 : INFINITY;
  if (isinf(want) || isinf(got))
    return (double)got == want ? 0.0 : INFINITY;
  double a = fabs(want);
  int e;
  frexp(a, &e); /* a in [2^(e-1), 2^e) */
  double ulp = ldexp(1.0, e - 1 - 23);
  return fabs((double)got - want) / ulp;
}

struct stats {
  double worst;
  float worst_x, worst_got;
  uint64_t points;
  double tiny; /* the largest absolute error where |want| < FLT_MIN */
};

static void run(predict_fn f, double (*ref)(double), const float *x, int64_t n,
                float *y, struct stats *s) {
  const float params[2] = {1.0f, 0.0f};
  f(params, x, y, n);
  for (int64_t i = 0; i < n; ++i) {
    double want = ref((double)x[i]);
    /* Subnormal results are counted apart: the flushing objects make them
     * 0, and the activation of an input that small is 0 in PyTorch too. */
    if (fabs(want) < FLT_MIN && !isnan(y[i])) {
      double abs_err = fabs((double)y[i] - want);
      if (abs_err > s->tiny)
        s->tiny = abs_err;
      continue;
    }
    double err = ulp_error(y[i], want);
    if (err > s->worst) {
      s->worst = err;
      s->worst_x = x[i];
      s->worst_got = y[i];
    }
  }
  s->points += (uint64_t)n;
}

static float from_bits(uint32_t b) {
  float f;
  memcpy(&f, &b, sizeof f);
  return f;
}

static uint32_t to_bits(float f) {
  uint32_t b;
  memcpy(&b, &f, sizeof b);
  return b;
}

/* Runs f over the sampled floats and the neighbourhoods; prints and returns
 * the worst error. */
static double measure(const char *name, predict_fn f, double (*ref)(double),
                      uint64_t stride, float min_abs) {
  static float x[kBatch], y[kBatch];
  struct stats s = {0, 0, 0, 0, 0};
  int64_t n = 0;
  for (uint64_t b = 0; b <= 0xffffffffull; b += stride) {
    float v = from_bits((uint32_t)b);
    if (fabsf(v) < min_abs)
      continue;
    x[n++] = v;
    if (n == kBatch) {
      run(f, ref, x, n, y, &s);
      n = 0;
    }
  }
  /* 4096 floats either side of each point, both signs. */
  const float centres[] = {min_abs, 2.44140625e-4f, 0.55f, 1.0f,  7.999f,
                           9.0109f, 16.0f,          17.0f, 88.0f, 104.0f};
  for (size_t c = 0; c < sizeof centres / sizeof *centres; ++c)
    for (int sign = 0; sign < 2; ++sign)
      for (int d = -4096; d <= 4096; ++d) {
        float v = from_bits(to_bits(centres[c]) + (uint32_t)d);
        v = sign ? -v : v;
        if (fabsf(v) < min_abs || isnan(v))
          continue;
        x[n++] = v;
        if (n == kBatch) {
          run(f, ref, x, n, y, &s);
          n = 0;
        }
      }
  if (n)
    run(f, ref, x, n, y, &s);
  printf("%s: %llu points, max error %.3f ulp at x = %.9g (got %.9g, want "
         "%.17g); below FLT_MIN: max absolute error %.3g\n",
         name, (unsigned long long)s.points, s.worst, s.worst_x, s.worst_got,
         ref((double)s.worst_x), s.tiny);
  return s.worst;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s STRIDE MIN_ABS\n", argv[0]);
    return 2;
  }
  uint64_t stride = strtoull(argv[1], NULL, 0);
  float min_abs = strtof(argv[2], NULL);
  if (stride == 0)
    return 2;
  double t = measure("tanh", th_predict, ref_tanh, stride, min_abs);
  double s = measure("sigmoid", sg_predict, ref_sigmoid, stride, min_abs);
  /* The bounds docs/numerics.md states. */
  printf("tanh %s\n", t <= 1.0 ? "within 1 ulp: OK" : "above 1 ulp: FAIL");
  printf("sigmoid %s\n", s <= 1.0 ? "within 1 ulp: OK" : "above 1 ulp: FAIL");
  return 0;
}
