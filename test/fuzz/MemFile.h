//===- MemFile.h - fuzz input as a file path for the readers --------------===//
//
// dlrt's readers take paths: the input goes into an anonymous in-memory
// file (memfd), read back through /proc/self/fd/N, so no run touches the
// disk or leaves files behind.
//
//===----------------------------------------------------------------------===//
#ifndef DLC_TEST_FUZZ_MEMFILE_H
#define DLC_TEST_FUZZ_MEMFILE_H

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

class MemFile {
public:
  MemFile(const uint8_t *data, size_t size) {
    fd = memfd_create("dlc-fuzz", 0);
    if (fd < 0) {
      perror("memfd_create");
      abort();
    }
    for (size_t done = 0; done < size;) {
      ssize_t n = write(fd, data + done, size - done);
      if (n <= 0) {
        perror("write");
        abort();
      }
      done += static_cast<size_t>(n);
    }
    path = "/proc/self/fd/" + std::to_string(fd);
  }
  ~MemFile() { close(fd); }
  MemFile(const MemFile &) = delete;
  MemFile &operator=(const MemFile &) = delete;
  const char *c_str() const { return path.c_str(); }

private:
  int fd;
  std::string path;
};

#endif // DLC_TEST_FUZZ_MEMFILE_H
