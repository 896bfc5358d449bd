//===- DLInterfaces.h - dl op and attribute interfaces ------------*- C++
//-*-===//
#ifndef DL_DIALECT_DL_IR_DLINTERFACES_H
#define DL_DIALECT_DL_IR_DLINTERFACES_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpDefinition.h"

#include "dl/Dialect/DL/IR/DLAttrInterfaces.h.inc"
#include "dl/Dialect/DL/IR/DLInterfaces.h.inc"

#endif // DL_DIALECT_DL_IR_DLINTERFACES_H
