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
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dlrt_error {
  char message[1024];
} dlrt_error;

/* A labelled data set held in memory: `count` samples of `sample_size`
 * values (row-major, per-sample shape `shape[0..rank)`), one int32 label
 * each (class index). Values are stored as floats in `x`, or — for byte
 * data such as IDX images, 4x smaller — as `bytes` with value
 * `bytes[i] * scale` (then `x` is NULL). dlrt_gather reads either. */
typedef struct dlrt_dataset {
  int64_t count;
  int64_t sample_size;
  int32_t rank;
  int64_t shape[8];
  float *x;
  int32_t *labels;
  int32_t num_classes; /* 1 + the largest label */
  uint8_t *bytes;
  float scale;
  /* Float targets instead of class labels (regression; dlrt_load_csv_targets):
   * `target_size` per sample, row-major; `labels` is then NULL. */
  float *targets;
  int64_t target_size;
  /* When `bytes` lies in a mapped file (dlrt_load_idx_mapped): the mapping,
   * which dlrt_dataset_free unmaps; NULL otherwise. */
  void *mapping;
  size_t mapping_size;
} dlrt_dataset;

/* Reads an IDX image file (MNIST's format: unsigned bytes, any rank >= 1;
 * gzip-compressed or not) and its IDX label file; pixel values are
 * multiplied by `scale` (1/255 normalises to [0, 1] as in the Keras
 * primer). */
int dlrt_load_idx(const char *images_path, const char *labels_path, float scale,
                  dlrt_dataset *out, dlrt_error *err);

/* As dlrt_load_idx, but an uncompressed images file is mapped, not read:
 * the samples come from the page cache as they are used. The file must not
 * be truncated or rewritten in place while the data set lives (replacing it
 * by a rename is fine); dlc uses it for the decoded copies in its cache,
 * which it only ever replaces that way. A gzip file is read as by
 * dlrt_load_idx. */
int dlrt_load_idx_mapped(const char *images_path, const char *labels_path,
                         float scale, dlrt_dataset *out, dlrt_error *err);

/* Reads a CSV file of numbers, one sample per row, the label in column
 * `label_column` (negative counts from the end); an optional header row is
 * skipped: a first row none of whose cells is a number. Any other
 * non-number, a non-finite value or one beyond float's range (also after
 * multiplying the features by `scale`) is an error at its line and column. */
int dlrt_load_csv(const char *path, int32_t label_column, float scale,
                  dlrt_dataset *out, dlrt_error *err);

/* As dlrt_load_csv, with float targets (any finite number) in the
 * `num_columns` columns `columns` (0-based; negative counts from the end),
 * in that order; every other column is a feature. */
int dlrt_load_csv_targets(const char *path, const int32_t *columns,
                          int32_t num_columns, float scale, dlrt_dataset *out,
                          dlrt_error *err);

/* Inputs without labels, for prediction: an IDX image file, or a CSV file
 * whose every column is a feature. `labels` is NULL in the result. */
int dlrt_load_idx_images(const char *images_path, float scale,
                         dlrt_dataset *out, dlrt_error *err);
int dlrt_load_csv_features(const char *path, float scale, dlrt_dataset *out,
                           dlrt_error *err);

/* Reads a NumPy .npy file (format 1.0, 2.0 or 3.0; dtype '<f4', '<f8',
 * '<i4', '<i8', '|u1' or '|i1', converted to float; C order) of any rank
 * >= 1 whose first axis is the samples: `count` is shape[0], the per-sample
 * shape the other axes (`rank` of them, 0 for shape (N,)), the values in
 * `x`, no labels. Non-finite values are errors at their byte offset. */
int dlrt_load_npy(const char *path, dlrt_dataset *out, dlrt_error *err);

/* Writes `data` (float32, C order, `rank` axes of `shape`) as a .npy file
 * (format 1.0, '<f4'), atomically. */
int dlrt_save_npy(const char *path, const float *data, int32_t rank,
                  const int64_t *shape, dlrt_error *err);

/* Writes `rows` rows of `columns` floats as CSV (no header, 9 significant
 * digits: exact for float32), atomically. */
int dlrt_save_csv_rows(const char *path, const float *data, int64_t rows,
                       int64_t columns, dlrt_error *err);

/* Writes a `height` x `width` 8-bit grayscale PNG of `pixels` (row-major,
 * 0 black to 255 white), atomically. */
int dlrt_save_png_gray(const char *path, const uint8_t *pixels, int64_t height,
                       int64_t width, dlrt_error *err);

void dlrt_dataset_free(dlrt_dataset *ds);

