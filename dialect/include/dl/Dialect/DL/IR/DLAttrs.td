//===- DLAttrs.td - dl dialect attributes ------------------*- tablegen -*-===//
#ifndef DL_DIALECT_DL_IR_DLATTRS_TD
#define DL_DIALECT_DL_IR_DLATTRS_TD

include "dl/Dialect/DL/IR/DLDialect.td"
include "dl/Dialect/DL/IR/DLInterfaces.td"
include "mlir/IR/AttrTypeBase.td"

//===----------------------------------------------------------------------===//
// Optimizers: the `dl.optimizer` attribute of a loss function
//===----------------------------------------------------------------------===//

// A hyper-parameter: an f32 FloatAttr, so the update ops take it as it is.
def DL_F32Param : AttrParameter<"::mlir::FloatAttr", "an f32 hyper-parameter">;

class DL_OptimizerAttr<string name, string attrMnemonic>
    : AttrDef<DL_Dialect, name,
              [DeclareAttrInterfaceMethods<DL_OptimizerAttrInterface>]> {
  let mnemonic = attrMnemonic;
  // `<key = value, ...>` in any order, every key exactly once: the IR has no
  // defaults (Keras's live in the frontend's optimizer kinds).
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
}

def DL_SGDAttr : DL_OptimizerAttr<"SGD", "sgd"> {
  let summary = "Stochastic gradient descent, with optional (Nesterov) momentum";
  let description = [{
    Updates with `dl.sgd_update`. With `momentum` > 0 each trainable parameter
    keeps one state slot, `velocity`; without it, none. Every parameter is
    written out; Keras's defaults are the frontend's
    (compiler/lib/Frontend/Optimizers).

    ```mlir
    dl.optimizer = #dl.sgd<learning_rate = 0.1, momentum = 0.9, nesterov = true>
    ```
  }];
  let parameters = (ins DL_F32Param:$learning_rate, DL_F32Param:$momentum,
                        "bool":$nesterov);
  let builders = [
    AttrBuilder<(ins "float":$learning_rate, "float":$momentum,
                     "bool":$nesterov), [{
      ::mlir::Type f32 = ::mlir::Float32Type::get($_ctxt);
      return $_get($_ctxt, ::mlir::FloatAttr::get(f32, learning_rate),
                   ::mlir::FloatAttr::get(f32, momentum), nesterov);
    }]>
  ];
}

def DL_AdamAttr : DL_OptimizerAttr<"Adam", "adam"> {
  let summary = "Adam, with bias correction";
  let description = [{
    Updates with `dl.adam_update`; each trainable parameter keeps the state
    slots `m` and `v`. Every parameter is written out; Keras's defaults
    are the frontend's (compiler/lib/Frontend/Optimizers).

    ```mlir
    dl.optimizer = #dl.adam<learning_rate = 2.0e-3, beta_1 = 0.9,
                            beta_2 = 0.999, epsilon = 1.0e-7>
    ```
  }];
  let parameters = (ins DL_F32Param:$learning_rate, DL_F32Param:$beta_1,
                        DL_F32Param:$beta_2, DL_F32Param:$epsilon);
  let builders = [
    AttrBuilder<(ins "float":$learning_rate, "float":$beta_1, "float":$beta_2,
                     "float":$epsilon), [{
      ::mlir::Type f32 = ::mlir::Float32Type::get($_ctxt);
      return $_get($_ctxt, ::mlir::FloatAttr::get(f32, learning_rate),
                   ::mlir::FloatAttr::get(f32, beta_1),
                   ::mlir::FloatAttr::get(f32, beta_2),
                   ::mlir::FloatAttr::get(f32, epsilon));
    }]>
  ];
}

def DL_RMSpropAttr : DL_OptimizerAttr<"RMSprop", "rmsprop"> {
  let summary = "RMSprop, with optional momentum";
  let description = [{
    Updates with `dl.rmsprop_update`; each trainable parameter keeps the
    state slot `square_avg` and, with `momentum` > 0, `momentum_buffer`.
    Every parameter is written out; Keras's defaults
    are the frontend's (compiler/lib/Frontend/Optimizers).

    ```mlir
    dl.optimizer = #dl.rmsprop<learning_rate = 1.0e-3, rho = 0.9,
                               momentum = 0.5, epsilon = 1.0e-7>
    ```
  }];
  let parameters = (ins DL_F32Param:$learning_rate, DL_F32Param:$rho,
                        DL_F32Param:$momentum, DL_F32Param:$epsilon);
  let builders = [
    AttrBuilder<(ins "float":$learning_rate, "float":$rho, "float":$momentum,
                     "float":$epsilon), [{
      ::mlir::Type f32 = ::mlir::Float32Type::get($_ctxt);
      return $_get($_ctxt, ::mlir::FloatAttr::get(f32, learning_rate),
                   ::mlir::FloatAttr::get(f32, rho),
                   ::mlir::FloatAttr::get(f32, momentum),
                   ::mlir::FloatAttr::get(f32, epsilon));
    }]>
  ];
}

#endif // DL_DIALECT_DL_IR_DLATTRS_TD
