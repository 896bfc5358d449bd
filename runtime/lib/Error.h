//===- Error.h - runtime error reporting helpers -----------------*- C++
//-*-===//
#ifndef DLRT_ERROR_H
#define DLRT_ERROR_H

#include "dlrt/dlrt.h"

#include <fmt/format.h>

#include <cstring>

namespace dlrt {

/// Fills `err` (if any) with the formatted message; returns -1.
template <typename... Args>
int fail(dlrt_error *err, fmt::format_string<Args...> f, Args &&...args) {
  if (err) {
    std::string m = fmt::format(f, std::forward<Args>(args)...);
    std::strncpy(err->message, m.c_str(), sizeof(err->message) - 1);
    err->message[sizeof(err->message) - 1] = '\0';
  }
  return -1;
}

} // namespace dlrt

#endif // DLRT_ERROR_H