/* The float targets of samples order[first..first+n) (or first..first+n
 * when `order` is NULL) of a data set with targets, into `targets`
 * (n * target_size floats). */
void dlrt_gather_targets(const dlrt_dataset *ds, const int64_t *order,
                         int64_t first, int64_t n, float *targets);

/* Keeps only the samples whose label is one of `classes` (n_classes of
 * them, distinct, each >= 0), in their order in `ds`, at most `max_count`
 * of them (<= 0: all), and relabels each with its class's index in
 * `classes`: {5, 6, 7, 8, 9} turns Fashion-MNIST's last five classes into
 * a 5-class problem. In place; the memory beyond the new count is kept. */
int dlrt_select_classes(dlrt_dataset *ds, const int32_t *classes,
                        int32_t n_classes, int64_t max_count, dlrt_error *err);

/* Splits off the last `fraction` of `ds` (as Keras's validation_split does,
 * before shuffling) into `validation`; `ds` keeps the rest. */
int dlrt_split(dlrt_dataset *ds, double fraction, dlrt_dataset *validation,
               dlrt_error *err);

/* order[i] = i, then a Fisher-Yates shuffle driven by `seed` (SplitMix64):
 * the same seed gives the same order on every machine. */
void dlrt_shuffle(int64_t *order, int64_t n, uint64_t seed);

/* Copies samples order[first .. first+n) (or first .. first+n when `order`
 * is NULL) into x as floats, and their labels into `labels` (may be NULL). */
void dlrt_gather(const dlrt_dataset *ds, const int64_t *order, int64_t first,
                 int64_t n, float *x, int32_t *labels);

/* A hint that samples order[first .. first+n) (first .. first+n when `order`
 * is NULL; only those below ds->count) will be gathered soon: their rows are
 * requested into the cache. Called for the next batch right after gathering
 * the current one, the shuffled rows' memory latency overlaps the training
 * step instead of stalling the next gather. */
void dlrt_prefetch(const dlrt_dataset *ds, const int64_t *order, int64_t first,
                   int64_t n);

/*===-- Checkpoints: safetensors ------------------------------------------===*/

/* One named float32 tensor: row-major, little-endian on disk. Rank 0 is a
 * scalar (one element). */
typedef struct dlrt_named_tensor {
  const char *name;
  int32_t rank;
  int64_t shape[8];
  float *data;
} dlrt_named_tensor;

/* Writes F32 tensors (and string metadata pairs) to `path` atomically: a
 * temporary file in the same directory, fsync, then rename — a crash or
 * error mid-save leaves any previous checkpoint intact. The file is
 * HuggingFace's safetensors format (readable by `safetensors.torch.load_file`);
 * names are free-form ("dense.kernel"). metadata_kv holds key, value, key,
 * value, ... (2 * metadata_pairs strings). */
int dlrt_save_safetensors(const char *path, const dlrt_named_tensor *tensors,
                          int64_t count, const char *const *metadata_kv,
                          int64_t metadata_pairs, dlrt_error *err);

typedef struct dlrt_checkpoint {
  int64_t count;
  dlrt_named_tensor *tensors; /* owned, names and data too */
  int64_t metadata_pairs;
  char **metadata_kv; /* owned, 2 * metadata_pairs: key, value, ... */
} dlrt_checkpoint;

/* Reads a safetensors file; F32 tensors only (another dtype is an error
 * naming it). Tensors come in header order. */
int dlrt_load_safetensors(const char *path, dlrt_checkpoint *out,
                          dlrt_error *err);

void dlrt_checkpoint_free(dlrt_checkpoint *ckpt);

/* Convenience: the tensor called `name`, or NULL. */
const dlrt_named_tensor *dlrt_checkpoint_find(const dlrt_checkpoint *ckpt,
                                              const char *name);

/*===-- Keras-style progress bar ------------------------------------------===*/

typedef struct dlrt_progress dlrt_progress;

/* Prints "Epoch e/E" and starts a bar of `steps` steps (<= 0: unknown).
 * tty: 1 = redraw one line with \r, 0 = only a plain line per epoch at the
 * end, -1 = decide with isatty(fileno(out)). Returns NULL only when out of
 * memory; update and end accept NULL and do nothing. */
dlrt_progress *dlrt_progress_begin(FILE *out, int epoch, int epochs,
                                   int64_t steps, int tty);

/* After step `step` (1-based) with the running metrics already formatted,
 * e.g. "loss: 0.4983 - accuracy: 0.8250" (NULL or "" for none); redraws at
 * most ~10 times per second. */
void dlrt_progress_update(dlrt_progress *p, int64_t step, const char *metrics);

