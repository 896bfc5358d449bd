//===- Safetensors.cpp - HuggingFace safetensors checkpoints
//---------------===//
//
// Layout: an 8-byte little-endian header length N, N bytes of JSON
//   {"name": {"dtype": "F32", "shape": [..], "data_offsets": [b, e]}, ...,
//    "__metadata__": {"key": "value", ...}}
// (space-padded to a multiple of 8), then the tensor bytes; offsets count
// from the end of the header. The header is parsed by a small strict JSON
// reader below (objects, arrays, strings, integers: all the format uses) so
// that every error can name its byte offset in the file.
//
//===----------------------------------------------------------------------===//
#include "AtomicFile.h"
#include "Error.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace {

using dlrt::fail;

/// The Rust reference implementation refuses headers above 100 MB; so do we.
constexpr uint64_t kMaxHeader = 100'000'000;
constexpr int kMaxRank = 8;

bool littleEndianHost() {
  uint16_t one = 1;
  uint8_t b;
  std::memcpy(&b, &one, 1);
  return b == 1;
}

/// Float data is little-endian on disk: swap in place on a big-endian host
/// (the same swap reads and writes).
void swapIfBigEndian(uint8_t *p, uint64_t bytes) {
  if (littleEndianHost())
    return;
  for (uint64_t i = 0; i + 3 < bytes; i += 4) {
    std::swap(p[i], p[i + 3]);
    std::swap(p[i + 1], p[i + 2]);
  }
}

//===-- Writing
//------------------------------------------------------------===//

void appendJsonString(std::string &out, const char *s) {
  out += '"';
  for (; *s; ++s) {
    unsigned char c = static_cast<unsigned char>(*s);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += char(c);
    } else if (c < 0x20) {
      out += fmt::format("\\u{:04x}", c);
    } else {
      out += char(c); // UTF-8 passes through as is
    }
  }
  out += '"';
}

/// Python's safetensors rejects a header that is not UTF-8, so names and
/// metadata must be.
bool validUtf8(const char *s) {
  for (auto p = reinterpret_cast<const unsigned char *>(s); *p;) {
    int n = *p < 0x80         ? 0
            : (*p >> 5) == 6  ? 1
            : (*p >> 4) == 14 ? 2
            : (*p >> 3) == 30 ? 3
                              : -1;
    if (n < 0)
      return false;
    for (++p; n > 0; --n, ++p)
      if ((*p >> 6) != 2)
        return false;
  }
  return true;
}

/// Elements of a tensor, or -1 when its shape is invalid (errors say why).
int64_t numel(const dlrt_named_tensor &t) {
  int64_t n = 1;
  for (int32_t i = 0; i < t.rank; ++i) {
    if (t.shape[i] < 0)
      return -1;
    if (t.shape[i] != 0 && n > (int64_t(1) << 60) / t.shape[i])
      return -1;
    n *= t.shape[i];
  }
  return n;
}

//===-- A strict JSON reader
//-----------------------------------------------===//

struct Json {
  enum Kind { Object, Array, String, Integer } kind = Integer;
  uint64_t offset = 0; ///< In the file (8 + position in the header).
  std::string str;
  int64_t integer = 0;
  std::vector<std::pair<std::string, Json>> members; ///< Object, in order.
  std::vector<uint64_t> keyOffsets;                  ///< Object keys.
  std::vector<Json> items;                           ///< Array.
};

class JsonParser {
public:
  JsonParser(const char *file, const std::string &header, dlrt_error *e)
      : path(file), text(header), err(e) {}

  int parseDocument(Json &out) {
    if (parseValue(out, 0))
      return -1;
    skipSpace();
    if (pos != text.size())
      return expected("the end of the header");
    return 0;
  }

private:
  const char *path;
  const std::string &text;
  dlrt_error *err;
  size_t pos = 0;

  uint64_t offset() const { return 8 + pos; }

  /// "found" in words: the character (or its code) at `pos`.
  std::string found() const {
    if (pos >= text.size())
      return "the end of the header";
    unsigned char c = static_cast<unsigned char>(text[pos]);
    if (c < 0x20 || c >= 0x7f)
      return fmt::format("byte 0x{:02x}", c);
    return fmt::format("'{}'", char(c));
  }

  int expected(const char *what) {
    return fail(err, "'{}': byte {}: expected {}, found {}", path, offset(),
                what, found());
  }

