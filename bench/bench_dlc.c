/* Times a dlc-compiled model loaded from a shared library (cc -shared m.o).
 *   bench_dlc LIB.so PREFIX train DATA_DIR EPOCHS BATCH NPARAMS -> s/epoch, acc
 *   bench_dlc LIB.so PREFIX predict BATCH IN_SIZE OUT_SIZE NPARAMS SECONDS
 *                                                         -> us/call, samples/s
 *   bench_dlc LIB.so PREFIX step|predict_ws BATCH IN_SIZE CLASSES NPARAMS
 *             SECONDS -> best us of one train_step_metrics_ws / predict_ws call
 * Prints one JSON object per line. */
#include "dlrt/dlrt.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static void *sym(void *lib, const char *prefix, const char *name) {
  char buf[256];
  snprintf(buf, sizeof buf, "%s_%s", prefix, name);
  void *p = dlsym(lib, buf);
  if (!p) {
    fprintf(stderr, "error: %s not found: %s\n", buf, dlerror());
    exit(1);
  }
  return p;
}

static float *aligned_buffer(int64_t floats) {
  size_t bytes = ((size_t)floats * sizeof(float) + 63) / 64 * 64;
  return aligned_alloc(64, bytes);
}

typedef void (*init_fn)(float *, uint64_t);
typedef void (*predict_fn)(const float *, const float *, float *, int64_t);
typedef int64_t (*size_fn)(void);
typedef void (*init_state_fn)(float *);
typedef void (*train_ws_fn)(float *, float *, const float *, const int32_t *,
                            int64_t, float *, void *);
typedef int64_t (*ws_size_fn)(int64_t);
typedef void (*eval_fn)(const float *, const float *, const int32_t *, int64_t,
                        float *);

static int train(void *lib, const char *p, const char *dir, int epochs,
                 int64_t batch, int64_t nparams) {
  char a[1024], b[1024];
  dlrt_error err;
  dlrt_dataset tr, te;
  snprintf(a, sizeof a, "%s/train-images-idx3-ubyte.gz", dir);
  snprintf(b, sizeof b, "%s/train-labels-idx1-ubyte.gz", dir);
  if (dlrt_load_idx(a, b, 1.0f / 255, &tr, &err)) {
    fprintf(stderr, "%s\n", err.message);
    return 1;
  }
  snprintf(a, sizeof a, "%s/t10k-images-idx3-ubyte.gz", dir);
  snprintf(b, sizeof b, "%s/t10k-labels-idx1-ubyte.gz", dir);
  if (dlrt_load_idx(a, b, 1.0f / 255, &te, &err)) {
    fprintf(stderr, "%s\n", err.message);
    return 1;
  }
  /* 64-byte aligned, as dlc train allocates them: whole cache lines per
   * vector. */
  float *params = aligned_buffer(nparams);
  float *state = aligned_buffer(((size_fn)sym(lib, p, "opt_state_size"))());
  ((init_fn)sym(lib, p, "init_params"))(params, 0);
  ((init_state_fn)sym(lib, p, "init_opt_state"))(state);
  /* The allocation-free step: one workspace for the whole run. */
  train_ws_fn step = (train_ws_fn)sym(lib, p, "train_step_metrics_ws");
  int64_t ws_bytes =
      ((ws_size_fn)sym(lib, p, "train_step_metrics_workspace_size"))(batch);
  void *ws = aligned_alloc(64, (size_t)(ws_bytes + 63) / 64 * 64);
  float metrics[2];
  eval_fn eval = (eval_fn)sym(lib, p, "eval_step");
  float *x = aligned_buffer(batch * tr.sample_size);
  int32_t *y = malloc(sizeof(int32_t) * (batch > 1000 ? batch : 1000));
  int64_t *order = malloc(sizeof(int64_t) * tr.count);
  double best = 1e30, total = 0;
  for (int e = 1; e <= epochs; ++e) {
    dlrt_shuffle(order, tr.count, (uint64_t)e);
    double t0 = now();
    for (int64_t i = 0; i < tr.count; i += batch) {
      int64_t n = tr.count - i < batch ? tr.count - i : batch;
      dlrt_gather(&tr, order, i, n, x, y);
      dlrt_prefetch(&tr, order, i + n, batch);
      step(params, state, x, y, n, metrics, ws);
    }
    double dt = now() - t0;
    total += dt;
    if (dt < best)
      best = dt;
  }
  float *xe = malloc(sizeof(float) * 1000 * te.sample_size);
  double correct = 0;
  for (int64_t i = 0; i < te.count; i += 1000) {
    int64_t n = te.count - i < 1000 ? te.count - i : 1000;
    float m[2];
    dlrt_gather(&te, NULL, i, n, xe, y);
    eval(params, xe, y, n, m);
    correct += m[1];
  }
  printf(
      "{\"epoch_s_best\": %.4f, \"epoch_s_mean\": %.4f, \"test_acc\": %.4f}\n",
      best, total / epochs, correct / te.count);
  return 0;
}

