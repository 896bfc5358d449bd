/* Times mnist_mlp_train_step and mnist_mlp_predict (examples/mnist_mlp.dl)
 * on random data, one thread: best of as many calls as fit in the budget.
 *   dlc examples/mnist_mlp.dl -o m.o && cc -O2 -I. bench_train_step.c m.o
 *   ./a.out [batch] [seconds] */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "m.h"

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

int main(int argc, char **argv) {
  int64_t batch = argc > 1 ? atoi(argv[1]) : 32;
  double budget = argc > 2 ? atof(argv[2]) : 1.0;
  float *params = malloc(sizeof(float) * MNIST_MLP_NUM_PARAMS);
  float *state = malloc(sizeof(float) * mnist_mlp_opt_state_size());
  float *x = malloc(sizeof(float) * batch * MNIST_MLP_INPUT_SIZE);
  float *y = malloc(sizeof(float) * batch * MNIST_MLP_OUTPUT_SIZE);
  int32_t *labels = malloc(sizeof(int32_t) * batch);
  mnist_mlp_init_params(params, 1);
  mnist_mlp_init_opt_state(state);
  for (int64_t i = 0; i < batch * MNIST_MLP_INPUT_SIZE; ++i)
    x[i] = (float)(rand() % 256) / 255.0f;
  for (int64_t i = 0; i < batch; ++i)
    labels[i] = rand() % MNIST_MLP_OUTPUT_SIZE;

  for (int i = 0; i < 20; ++i)
    mnist_mlp_train_step(params, state, x, labels, batch);
  double train = 1e30, t0 = now();
  while (now() - t0 < budget) {
    double s = now();
    mnist_mlp_train_step(params, state, x, labels, batch);
    if (now() - s < train)
      train = now() - s;
  }
  double predict = 1e30;
  t0 = now();
  while (now() - t0 < budget / 2) {
    double s = now();
    mnist_mlp_predict(params, x, y, batch);
    if (now() - s < predict)
      predict = now() - s;
  }
  printf("batch %lld: train_step %.1f us, predict %.1f us\n", (long long)batch,
         train * 1e6, predict * 1e6);
  return 0;
}