  void skipSpace() {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' ||
                                 text[pos] == '\n' || text[pos] == '\r'))
      ++pos;
  }

  int parseValue(Json &out, int depth) {
    skipSpace();
    if (depth > 32)
      return fail(err, "'{}': byte {}: the header nests deeper than 32 levels",
                  path, offset());
    out.offset = offset();
    if (pos >= text.size())
      return expected("a value");
    char c = text[pos];
    if (c == '{')
      return parseObject(out, depth);
    if (c == '[')
      return parseArray(out, depth);
    if (c == '"') {
      out.kind = Json::String;
      return parseString(out.str);
    }
    if (c == '-' || (c >= '0' && c <= '9'))
      return parseInteger(out);
    return expected("a value (object, array, string or integer)");
  }

  int parseObject(Json &out, int depth) {
    out.kind = Json::Object;
    ++pos; // '{'
    skipSpace();
    if (pos < text.size() && text[pos] == '}') {
      ++pos;
      return 0;
    }
    for (;;) {
      skipSpace();
      if (pos >= text.size() || text[pos] != '"')
        return expected("a string key");
      out.keyOffsets.push_back(offset());
      std::string key;
      if (parseString(key))
        return -1;
      skipSpace();
      if (pos >= text.size() || text[pos] != ':')
        return expected("':'");
      ++pos;
      out.members.emplace_back(std::move(key), Json());
      if (parseValue(out.members.back().second, depth + 1))
        return -1;
      skipSpace();
      if (pos < text.size() && text[pos] == ',') {
        ++pos;
        continue;
      }
      if (pos < text.size() && text[pos] == '}') {
        ++pos;
        return 0;
      }
      return expected("',' or '}'");
    }
  }

  int parseArray(Json &out, int depth) {
    out.kind = Json::Array;
    ++pos; // '['
    skipSpace();
    if (pos < text.size() && text[pos] == ']') {
      ++pos;
      return 0;
    }
    for (;;) {
      out.items.emplace_back();
      if (parseValue(out.items.back(), depth + 1))
        return -1;
      skipSpace();
      if (pos < text.size() && text[pos] == ',') {
        ++pos;
        continue;
      }
      if (pos < text.size() && text[pos] == ']') {
        ++pos;
        return 0;
      }
      return expected("',' or ']'");
    }
  }

  int hex4(unsigned &v) {
    v = 0;
    for (int i = 0; i < 4; ++i, ++pos) {
      char c = pos < text.size() ? text[pos] : 0;
      int d = c >= '0' && c <= '9'   ? c - '0'
              : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                     : -1;
      if (d < 0)
        return expected("a hex digit of a \\u escape");
      v = v * 16 + unsigned(d);
    }
    return 0;
  }

  static void appendUtf8(std::string &s, unsigned cp) {
    if (cp < 0x80) {
      s += char(cp);
    } else if (cp < 0x800) {
      s += char(0xc0 | (cp >> 6));
      s += char(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      s += char(0xe0 | (cp >> 12));
      s += char(0x80 | ((cp >> 6) & 0x3f));
      s += char(0x80 | (cp & 0x3f));
    } else {
      s += char(0xf0 | (cp >> 18));
      s += char(0x80 | ((cp >> 12) & 0x3f));
      s += char(0x80 | ((cp >> 6) & 0x3f));
      s += char(0x80 | (cp & 0x3f));
    }
  }

  int parseString(std::string &out) {
    ++pos; // '"'
    for (;;) {
      if (pos >= text.size())
        return expected("a closing '\"'");
      unsigned char c = static_cast<unsigned char>(text[pos]);
      if (c == '"') {
        ++pos;
        return 0;
      }
      if (c < 0x20)
        return expected("a string character (control characters must be "
                        "escaped)");
      if (c != '\\') {
        out += char(c);
        ++pos;
        continue;
      }
      ++pos;
      char e = pos < text.size() ? text[pos] : 0;
      const char *simple = std::strchr("\"\\/bfnrt", e);
      if (e && simple) {
        out += "\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"];
        ++pos;
        continue;
      }
      if (e != 'u')
        return expected(
            "an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
      ++pos;
      unsigned cp;
      if (hex4(cp))
        return -1;
      if (cp >= 0xd800 && cp < 0xdc00) { // a surrogate pair
        unsigned lo;
        if (pos + 1 >= text.size() || text[pos] != '\\' || text[pos + 1] != 'u')
          return expected("the low surrogate \\uDC00-\\uDFFF");
        pos += 2;
        if (hex4(lo))
          return -1;
        if (lo < 0xdc00 || lo > 0xdfff) {
          pos -= 4;
          return expected("a low surrogate \\uDC00-\\uDFFF");
        }
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
      }
      appendUtf8(out, cp);
    }
  }

  int parseInteger(Json &out) {
    out.kind = Json::Integer;
    size_t start = pos;
    bool negative = text[pos] == '-';
    if (negative)
      ++pos;
    if (pos >= text.size() || text[pos] < '0' || text[pos] > '9')
      return expected("a digit");
    if (text[pos] == '0' && pos + 1 < text.size() && text[pos + 1] >= '0' &&
        text[pos + 1] <= '9')
      return ++pos, expected("no leading zeros");
    uint64_t v = 0;
    for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos) {
      uint64_t digit = uint64_t(text[pos] - '0');
      if (v > (uint64_t(INT64_MAX) - digit) / 10) {
        pos = start;
        return expected("an integer below 2^63");
      }
      v = v * 10 + digit;
    }
    if (pos < text.size() &&
        (text[pos] == '.' || text[pos] == 'e' || text[pos] == 'E'))
      return expected("an integer");
    out.integer = negative ? -int64_t(v) : int64_t(v);
    return 0;
  }
};

