//===- AtomicFile.h - replace a file all at once ----------------*- C++ -*-===//
#ifndef DLRT_ATOMICFILE_H
#define DLRT_ATOMICFILE_H

#include "dlrt/dlrt.h"

#include <cstdio>
#include <functional>
#include <string_view>

namespace dlrt {

/// Writes `path` through `body` into a temporary file beside it, then
/// fflush + fsync + rename: readers see the old file or the whole new one,
/// never half of it. If `body` fails (returns non-zero, having filled
/// `err`) or any write fails, the temporary file is removed and `path` is
/// untouched. After a successful write, temporary files of `path` left by
/// processes that no longer exist (a save killed midway) are removed.
int writeAtomically(const char *path,
                    const std::function<int(std::FILE *)> &body,
                    dlrt_error *err);

/// writeAtomically of a file whose whole content is `bytes`.
int writeBytes(const char *path, std::string_view bytes, dlrt_error *err);

} // namespace dlrt

#endif // DLRT_ATOMICFILE_H
