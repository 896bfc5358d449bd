//===- DLDialect.cpp - the dl dialect -------------------------------------===//
#include "dl/Dialect/DL/IR/DLDialect.h"
#include "dl/Dialect/DL/IR/DLOps.h"

using namespace mlir;
using namespace mlir::dl;

#include "dl/Dialect/DL/IR/DLAttrInterfaces.cpp.inc"
#include "dl/Dialect/DL/IR/DLInterfaces.cpp.inc"
#include "dl/Dialect/DL/IR/DLOpsDialect.cpp.inc"

void DLDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dl/Dialect/DL/IR/DLOps.cpp.inc"
      >();
  registerAttributes();
}
