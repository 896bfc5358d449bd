//===- Passes.h - passes inside the dl dialect --------------------*- C++
//-*-===//
#ifndef DL_DIALECT_DL_TRANSFORMS_PASSES_H
#define DL_DIALECT_DL_TRANSFORMS_PASSES_H

#include "dl/Dialect/DL/IR/DLDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::dl {
#define GEN_PASS_DECL
#include "dl/Dialect/DL/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "dl/Dialect/DL/Transforms/Passes.h.inc"
} // namespace mlir::dl

#endif // DL_DIALECT_DL_TRANSFORMS_PASSES_H
