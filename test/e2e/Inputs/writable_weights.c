/* A model compiled with --weights --writable-weights trains in place on the
 * device: train_step moves the baked weights, params() exposes them, and
 * predict sees the change. */
#include "blobs.h"
#include <stdio.h>
#include <string.h>

int main(void) {
  float *w = blobs_params();
  float before[BLOBS_NUM_PARAMS];
  memcpy(before, w, sizeof before);
  float state[64 * 1024];
  if (blobs_opt_state_size() > (int64_t)(sizeof state / sizeof *state))
    return 2;
  blobs_init_opt_state(state);
  float x[8] = {2, 0, 0, 1, 0, 2, 0, -1};
  int32_t y[2] = {0, 1};
  float first = blobs_train_step(state, x, y, 2), last = first;
  for (int i = 0; i < 50; ++i)
    last = blobs_train_step(state, x, y, 2);
  int moved = memcmp(before, w, sizeof before) != 0;
  printf("loss %.4f -> %.4f, weights %s\n", first, last,
         moved ? "moved" : "unchanged");
  return moved && last < first ? 0 : 1;
}
