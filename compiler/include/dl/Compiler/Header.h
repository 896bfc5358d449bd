//===- Header.h - the C header of a compiled model ----------------*- C++
//-*-===//
#ifndef DL_COMPILER_HEADER_H
#define DL_COMPILER_HEADER_H

#include "dl/Dialect/DL/IR/DLEntryPoints.h"
#include "dl/Frontend/ModelSpec.h"

#include <string>

namespace dlc {

/// Where the parameters live in the object's C API.
using WeightsMode = mlir::dl::ParamStorage;

/// The C header declaring `<prefix>_*` for `spec` (see docs/abi.md): its
/// entry points are those of the descriptor in DLEntryPoints.h.
std::string emitHeader(const ModelSpec &spec, const std::string &prefix,
                       const std::string &sourceName,
                       WeightsMode mode = WeightsMode::Buffer);

} // namespace dlc

#endif // DL_COMPILER_HEADER_H