//===-- Reading
//------------------------------------------------------------===//

struct FileCloser {
  void operator()(std::FILE *f) const { std::fclose(f); }
};

/// Owns a checkpoint under construction; frees it unless released.
struct CheckpointGuard {
  dlrt_checkpoint c{};
  ~CheckpointGuard() { dlrt_checkpoint_free(&c); }
};

char *duplicate(const std::string &s) {
  char *p = static_cast<char *>(std::malloc(s.size() + 1));
  if (p)
    std::memcpy(p, s.c_str(), s.size() + 1);
  return p;
}

const char *kindName(Json::Kind k) {
  switch (k) {
  case Json::Object:
    return "an object";
  case Json::Array:
    return "an array";
  case Json::String:
    return "a string";
  case Json::Integer:
    return "an integer";
  }
  return "?";
}

/// Checks one tensor entry of the header and fills `t` (data excluded);
/// `begin`/`end` are its data offsets.
int readEntry(const char *path, const std::string &name, const Json &v,
              uint64_t dataSize, dlrt_named_tensor &t, uint64_t &begin,
              uint64_t &end, dlrt_error *err) {
  if (v.kind != Json::Object)
    return fail(err, "'{}': byte {}: tensor '{}': expected an object, found {}",
                path, v.offset, name, kindName(v.kind));
  const Json *dtype = nullptr, *shape = nullptr, *offsets = nullptr;
  for (size_t i = 0; i < v.members.size(); ++i) {
    const auto &[key, value] = v.members[i];
    const Json **slot = key == "dtype"          ? &dtype
                        : key == "shape"        ? &shape
                        : key == "data_offsets" ? &offsets
                                                : nullptr;
    if (!slot)
      return fail(err,
                  "'{}': byte {}: tensor '{}': expected 'dtype', 'shape' or "
                  "'data_offsets', found '{}'",
                  path, v.keyOffsets[i], name, key);
    if (*slot)
      return fail(err, "'{}': byte {}: tensor '{}': duplicate key '{}'", path,
                  v.keyOffsets[i], name, key);
    *slot = &value;
  }
  for (auto [field, what] :
       {std::pair{dtype, "dtype"}, std::pair{shape, "shape"},
        std::pair{offsets, "data_offsets"}})
    if (!field)
      return fail(err,
                  "'{}': byte {}: tensor '{}': expected a '{}' key, "
                  "found none",
                  path, v.offset, name, what);
  if (dtype->kind != Json::String)
    return fail(err,
                "'{}': byte {}: tensor '{}': expected a dtype string, "
                "found {}",
                path, dtype->offset, name, kindName(dtype->kind));
  if (dtype->str != "F32")
    return fail(err,
                "'{}': byte {}: tensor '{}': expected dtype F32, found {}; dlc "
                "checkpoints hold float32 tensors only",
                path, dtype->offset, name, dtype->str);
  if (shape->kind != Json::Array)
    return fail(err,
                "'{}': byte {}: tensor '{}': expected a shape array, "
                "found {}",
                path, shape->offset, name, kindName(shape->kind));
  if (shape->items.size() > size_t(kMaxRank))
    return fail(err,
                "'{}': byte {}: tensor '{}': expected a rank of at most "
                "{}, found {}",
                path, shape->offset, name, kMaxRank, shape->items.size());
  t.rank = int32_t(shape->items.size());
  std::string dims;
  uint64_t elements = 1;
  bool zero = false, overflow = false;
  for (int32_t i = 0; i < t.rank; ++i) {
    const Json &d = shape->items[i];
    if (d.kind != Json::Integer || d.integer < 0)
      return fail(err,
                  "'{}': byte {}: tensor '{}': expected a non-negative "
                  "dimension, found {}",
                  path, d.offset, name,
                  d.kind == Json::Integer ? std::to_string(d.integer)
                                          : kindName(d.kind));
    t.shape[i] = d.integer;
    dims += fmt::format("{}{}", i ? ", " : "", d.integer);
    zero |= d.integer == 0;
    overflow |=
        __builtin_mul_overflow(elements, uint64_t(d.integer), &elements);
  }
  if (zero)
    elements = 0;
  if (offsets->kind != Json::Array || offsets->items.size() != 2 ||
      offsets->items[0].kind != Json::Integer ||
      offsets->items[1].kind != Json::Integer)
    return fail(err,
                "'{}': byte {}: tensor '{}': expected data_offsets "
                "[begin, end] (two integers)",
                path, offsets->offset, name);
  int64_t b = offsets->items[0].integer, e = offsets->items[1].integer;
  if (b < 0 || e < b || uint64_t(e) > dataSize)
    return fail(err,
                "'{}': byte {}: tensor '{}': expected data_offsets within the "
                "{} data bytes (0 <= begin <= end <= {}), found [{}, {}]",
                path, offsets->offset, name, dataSize, dataSize, b, e);
  begin = uint64_t(b);
  end = uint64_t(e);
  if ((!zero && overflow) || elements > dataSize / 4)
    return fail(err,
                "'{}': byte {}: tensor '{}': shape [{}] needs more than the "
                "file's {} data bytes",
                path, shape->offset, name, dims, dataSize);
  if (end - begin != 4 * elements)
    return fail(err,
                "'{}': byte {}: tensor '{}': expected {} bytes for shape [{}] "
                "(4 x {} elements), found data_offsets [{}, {}] spanning {}",
                path, offsets->offset, name, 4 * elements, dims, elements,
                begin, end, end - begin);
  return 0;
}

