//===- AtomicFile.cpp - temporary file, fsync, rename
//----------------------===//
//
// rename(2) within one directory is atomic on POSIX file systems, so the
// temporary file must live beside the target, not in /tmp. The directory is
// fsynced afterwards so the rename itself survives a power cut.
//
//===----------------------------------------------------------------------===//
#include "AtomicFile.h"
#include "Error.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <dirent.h>
#include <fcntl.h>
#include <string>
#include <unistd.h>

namespace {
std::atomic<unsigned> counter{0};

std::string directoryOf(const std::string &path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos)
    return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

/// Removes `<name>.tmp.<pid>.<n>` files beside `path` whose process is gone:
/// what a save killed between creating and renaming its temporary file left
/// behind. A live process's file (its save may be under way) is kept, and
/// so is anything not named exactly so.
void removeStaleTemporaries(const std::string &path) {
  std::string dir = directoryOf(path);
  size_t slash = path.rfind('/');
  std::string prefix =
      (slash == std::string::npos ? path : path.substr(slash + 1)) + ".tmp.";
  DIR *d = ::opendir(dir.c_str());
  if (!d)
    return;
  while (const dirent *e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name.compare(0, prefix.size(), prefix) != 0)
      continue;
    const char *p = name.c_str() + prefix.size();
    char *end = nullptr;
    errno = 0;
    long pid = std::strtol(p, &end, 10);
    if (end == p || *end != '.' || errno || pid <= 0 || pid == getpid())
      continue;
    const char *q = end + 1;
    std::strtoul(q, &end, 10);
    if (end == q || *end != '\0')
      continue;
    // ESRCH: no such process. EPERM means it exists (another user's).
    if (::kill(pid_t(pid), 0) == 0 || errno != ESRCH)
      continue;
    ::unlink((dir + "/" + name).c_str());
  }
  ::closedir(d);
}
} // namespace

int dlrt::writeAtomically(const char *path,
                          const std::function<int(std::FILE *)> &body,
                          dlrt_error *err) {
  if (!path || !*path)
    return fail(err, "expected a file name, found an empty path");
  // O_EXCL with 0666 (not mkstemp's 0600): the result gets the usual
  // umask-derived permissions, like any file the user saves.
  std::string tmp;
  int fd = -1;
  for (int attempt = 0; fd < 0 && attempt < 100; ++attempt) {
    tmp = fmt::format("{}.tmp.{}.{}", path, getpid(), counter++);
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST)
      break;
  }
  if (fd < 0)
    return fail(err, "'{}': cannot create the temporary file '{}': {}", path,
                tmp, std::strerror(errno));
  std::FILE *f = fdopen(fd, "wb");
  if (!f) {
    int e = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return fail(err, "'{}': cannot write: {}", path, std::strerror(e));
  }
  auto abandon = [&](int e, const char *what) {
    std::fclose(f);
    ::unlink(tmp.c_str());
    return e ? fail(err, "'{}': cannot {}: {}", path, what, std::strerror(e))
             : -1;
  };
  if (body(f))
    return abandon(0, nullptr);
  if (std::fflush(f) != 0 || std::ferror(f))
    return abandon(errno ? errno : EIO, "write");
  if (::fsync(fd) != 0)
    return abandon(errno, "sync to disk");
  if (std::fclose(f) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return fail(err, "'{}': cannot write: {}", path, std::strerror(e));
  }
  if (::rename(tmp.c_str(), path) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return fail(err, "'{}': cannot replace it with '{}': {}", path, tmp,
                std::strerror(e));
  }
  removeStaleTemporaries(path);
  int dir = ::open(directoryOf(path).c_str(), O_RDONLY | O_DIRECTORY);
  if (dir >= 0) { // best effort: some file systems refuse to fsync a dir
    ::fsync(dir);
    ::close(dir);
  }
  return 0;
}

int dlrt::writeBytes(const char *path, std::string_view bytes,
                     dlrt_error *err) {
  return writeAtomically(
      path,
      [&](std::FILE *f) {
        std::fwrite(bytes.data(), 1, bytes.size(), f);
        return 0;
      },
      err);
}
