/* Reference check for models of the form input -> [flatten] -> dense+ :
 * runs the generated <model>_predict and an independent naive double
 * precision forward pass, for batches 1, 7 and 64, and prints the worst
 * absolute error. Activations are given on the command line, one per dense
 * layer (linear, relu, sigmoid, tanh, softmax). Compile with -I<dir of
 * model.h>; the model must be compiled with --model-prefix=model. */
#include "model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t lcg = 88172645463325252ull;
static float next_uniform(void) { /* xorshift64, in [-1, 1) */
  lcg ^= lcg << 13;
  lcg ^= lcg >> 7;
  lcg ^= lcg << 17;
  return (float)((lcg >> 40) * (1.0 / 16777216.0) * 2.0 - 1.0);
}

static void activate(const char *act, double *v, int64_t n) {
  if (!strcmp(act, "softmax")) {
    double m = v[0], s = 0;
    for (int64_t i = 1; i < n; ++i)
      m = v[i] > m ? v[i] : m;
    for (int64_t i = 0; i < n; ++i)
      s += (v[i] = exp(v[i] - m));
    for (int64_t i = 0; i < n; ++i)
      v[i] /= s;
    return;
  }
  for (int64_t i = 0; i < n; ++i) {
    if (!strcmp(act, "relu"))
      v[i] = v[i] > 0 ? v[i] : 0;
    else if (!strcmp(act, "sigmoid"))
      v[i] = 1 / (1 + exp(-v[i]));
    else if (!strcmp(act, "tanh"))
      v[i] = tanh(v[i]);
  }
}

int main(int argc, char **argv) {
  int nacts = argc - 1;
  float *params = malloc(sizeof(float) * (MODEL_NUM_PARAMS + 1));
  model_init_params(params, 1234);
  for (int64_t i = 0; i < MODEL_NUM_PARAMS; ++i)
    params[i] = next_uniform() * 0.5f; /* exercise nonzero biases too */

  static const int64_t batches[] = {1, 7, 64};
  int failed = 0;
  for (int bi = 0; bi < 3; ++bi) {
    int64_t batch = batches[bi];
    float *x = malloc(sizeof(float) * batch * MODEL_INPUT_SIZE);
    float *y = malloc(sizeof(float) * batch * MODEL_OUTPUT_SIZE);
    for (int64_t i = 0; i < batch * MODEL_INPUT_SIZE; ++i)
      x[i] = next_uniform();
    model_predict(params, x, y, batch);

    double worst = 0;
    for (int64_t b = 0; b < batch; ++b) {
      int64_t width = MODEL_INPUT_SIZE;
      double *cur = malloc(sizeof(double) * width);
      for (int64_t i = 0; i < width; ++i)
        cur[i] = x[b * MODEL_INPUT_SIZE + i];
      int layer = 0;
      for (int p = 0; p < MODEL_NUM_PARAM_TENSORS; ++p) {
        const dlc_param_info *k = &model_param_info[p];
        if (k->rank != 2)
          continue; /* kernels; a bias follows if present */
        const dlc_param_info *bias = (p + 1 < MODEL_NUM_PARAM_TENSORS &&
                                      model_param_info[p + 1].rank == 1)
                                         ? &model_param_info[p + 1]
                                         : NULL;
        int64_t in = k->shape[0], out = k->shape[1];
        if (in != width) {
          printf("FAIL: kernel %s expects %lld inputs, have %lld\n", k->name,
                 (long long)in, (long long)width);
          return 1;
        }
        double *next = calloc(out, sizeof(double));
        for (int64_t o = 0; o < out; ++o) {
          double s = bias ? params[bias->offset + o] : 0;
          for (int64_t i = 0; i < in; ++i)
            s += cur[i] * params[k->offset + i * out + o];
          next[o] = s;
        }
        activate(layer < nacts ? argv[1 + layer] : "linear", next, out);
        free(cur);
        cur = next;
        width = out;
        ++layer;
      }
      for (int64_t o = 0; o < MODEL_OUTPUT_SIZE; ++o) {
        double e = fabs(cur[o] - y[b * MODEL_OUTPUT_SIZE + o]);
        if (!(e <= worst))
          worst = e; /* NaN makes worst NaN */
      }
      free(cur);
    }
    int ok = worst <= 1e-5;
    printf("batch %lld: max abs error %.3g %s\n", (long long)batch, worst,
           ok ? "OK" : "FAIL");
    failed |= !ok;
    free(x);
    free(y);
  }
  free(params);
  return failed;
}
