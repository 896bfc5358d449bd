//===- Idx.cpp - MNIST's IDX format, gzip or plain
//-------------------------===//
//
// IDX: bytes 0-1 are zero, byte 2 the element type (0x08 = unsigned byte),
// byte 3 the rank, then one big-endian uint32 per dimension, then the data.
// zlib's gzread reads compressed and plain files alike; a plain file can
// instead be mapped (dlrt_load_idx_mapped), which is how dlc reads the
// decoded copies in its cache: the pages of a 47 MB file come from the page
// cache as the samples are touched, not copied up front.
//
//===----------------------------------------------------------------------===//
#include "Error.h"

#include <zlib.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace {

using dlrt::fail;

/// The largest data set we agree to hold: 2^31 elements (8 GiB of floats).
constexpr uint64_t kMaxElements = uint64_t(1) << 31;

struct FreeDeleter {
  void operator()(uint8_t *p) const { std::free(p); }
};

struct IdxFile {
  std::vector<uint64_t> dims;
  /// malloc'ed, so a data set can take it over without a copy: the images
  /// are 47 MB, and a copy doubled the peak RSS of loading them.
  std::unique_ptr<uint8_t[], FreeDeleter> data;
  uint64_t size = 0;
  /// Or the whole file mapped, the data `mapOffset` bytes into it.
  void *map = nullptr;
  size_t mapSize = 0, mapOffset = 0;

  IdxFile() = default;
  IdxFile(const IdxFile &) = delete;
  IdxFile &operator=(const IdxFile &) = delete;
  ~IdxFile() {
    if (map)
      munmap(map, mapSize);
  }
  const uint8_t *bytes() const {
    return map ? static_cast<const uint8_t *>(map) + mapOffset : data.get();
  }
};

struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0)
      close(fd);
  }
};

/// Maps `path` whole (private and writable: dlrt_select_classes compacts
/// samples in place, which then copies only the pages it writes). 1 when the
/// file is gzip or empty: the caller reads it instead.
int mapFile(const char *path, IdxFile &out, dlrt_error *err) {
  FdCloser f{open(path, O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0)
    return fail(err, "'{}': cannot open: {}", path, std::strerror(errno));
  struct stat st;
  if (fstat(f.fd, &st) != 0)
    return fail(err, "'{}': cannot open: {}", path, std::strerror(errno));
  uint8_t magic[2];
  if (!S_ISREG(st.st_mode) || st.st_size < 2 || pread(f.fd, magic, 2, 0) != 2 ||
      (magic[0] == 0x1f && magic[1] == 0x8b))
    return 1;
  void *p = mmap(nullptr, size_t(st.st_size), PROT_READ | PROT_WRITE,
                 MAP_PRIVATE, f.fd, 0);
  if (p == MAP_FAILED)
    return 1;
  out.map = p;
  out.mapSize = size_t(st.st_size);
  return 0;
}

struct GzCloser {
  void operator()(gzFile_s *f) const { gzclose(f); }
};

int readIdx(const char *path, IdxFile &out, dlrt_error *err, bool map) {
  if (map) {
    int r = mapFile(path, out, err);
    if (r < 0)
      return -1;
    map = r == 0;
  }
  std::unique_ptr<gzFile_s, GzCloser> f;
  if (!map) {
    f.reset(gzopen(path, "rb"));
    if (!f)
      return fail(err, "'{}': cannot open: {}", path, std::strerror(errno));
  }
  uint64_t offset = 0;
  auto read = [&](void *buf, uint64_t n, const char *what) -> int {
    uint8_t *p = static_cast<uint8_t *>(buf);
    uint64_t got = 0;
    while (got < n) {
      unsigned chunk = unsigned(std::min<uint64_t>(n - got, 1u << 30));
      int r = map ? int(std::min<uint64_t>(
                        chunk, out.mapSize - std::min<uint64_t>(out.mapSize,
                                                                offset + got)))
                  : gzread(f.get(), p + got, chunk);
      if (map)
        std::memcpy(p + got, static_cast<uint8_t *>(out.map) + offset + got,
                    size_t(r));
      if (r < 0) {
        int code;
        const char *m = gzerror(f.get(), &code);
        return fail(err, "'{}': byte {}: cannot read {}: {}", path,
                    offset + got, what, m);
      }
      if (r == 0)
        return fail(err,
                    "'{}': byte {}: truncated: expected {} bytes of {}, "
                    "found {}",
                    path, offset + got, n, what, got);
      got += uint64_t(r);
    }
    offset += n;
    return 0;
  };
  uint8_t magic[4];
  if (read(magic, 4, "the IDX header"))
    return -1;
  if (magic[0] != 0 || magic[1] != 0)
    return fail(err,
                "'{}': byte 0: expected the IDX magic 00 00, found {:02x} "
                "{:02x}; is this an IDX file?",
                path, magic[0], magic[1]);
  if (magic[2] != 0x08)
    return fail(err,
                "'{}': byte 2: expected element type 0x08 (unsigned byte), "
                "found 0x{:02x}",
                path, magic[2]);
  if (magic[3] < 1 || magic[3] > 8)
    return fail(err, "'{}': byte 3: expected a rank from 1 to 8, found {}",
                path, magic[3]);
  uint64_t total = 1;
  for (int i = 0; i < magic[3]; ++i) {
    uint8_t b[4];
    if (read(b, 4, "the dimensions"))
      return -1;
    uint64_t d = (uint64_t(b[0]) << 24) | (uint64_t(b[1]) << 16) |
                 (uint64_t(b[2]) << 8) | b[3];
    if (d == 0)
      return fail(err, "'{}': byte {}: dimension {} is 0", path, offset - 4, i);
    total *= d;
    if (total > kMaxElements)
      return fail(err,
                  "'{}': byte {}: the dimensions describe more than 2^31 "
                  "elements; this is not a data set dlc can hold",
                  path, offset - 4);
    out.dims.push_back(d);
  }
  if (map) {
    // The length is known: what the header promises must be what is there.
    uint64_t have = out.mapSize - offset;
    if (have < total)
      return fail(err,
                  "'{}': byte {}: truncated: expected {} bytes of data, "
                  "found {}",
                  path, out.mapSize, total, have);
    if (have > total)
      return fail(err,
                  "'{}': byte {}: expected the end of the file after {} "
                  "data bytes, found more",
                  path, offset + total, total);
    out.mapOffset = size_t(offset);
    out.size = total;
    return 0;
  }
  // The buffer grows with what the file really holds (doubling from 1 MiB),
  // so a 20-byte file that claims 2^31 elements fails as truncated without
  // first taking 2 GiB (a gzip file's length is unknown until read).
  uint64_t have = 0, cap = std::min<uint64_t>(total, uint64_t(1) << 20);
  out.data.reset(static_cast<uint8_t *>(std::malloc(cap)));
  if (!out.data)
    return fail(err, "'{}': out of memory for {} bytes of data", path, cap);
  const uint64_t dataStart = offset;
  while (have < total) {
    if (have == cap) {
      cap = std::min(total, cap * 2);
      void *grown = std::realloc(out.data.get(), cap);
      if (!grown)
        return fail(err, "'{}': out of memory for {} bytes of data", path, cap);
      (void)out.data.release();
      out.data.reset(static_cast<uint8_t *>(grown));
    }
    unsigned chunk = unsigned(std::min<uint64_t>(cap - have, 1u << 30));
    int r = gzread(f.get(), out.data.get() + have, chunk);
    if (r < 0) {
      int code;
      const char *m = gzerror(f.get(), &code);
      return fail(err, "'{}': byte {}: cannot read data: {}", path,
                  dataStart + have, m);
    }
    if (r == 0)
      return fail(err,
                  "'{}': byte {}: truncated: expected {} bytes of data, "
                  "found {}",
                  path, dataStart + have, total, have);
    have += uint64_t(r);
  }
  offset += total;
  out.size = total;
  uint8_t extra;
  if (gzread(f.get(), &extra, 1) > 0)
    return fail(err,
                "'{}': byte {}: expected the end of the file after {} "
                "data bytes, found more",
                path, offset, total);
  return 0;
}

/// Fills `ds` with the samples of `im` (first dimension) scaled to floats;
/// the data set takes over `im`'s bytes.
int toDataset(const char *images, IdxFile &im, float scale, dlrt_dataset &ds,
              dlrt_error *err) {
  ds = dlrt_dataset{};
  if (im.dims.size() > 9)
    return fail(err, "'{}': too many dimensions", images);
  ds.count = int64_t(im.dims[0]);
  ds.sample_size = 1;
  ds.rank = int32_t(im.dims.size() - 1);
  for (size_t i = 1; i < im.dims.size(); ++i) {
    ds.shape[i - 1] = int64_t(im.dims[i]);
    ds.sample_size *= int64_t(im.dims[i]);
  }
  if (ds.rank == 0) {
    ds.rank = 1;
    ds.shape[0] = 1;
  }
  // Kept as bytes: Fashion-MNIST is 47 MB so, 188 MB as floats.
  if (im.map) {
    ds.bytes = static_cast<uint8_t *>(im.map) + im.mapOffset;
    ds.mapping = im.map;
    ds.mapping_size = im.mapSize;
    im.map = nullptr;
  } else {
    ds.bytes = im.data.release();
  }
  ds.scale = scale;
  return 0;
}

} // namespace

