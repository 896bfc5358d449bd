/* Checks generated matrix-product kernels against a naive double-precision
 * reference for awkward shapes. Includes kernels.h, written by
 * `gen_contractions.py test` (or -DKERNELS_H='"other.h"').
 *
 * Every operand lives in its own mmap'ed region whose last element touches a
 * PROT_NONE page, so a read or write past the end of an operand faults; the
 * padding between rows and the elements before the offset hold a sentinel that
 * must survive the call. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef KERNELS_H
#define KERNELS_H "kernels.h"
#endif
#include KERNELS_H

static const int64_t Ms[] = {1, 3, 7, 14, 33, 257};
#define NUM_MS (sizeof(Ms) / sizeof(Ms[0]))
static const int64_t NKs[] = {1, 10, 17, 128, 784};
static const float SENTINEL = 12345.0f;

typedef struct {
  float *base; /* first element of the view (offset 0) */
  void *map;
  size_t mapSize;
  int64_t rows, cols, ld, off;
} operand;

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static float uniform(void) {
  rng = rng * 6364136223846793005ull + 1442695040888963407ull;
  return (float)((rng >> 40) * (1.0 / 16777216.0)) * 2.0f - 1.0f;
}

static operand make(int64_t rows, int64_t cols, int64_t pad, int64_t off) {
  operand o = {0};
  o.rows = rows, o.cols = cols, o.ld = cols + pad, o.off = off;
  /* The view ends at off + (rows - 1) * ld + cols; nothing after it. */
  size_t n = (size_t)(off + (rows - 1) * o.ld + cols);
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  size_t bytes = (n * sizeof(float) + page - 1) / page * page;
  o.mapSize = bytes + page;
  o.map = mmap(NULL, o.mapSize, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (o.map == MAP_FAILED) {
    perror("mmap");
    exit(2);
  }
  mprotect((char *)o.map + bytes, page, PROT_NONE);
  o.base = (float *)((char *)o.map + bytes) - n;
  for (size_t i = 0; i < n; ++i)
    o.base[i] = SENTINEL;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      o.base[off + r * o.ld + c] = uniform();
  return o;
}

static float at(const operand *o, int64_t r, int64_t c) {
  return o->base[o->off + r * o->ld + c];
}

static void release(operand *o) { munmap(o->map, o->mapSize); }

/* Runs one kernel on one shape; returns the number of mismatches. */
static int check(const kernel_info *ki, int64_t M, int64_t N, int64_t K,
                 int64_t pad, int64_t off) {
  operand A = ki->ta ? make(K, M, pad, off) : make(M, K, pad, off);
  operand B = ki->tb ? make(N, K, pad, 2 * off) : make(K, N, pad, 2 * off);
  operand C = ki->tc ? make(N, M, pad, 3 * off) : make(M, N, pad, 3 * off);
  size_t cn = (size_t)(C.off + (C.rows - 1) * C.ld + C.cols);
  float *before = malloc(cn * sizeof(float));
  memcpy(before, C.base, cn * sizeof(float));

  ki->fn(A.base, B.base, C.base, M, N, K, pad, off);

  int bad = 0;
  double worst = 0;
  for (int64_t i = 0; i < M; ++i)
    for (int64_t j = 0; j < N; ++j) {
      size_t idx = ki->tc ? (size_t)(C.off + j * C.ld + i)
                          : (size_t)(C.off + i * C.ld + j);
      double ref = ki->zero_fill ? 0.0 : before[idx], mag = fabs(ref);
      for (int64_t k = 0; k < K; ++k) {
        double p = (double)(ki->ta ? at(&A, k, i) : at(&A, i, k)) *
                   (double)(ki->tb ? at(&B, j, k) : at(&B, k, j));
        ref += p;
        mag += fabs(p);
      }
      double err = fabs((double)C.base[idx] - ref);
      if (!(err <= 3e-5 * mag + 1e-6)) {
        if (bad < 3)
          fprintf(stderr,
                  "FAIL %s M=%lld N=%lld K=%lld: C[%lld,%lld] = %g, "
                  "expected %g\n",
                  ki->name, (long long)M, (long long)N, (long long)K,
                  (long long)i, (long long)j, C.base[idx], ref);
        ++bad;
      }
      if (mag > 0 && err / mag > worst)
        worst = err / mag;
      before[idx] = C.base[idx]; /* mark as checked for the sentinel scan */
    }
  /* Everything outside the view (padding, the offset) must be untouched. */
  for (size_t i = 0; i < cn; ++i)
    if (memcmp(&before[i], &C.base[i], sizeof(float)) != 0) {
      if (bad < 3)
        fprintf(stderr,
                "FAIL %s M=%lld N=%lld K=%lld: wrote outside the "
                "view at element %zu\n",
                ki->name, (long long)M, (long long)N, (long long)K, i);
      ++bad;
      break;
    }
  free(before);
  release(&A), release(&B), release(&C);
  (void)worst;
  return bad;
}

int main(void) {
  int failures = 0, runs = 0;
  size_t count = sizeof(kernels) / sizeof(kernels[0]);
  for (size_t i = 0; i < count; ++i) {
    const kernel_info *ki = &kernels[i];
    int kernelRuns = 0, kernelBad = 0;
    for (size_t a = 0; a < NUM_MS; ++a)
      for (size_t b = 0; b < 5; ++b)
        for (size_t c = 0; c < 5; ++c) {
          /* Static sizes are fixed; each dynamic one sweeps its list. */
          if ((ki->m >= 0 && a) || (ki->n >= 0 && b) || (ki->k >= 0 && c))
            continue;
          int64_t M = ki->m >= 0 ? ki->m : Ms[a];
          int64_t N = ki->n >= 0 ? ki->n : NKs[b];
          int64_t K = ki->k >= 0 ? ki->k : NKs[c];
          int odd = (a + b + c) % 2;
          int64_t pad = ki->pad >= 0 ? ki->pad : (odd ? 5 : 0);
          int64_t off = ki->off >= 0 ? ki->off : (odd ? 11 : 0);
          kernelBad += check(ki, M, N, K, pad, off) != 0;
          ++kernelRuns;
        }
    printf("%s: %d/%d shapes %s\n", ki->name, kernelRuns - kernelBad,
           kernelRuns, kernelBad ? "FAIL" : "ok");
    failures += kernelBad;
    runs += kernelRuns;
  }
  printf("%d kernels, %d shapes, %d failures: %s\n", (int)count, runs, failures,
         failures ? "FAILED" : "ALL OK");
  return failures != 0;
}
