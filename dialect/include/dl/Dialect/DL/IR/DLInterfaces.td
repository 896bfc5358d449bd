//===- DLInterfaces.td - dl op interfaces ------------------*- tablegen -*-===//
#ifndef DL_DIALECT_DL_IR_DLINTERFACES_TD
#define DL_DIALECT_DL_IR_DLINTERFACES_TD

include "mlir/IR/OpBase.td"

def DL_DifferentiableOpInterface : OpInterface<"DifferentiableOpInterface"> {
  let cppNamespace = "::mlir::dl";
  let description = [{
    An op that knows its vector-Jacobian product. dl-autodiff walks a function
    backwards and asks each op, through this interface, for the cotangents of
    its operands given the cotangents of its results; it never switches over
    op kinds, so a new layer brings its own rule.
  }];
  let methods = [
    InterfaceMethod<[{
        Builds, at the builder's insertion point, the cotangents of the
        operands whose `needed` flag is set, from `resultGrads` (one per
        result; a null Value is a zero cotangent). Fills `operandGrads` with
        one Value per operand (null where not needed or not differentiable).
      }],
      "::llvm::LogicalResult", "buildVJP",
      (ins "::mlir::OpBuilder &":$builder, "::mlir::ValueRange":$resultGrads,
           "::llvm::ArrayRef<bool>":$needed,
           "::llvm::SmallVectorImpl<::mlir::Value> &":$operandGrads)>
  ];
}

#endif // DL_DIALECT_DL_IR_DLINTERFACES_TD