extern "C" int dlrt_load_idx_images(const char *images, float scale,
                                    dlrt_dataset *out, dlrt_error *err) {
  *out = dlrt_dataset{};
  IdxFile im;
  if (readIdx(images, im, err, /*map=*/false))
    return -1;
  return toDataset(images, im, scale, *out, err);
}

namespace {
int loadIdx(const char *images, const char *labels, float scale,
            dlrt_dataset *out, dlrt_error *err, bool map) {
  *out = dlrt_dataset{};
  IdxFile im, lb;
  if (readIdx(images, im, err, map) || readIdx(labels, lb, err, /*map=*/false))
    return -1;
  if (lb.dims.size() != 1)
    return fail(err, "'{}': expected a rank-1 label file, found rank {}",
                labels, lb.dims.size());
  if (im.dims[0] != lb.dims[0])
    return fail(err, "'{}' has {} samples but '{}' has {} labels", images,
                im.dims[0], labels, lb.dims[0]);
  dlrt_dataset ds;
  if (toDataset(images, im, scale, ds, err))
    return -1;
  ds.labels = static_cast<int32_t *>(std::malloc(sizeof(int32_t) * ds.count));
  if (!ds.labels) {
    dlrt_dataset_free(&ds);
    return fail(err, "'{}': out of memory for {} samples", images, ds.count);
  }
  for (int64_t i = 0; i < ds.count; ++i) {
    ds.labels[i] = lb.data[i];
    ds.num_classes = std::max(ds.num_classes, int32_t(lb.data[i]) + 1);
  }
  *out = ds;
  return 0;
}
} // namespace

extern "C" int dlrt_load_idx(const char *images, const char *labels,
                             float scale, dlrt_dataset *out, dlrt_error *err) {
  return loadIdx(images, labels, scale, out, err, /*map=*/false);
}

extern "C" int dlrt_load_idx_mapped(const char *images, const char *labels,
                                    float scale, dlrt_dataset *out,
                                    dlrt_error *err) {
  return loadIdx(images, labels, scale, out, err, /*map=*/true);
}
