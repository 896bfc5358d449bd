/* Softmax cross-entropy through log-sum-exp: logits of +-1e4 give a finite
 * loss and finite gradients (a naive softmax overflows exp() to inf/NaN).
 * The model is x -> dense(3, softmax) with 2 inputs; the weights are set so
 * that the logits are exactly (1e4, -1e4, 0) for x = (1, 0). */
#include "model.h"
#include <math.h>
#include <stdio.h>

int main(void) {
  float params[MODEL_NUM_PARAMS] = {0};
  /* kernel [2, 3] row-major, then bias [3] */
  params[0] = 1e4f;
  params[1] = -1e4f;
  params[2] = 0.0f;
  float x[2] = {1.0f, 0.0f}, grads[MODEL_NUM_PARAMS], metrics[2];
  int ok = 1;
  for (int32_t label = 0; label < 3; ++label) {
    float loss = model_gradients(params, x, &label, 1, grads);
    model_eval_step(params, x, &label, 1, metrics);
    int finite = isfinite(loss) && isfinite(metrics[0]);
    for (int i = 0; i < MODEL_NUM_PARAMS; ++i)
      finite &= isfinite(grads[i]);
    /* Exact: loss = logsumexp(z) - z[label] = 1e4 - z[label]. */
    double expected = 1e4 - (label == 0 ? 1e4 : label == 1 ? -1e4 : 0);
    int close = fabs(loss - expected) <= 1e-3 * (1 + expected);
    printf("label %d: loss %g (expected %g) %s\n", label, loss, expected,
           finite && close ? "OK" : "FAIL");
    ok &= finite && close;
  }
  float y[3];
  model_predict(params, x, y, 1);
  printf("probabilities %g %g %g %s\n", y[0], y[1], y[2],
         isfinite(y[0]) && isfinite(y[1]) && isfinite(y[2]) ? "OK" : "FAIL");
  return ok ? 0 : 1;
}
