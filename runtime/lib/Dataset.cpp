//===- Dataset.cpp - splitting, shuffling, batching
//------------------------===//
#include "Error.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

extern "C" void dlrt_dataset_free(dlrt_dataset *ds) {
  if (!ds)
    return;
  std::free(ds->x);
  if (ds->mapping)
    munmap(ds->mapping, ds->mapping_size);
  else
    std::free(ds->bytes);
  std::free(ds->labels);
  std::free(ds->targets);
  *ds = dlrt_dataset{};
}

extern "C" int dlrt_split(dlrt_dataset *ds, double fraction,
                          dlrt_dataset *validation, dlrt_error *err) {
  *validation = dlrt_dataset{};
  if (!(fraction >= 0.0 && fraction < 1.0))
    return dlrt::fail(err, "validation split must be in [0, 1), got {}",
                      fraction);
  int64_t n = int64_t(double(ds->count) * fraction);
  if (n == 0)
    return 0;
  dlrt_dataset v = *ds;
  v.count = n;
  v.mapping = nullptr; // v gets its own copy of the values below
  v.mapping_size = 0;
  int64_t keep = ds->count - n;
  size_t width = ds->bytes ? 1 : sizeof(float);
  void *values = std::malloc(width * n * ds->sample_size);
  v.labels = ds->labels
                 ? static_cast<int32_t *>(std::malloc(sizeof(int32_t) * n))
                 : nullptr;
  v.targets = ds->targets ? static_cast<float *>(std::malloc(sizeof(float) * n *
                                                             ds->target_size))
                          : nullptr;
  if (!values || (ds->labels && !v.labels) || (ds->targets && !v.targets)) {
    std::free(values);
    std::free(v.labels);
    std::free(v.targets);
    return dlrt::fail(err, "out of memory for {} validation samples", n);
  }
  if (ds->bytes) {
    v.bytes = static_cast<uint8_t *>(values);
    std::memcpy(v.bytes, ds->bytes + keep * ds->sample_size,
                n * ds->sample_size);
  } else {
    v.x = static_cast<float *>(values);
    std::memcpy(v.x, ds->x + keep * ds->sample_size,
                sizeof(float) * n * ds->sample_size);
  }
  if (ds->labels)
    std::memcpy(v.labels, ds->labels + keep, sizeof(int32_t) * n);
  if (ds->targets)
    std::memcpy(v.targets, ds->targets + keep * ds->target_size,
                sizeof(float) * n * ds->target_size);
  ds->count = keep;
  *validation = v;
  return 0;
}

extern "C" void dlrt_shuffle(int64_t *order, int64_t n, uint64_t seed) {
  uint64_t state = seed;
  auto next = [&]() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  };
  for (int64_t i = 0; i < n; ++i)
    order[i] = i;
  for (int64_t i = n - 1; i > 0; --i) {
    int64_t j = int64_t(next() % uint64_t(i + 1));
    int64_t t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
}

namespace {
/// bytes -> floats, the hot loop of batching IDX data. Cloned per ISA (the
/// loader picks the widest the CPU has) since the library is built for
/// generic x86-64.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
void bytesToFloats(const uint8_t *in, float *out, int64_t n, float scale) {
  for (int64_t k = 0; k < n; ++k)
    out[k] = float(in[k]) * scale;
}
} // namespace

namespace {
/// Asks for the cache lines of sample `s` (a hint: never faults).
void prefetchSample(const dlrt_dataset *ds, int64_t s) {
  size_t rowBytes = size_t(ds->sample_size) * (ds->bytes ? 1 : sizeof(float));
  const char *row =
      ds->bytes
          ? reinterpret_cast<const char *>(ds->bytes + s * ds->sample_size)
          : reinterpret_cast<const char *>(ds->x + s * ds->sample_size);
  for (size_t off = 0; off < rowBytes; off += 64)
    __builtin_prefetch(row + off);
}
} // namespace

extern "C" void dlrt_prefetch(const dlrt_dataset *ds, const int64_t *order,
                              int64_t first, int64_t n) {
  for (int64_t i = 0; i < n && first + i < ds->count; ++i)
    prefetchSample(ds, order ? order[first + i] : first + i);
}

extern "C" void dlrt_gather(const dlrt_dataset *ds, const int64_t *order,
                            int64_t first, int64_t n, float *x,
                            int32_t *labels) {
  // Shuffled rows are cache misses: fetch a few rows ahead while converting.
  constexpr int64_t kAhead = 16;
  auto prefetch = [&](int64_t i) {
    if (order && i < n)
      prefetchSample(ds, order[first + i]);
  };
  for (int64_t i = 0; i < kAhead; ++i)
    prefetch(i);
  for (int64_t i = 0; i < n; ++i) {
    prefetch(i + kAhead);
    int64_t s = order ? order[first + i] : first + i;
    float *out = x + i * ds->sample_size;
    if (ds->bytes) {
      bytesToFloats(ds->bytes + s * ds->sample_size, out, ds->sample_size,
                    ds->scale);
    } else {
      std::memcpy(out, ds->x + s * ds->sample_size,
                  sizeof(float) * ds->sample_size);
    }
    if (labels && ds->labels)
      labels[i] = ds->labels[s];
  }
}

extern "C" void dlrt_gather_targets(const dlrt_dataset *ds,
                                    const int64_t *order, int64_t first,
                                    int64_t n, float *targets) {
  for (int64_t i = 0; i < n; ++i) {
    int64_t s = order ? order[first + i] : first + i;
    std::memcpy(targets + i * ds->target_size,
                ds->targets + s * ds->target_size,
                sizeof(float) * ds->target_size);
  }
}

extern "C" int dlrt_select_classes(dlrt_dataset *ds, const int32_t *classes,
                                   int32_t n_classes, int64_t max_count,
                                   dlrt_error *err) {
  if (n_classes < 1 || !classes)
    return dlrt::fail(err, "expected at least one class to keep, found none");
  if (!ds->labels)
    return dlrt::fail(err, "the data set has float targets, not classes");
  // Class -> new label; -1 for the classes dropped.
  int32_t largest = 0;
  for (int32_t i = 0; i < n_classes; ++i) {
    if (classes[i] < 0)
      return dlrt::fail(err, "expected class labels >= 0, found {}",
                        classes[i]);
    largest = std::max(largest, classes[i]);
  }
  std::vector<int32_t> relabel(size_t(largest) + 1, -1);
  for (int32_t i = 0; i < n_classes; ++i) {
    if (relabel[classes[i]] >= 0)
      return dlrt::fail(err, "class {} is listed twice", classes[i]);
    relabel[classes[i]] = i;
  }
  int64_t limit = max_count > 0 ? max_count : ds->count;
  int64_t kept = 0;
  size_t width = ds->bytes ? 1 : sizeof(float);
  size_t rowBytes = width * size_t(ds->sample_size);
  auto *values = ds->bytes ? reinterpret_cast<char *>(ds->bytes)
                           : reinterpret_cast<char *>(ds->x);
  for (int64_t i = 0; i < ds->count && kept < limit; ++i) {
    int32_t label = ds->labels[i];
    if (label < 0 || label > largest || relabel[label] < 0)
      continue;
    if (kept != i)
      std::memmove(values + kept * rowBytes, values + i * rowBytes, rowBytes);
    ds->labels[kept++] = relabel[label];
  }
  ds->count = kept;
  ds->num_classes = 0;
  for (int64_t i = 0; i < kept; ++i)
    ds->num_classes = std::max(ds->num_classes, ds->labels[i] + 1);
  return 0;
}
