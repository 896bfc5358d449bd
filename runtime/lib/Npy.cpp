//===- Npy.cpp - NumPy .npy arrays as data sets ---------------------------===//
//
// The format (numpy.lib.format): the magic "\x93NUMPY", a major and minor
// version byte, the header's length (2 bytes little-endian in 1.0, 4 bytes
// in 2.0 and 3.0), then the header: a Python dict literal with 'descr',
// 'fortran_order' and 'shape', padded with spaces and ended by '\n'. The
// data follows, C order. Every value is converted to float.
//
//===----------------------------------------------------------------------===//
#include "AtomicFile.h"
#include "Error.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace {
struct FileCloser {
  void operator()(std::FILE *f) const { std::fclose(f); }
};

/// One supported dtype: its descr and bytes per value.
struct DType {
  const char *descr;
  int size;
};
constexpr DType kDTypes[] = {{"<f4", 4}, {"<f8", 8}, {"<i4", 4},
                             {"<i8", 8}, {"|u1", 1}, {"|i1", 1}};

/// The header's text with its position in the file, for errors.
struct Header {
  std::string text;
  int64_t offset; // of text[0] in the file

  /// The position of `'key'` followed by ':' (after the key), or npos.
  size_t value(const char *key) const {
    std::string quoted[] = {std::string("'") + key + "'",
                            std::string("\"") + key + "\""};
    for (const std::string &q : quoted) {
      size_t k = text.find(q);
      if (k == std::string::npos)
        continue;
      size_t c = text.find_first_not_of(" ", k + q.size());
      if (c == std::string::npos || text[c] != ':')
        return std::string::npos;
      return text.find_first_not_of(" ", c + 1);
    }
    return std::string::npos;
  }
};

std::string shapeText(const std::vector<int64_t> &shape) {
  std::string r = "(";
  for (size_t i = 0; i < shape.size(); ++i)
    r += (i ? ", " : "") + std::to_string(shape[i]);
  return r + (shape.size() == 1 ? ",)" : ")");
}

/// A value of the file's dtype at `p`, as a double.
double readValue(const uint8_t *p, const char *descr) {
  // Little-endian data on a little-endian host: memcpy reads it as is.
  static_assert(sizeof(float) == 4 && sizeof(double) == 8);
  switch (descr[1]) {
  case 'f':
    if (descr[2] == '4') {
      float v;
      std::memcpy(&v, p, 4);
      return v;
    } else {
      double v;
      std::memcpy(&v, p, 8);
      return v;
    }
  case 'i':
    if (descr[2] == '4') {
      int32_t v;
      std::memcpy(&v, p, 4);
      return v;
    } else if (descr[2] == '8') {
      int64_t v;
      std::memcpy(&v, p, 8);
      return double(v);
    } else {
      return double(int8_t(*p));
    }
  default: // u1
    return double(*p);
  }
}
} // namespace

