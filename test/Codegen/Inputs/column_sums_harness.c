/* column-sums-correctness.test: the functions of column_sums.mlir, after
 * dl-vectorize-column-sums, against naive loops in the same order (rows in
 * turn, one column at a time). The pass claims the same sums bit for bit, so
 * the comparison is exact. Build with -ffp-contract=off: the reference's
 * products and sums must round as written. */
#include <math.h>
#include <stdio.h>
#include <string.h>

void stats(float *x, float *k, float *s1, float *s2);
void bias4(float *dy, float *db);
void grad(float *dy, float *x, float *mean, float *o1, float *o2);
void narrow(float *x, float *o1, float *o2, float s);
void pooled_grad(float *x, float *mean, int *am, float *g, float *o1,
                 float *o2);
void im2col(float *shape, float *taps, float *x, float *cols);

static unsigned state = 12345u;
/* Uniform in [-2, 2) and never zero (a maximum over +0 and -0 may pick
 * either). */
static float draw(void) {
  state = state * 1664525u + 1013904223u;
  float v = (float)((state >> 8) & 0xffffff) / 16777216.0f * 4.0f - 2.0f;
  return v == 0.0f ? 0.5f : v;
}
static void fill(float *p, int n) {
  for (int i = 0; i < n; ++i)
    p[i] = draw();
}

static int failures = 0;
static void same(const char *name, const float *got, const float *want, int n) {
  if (memcmp(got, want, sizeof(float) * (size_t)n) == 0)
    return;
  for (int i = 0; i < n; ++i)
    if (memcmp(&got[i], &want[i], sizeof(float)) != 0) {
      printf("FAIL %s[%d]: %.9g, expected %.9g\n", name, i, got[i], want[i]);
      break;
    }
  ++failures;
}

int main(void) {
  {
    float x[37 * 32], k[32], s1[32], s2[32], r1[32], r2[32];
    fill(x, 37 * 32), fill(k, 32), fill(s1, 32), fill(s2, 32);
    memcpy(r1, s1, sizeof r1), memcpy(r2, s2, sizeof r2);
    for (int i = 0; i < 37; ++i)
      for (int c = 0; c < 32; ++c) {
        float d = x[i * 32 + c] - k[c];
        r1[c] = r1[c] + d;
        r2[c] = fmaf(d, d, r2[c]);
      }
    stats(x, k, s1, s2);
    same("stats.s1", s1, r1, 32), same("stats.s2", s2, r2, 32);
  }
  {
    float dy[3 * 5 * 7 * 16], db[16], r[16];
    fill(dy, 3 * 5 * 7 * 16), fill(db, 16);
    memcpy(r, db, sizeof r);
    for (int i = 0; i < 3 * 5 * 7; ++i)
      for (int c = 0; c < 16; ++c)
        r[c] = dy[i * 16 + c] + r[c];
    bias4(dy, db);
    same("bias4", db, r, 16);
  }
  {
    float dy[29 * 64], x[29 * 64], mean[64], o1[64], o2[64], r1[64], r2[64];
    fill(dy, 29 * 64), fill(x, 29 * 64), fill(mean, 64), fill(o1, 64),
        fill(o2, 64);
    memcpy(r1, o1, sizeof r1), memcpy(r2, o2, sizeof r2);
    for (int i = 0; i < 29; ++i)
      for (int c = 0; c < 64; ++c) {
        float d = x[i * 64 + c] - mean[c];
        r1[c] = fmaf(dy[i * 64 + c], d, r1[c]);
        r2[c] = r2[c] + dy[i * 64 + c];
      }
    grad(dy, x, mean, o1, o2);
    same("grad.o1", o1, r1, 64), same("grad.o2", o2, r2, 64);
  }
  {
    float x[33 * 10], o1[10], o2[10], r1[10], r2[10], s = 0.75f;
    fill(x, 33 * 10), fill(o1, 10), fill(o2, 10);
    memcpy(r1, o1, sizeof r1), memcpy(r2, o2, sizeof r2);
    for (int i = 0; i < 33; ++i)
      for (int c = 0; c < 10; ++c) {
        float v = x[i * 10 + c];
        float relu = v > 0.0f ? v : 0.0f;
        r1[c] = r1[c] + relu * s;
        r2[c] = r2[c] > v ? r2[c] : v;
      }
    narrow(x, o1, o2, s);
    same("narrow.o1", o1, r1, 10), same("narrow.o2", o2, r2, 10);
  }
  {
    float x[2 * 5 * 5 * 16], mean[16], g[2 * 2 * 2 * 16], o1[16], o2[16],
        r1[16], r2[16];
    int am[2 * 2 * 2 * 16];
    fill(x, 2 * 5 * 5 * 16), fill(mean, 16), fill(g, 2 * 2 * 2 * 16),
        fill(o1, 16), fill(o2, 16);
    for (int i = 0; i < 2 * 2 * 2 * 16; ++i)
      am[i] = (int)(draw() + 2.0f) & 3; /* an offset in the 2x2 window */
    memcpy(r1, o1, sizeof r1), memcpy(r2, o2, sizeof r2);
    for (int n = 0; n < 2; ++n)
      for (int h = 0; h < 5; ++h)
        for (int w = 0; w < 5; ++w)
          for (int c = 0; c < 16; ++c) {
            int i = h / 2, j = w / 2;
            float dy = 0.0f;
            int at = ((n * 2 + i) * 2 + j) * 16 + c;
            if (i < 2 && j < 2 && am[at] == (h % 2) * 2 + w % 2)
              dy = g[at];
            float d = x[((n * 5 + h) * 5 + w) * 16 + c] - mean[c];
            r1[c] = fmaf(dy, d, r1[c]);
            r2[c] = r2[c] + dy;
          }
    pooled_grad(x, mean, am, g, o1, o2);
    same("pooled_grad.o1", o1, r1, 16), same("pooled_grad.o2", o2, r2, 16);
  }
  {
    /* The im2col row copy: every element written, 0 outside the input. */
    static float x[2 * 4 * 4 * 32], cols[32 * 288], want[32 * 288];
    float unused[2 * 4 * 4 + 3 * 3 * 32] = {0};
    fill(x, 2 * 4 * 4 * 32), fill(cols, 32 * 288);
    for (int n = 0; n < 2; ++n)
      for (int h = 0; h < 4; ++h)
        for (int w = 0; w < 4; ++w)
          for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 3; ++j)
              for (int c = 0; c < 32; ++c) {
                int y = h + i - 1, z = w + j - 1;
                int inside = y >= 0 && y < 4 && z >= 0 && z < 4;
                want[((n * 4 + h) * 4 + w) * 288 + (i * 3 + j) * 32 + c] =
                    inside ? x[((n * 4 + y) * 4 + z) * 32 + c] : 0.0f;
              }
    im2col(unused, unused + 2 * 4 * 4, x, cols);
    same("im2col", cols, want, 32 * 288);
  }
  printf("%d failures: %s\n", failures, failures ? "FAILED" : "ALL OK");
  return failures != 0;
}
