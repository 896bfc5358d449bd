#include "net.h" /* the file's stem, not the model's name */
#include <stdio.h>
int main(void) {
  static float params[FASHION_NET_NUM_PARAMS];
  fashion_net_init_params(params, 1);
  float x[4] = {1, 0, 0, 0}, y[3];
  fashion_net_predict(params, x, y, 1);
  printf("consumer: sum %.3f, training %d\n", y[0] + y[1] + y[2],
         FASHION_NET_HAS_TRAINING);
  return 0;
}
