//===- DLAttrs.h - dl dialect attributes --------------------------*- C++
//-*-===//
#ifndef DL_DIALECT_DL_IR_DLATTRS_H
#define DL_DIALECT_DL_IR_DLATTRS_H

#include "dl/Dialect/DL/IR/DLInterfaces.h"

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"

#define GET_ATTRDEF_CLASSES
#include "dl/Dialect/DL/IR/DLAttrs.h.inc"

#endif // DL_DIALECT_DL_IR_DLATTRS_H
