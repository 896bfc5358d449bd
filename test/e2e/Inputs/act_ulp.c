/* The largest error, in ulps of float, of each newer activation as dlc
 * compiles it, against a double-precision reference from libm (see
 * ulp_measure.h for the points). The models are act_one.dl with ACT replaced
 * by the activation, compiled with --model-prefix=<activation>; with w = 1
 * and b = 0 predict computes the activation of x itself.
 *
 * usage: act_ulp STRIDE MIN_ABS
 *   MIN_ABS: skip |x| below it (FLT_MIN for an object that flushes
 *   subnormals, 0 for one built with --denormals=ieee). */
#include "ulp_measure.h"

#define DECLARE(NAME)                                                          \
  void NAME##_predict(const float *, const float *, float *, int64_t);
DECLARE(relu6)
DECLARE(leaky_relu)
DECLARE(elu)
DECLARE(softplus)
DECLARE(softsign)
DECLARE(hard_sigmoid)
DECLARE(silu)
DECLARE(gelu)
DECLARE(exponential)

/* NaN stays NaN, as in PyTorch (fmin and fmax would drop it). */
static double ref_relu6(double x) {
  return isnan(x) ? x : fmin(fmax(x, 0.0), 6.0);
}
/* The model's alpha is the float nearest 0.2. */
static double ref_leaky_relu(double x) { return x > 0 ? x : (double)0.2f * x; }
static double ref_elu(double x) { return x > 0 ? x : expm1(x); }
static double ref_softplus(double x) {
  return fmax(x, 0.0) + log1p(exp(-fabs(x)));
}
static double ref_softsign(double x) { return x / (1.0 + fabs(x)); }
static double ref_hard_sigmoid(double x) {
  return isnan(x) ? x : fmin(fmax(x + 3.0, 0.0), 6.0) / 6.0;
}
static double ref_silu(double x) { return x / (1.0 + exp(-x)); }
static double ref_gelu(double x) { return 0.5 * x * erfc(-x / sqrt(2.0)); }

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s STRIDE MIN_ABS\n", argv[0]);
    return 2;
  }
  uint64_t stride = strtoull(argv[1], NULL, 0);
  float min_abs = strtof(argv[2], NULL);
  if (stride == 0)
    return 2;
  struct {
    const char *name;
    predict_fn f;
    double (*ref)(double);
    double bound; /* what docs/numerics.md states */
  } acts[] = {
      {"relu6", relu6_predict, ref_relu6, 0.0},
      {"leaky_relu", leaky_relu_predict, ref_leaky_relu, 0.5},
      {"elu", elu_predict, ref_elu, 1.0},
      {"softplus", softplus_predict, ref_softplus, 3.0},
      {"softsign", softsign_predict, ref_softsign, 2.0},
      {"hard_sigmoid", hard_sigmoid_predict, ref_hard_sigmoid, 1.0},
      {"silu", silu_predict, ref_silu, 1.0},
      {"gelu", gelu_predict, ref_gelu, 2.5},
      {"exponential", exponential_predict, exp, 1.0},
  };
  double worst[sizeof acts / sizeof *acts];
  for (size_t i = 0; i < sizeof acts / sizeof *acts; ++i)
    worst[i] = measure(acts[i].name, acts[i].f, acts[i].ref, stride, min_abs);
  for (size_t i = 0; i < sizeof acts / sizeof *acts; ++i)
    printf("%s %s %g ulp: %s\n", acts[i].name,
           worst[i] <= acts[i].bound ? "within" : "above", acts[i].bound,
           worst[i] <= acts[i].bound ? "OK" : "FAIL");
  return 0;
}
