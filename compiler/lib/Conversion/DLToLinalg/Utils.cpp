//===- Utils.cpp - shared helpers of the dl -> linalg patterns ------------===//
#include "Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Utils/Utils.h"

using namespace mlir;

namespace mlir::dl::detail {

Value emptyLike(OpBuilder &b, Location loc, Value like) {
  auto type = cast<RankedTensorType>(like.getType());
  return tensor::EmptyOp::create(b, loc, tensor::getMixedSizes(b, loc, like),
                                 type.getElementType());
}

Value emptyWithDims(OpBuilder &b, Location loc, Value like,
                    ArrayRef<int64_t> dims, Type elementType) {
  SmallVector<OpFoldResult> sizes;
  for (int64_t d : dims)
    sizes.push_back(tensor::getMixedSize(b, loc, like, d));
  return tensor::EmptyOp::create(b, loc, sizes, elementType);
}

Value f32Const(OpBuilder &b, Location loc, double v) {
  return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v));
}

Value elementwise(OpBuilder &b, Location loc, ValueRange inputs,
                  function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  Value init = emptyLike(b, loc, inputs.front());
  auto type = cast<RankedTensorType>(init.getType());
  AffineMap id = b.getMultiDimIdentityMap(type.getRank());
  SmallVector<AffineMap> maps(inputs.size() + 1, id);
  SmallVector<IteratorType> iters(type.getRank(), IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, inputs, ValueRange{init}, maps, iters,
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               Value r = body(nb, nl, args.drop_back());
               linalg::YieldOp::create(nb, nl, r);
             })
      .getResult(0);
}

SmallVector<Value> generic(
    OpBuilder &b, Location loc, ValueRange inputs, ValueRange inits,
    ArrayRef<AffineMap> maps, ArrayRef<IteratorType> iters,
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)> body) {
  SmallVector<Type> types;
  for (Value v : inits)
    types.push_back(v.getType());
  auto op = linalg::GenericOp::create(
      b, loc, types, inputs, inits, maps, iters,
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        linalg::YieldOp::create(nb, nl, body(nb, nl, args));
      });
  return SmallVector<Value>(op.getResults());
}

Value filled(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
             double value) {
  Value init = tensor::EmptyOp::create(b, loc, sizes, b.getF32Type());
  return linalg::FillOp::create(b, loc, ValueRange{f32Const(b, loc, value)},
                                ValueRange{init})
      .getResult(0);
}

Value scalarTensorValue(OpBuilder &b, Location loc, Value t) {
  return tensor::ExtractOp::create(b, loc, t, ValueRange{});
}

AffineMap rowMap(MLIRContext *ctx) {
  return AffineMap::get(2, 0, {getAffineDimExpr(0, ctx)}, ctx);
}

Value toRows(OpBuilder &b, Location loc, Value x) {
  int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
  if (rank == 2)
    return x;
  ReassociationIndices rows = llvm::to_vector(llvm::seq<int64_t>(0, rank - 1));
  return tensor::CollapseShapeOp::create(
      b, loc, x, SmallVector<ReassociationIndices>{rows, {rank - 1}});
}

Value reduceRows(OpBuilder &b, Location loc, Value x, ValueRange extra,
                 double initValue,
                 function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  auto type = cast<RankedTensorType>(x.getType());
  Value init = emptyWithDims(b, loc, x, {0}, type.getElementType());
  init = linalg::FillOp::create(b, loc, ValueRange{f32Const(b, loc, initValue)},
                                ValueRange{init})
             .getResult(0);
  MLIRContext *ctx = b.getContext();
  AffineMap full = AffineMap::getMultiDimIdentityMap(2, ctx);
  AffineMap row = AffineMap::get(2, 0, {getAffineDimExpr(0, ctx)}, ctx);
  SmallVector<Value> inputs{x};
  SmallVector<AffineMap> maps{full};
  for (Value e : extra) {
    inputs.push_back(e);
    maps.push_back(row);
  }
  maps.push_back(row);
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
             {IteratorType::parallel, IteratorType::reduction},
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               linalg::YieldOp::create(nb, nl, body(nb, nl, args));
             })
      .getResult(0);
}

} // namespace mlir::dl::detail
