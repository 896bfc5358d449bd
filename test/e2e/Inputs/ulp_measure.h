/* The ulp measurement shared by activation_ulp.c and act_ulp.c: the largest
 * error, in ulps of float, of a compiled activation against a double
 * reference, over every float whose bit pattern is a multiple of STRIDE plus
 * 4096 floats either side of the points where an approximation typically
 * switches. Results below FLT_MIN are counted apart (absolute error). */
#ifndef ULP_MEASURE_H
#define ULP_MEASURE_H

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where tanh's, sigmoid's and the newer activations' evaluation switches or
 * saturates: 2^-12, the elu series' 1e-5, the kinks at 3 and 6, and the
 * ranges of exp. */
static const float kCentres[] = {2.44140625e-4f, 1e-5f,  0.55f,   1.0f,  3.0f,
                                 6.0f,           7.999f, 9.0109f, 16.0f, 17.0f,
                                 20.0f,          88.0f,  104.0f};

typedef void (*predict_fn)(const float *, const float *, float *, int64_t);

enum { kBatch = 1 << 16 };

/* The error of `got` against the exact value `want` (a normal float or
 * beyond) in units of the float spacing at `want`. NaN against NaN is no error;
 * a NaN on one side only is an infinite one. */
static double ulp_error(float got, double want) {
  if (isnan(got) || isnan(want))
    return isnan(got) && isnan(want) ? 0.0 : INFINITY;
  /* An exact value at or beyond FLT_MAX + half an ulp rounds to inf. */
  if (isinf(got) && fabs(want) >= 0x1.ffffffp127 && (got > 0) == (want > 0))
    return 0.0;
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
  /* 4096 floats either side of each point, both signs: min_abs and the
   * points where the approximations switch (kCentres). */
  float centres[sizeof kCentres / sizeof *kCentres + 1];
  centres[0] = min_abs;
  memcpy(centres + 1, kCentres, sizeof kCentres);
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

#endif /* ULP_MEASURE_H */