static int predict(void *lib, const char *p, int64_t batch, int64_t in,
                   int64_t out, int64_t nparams, double seconds) {
  float *params = malloc(sizeof(float) * nparams);
  float *x = malloc(sizeof(float) * batch * in);
  float *y = malloc(sizeof(float) * batch * out);
  ((init_fn)sym(lib, p, "init_params"))(params, 1);
  for (int64_t i = 0; i < batch * in; ++i)
    x[i] = (float)(i % 97) / 97.0f;
  predict_fn f = (predict_fn)sym(lib, p, "predict");
  f(params, x, y, batch); /* warm up */
  int64_t calls = 0;
  double t0 = now(), t;
  do {
    for (int r = 0; r < 10; ++r)
      f(params, x, y, batch);
    calls += 10;
    t = now() - t0;
  } while (t < seconds);
  printf("{\"us_per_call\": %.3f, \"samples_per_s\": %.1f, \"checksum\": %g}\n",
         t / calls * 1e6, batch * calls / t, (double)y[0]);
  return 0;
}

typedef void (*predict_ws_fn)(const float *, const float *, float *, int64_t,
                              void *);

/* One operation timed on one batch, allocation-free (the _ws entry points):
 * "predict_ws" (the forward pass) or "step" (train_step_metrics_ws: forward,
 * loss, backward and the optimizer's update). bench/run.py subtracts one
 * from the other to time the backward products. */
static int timed(void *lib, const char *p, const char *what, int64_t batch,
                 int64_t in, int64_t classes, int64_t nparams, double seconds) {
  int is_step = !strcmp(what, "step");
  float *params = aligned_buffer(nparams);
  float *state = aligned_buffer(((size_fn)sym(lib, p, "opt_state_size"))() + 1);
  float *x = aligned_buffer(batch * in);
  float *out = aligned_buffer(batch * classes);
  int32_t *y = malloc(sizeof(int32_t) * batch);
  ((init_fn)sym(lib, p, "init_params"))(params, 1);
  ((init_state_fn)sym(lib, p, "init_opt_state"))(state);
  for (int64_t i = 0; i < batch * in; ++i)
    x[i] = (float)(i % 97) / 97.0f;
  for (int64_t i = 0; i < batch; ++i)
    y[i] = (int32_t)(i % classes);
  int64_t ws_bytes =
      ((ws_size_fn)sym(lib, p,
                       is_step ? "train_step_metrics_workspace_size"
                               : "predict_workspace_size"))(batch);
  void *ws = aligned_alloc(64, (size_t)(ws_bytes + 63) / 64 * 64);
  train_ws_fn step =
      is_step ? (train_ws_fn)sym(lib, p, "train_step_metrics_ws") : NULL;
  predict_ws_fn fwd = is_step ? NULL : (predict_ws_fn)sym(lib, p, "predict_ws");
  float metrics[2];
  double best = 1e30, t0 = now();
  do {
    double t = now();
    if (is_step)
      step(params, state, x, y, batch, metrics, ws);
    else
      fwd(params, x, out, batch, ws);
    t = now() - t;
    if (t < best)
      best = t;
  } while (now() - t0 < seconds);
  printf("{\"us_best\": %.3f}\n", best * 1e6);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: see the comment at the top\n");
    return 1;
  }
  void *lib = dlopen(argv[1], RTLD_NOW);
  if (!lib) {
    fprintf(stderr, "error: %s\n", dlerror());
    return 1;
  }
  if (!strcmp(argv[3], "train") && argc == 8)
    return train(lib, argv[2], argv[4], atoi(argv[5]), atoll(argv[6]),
                 atoll(argv[7]));
  if (!strcmp(argv[3], "predict") && argc == 9)
    return predict(lib, argv[2], atoll(argv[4]), atoll(argv[5]), atoll(argv[6]),
                   atoll(argv[7]), atof(argv[8]));
  if ((!strcmp(argv[3], "step") || !strcmp(argv[3], "predict_ws")) && argc == 9)
    return timed(lib, argv[2], argv[3], atoll(argv[4]), atoll(argv[5]),
                 atoll(argv[6]), atoll(argv[7]), atof(argv[8]));
  fprintf(stderr, "error: bad arguments\n");
  return 1;
}
