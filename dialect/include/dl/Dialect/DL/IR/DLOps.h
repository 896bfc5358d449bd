//===- DLOps.h - dl dialect operations ----------------------------*- C++
//-*-===//
#ifndef DL_DIALECT_DL_IR_DLOPS_H
#define DL_DIALECT_DL_IR_DLOPS_H

#include "dl/Dialect/DL/IR/DLDialect.h"
#include "dl/Dialect/DL/IR/DLInterfaces.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "dl/Dialect/DL/IR/DLOps.h.inc"

#endif // DL_DIALECT_DL_IR_DLOPS_H
