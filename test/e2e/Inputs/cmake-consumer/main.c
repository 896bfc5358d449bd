#include "blobs.h"
#include <stdio.h>
int main(void) {
  static float params[BLOBS_NUM_PARAMS];
  blobs_init_params(params, 1);
  float x[4] = {1, 0, 0, 0}, y[3];
  blobs_predict(params, x, y, 1);
  printf("consumer: p = %.3f %.3f %.3f (sum %.3f)\n", y[0], y[1], y[2],
         y[0] + y[1] + y[2]);
  return 0;
}
