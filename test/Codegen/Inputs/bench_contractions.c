/* GFLOP/s of the naive lowering, dl-vectorize-contractions and (with
 * -DWITH_OPENBLAS, -lopenblas) OpenBLAS's sgemm, single thread, on the
 * shapes of gen_contractions.py bench|big. Links naive.h/vec.h kernels
 * (prefixes naive_ and vec_). Usage: bench [seconds per measurement] */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#ifdef WITH_OPENBLAS
#include <cblas.h>
#endif
#include "naive.h"
#include "vec.h"

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

typedef struct {
  const kernel_info *ki;
  int64_t M, N, K;
  float *A, *B, *C;
} problem;

static void runKernel(const problem *p) {
  p->ki->fn(p->A, p->B, p->C, p->M, p->N, p->K, 0, 0);
}

#ifdef WITH_OPENBLAS
static void runBlas(const problem *p) {
  const kernel_info *ki = p->ki;
  cblas_sgemm(CblasRowMajor, ki->ta ? CblasTrans : CblasNoTrans,
              ki->tb ? CblasTrans : CblasNoTrans, p->M, p->N, p->K, 1.0f, p->A,
              ki->ta ? p->M : p->K, p->B, ki->tb ? p->K : p->N, 1.0f, p->C,
              p->N);
}
#endif

/* Best time of one call over `budget` seconds (at least 3 calls). */
static double best(void (*run)(const problem *), const problem *p,
                   double budget) {
  run(p);
  double b = 1e30, t0 = now();
  for (int reps = 0; reps < 3 || now() - t0 < budget; ++reps) {
    double s = now();
    run(p);
    double e = now() - s;
    if (e < b)
      b = e;
  }
  return b;
}

static float *randomBuffer(size_t n) {
  float *p = aligned_alloc(64, (n * sizeof(float) + 63) / 64 * 64);
  for (size_t i = 0; i < n; ++i)
    p[i] = (float)((i * 2654435761u) % 1000) / 1000.f - 0.5f;
  return p;
}

int main(int argc, char **argv) {
  double budget = argc > 1 ? atof(argv[1]) : 0.3;
  int skipNaive = getenv("NONAIVE") != NULL;
  size_t n = sizeof(naive_kernels) / sizeof(naive_kernels[0]);
  printf("%-10s %5s %5s %5s %9s %9s %9s   GFLOP/s, one thread\n", "kernel", "M",
         "N", "K", "naive", "dl-vec", "openblas");
  for (size_t i = 0; i < n; ++i) {
    int64_t M = naive_bench_shapes[i][0], N = naive_bench_shapes[i][1],
            K = naive_bench_shapes[i][2];
    problem p = {
        &naive_kernels[i],  M, N, K, randomBuffer(M * K), randomBuffer(K * N),
        randomBuffer(M * N)};
    double flop = 2.0 * M * N * K;
    double naive = skipNaive ? 0 : flop / best(runKernel, &p, budget) * 1e-9;
    p.ki = &vec_kernels[i];
    double vec = flop / best(runKernel, &p, budget) * 1e-9;
    double blas = 0;
#ifdef WITH_OPENBLAS
    blas = flop / best(runBlas, &p, budget) * 1e-9;
#endif
    printf("%-10s %5lld %5lld %5lld %9.2f %9.2f %9.2f\n",
           naive_kernels[i].name + 6, (long long)M, (long long)N, (long long)K,
           naive, vec, blas);
    free(p.A), free(p.B), free(p.C);
  }
  return 0;
}
