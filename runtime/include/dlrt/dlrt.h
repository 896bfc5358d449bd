/*===- dlrt.h - the dl runtime: data, batching, checkpoints -------*- C -*-===*
 *
 * A thin C library beside the generated objects: it owns what a compiled
 * model does not (files, shuffling, progress). No LLVM/MLIR, no exceptions
 * across the boundary: every function that can fail returns 0 on success or
 * -1 and fills `err` with a message naming the file and, for data files, the
 * byte offset, what was expected and what was found.
 *
 *===----------------------------------------------------------------------===*/
#ifndef DLRT_DLRT_H
#define DLRT_DLRT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dlrt_error {
  char message[1024];
} dlrt_error;

/* A labelled data set held in memory: `count` samples of `sample_size`
 * floats (row-major, per-sample shape `shape[0..rank)`), one int32 label
 * each (class index). */
typedef struct dlrt_dataset {
  int64_t count;
  int64_t sample_size;
  int32_t rank;
  int64_t shape[8];
  float *x;
  int32_t *labels;
  int32_t num_classes; /* 1 + the largest label */
} dlrt_dataset;

/* Reads an IDX image file (MNIST's format: unsigned bytes, any rank >= 1;
 * gzip-compressed or not) and its IDX label file; pixel values are
 * multiplied by `scale` (1/255 normalises to [0, 1] as in the Keras
 * primer). */
int dlrt_load_idx(const char *images_path, const char *labels_path,
                  float scale, dlrt_dataset *out, dlrt_error *err);

/* Reads a CSV file of numbers, one sample per row, the label in column
 * `label_column` (negative counts from the end); an optional header row of
 * non-numeric names is skipped. Features are multiplied by `scale`. */
int dlrt_load_csv(const char *path, int32_t label_column, float scale,
                  dlrt_dataset *out, dlrt_error *err);

void dlrt_dataset_free(dlrt_dataset *ds);

/* Splits off the last `fraction` of `ds` (as Keras's validation_split does,
 * before shuffling) into `validation`; `ds` keeps the rest. */
int dlrt_split(dlrt_dataset *ds, double fraction, dlrt_dataset *validation,
               dlrt_error *err);

/* order[i] = i, then a Fisher-Yates shuffle driven by `seed` (SplitMix64):
 * the same seed gives the same order on every machine. */
void dlrt_shuffle(int64_t *order, int64_t n, uint64_t seed);

/* Copies samples order[first .. first+n) into x / labels (a batch). */
void dlrt_gather(const dlrt_dataset *ds, const int64_t *order, int64_t first,
                 int64_t n, float *x, int32_t *labels);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* DLRT_DLRT_H */
