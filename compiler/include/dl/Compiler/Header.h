//===- Header.h - the C header of a compiled model ----------------*- C++ -*-===//
#ifndef DL_COMPILER_HEADER_H
#define DL_COMPILER_HEADER_H

#include "dl/Frontend/ModelSpec.h"

#include <string>

namespace dlc {

/// Where the parameters live in the object's C API.
enum class WeightsMode {
  Buffer,       ///< The caller's buffer, the first argument of each function.
  BakedConst,   ///< Read-only constants in the object (--weights).
  BakedWritable ///< A writable global (--weights --writable-weights).
};

/// The C header declaring `<prefix>_*` for `spec` (see docs/abi.md).
std::string emitHeader(const ModelSpec &spec, const std::string &prefix,
                       const std::string &sourceName,
                       WeightsMode mode = WeightsMode::Buffer);

} // namespace dlc

#endif // DL_COMPILER_HEADER_H
