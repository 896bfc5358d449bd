/* The largest error, in ulps of float, of dl-expand-math's exp, log, log1p
 * and cos (math_ulp.mlir) against libm in double, over every float whose
 * bit pattern is a multiple of STRIDE in each function's domain: where the
 * input and the exact result are normal floats, and |x| <= 8 for cos (the
 * normal initialisers take cos of [0, 2 pi); upstream's range reduction is
 * not meant for large arguments). Prints each bound; the test
 * checks them against docs/numerics.md.
 *
 * usage: math_ulp STRIDE */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { kBatch = 65536 };
typedef void (*math_fn)(float *, float *);
void f_exp(float *, float *);
void f_log(float *, float *);
void f_log1p(float *, float *);
void f_cos(float *, float *);

static double ulp_error(float got, double want) {
  if (isnan(got) || isnan(want))
    return isnan(got) && isnan(want) ? 0.0 : INFINITY;
  if (isinf(want) || isinf(got))
    return (double)got == want ? 0.0 : INFINITY;
  int e;
  frexp(fabs(want), &e);
  return fabs((double)got - want) / ldexp(1.0, e - 1 - 23);
}

static int in_domain(const char *name, float x, double want) {
  if (isnan(x) || isnan(want) || fabs(want) < FLT_MIN || fabs(want) > FLT_MAX)
    return 0;
  if (!strcmp(name, "cos"))
    return fabsf(x) <= 8.0f;
  /* Subnormal inputs are flushed to zero by dlc's default objects. */
  return fabsf(x) >= FLT_MIN;
}

static double measure(const char *name, math_fn f, double (*ref)(double),
                      uint64_t stride) {
  int abs_ulps = !strcmp(name, "cos");
  static float x[kBatch], y[kBatch];
  double worst = 0;
  float worst_x = 0;
  uint64_t points = 0;
  int n = 0;
  for (uint64_t b = 0; b <= 0xffffffffull + (uint64_t)kBatch; b += stride) {
    if (b <= 0xffffffffull) {
      uint32_t bits = (uint32_t)b;
      float v;
      memcpy(&v, &bits, sizeof v);
      if (!in_domain(name, v, ref((double)v)))
        continue;
      x[n++] = v;
      if (n < kBatch)
        continue;
    }
    for (int i = n; i < kBatch; ++i)
      x[i] = x[0]; /* pad the last batch */
    f(x, y);
    for (int i = 0; i < n; ++i) {
      double want = ref((double)x[i]);
      /* cos near its zeros: the absolute error is what Box-Muller sees, in
       * ulps of 1.0 (2^-23). */
      double err =
          abs_ulps ? fabs((double)y[i] - want) * 0x1p23 : ulp_error(y[i], want);
      if (err > worst) {
        worst = err;
        worst_x = x[i];
      }
    }
    points += (uint64_t)n;
    n = 0;
    if (b > 0xffffffffull)
      break;
  }
  printf("%s: %llu points, max error %.3f ulp%s at x = %.9g\n", name,
         (unsigned long long)points, worst, abs_ulps ? " of 1.0" : "", worst_x);
  return worst;
}

int main(int argc, char **argv) {
  uint64_t stride = argc == 2 ? strtoull(argv[1], NULL, 0) : 0;
  if (stride == 0) {
    fprintf(stderr, "usage: %s STRIDE\n", argv[0]);
    return 2;
  }
  /* The bounds docs/numerics.md states. */
  const struct {
    const char *name;
    math_fn f;
    double (*ref)(double);
    double bound;
  } fns[] = {{"exp", f_exp, exp, 5.0},
             {"log", f_log, log, 1.0},
             {"log1p", f_log1p, log1p, 2.5},
             {"cos", f_cos, cos, 3.0}};
  for (size_t i = 0; i < sizeof fns / sizeof *fns; ++i) {
    double worst = measure(fns[i].name, fns[i].f, fns[i].ref, stride);
    printf("%s %s %g ulp: %s\n", fns[i].name,
           worst <= fns[i].bound ? "within" : "above", fns[i].bound,
           worst <= fns[i].bound ? "OK" : "FAIL");
  }
  return 0;
}