int readMetadata(const char *path, const Json &v, dlrt_checkpoint &c,
                 dlrt_error *err) {
  if (v.kind != Json::Object)
    return fail(err,
                "'{}': byte {}: expected __metadata__ to be an object of "
                "strings, found {}",
                path, v.offset, kindName(v.kind));
  std::set<std::string> seen;
  c.metadata_kv = static_cast<char **>(
      std::calloc(2 * v.members.size() + 1, sizeof(char *)));
  if (!c.metadata_kv)
    return fail(err, "'{}': out of memory", path);
  for (size_t i = 0; i < v.members.size(); ++i) {
    const auto &[key, value] = v.members[i];
    if (!seen.insert(key).second)
      return fail(err, "'{}': byte {}: duplicate metadata key '{}'", path,
                  v.keyOffsets[i], key);
    if (value.kind != Json::String)
      return fail(err,
                  "'{}': byte {}: metadata '{}': expected a string, "
                  "found {}",
                  path, value.offset, key, kindName(value.kind));
    c.metadata_kv[2 * i] = duplicate(key);
    c.metadata_kv[2 * i + 1] = duplicate(value.str);
    c.metadata_pairs = int64_t(i + 1);
    if (!c.metadata_kv[2 * i] || !c.metadata_kv[2 * i + 1])
      return fail(err, "'{}': out of memory", path);
  }
  return 0;
}

} // namespace

