//===- Png.cpp - 8-bit grayscale PNG images -------------------------------===//
//
// The smallest PNG a viewer reads: the signature, IHDR (8-bit grayscale,
// no interlace), one IDAT of the zlib-deflated rows (each after the filter
// byte 0, "none") and IEND, each chunk with its CRC-32. zlib, which the
// runtime links for .gz data, does the deflate and the CRC: no libpng.
//
//===----------------------------------------------------------------------===//
#include "AtomicFile.h"
#include "Error.h"

#include <zlib.h>

#include <string>
#include <vector>

namespace {
void put32(std::string &s, uint32_t v) {
  for (int shift : {24, 16, 8, 0})
    s += char((v >> shift) & 0xff);
}

/// Length, type, data, CRC-32 of type and data.
void chunk(std::string &png, const char *type, const std::string &data) {
  put32(png, uint32_t(data.size()));
  std::string body = std::string(type, 4) + data;
  png += body;
  put32(png, uint32_t(crc32(0, reinterpret_cast<const Bytef *>(body.data()),
                            uInt(body.size()))));
}
} // namespace

extern "C" int dlrt_save_png_gray(const char *path, const uint8_t *pixels,
                                  int64_t height, int64_t width,
                                  dlrt_error *err) {
  // PNG's limit is 2^31 - 1 per side; far smaller here so the rows fit
  // one deflate call.
  if (height < 1 || width < 1 || height > 65535 || width > 65535)
    return dlrt::fail(err,
                      "'{}': a PNG of {} x {} pixels (each side 1 to "
                      "65535)",
                      path, height, width);
  std::string raw;
  raw.reserve(size_t(height * (width + 1)));
  for (int64_t y = 0; y < height; ++y) {
    raw += '\0'; // filter: none
    raw.append(reinterpret_cast<const char *>(pixels + y * width),
               size_t(width));
  }
  uLongf packedSize = compressBound(uLong(raw.size()));
  std::vector<Bytef> packed(packedSize);
  if (compress2(packed.data(), &packedSize,
                reinterpret_cast<const Bytef *>(raw.data()), uLong(raw.size()),
                Z_BEST_COMPRESSION) != Z_OK)
    return dlrt::fail(err, "'{}': cannot compress the image", path);
  std::string png = "\x89PNG\r\n\x1a\n";
  std::string ihdr;
  put32(ihdr, uint32_t(width));
  put32(ihdr, uint32_t(height));
  ihdr += std::string("\x08\x00\x00\x00\x00", 5); // 8 bits, gray, defaults
  chunk(png, "IHDR", ihdr);
  chunk(png, "IDAT",
        std::string(reinterpret_cast<const char *>(packed.data()), packedSize));
  chunk(png, "IEND", "");
  return dlrt::writeBytes(path, png, err);
}
