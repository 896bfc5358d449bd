//===- DLInterfaces.h - dl op and attribute interfaces ------------*- C++
//-*-===//
#ifndef DL_DIALECT_DL_IR_DLINTERFACES_H
#define DL_DIALECT_DL_IR_DLINTERFACES_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpDefinition.h"

#include "dl/Dialect/DL/IR/DLAttrInterfaces.h.inc"
#include "dl/Dialect/DL/IR/DLInterfaces.h.inc"

namespace mlir::dl {
/// Replaces every TrainingModeOpInterface op nested in `root` by its
/// inference form (and erases it); fails, diagnosed, if one cannot build it.
LogicalResult applyInferenceForms(Operation *root);
} // namespace mlir::dl

#endif // DL_DIALECT_DL_IR_DLINTERFACES_H