/* Ends the epoch and frees `p`: the final line, Keras style:
 * "1875/1875 [==============================] - 2s 1ms/step - loss: 0.4983 -
 * accuracy: 0.8250 - val_loss: ..." */
void dlrt_progress_end(dlrt_progress *p, const char *metrics);

/*===-- Training history --------------------------------------------------===*/

/* A table of doubles with named columns, e.g. epoch, loss, accuracy,
 * val_loss, val_accuracy; NaN = missing (an empty CSV cell). Both writers
 * replace `path` atomically, like dlrt_save_safetensors. */
int dlrt_write_history_csv(const char *path, const char *const *columns,
                           int32_t ncols,
                           const double *rows /* nrows x ncols */,
                           int64_t nrows, dlrt_error *err);

/* An SVG with one panel per metric family (`x` with `val_x`: train and
 * validation curves per epoch), axes with ticks and labels, a legend; opens
 * in any browser. The first column is the x axis. */
int dlrt_write_history_svg(const char *path, const char *title,
                           const char *const *columns, int32_t ncols,
                           const double *rows, int64_t nrows, dlrt_error *err);

/* Reads a history written by dlrt_write_history_csv back, for a resumed run
 * that appends to it: the header must name exactly `columns` (else an error
 * naming both), and only the rows whose first column (the epoch) is at most
 * `max_epoch` are kept, so the epochs after the checkpoint a run resumes from
 * are dropped. `*rows` is malloc'ed (free it; NULL when there are none). A
 * malformed cell is an error naming the file, line and column. */
int dlrt_read_history_csv(const char *path, const char *const *columns,
                          int32_t ncols, double max_epoch, double **rows,
                          int64_t *nrows, dlrt_error *err);

/*===-- Early stopping ----------------------------------------------------===*/

/* Keras's EarlyStopping as a value: fed the monitored quantity after each
 * epoch, it says whether that epoch improved on the best so far and whether
 * training should stop. Improvement is `value < best - min_delta` (minimise)
 * or `value > best + min_delta` (maximise); NaN never improves. Training
 * stops once `patience` epochs in a row have not improved (patience 0: at
 * the first that does not), never at the first epoch, as Keras. */
typedef struct dlrt_monitor {
  int maximize;
  double min_delta;
  int64_t patience;
  double best;        /* +inf (minimise) or -inf before the first epoch */
  int64_t best_epoch; /* 0 before the first improvement */
  int64_t wait;       /* epochs since the best */
  int64_t epochs;     /* epochs seen */
} dlrt_monitor;

void dlrt_monitor_init(dlrt_monitor *m, int maximize, double min_delta,
                       int64_t patience);

enum { DLRT_MONITOR_IMPROVED = 1, DLRT_MONITOR_STOP = 2 };

/* Keras's callbacks' `mode`: the monitored quantity should fall (MIN) or
 * rise (MAX); AUTO, Keras's default, is MAX for accuracies, MIN for losses
 * and errors. */
enum { DLRT_MODE_AUTO = 0, DLRT_MODE_MIN = 1, DLRT_MODE_MAX = 2 };

/* The `maximize` argument of dlrt_monitor_init and dlrt_plateau_init for a
 * history column (`val_loss`, `accuracy`, ...) under `mode`: 1 for MAX, 0
 * for MIN, and for AUTO 1 when the name contains "accuracy". -1 for a mode
 * that is none of these. */
int dlrt_mode_maximizes(int mode, const char *monitor);

/* The quantity after epoch `epoch`: a combination of DLRT_MONITOR_*. */
int dlrt_monitor_update(dlrt_monitor *m, int64_t epoch, double value);

/* Keras's ReduceLROnPlateau: after `patience` epochs without an improvement
 * by more than `min_delta`, the learning rate becomes
 * max(rate * factor, min_lr) (if it is above min_lr), then `cooldown` epochs
 * pass before epochs count again. The caller writes the rate into opt_state
 * (<PREFIX>_OPT_STATE_LEARNING_RATE). */
typedef struct dlrt_plateau {
  int maximize;
  double factor, min_delta, min_lr;
  int64_t patience, cooldown;
  double best;              /* +inf (minimise) or -inf at first */
  int64_t wait;             /* epochs without improvement */
  int64_t cooldown_counter; /* epochs of cooldown left */
} dlrt_plateau;

void dlrt_plateau_init(dlrt_plateau *p, int maximize, double factor,
                       int64_t patience, double min_delta, int64_t cooldown,
                       double min_lr);

/* The quantity after an epoch and the current rate; returns the rate for
 * the next epoch (`rate` itself unless it is reduced). */
float dlrt_plateau_update(dlrt_plateau *p, double value, float rate);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* DLRT_DLRT_H */
