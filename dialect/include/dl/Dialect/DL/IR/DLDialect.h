//===- DLDialect.h - the dl dialect -------------------------------*- C++
//-*-===//
#ifndef DL_DIALECT_DL_IR_DLDIALECT_H
#define DL_DIALECT_DL_IR_DLDIALECT_H

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Dialect.h"

#include "dl/Dialect/DL/IR/DLOpsDialect.h.inc"

#endif // DL_DIALECT_DL_IR_DLDIALECT_H