extern "C" int dlrt_load_npy(const char *path, dlrt_dataset *out,
                             dlrt_error *err) {
  using dlrt::fail;
  *out = dlrt_dataset{};
  std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path, "rb"));
  if (!f)
    return fail(err, "'{}': cannot open: {}", path, std::strerror(errno));
  uint8_t pre[12];
  size_t got = std::fread(pre, 1, 10, f.get());
  if (got < 8 || std::memcmp(pre, "\x93NUMPY", 6) != 0)
    return fail(err,
                "'{}': byte 0: expected a NumPy .npy file (magic "
                "\\x93NUMPY), found {}",
                path,
                got < 6
                    ? std::string("a file of ") + std::to_string(got) + " bytes"
                    : "other bytes");
  int major = pre[6], minor = pre[7];
  if (major < 1 || major > 3 || minor != 0)
    return fail(err,
                "'{}': byte 6: expected .npy format version 1.0, 2.0 or 3.0, "
                "found {}.{}",
                path, major, minor);
  int64_t headerStart = major == 1 ? 10 : 12;
  if (major > 1)
    got += std::fread(pre + 10, 1, 2, f.get());
  if (int64_t(got) < headerStart)
    return fail(err,
                "'{}': byte 8: truncated: expected the header's length, "
                "found the end of the file",
                path);
  uint32_t headerLen = major == 1 ? uint32_t(pre[8]) | uint32_t(pre[9]) << 8
                                  : uint32_t(pre[8]) | uint32_t(pre[9]) << 8 |
                                        uint32_t(pre[10]) << 16 |
                                        uint32_t(pre[11]) << 24;
  // Real headers are at most a few hundred bytes (numpy refuses > 10^4 by
  // default); a huge length is a broken file, not a reason to allocate.
  if (headerLen > (1u << 20))
    return fail(err,
                "'{}': byte 8: expected a header of at most 1 MiB, found a "
                "length of {} bytes",
                path, headerLen);
  Header h{std::string(headerLen, '\0'), headerStart};
  size_t hgot = std::fread(h.text.data(), 1, headerLen, f.get());
  if (hgot < headerLen)
    return fail(err,
                "'{}': byte {}: truncated header: expected {} bytes, found {}",
                path, headerStart, headerLen, hgot);
  const int64_t dataStart = headerStart + headerLen;
  size_t open = h.text.find_first_not_of(" ");
  if (open == std::string::npos || h.text[open] != '{' ||
      h.text.find('}') == std::string::npos)
    return fail(err,
                "'{}': byte {}: expected the header dict {{'descr': ..., "
                "'fortran_order': ..., 'shape': ...}}, found '{}'",
                path, headerStart, h.text.substr(0, 60));
  // descr
  size_t d = h.value("descr");
  if (d == std::string::npos)
    return fail(err, "'{}': byte {}: header dict has no 'descr' key", path,
                headerStart);
  char q = h.text[d];
  size_t dend =
      q == '\'' || q == '"' ? h.text.find(q, d + 1) : std::string::npos;
  if (dend == std::string::npos)
    return fail(err,
                "'{}': byte {}: expected 'descr' to be a dtype string such "
                "as '<f4', found '{}'",
                path, headerStart + int64_t(d), h.text.substr(d, 20));
  std::string descr = h.text.substr(d + 1, dend - d - 1);
  // One-byte types need no byte order: numpy writes '|', '<' and '=' too.
  if (descr.size() == 3 && descr[2] == '1' &&
      (descr[0] == '<' || descr[0] == '='))
    descr[0] = '|';
  const DType *dtype = nullptr;
  for (const DType &t : kDTypes)
    if (descr == t.descr)
      dtype = &t;
  if (!dtype)
    return fail(err,
                "'{}': byte {}: expected dtype '<f4', '<f8', '<i4', '<i8', "
                "'|u1' or '|i1' (little-endian), found '{}'",
                path, headerStart + int64_t(d), descr);
  // fortran_order
  size_t fo = h.value("fortran_order");
  if (fo == std::string::npos)
    return fail(err, "'{}': byte {}: header dict has no 'fortran_order' key",
                path, headerStart);
  if (h.text.compare(fo, 4, "True") == 0)
    return fail(err,
                "'{}': byte {}: expected C order (fortran_order False), found "
                "fortran_order True; save numpy.ascontiguousarray(a)",
                path, headerStart + int64_t(fo));
  if (h.text.compare(fo, 5, "False") != 0)
    return fail(err,
                "'{}': byte {}: expected fortran_order True or False, found "
                "'{}'",
                path, headerStart + int64_t(fo), h.text.substr(fo, 10));
  // shape
  size_t s = h.value("shape");
  if (s == std::string::npos)
    return fail(err, "'{}': byte {}: header dict has no 'shape' key", path,
                headerStart);
  size_t send = h.text.find(')', s);
  if (h.text[s] != '(' || send == std::string::npos)
    return fail(err,
                "'{}': byte {}: expected 'shape' to be a tuple of integers, "
                "found '{}'",
                path, headerStart + int64_t(s), h.text.substr(s, 20));
  std::vector<int64_t> shape;
  for (size_t i = s + 1; i < send;) {
    i = h.text.find_first_not_of(" ,", i);
    if (i >= send)
      break;
    char *end = nullptr;
    errno = 0;
    long long v = std::strtoll(h.text.c_str() + i, &end, 10);
    size_t used = size_t(end - (h.text.c_str() + i));
    if (used == 0 || v < 0 || errno == ERANGE)
      return fail(err,
                  "'{}': byte {}: expected 'shape' to be a tuple of integers "
                  ">= 0, found '{}'",
                  path, headerStart + int64_t(s),
                  h.text.substr(s, send - s + 1));
    shape.push_back(int64_t(v));
    i += used;
  }
  const std::string found = shapeText(shape);
  if (shape.empty())
    return fail(err,
                "'{}': byte {}: expected an array with a first axis of "
                "samples, found shape () (a scalar)",
                path, headerStart + int64_t(s));
  if (shape.size() > 9)
    return fail(err,
                "'{}': byte {}: expected at most 8 axes per sample, found "
                "shape {}",
                path, headerStart + int64_t(s), found);
  if (shape[0] == 0)
    return fail(err, "'{}': byte {}: no samples: shape {}", path,
                headerStart + int64_t(s), found);
  // Sizes in bytes stay below 2^62: checked as the product grows.
  int64_t sampleSize = 1;
  for (size_t i = 1; i < shape.size(); ++i) {
    if (shape[i] != 0 &&
        sampleSize > (int64_t(1) << 58) / shape[i] / dtype->size)
      return fail(err, "'{}': byte {}: shape {} is too large", path,
                  headerStart + int64_t(s), found);
    sampleSize *= shape[i];
  }
  if (sampleSize == 0)
    return fail(err, "'{}': byte {}: samples of no values: shape {}", path,
                headerStart + int64_t(s), found);
  if (shape[0] > (int64_t(1) << 58) / sampleSize / dtype->size)
    return fail(err, "'{}': byte {}: shape {} is too large", path,
                headerStart + int64_t(s), found);
  const int64_t count = shape[0] * sampleSize;
  const int64_t bytes = count * dtype->size;
  std::fseek(f.get(), 0, SEEK_END);
  const int64_t fileSize = std::ftell(f.get());
  if (fileSize - dataStart < bytes)
    return fail(err,
                "'{}': byte {}: truncated data: shape {} of '{}' needs {} "
                "bytes, found {}",
                path, dataStart, found, descr, bytes, fileSize - dataStart);
  if (fileSize - dataStart > bytes)
    return fail(err,
                "'{}': byte {}: {} bytes after the data of shape {} of '{}' "
                "(not a single array?)",
                path, dataStart + bytes, fileSize - dataStart - bytes, found,
                descr);
  std::fseek(f.get(), dataStart, SEEK_SET);
  std::vector<uint8_t> raw(static_cast<size_t>(bytes));
  if (std::fread(raw.data(), 1, raw.size(), f.get()) != raw.size())
    return fail(err, "'{}': byte {}: cannot read {} bytes: {}", path, dataStart,
                bytes, std::strerror(errno));
  float *x = static_cast<float *>(std::malloc(sizeof(float) * size_t(count)));
  if (!x)
    return fail(err, "'{}': out of memory for {} values", path, count);
  for (int64_t i = 0; i < count; ++i) {
    double v = readValue(raw.data() + i * dtype->size, descr.c_str());
    // As the CSV reader: no data set means NaN or infinity, and a double
    // beyond float's range would load as one.
    if (!std::isfinite(v) ||
        std::fabs(v) > double(std::numeric_limits<float>::max())) {
      std::string index;
      int64_t rest = i;
      for (size_t k = shape.size(); k-- > 0;) {
        index = std::to_string(rest % shape[k]) + (index.empty() ? "" : ", ") +
                index;
        rest /= shape[k];
      }
      std::free(x);
      return fail(err,
                  "'{}': byte {}: element [{}]: expected a finite number "
                  "within float's range, found {}",
                  path, dataStart + i * dtype->size, index, v);
    }
    x[i] = float(v);
  }
  dlrt_dataset ds{};
  ds.count = shape[0];
  ds.sample_size = sampleSize;
  ds.rank = int32_t(shape.size() - 1);
  for (size_t i = 1; i < shape.size(); ++i)
    ds.shape[i - 1] = shape[i];
  ds.x = x;
  *out = ds;
  return 0;
}

