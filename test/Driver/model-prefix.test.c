/* Two prefixes of the same model in one binary give the same outputs. */
#include "first.h"
#include "second.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
int main(void) {
  float *p = malloc(sizeof(float) * FIRST_NUM_PARAMS);
  float *q = malloc(sizeof(float) * SECOND_NUM_PARAMS);
  first_init_params(p, 3);
  second_init_params(q, 3);
  float x[784], y1[10], y2[10];
  for (int i = 0; i < 784; ++i)
    x[i] = (i % 17) / 17.0f;
  first_predict(p, x, y1, 1);
  second_predict(q, x, y2, 1);
  for (int i = 0; i < 10; ++i)
    if (y1[i] != y2[i]) {
      printf("mismatch\n");
      return 1;
    }
  printf("both models agree\n");
  return 0;
}
