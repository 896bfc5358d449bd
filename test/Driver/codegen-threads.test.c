/* One model compiled by 1, 2 and 3 code generators: the same predictions and
 * the same training step, bit for bit. */
#include "one.h"
#include "three.h"
#include "two.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
  enum { B = 4 };
  float *p[3], *state[3];
  for (int m = 0; m < 3; ++m) {
    p[m] = malloc(sizeof(float) * ONE_NUM_PARAMS);
    state[m] = malloc(sizeof(float) * one_opt_state_size());
  }
  one_init_opt_state(state[0]);
  two_init_opt_state(state[1]);
  three_init_opt_state(state[2]);
  one_init_params(p[0], 7);
  two_init_params(p[1], 7);
  three_init_params(p[2], 7);
  static float x[B * 784], y[3][B * 10];
  int32_t labels[B];
  for (int i = 0; i < B * 784; ++i)
    x[i] = (i % 23) / 23.0f;
  for (int b = 0; b < B; ++b)
    labels[b] = b * 3 % 10;
  float loss[3];
  for (int step = 0; step < 3; ++step) {
    loss[0] = one_train_step(p[0], state[0], x, labels, B);
    loss[1] = two_train_step(p[1], state[1], x, labels, B);
    loss[2] = three_train_step(p[2], state[2], x, labels, B);
  }
  one_predict(p[0], x, y[0], B);
  two_predict(p[1], x, y[1], B);
  three_predict(p[2], x, y[2], B);
  for (int m = 1; m < 3; ++m)
    if (loss[m] != loss[0] || memcmp(y[m], y[0], sizeof y[0]) ||
        memcmp(p[m], p[0], sizeof(float) * ONE_NUM_PARAMS)) {
      printf("code generator %d differs\n", m + 1);
      return 1;
    }
  printf("1, 2 and 3 code generators agree\n");
  return 0;
}
