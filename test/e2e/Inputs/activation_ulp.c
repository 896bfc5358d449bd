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
#include "ulp_measure.h"

static double ref_tanh(double x) { return tanh(x); }
static double ref_sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }

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
