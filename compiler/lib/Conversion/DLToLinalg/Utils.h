//===- Utils.h - shared helpers of the dl -> linalg patterns ----*- C++ -*-===//
//
// Internal to DLToLinalg: builders of the structured ops every op family
// emits, and the pattern shared by the elementwise ops of several families.
//
//===----------------------------------------------------------------------===//
#ifndef DL_LIB_CONVERSION_DLTOLINALG_UTILS_H
#define DL_LIB_CONVERSION_DLTOLINALG_UTILS_H

#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Builders.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::dl::detail {
using utils::IteratorType;

/// tensor.empty with the shape of `like` (dynamic sizes read with tensor.dim).
Value emptyLike(OpBuilder &b, Location loc, Value like);

/// An empty tensor of the given static/dynamic sizes, dynamic ones taken from
/// dimension `dims[i]` of `like`.
Value emptyWithDims(OpBuilder &b, Location loc, Value like,
                    ArrayRef<int64_t> dims, Type elementType);

/// An f32 arith.constant.
Value f32Const(OpBuilder &b, Location loc, double v);

/// A parallel elementwise generic over `inputs` (all of the result's shape).
Value elementwise(OpBuilder &b, Location loc, ValueRange inputs,
                  function_ref<Value(OpBuilder &, Location, ValueRange)> body);

/// A linalg.generic over `inputs` and `inits` with explicit maps; `body`
/// gets the block arguments (inputs then outputs) and returns the yields.
SmallVector<Value> generic(
    OpBuilder &b, Location loc, ValueRange inputs, ValueRange inits,
    ArrayRef<AffineMap> maps, ArrayRef<IteratorType> iters,
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)> body);

/// An f32 tensor of `sizes` (static or dynamic) filled with `value`.
Value filled(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
             double value);

/// The element of a 0-d tensor.
Value scalarTensorValue(OpBuilder &b, Location loc, Value t);

/// [d0, ..., dn-1, C] viewed as rows [d0 * ... * dn-1, C] (itself for a
/// matrix): a collapse_shape, which costs nothing once bufferized (a tensor
/// is row-major and contiguous).
Value toRows(OpBuilder &b, Location loc, Value x);

/// (b, c) -> (b): a per-row operand of a [B, N] iteration space.
AffineMap rowMap(MLIRContext *ctx);

/// Reduces a [B, N] tensor over its last dimension into [B]; each of `extra`
/// is a per-row [B] operand, and `body` gets (x, extra..., accumulator).
Value reduceRows(OpBuilder &b, Location loc, Value x, ValueRange extra,
                 double initValue,
                 function_ref<Value(OpBuilder &, Location, ValueRange)> body);

/// dl.batch_norm_grad's results (dx, dgamma, dbeta) from the cotangent
/// `dy` and the forward's input `x` [..., C], statistics and gamma. With
/// `pooled` = (values, carried): dy is a max pooling's gradient routing
/// `values` [N, oh, ow, C] to each window's argmax, and `carried` is x at
/// each window's argmax; the sums then run over the windows.
SmallVector<Value> batchNormGrad(OpBuilder &b, Location loc, Value dy, Value x,
                                 Value gamma, Value mean, Value variance,
                                 double epsilon, ValueRange pooled = {});

/// An elementwise dl op (activation, activation gradient, add): one
/// parallel linalg.generic over its operands; the op's scalar rule is a
/// specialisation of `scalar` taking the operands' elements in order.
template <typename OpTy>
struct ElementwiseLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using Adaptor = typename OpConversionPattern<OpTy>::OpAdaptor;
  LogicalResult
  matchAndRewrite(OpTy op, Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(
        op, elementwise(rewriter, op.getLoc(), adaptor.getOperands(), &scalar));
    return success();
  }
  static Value scalar(OpBuilder &b, Location loc, ValueRange args);
};

} // namespace mlir::dl::detail

#endif // DL_LIB_CONVERSION_DLTOLINALG_UTILS_H
