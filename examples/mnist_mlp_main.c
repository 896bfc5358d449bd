/* Links the object dlc made from examples/mnist_mlp.dl and runs it: the model
 * is a plain C function over caller-owned buffers. Weights come from the
 * generated initialiser (seeded, Keras's defaults); `dlc train` produces
 * trained ones. Build: cc -I<dir of mnist_mlp.h> mnist_mlp_main.c mnist_mlp.o
 */
#include "mnist_mlp.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(void) {
  printf(
      "model mnist_mlp: %d parameters in %d tensors, input %dx%d, %d outputs\n",
      MNIST_MLP_NUM_PARAMS, MNIST_MLP_NUM_PARAM_TENSORS,
      (int)mnist_mlp_input_shape[0], (int)mnist_mlp_input_shape[1],
      MNIST_MLP_OUTPUT_SIZE);
  for (int i = 0; i < MNIST_MLP_NUM_PARAM_TENSORS; ++i) {
    const dlc_param_info *p = &mnist_mlp_param_info[i];
    printf("  %-14s rank %d offset %7lld size %7lld\n", p->name, p->rank,
           (long long)p->offset, (long long)p->size);
  }

  float *params = malloc(sizeof(float) * MNIST_MLP_NUM_PARAMS);
  mnist_mlp_init_params(params, 42);

  enum { BATCH = 256 };
  float *x = malloc(sizeof(float) * BATCH * MNIST_MLP_INPUT_SIZE);
  float *y = malloc(sizeof(float) * BATCH * MNIST_MLP_OUTPUT_SIZE);
  unsigned s = 1;
  for (int i = 0; i < BATCH * MNIST_MLP_INPUT_SIZE; ++i) {
    s = s * 1103515245u + 12345u; /* pixel-like values in [0, 1] */
    x[i] = (float)((s >> 16) & 0xff) / 255.0f;
  }

  mnist_mlp_predict(params, x, y, 1);
  double sum = 0;
  int best = 0;
  for (int k = 0; k < MNIST_MLP_OUTPUT_SIZE; ++k) {
    sum += y[k];
    if (y[k] > y[best])
      best = k;
  }
  printf("sample 0: class %d (p=%.3f), probabilities sum to %.6f\n", best,
         y[best], sum);
  if (fabs(sum - 1.0) > 1e-4) {
    fprintf(stderr, "error: softmax output does not sum to 1\n");
    return 1;
  }

  int reps = 2000;
  double t0 = now();
  for (int r = 0; r < reps; ++r)
    mnist_mlp_predict(params, x, y, 1);
  double t1 = now();
  for (int r = 0; r < reps / 20; ++r)
    mnist_mlp_predict(params, x, y, BATCH);
  double t2 = now();
  printf("predict batch 1: %.1f us/sample; batch %d: %.0f samples/s\n",
         (t1 - t0) / reps * 1e6, BATCH, BATCH * (reps / 20) / (t2 - t1));
  printf("(untrained weights: `dlc train` trains them, `dlc --weights` bakes "
         "them in; see examples/embed)\n");
  free(params);
  free(x);
  free(y);
  return 0;
}
