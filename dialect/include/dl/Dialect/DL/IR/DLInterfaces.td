//===- DLInterfaces.td - dl op and attribute interfaces ----*- tablegen -*-===//
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

def DL_TrainingModeOpInterface : OpInterface<"TrainingModeOpInterface"> {
  let cppNamespace = "::mlir::dl";
  let description = [{
    An op that computes differently when training and at inference (dropout;
    batch normalisation's batch statistics against its moving ones). The op
    as written is the training form: the model functions contain it, and
    `@gradients` and `@train_step` keep it. The entry points that infer
    (`predict`, `eval_step`) replace it by its inference form, through this
    interface (`applyInferenceForms`), so dl-export-abi names no such op.
  }];
  let methods = [
    InterfaceMethod<[{
        Builds, at the builder's insertion point, the values that replace the
        op's results at inference (for dropout: its input). Fills `results`
        with one Value per result.
      }],
      "::llvm::LogicalResult", "buildInferenceForm",
      (ins "::mlir::OpBuilder &":$builder,
           "::llvm::SmallVectorImpl<::mlir::Value> &":$results)>
  ];
}

def DL_OptimizerAttrInterface : AttrInterface<"OptimizerAttrInterface"> {
  let cppNamespace = "::mlir::dl";
  let description = [{
    An optimizer (the `dl.optimizer` attribute of a loss function): its
    hyper-parameters, the state it keeps per trainable parameter and its
    update rule. dl-optimizer builds the training step through this
    interface only, so it neither names optimizers nor knows their defaults.
  }];
  let methods = [
    InterfaceMethod<[{
        The names of the state slots each trainable parameter gets, in the
        order `buildUpdate` takes and returns them (`dl.state` is
        "<slot>:<param>"). Empty for a stateless optimizer.
      }],
      "::llvm::SmallVector<::llvm::StringRef>", "getStateSlots">,
    InterfaceMethod<[{
        The learning rate, which decoupled weight decay (`dl.weight_decay`)
        scales by.
      }],
      "float", "getLearningRateValue", (ins), [{}], [{
        return $_attr.getLearningRate().getValue().convertToFloat();
      }]>,
    InterfaceMethod<[{
        Builds, at the builder's insertion point, the update of one
        parameter from its gradient, its state values (one per slot) and
        `step`, the step number after this update (a 0-d f32 tensor), and
        `lr`, this step's learning rate as a 0-d f32 tensor when it is
        computed at run time (a schedule, reduce_lr_on_plateau), or null for
        the attribute's constant rate. Returns the new parameter and appends
        the new state values, one per slot, to `newState`.
      }],
      "::mlir::Value", "buildUpdate",
      (ins "::mlir::OpBuilder &":$builder, "::mlir::Location":$loc,
           "::mlir::Value":$param, "::mlir::Value":$grad,
           "::mlir::ValueRange":$state, "::mlir::Value":$step,
           "::mlir::Value":$lr,
           "::llvm::SmallVectorImpl<::mlir::Value> &":$newState)>
  ];
}

#endif // DL_DIALECT_DL_IR_DLINTERFACES_TD
