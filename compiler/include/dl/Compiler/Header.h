//===- Header.h - the C header of a compiled model ----------------*- C++ -*-===//
#ifndef DL_COMPILER_HEADER_H
#define DL_COMPILER_HEADER_H

#include "dl/Frontend/ModelSpec.h"

#include <string>

namespace dlc {

/// The C header declaring `<prefix>_*` for `spec` (see docs/abi.md).
std::string emitHeader(const ModelSpec &spec, const std::string &prefix,
                       const std::string &sourceName);

} // namespace dlc

#endif // DL_COMPILER_HEADER_H
