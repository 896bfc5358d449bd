//===- OutlinedViews.h - memref views across an outlined call ---*- C++ -*-===//
//
// The passes that outline code into shared private functions
// (dl-vectorize-contractions' kernels, dl-outline-linalg) pass each memref
// as its base buffer (a 0-d memref: a bare pointer in the C calling
// convention), its offset and its dynamic sizes and strides, and rebuild the
// view inside with memref.reinterpret_cast. One spelling of that protocol
// keeps the caller's and the callee's side in step.
//
//===----------------------------------------------------------------------===//
#ifndef DL_CODEGEN_OUTLINEDVIEWS_H
#define DL_CODEGEN_OUTLINEDVIEWS_H

#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace mlir::dl {

/// `t` with its offset made dynamic: views of one shape at different places
/// in their buffers (each layer's parameters) share one function.
MemRefType anyOffset(MemRefType t);

/// Appends the argument types that carry a view of type `t`.
void appendViewArgTypes(MemRefType t, SmallVectorImpl<Type> &types);

/// Appends the values that carry view `v` (of a strided memref type).
void appendViewArgs(OpBuilder &b, Location loc, Value v,
                    SmallVectorImpl<Value> &args);

/// Rebuilds a view of type `t` from `entry`'s arguments starting at `next`,
/// which it advances past them. A view with the identity layout is an
/// allocation of its own (offset 0), whatever offset the caller passed.
Value rebuildView(OpBuilder &b, Location loc, MemRefType t, Block *entry,
                  unsigned &next);

} // namespace mlir::dl

#endif // DL_CODEGEN_OUTLINEDVIEWS_H
