//===- DLDerivatives.h - the reverse sweep over dl ops ----------*- C++ -*-===//
//
// The part of reverse-mode differentiation that ops with regions need too:
// dl-autodiff differentiates a function with it, and dl.scan's VJP
// differentiates its own body with it (backpropagation through time is the
// derivative of one step, run backwards over the steps).
//
//===----------------------------------------------------------------------===//
#ifndef DL_DIALECT_DL_IR_DLDERIVATIVES_H
#define DL_DIALECT_DL_IR_DLDERIVATIVES_H

#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

namespace mlir::dl {

/// Activity analysis: adds to `active` the results of every op of `ops`
/// (in program order) that uses an active value.
void propagateActivity(ArrayRef<Operation *> ops, DenseSet<Value> &active);

/// The reverse sweep: at the builder's insertion point, walks `ops` (in
/// program order) backwards and asks each, through DifferentiableOpInterface,
/// for the cotangents of its active float operands. `grads` holds the seeds
/// and receives every cotangent reached; cotangents that meet at a value are
/// summed.
LogicalResult buildReverseSweep(OpBuilder &b, ArrayRef<Operation *> ops,
                                const DenseSet<Value> &active,
                                DenseMap<Value, Value> &grads);

/// Given a block and the cotangents of its terminator's operands, builds the
/// cotangents of its arguments: at the builder's insertion point, a copy of
/// the block's ops applied to `args` (one per block argument), then their
/// reverse sweep seeded with `terminatorGrads` (one per terminator operand;
/// null is a zero cotangent). Fills `argGrads` with one Value per argument,
/// null where not `wanted` or where the cotangent is zero.
LogicalResult buildBlockVJP(OpBuilder &b, Block &block, ValueRange args,
                            ValueRange terminatorGrads, ArrayRef<bool> wanted,
                            SmallVectorImpl<Value> &argGrads);

} // namespace mlir::dl

#endif // DL_DIALECT_DL_IR_DLDERIVATIVES_H
