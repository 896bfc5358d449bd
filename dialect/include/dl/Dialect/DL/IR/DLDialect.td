//===- DLDialect.td - the dl dialect -----------------------*- tablegen -*-===//
#ifndef DL_DIALECT_DL_IR_DLDIALECT_TD
#define DL_DIALECT_DL_IR_DLDIALECT_TD

include "mlir/IR/OpBase.td"

def DL_Dialect : Dialect {
  let name = "dl";
  let cppNamespace = "::mlir::dl";
  let summary = "Neural-network layers at the level a model author writes them";
  let description = [{
    The `dl` dialect holds a model as its author thinks of it: dense layers,
    activations, softmax, flatten, losses, on ranked tensors whose leading
    dimension is the (dynamic) batch. Autodiff works at this level, where each
    op's vector-Jacobian product is a few ops of the same dialect; lowering to
    `linalg` happens only after the backward pass exists.
  }];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
  // The optimizer attributes (DLAttrs.td).
  let useDefaultAttributePrinterParser = 1;
  // The model contract: the discardable dl.* attributes of DLContract.h.
  let hasOperationAttrVerify = 1;
  let hasRegionArgAttrVerify = 1;
  let hasRegionResultAttrVerify = 1;
  let extraClassDeclaration = [{
    /// Registers DLAttrs.td's attributes (in DLAttrs.cpp, next to them).
    void registerAttributes();
  }];
}

class DL_Op<string mnemonic, list<Trait> traits = []>
    : Op<DL_Dialect, mnemonic, traits>;

#endif // DL_DIALECT_DL_IR_DLDIALECT_TD