extern "C" int dlrt_save_safetensors(const char *path,
                                     const dlrt_named_tensor *tensors,
                                     int64_t count,
                                     const char *const *metadataKv,
                                     int64_t metadataPairs, dlrt_error *err) {
  if (!path)
    return fail(err, "dlrt_save_safetensors: expected a path, found NULL");
  if (count < 0 || (count > 0 && !tensors))
    return fail(err, "'{}': expected {} tensors, found none", path, count);
  if (metadataPairs < 0 || (metadataPairs > 0 && !metadataKv))
    return fail(err, "'{}': expected {} metadata pairs, found none", path,
                metadataPairs);
  // The header first: it fixes every offset, and a bad name or shape is
  // reported before any file is touched.
  std::string header = "{";
  if (metadataPairs > 0) {
    header += "\"__metadata__\":{";
    std::set<std::string> keys;
    for (int64_t i = 0; i < metadataPairs; ++i) {
      const char *k = metadataKv[2 * i], *v = metadataKv[2 * i + 1];
      if (!k || !v)
        return fail(err, "'{}': metadata pair {} has a NULL key or value", path,
                    i);
      if (!validUtf8(k) || !validUtf8(v))
        return fail(err, "'{}': metadata pair {} is not valid UTF-8", path, i);
      if (!keys.insert(k).second)
        return fail(err, "'{}': duplicate metadata key '{}'", path, k);
      if (i)
        header += ',';
      appendJsonString(header, k);
      header += ':';
      appendJsonString(header, v);
    }
    header += '}';
  }
  std::set<std::string> names;
  uint64_t offset = 0;
  for (int64_t i = 0; i < count; ++i) {
    const dlrt_named_tensor &t = tensors[i];
    if (!t.name || !*t.name)
      return fail(err, "'{}': tensor {} has no name", path, i);
    if (!validUtf8(t.name))
      return fail(err, "'{}': tensor {}: the name is not valid UTF-8", path, i);
    if (std::strcmp(t.name, "__metadata__") == 0)
      return fail(err, "'{}': '__metadata__' is reserved, not a tensor name",
                  path);
    if (!names.insert(t.name).second)
      return fail(err, "'{}': duplicate tensor name '{}'", path, t.name);
    if (t.rank < 0 || t.rank > kMaxRank)
      return fail(err,
                  "'{}': tensor '{}': expected a rank from 0 to {}, "
                  "found {}",
                  path, t.name, kMaxRank, t.rank);
    int64_t n = numel(t);
    if (n < 0)
      return fail(err,
                  "'{}': tensor '{}': expected non-negative dimensions "
                  "below 2^60 elements",
                  path, t.name);
    if (i || metadataPairs > 0)
      header += ',';
    appendJsonString(header, t.name);
    header += ":{\"dtype\":\"F32\",\"shape\":[";
    for (int32_t d = 0; d < t.rank; ++d)
      header += fmt::format("{}{}", d ? "," : "", t.shape[d]);
    header += fmt::format("],\"data_offsets\":[{},{}]}}", offset,
                          offset + 4 * uint64_t(n));
    offset += 4 * uint64_t(n);
  }
  header += '}';
  header.append((8 - header.size() % 8) % 8, ' '); // aligns the data
  return dlrt::writeAtomically(
      path,
      [&](std::FILE *f) {
        uint8_t len[8];
        for (int i = 0; i < 8; ++i)
          len[i] = uint8_t(uint64_t(header.size()) >> (8 * i));
        std::fwrite(len, 1, 8, f);
        std::fwrite(header.data(), 1, header.size(), f);
        std::vector<uint8_t> chunk;
        for (int64_t i = 0; i < count; ++i) {
          const dlrt_named_tensor &t = tensors[i];
          uint64_t bytes = 4 * uint64_t(numel(t));
          if (bytes == 0)
            continue;
          if (!t.data)
            return fail(err, "'{}': tensor '{}' has no data (NULL)", path,
                        t.name);
          const uint8_t *src = reinterpret_cast<const uint8_t *>(t.data);
          if (littleEndianHost()) {
            std::fwrite(src, 1, bytes, f);
            continue;
          }
          chunk.assign(src, src + bytes);
          swapIfBigEndian(chunk.data(), bytes);
          std::fwrite(chunk.data(), 1, bytes, f);
        }
        return 0;
      },
      err);
}

