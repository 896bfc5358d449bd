//===- Cache.cpp - compiled models kept between dlc runs
//-------------------===//
#include "dl/Compiler/Cache.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <vector>

namespace dlc {
namespace {

/// An entry: this magic, the object's size (8 bytes, little-endian), its
/// SHA-256, then the object. A file cut short by a crash or changed on disk
/// fails the check and is compiled again rather than loaded.
constexpr llvm::StringLiteral kMagic("DLCOBJ1\n");
constexpr size_t kHeaderSize = 8 + 8 + 32;
/// A decoded data file: plain IDX, which the IDX loader reads as it is.
constexpr llvm::StringLiteral kDecodedSuffix(".idx");

std::array<uint8_t, 32> digest(llvm::StringRef data) {
  llvm::SHA256 sha;
  sha.update(data);
  return sha.final();
}

} // namespace

std::optional<ObjectCache> ObjectCache::open(bool enabled) {
  if (!enabled)
    return std::nullopt;
  llvm::SmallString<256> dir;
  if (std::optional<std::string> env =
          llvm::sys::Process::GetEnv(kCacheDirEnv)) {
    if (env->empty() || *env == "off")
      return std::nullopt;
    dir = *env;
  } else if (std::optional<std::string> xdg =
                 llvm::sys::Process::GetEnv("XDG_CACHE_HOME");
             xdg && !xdg->empty()) {
    dir = *xdg;
    llvm::sys::path::append(dir, "dlc");
  } else if (llvm::sys::path::home_directory(dir)) {
    llvm::sys::path::append(dir, ".cache", "dlc");
  } else {
    return std::nullopt;
  }
  return ObjectCache(std::string(dir));
}

std::string ObjectCache::entryPath(llvm::StringRef key) const {
  llvm::SmallString<256> path(dir_);
  llvm::sys::path::append(path, llvm::toHex(digest(key), /*LowerCase=*/true) +
                                    ".dlcobj");
  return std::string(path);
}

std::unique_ptr<llvm::MemoryBuffer>
ObjectCache::lookup(llvm::StringRef key) const {
  std::string path = entryPath(key);
  auto file = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                          /*RequiresNullTerminator=*/false);
  if (!file)
    return nullptr; // no entry (or unreadable: the same to us)
  llvm::StringRef data = (*file)->getBuffer();
  bool ok = data.size() >= kHeaderSize && data.starts_with(kMagic);
  if (ok) {
    uint64_t size = llvm::support::endian::read64le(data.data() + 8);
    llvm::StringRef object = data.drop_front(kHeaderSize);
    auto sum = digest(object);
    ok = size == object.size() &&
         llvm::StringRef(data.data() + 16, 32) ==
             llvm::StringRef(reinterpret_cast<const char *>(sum.data()), 32);
  }
  if (!ok) {
    llvm::WithColor::note(llvm::errs(), "dlc")
        << "ignoring the corrupt cache entry '" << path
        << "'; compiling the model again\n";
    (void)llvm::sys::fs::remove(path);
    return nullptr;
  }
  // A hit counts as a use: eviction removes the least recently used first.
  int fd;
  if (!llvm::sys::fs::openFileForWrite(path, fd, llvm::sys::fs::CD_OpenExisting,
                                       llvm::sys::fs::OF_Append)) {
    (void)llvm::sys::fs::setLastAccessAndModificationTime(
        fd, std::chrono::system_clock::now());
    llvm::sys::Process::SafelyCloseFileDescriptor(fd);
  }
  return llvm::MemoryBuffer::getMemBufferCopy(data.drop_front(kHeaderSize),
                                              path);
}

bool ObjectCache::writeAtomically(const std::string &path,
                                  llvm::ArrayRef<llvm::StringRef> parts) const {
  if (llvm::sys::fs::create_directories(dir_))
    return false;
  // Unique per writer, in the same directory so that rename is atomic.
  llvm::SmallString<256> tmp;
  int fd;
  if (llvm::sys::fs::createUniqueFile(path + ".tmp-%%%%%%%%", fd, tmp))
    return false;
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    for (llvm::StringRef part : parts)
      os << part;
    os.close();
    if (os.has_error()) {
      os.clear_error();
      (void)llvm::sys::fs::remove(tmp);
      return false;
    }
  }
  if (llvm::sys::fs::rename(tmp, path)) {
    (void)llvm::sys::fs::remove(tmp);
    return false;
  }
  return true;
}

void ObjectCache::store(llvm::StringRef key, llvm::StringRef object) const {
  char size[8];
  llvm::support::endian::write64le(size, object.size());
  auto sum = digest(object);
  if (writeAtomically(
          entryPath(key),
          {kMagic, llvm::StringRef(size, 8),
           llvm::StringRef(reinterpret_cast<const char *>(sum.data()), 32),
           object}))
    evict();
}

std::string ObjectCache::decodedPath(llvm::StringRef source) const {
  if (!source.ends_with(".gz"))
    return "";
  llvm::SmallString<256> real;
  llvm::sys::fs::file_status status;
  if (llvm::sys::fs::real_path(source, real) ||
      llvm::sys::fs::status(real, status))
    return "";
  std::string key =
      "decoded v1\n" + std::string(real) + "\n" +
      std::to_string(status.getSize()) + " " +
      std::to_string(
          status.getLastModificationTime().time_since_epoch().count());
  llvm::SmallString<256> path(dir_);
  llvm::sys::path::append(path, llvm::toHex(digest(key), /*LowerCase=*/true) +
                                    kDecodedSuffix.str());
  return std::string(path);
}

void ObjectCache::storeDecoded(const std::string &path,
                               llvm::ArrayRef<llvm::StringRef> parts) const {
  if (writeAtomically(path, parts))
    evict();
}

void ObjectCache::evict() const {
  struct Entry {
    std::string path;
    llvm::sys::TimePoint<> time;
    uint64_t size;
  };
  std::vector<Entry> entries;
  uint64_t total = 0;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir_, ec), end; it != end && !ec;
       it.increment(ec)) {
    if (!llvm::StringRef(it->path()).ends_with(".dlcobj") &&
        !llvm::StringRef(it->path()).ends_with(kDecodedSuffix))
      continue;
    llvm::sys::fs::file_status status;
    if (llvm::sys::fs::status(it->path(), status))
      continue;
    entries.push_back(
        {it->path(), status.getLastModificationTime(), status.getSize()});
    total += status.getSize();
  }
  if (total <= maxBytes)
    return;
  llvm::sort(entries,
             [](const Entry &a, const Entry &b) { return a.time < b.time; });
  for (const Entry &e : entries) {
    if (total <= maxBytes)
      break;
    // Another run may have removed it already.
    (void)llvm::sys::fs::remove(e.path);
    total -= e.size;
  }
}

} // namespace dlc
