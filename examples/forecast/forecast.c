/* Forecasts with the seed's RNN compiled with its trained weights baked in:
 * reads a split of make_series.py's data (S_x.npy, S_y.npy) with the
 * runtime's .npy reader, predicts the next value of every series and prints
 * the mean squared error against the true values and the naive last-value
 * forecast's. Build (docs/training.md):
 *   dlc examples/seed_rnn.dl --weights seed_rnn.safetensors -o seed_rnn.o
 *   cc -O2 -I. -I<dlc>/runtime/include examples/forecast/forecast.c \
 *      seed_rnn.o <dlc build>/lib/libdlrt.a -lz -lstdc++ -lm -o forecast
 * usage: forecast DATA/test_x.npy DATA/test_y.npy
 */
#include "seed_rnn.h"

#include <dlrt/dlrt.h>

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s X.npy Y.npy\n", argv[0]);
    return 2;
  }
  dlrt_dataset x, y;
  dlrt_error err;
  if (dlrt_load_npy(argv[1], &x, &err) || dlrt_load_npy(argv[2], &y, &err)) {
    fprintf(stderr, "forecast: %s\n", err.message);
    return 1;
  }
  /* The model's time axis is variable (input f32[?, 1]): a series of any
   * length T is T steps of SEED_RNN_INPUT_STEP_SIZE floats. */
  int64_t length = x.sample_size / SEED_RNN_INPUT_STEP_SIZE;
  if (length < 1 || x.sample_size % SEED_RNN_INPUT_STEP_SIZE != 0 ||
      y.count != x.count || y.sample_size != SEED_RNN_OUTPUT_SIZE) {
    fprintf(stderr, "forecast: expected x [N, T, 1] and y [N, 1]\n");
    return 1;
  }
  float *pred = malloc(sizeof(float) * x.count);
  /* One call for every series: the batch and the length are run-time
   * sizes. */
  seed_rnn_predict(x.x, pred, x.count, length);
  double mse = 0, naive = 0;
  for (int64_t i = 0; i < x.count; ++i) {
    double d = (double)pred[i] - y.x[i];
    double n = (double)x.x[(i + 1) * x.sample_size - 1] - y.x[i];
    mse += d * d;
    naive += n * n;
  }
  printf("series 0: last value %.4f, forecast %.4f, true %.4f\n",
         x.x[x.sample_size - 1], pred[0], y.x[0]);
  printf("%lld series: forecast MSE %.5f, naive (last value) MSE %.5f\n",
         (long long)x.count, mse / x.count, naive / x.count);
  free(pred);
  dlrt_dataset_free(&x);
  dlrt_dataset_free(&y);
  return 0;
}