extern "C" int dlrt_load_safetensors(const char *path, dlrt_checkpoint *out,
                                     dlrt_error *err) {
  *out = dlrt_checkpoint{};
  if (!path)
    return fail(err, "dlrt_load_safetensors: expected a path, found NULL");
  std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path, "rb"));
  if (!f)
    return fail(err, "'{}': cannot open: {}", path, std::strerror(errno));
  struct stat st;
  if (fstat(fileno(f.get()), &st) != 0 || !S_ISREG(st.st_mode))
    return fail(err, "'{}': expected a regular file", path);
  uint64_t fileSize = uint64_t(st.st_size);
  uint8_t len[8];
  size_t got = std::fread(len, 1, 8, f.get());
  if (got != 8)
    return fail(err,
                "'{}': byte 0: truncated: expected an 8-byte header "
                "length, found {} bytes",
                path, got);
  uint64_t n = 0;
  for (int i = 0; i < 8; ++i)
    n |= uint64_t(len[i]) << (8 * i);
  if (n > kMaxHeader || n > fileSize - 8)
    return fail(err,
                "'{}': byte 0: expected a header length of at most {} bytes "
                "(the file has {} after the length, the limit is 100 MB), "
                "found {}; is this a safetensors file?",
                path, std::min(kMaxHeader, fileSize - 8), fileSize - 8, n);
  std::string text(n, '\0');
  if (std::fread(text.data(), 1, n, f.get()) != n)
    return fail(err,
                "'{}': byte 8: truncated: cannot read the {}-byte "
                "header",
                path, n);
  if (n == 0 || text[0] != '{')
    return fail(err, "'{}': byte 8: expected the header's '{{', found {}", path,
                n == 0 ? std::string("an empty header")
                       : fmt::format("byte 0x{:02x}", uint8_t(text[0])));
  Json root;
  if (JsonParser(path, text, err).parseDocument(root))
    return -1;

  uint64_t dataStart = 8 + n, dataSize = fileSize - dataStart;
  CheckpointGuard g;
  g.c.tensors = static_cast<dlrt_named_tensor *>(
      std::calloc(root.members.size() + 1, sizeof(dlrt_named_tensor)));
  if (!g.c.tensors)
    return fail(err, "'{}': out of memory", path);
  std::set<std::string> seen;
  for (size_t i = 0; i < root.members.size(); ++i) {
    const auto &[name, value] = root.members[i];
    if (!seen.insert(name).second)
      return fail(err, "'{}': byte {}: duplicate tensor name '{}'", path,
                  root.keyOffsets[i], name);
    if (name == "__metadata__") {
      if (readMetadata(path, value, g.c, err))
        return -1;
      continue;
    }
    dlrt_named_tensor &t = g.c.tensors[g.c.count];
    uint64_t begin = 0, end = 0; // set by readEntry; gcc cannot tell
    if (readEntry(path, name, value, dataSize, t, begin, end, err))
      return -1;
    t.name = duplicate(name);
    t.data =
        static_cast<float *>(std::malloc(std::max<uint64_t>(end - begin, 4)));
    ++g.c.count; // from here on the guard frees this tensor
    if (!t.name || !t.data)
      return fail(err, "'{}': out of memory for tensor '{}'", path, name);
    if (end > begin) {
      if (fseeko(f.get(), off_t(dataStart + begin), SEEK_SET) != 0 ||
          std::fread(t.data, 1, end - begin, f.get()) != end - begin)
        return fail(err,
                    "'{}': byte {}: truncated: cannot read the {} bytes "
                    "of tensor '{}'",
                    path, dataStart + begin, end - begin, name);
      swapIfBigEndian(reinterpret_cast<uint8_t *>(t.data), end - begin);
    }
  }
  *out = g.c;
  g.c = dlrt_checkpoint{};
  return 0;
}

extern "C" void dlrt_checkpoint_free(dlrt_checkpoint *c) {
  if (!c)
    return;
  for (int64_t i = 0; i < c->count; ++i) {
    std::free(const_cast<char *>(c->tensors[i].name));
    std::free(c->tensors[i].data);
  }
  std::free(c->tensors);
  for (int64_t i = 0; c->metadata_kv && i < 2 * c->metadata_pairs; ++i)
    std::free(c->metadata_kv[i]);
  std::free(c->metadata_kv);
  *c = dlrt_checkpoint{};
}

extern "C" const dlrt_named_tensor *
dlrt_checkpoint_find(const dlrt_checkpoint *c, const char *name) {
  if (!c || !name)
    return nullptr;
  for (int64_t i = 0; i < c->count; ++i)
    if (std::strcmp(c->tensors[i].name, name) == 0)
      return &c->tensors[i];
  return nullptr;
}
