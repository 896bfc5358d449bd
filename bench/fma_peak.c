/* The core's FMA peak in GFLOP/s (1 thread): 16 independent chains of
 * vector FMAs at the widest width the compiler targets (-march=native), so
 * the count is limited by the FMA ports, not by latency. Prints JSON. */
#include <stdio.h>
#include <time.h>

#if defined(__AVX512F__)
#define LANES 16
#elif defined(__AVX__)
#define LANES 8
#else
#define LANES 4
#endif
typedef float vf __attribute__((vector_size(LANES * 4)));

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(void) {
  enum { CHAINS = 16 };
  vf a, b;
  for (int i = 0; i < LANES; ++i) {
    a[i] = 0.999999f;
    b[i] = 1e-7f;
  }
  /* Named accumulators, not an array: they must live in registers. */
  vf c0 = a, c1 = a * 2, c2 = a * 3, c3 = a * 4, c4 = a * 5, c5 = a * 6,
     c6 = a * 7, c7 = a * 8, c8 = a * 9, c9 = a * 10, c10 = a * 11,
     c11 = a * 12, c12 = a * 13, c13 = a * 14, c14 = a * 15, c15 = a * 16;
  double best = 0;
  for (int rep = 0; rep < 5; ++rep) {
    long iters = 20000000;
    double t0 = now();
    for (long i = 0; i < iters; ++i) {
#define F(c) c = c * a + b
      F(c0);
      F(c1);
      F(c2);
      F(c3);
      F(c4);
      F(c5);
      F(c6);
      F(c7);
      F(c8);
      F(c9);
      F(c10);
      F(c11);
      F(c12);
      F(c13);
      F(c14);
      F(c15);
#undef F
    }
    double t = now() - t0;
    double gf = 2.0 * LANES * CHAINS * iters / t / 1e9;
    if (gf > best)
      best = gf;
  }
  float sink = 0;
  vf all = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11 + c12 +
           c13 + c14 + c15;
  sink = all[0];
  printf("{\"fma_peak_gflops\": %.1f, \"lanes\": %d, \"sink\": %g}\n", best,
         LANES, sink);
  return 0;
}