extern "C" int dlrt_save_npy(const char *path, const float *data, int32_t rank,
                             const int64_t *shape, dlrt_error *err) {
  if (rank < 1 || rank > 9)
    return dlrt::fail(err, "'{}': expected 1 to 9 axes, found {}", path, rank);
  std::vector<int64_t> dims(shape, shape + rank);
  int64_t count = 1;
  for (int64_t d : dims)
    count *= d;
  std::string header =
      "{'descr': '<f4', 'fortran_order': False, 'shape': " + shapeText(dims) +
      ", }";
  // numpy pads the header with spaces so that the data starts at a
  // multiple of 64 bytes, and ends it with '\n'.
  while ((10 + header.size() + 1) % 64)
    header += ' ';
  header += '\n';
  if (header.size() > 0xffff)
    return dlrt::fail(err, "'{}': shape {} is too long for a .npy header", path,
                      shapeText(dims));
  return dlrt::writeAtomically(
      path,
      [&](std::FILE *f) {
        uint8_t pre[10] = {0x93,
                           'N',
                           'U',
                           'M',
                           'P',
                           'Y',
                           1,
                           0,
                           uint8_t(header.size() & 0xff),
                           uint8_t(header.size() >> 8)};
        std::fwrite(pre, 1, sizeof(pre), f);
        std::fwrite(header.data(), 1, header.size(), f);
        // Little-endian host: the floats are written as they are.
        std::fwrite(data, sizeof(float), size_t(count), f);
        return 0;
      },
      err);
}

extern "C" int dlrt_save_csv_rows(const char *path, const float *data,
                                  int64_t rows, int64_t columns,
                                  dlrt_error *err) {
  return dlrt::writeAtomically(
      path,
      [&](std::FILE *f) {
        for (int64_t r = 0; r < rows; ++r)
          for (int64_t c = 0; c < columns; ++c)
            // 9 significant digits: a float read back is the same float.
            std::fprintf(f, "%.9g%c", double(data[r * columns + c]),
                         c + 1 == columns ? '\n' : ',');
        return 0;
      },
      err);
}
