//===- Passes.h - conversions out of dl ---------------------------*- C++
//-*-===//
#ifndef DL_CONVERSION_PASSES_H
#define DL_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace mlir::dl {
#define GEN_PASS_DECL
#include "dl/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "dl/Conversion/Passes.h.inc"
} // namespace mlir::dl

#endif // DL_CONVERSION_PASSES_H
