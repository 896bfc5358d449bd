//===- Cache.h - compiled models kept between dlc runs ------------*- C++
//-*-===//
//
// `dlc train/evaluate/predict` compile the same model again and again: the
// object code the JIT loads is kept on disk, keyed by everything it depends
// on (the model's dl module, the codegen flags, the target, dlc's and LLVM's
// versions), so a second run skips the compiler.
//
//===----------------------------------------------------------------------===//
#ifndef DL_COMPILER_CACHE_H
#define DL_COMPILER_CACHE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace dlc {

/// The environment variable that moves the cache (a directory) or, empty or
/// `off`, disables it.
inline constexpr const char *kCacheDirEnv = "DLC_CACHE_DIR";

class ObjectCache {
public:
  /// The cache in effect: none with `enabled` false (--no-cache) or
  /// DLC_CACHE_DIR empty or `off`; else DLC_CACHE_DIR, $XDG_CACHE_HOME/dlc
  /// or ~/.cache/dlc.
  static std::optional<ObjectCache> open(bool enabled);

  /// The entry of `key` (any text: it is hashed), or null when there is none
  /// or it is corrupt (a note, and the entry is removed).
  std::unique_ptr<llvm::MemoryBuffer> lookup(llvm::StringRef key) const;
  /// Stores `object` under `key`: written to a temporary file and renamed,
  /// so a concurrent run sees the whole entry or none. Then the oldest
  /// entries are removed while the cache holds more than `maxBytes`. Failure
  /// to write is not an error: the next run compiles again.
  void store(llvm::StringRef key, llvm::StringRef object) const;

  /// Where the decompressed copy of the gzip file `source` (IDX data) goes:
  /// inflating Fashion-MNIST's 47 MB of images takes ~0.2 s a run, reading a
  /// plain copy a few ms. Keyed by the source's real path, size and
  /// modification time; "" when `source` is not gzip (by its name) or cannot
  /// be examined.
  std::string decodedPath(llvm::StringRef source) const;
  /// Writes the decoded copy (the concatenation of `parts`) to `path`, from
  /// decodedPath: atomically, as store, then evicts as store does.
  void storeDecoded(const std::string &path,
                    llvm::ArrayRef<llvm::StringRef> parts) const;

  const std::string &directory() const { return dir_; }
  /// The file of `key`'s entry.
  std::string entryPath(llvm::StringRef key) const;

  /// The cache's bound: far above one model (the MLP's object is ~100 KB)
  /// and Fashion-MNIST's decoded images (47 MB).
  static constexpr uint64_t maxBytes = uint64_t(256) << 20;

private:
  explicit ObjectCache(std::string dir) : dir_(std::move(dir)) {}
  void evict() const;
  /// Writes `parts` to a temporary file renamed to `path`; false on failure.
  bool writeAtomically(const std::string &path,
                       llvm::ArrayRef<llvm::StringRef> parts) const;
  std::string dir_;
};

} // namespace dlc

#endif // DL_COMPILER_CACHE_H
