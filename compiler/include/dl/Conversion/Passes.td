//===- Passes.td - conversions out of dl -------------------*- tablegen -*-===//
#ifndef DL_CONVERSION_PASSES_TD
#define DL_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertDLToLinalg : Pass<"convert-dl-to-linalg"> {
  let summary = "Lower dl ops to linalg on tensors";
  let description = [{
    dense becomes a bias broadcast followed by linalg.matmul accumulating into
    it; activations become elementwise linalg.generic ops; softmax becomes
    max / exp / sum / divide over the last dimension; flatten becomes
    tensor.collapse_shape; random initialisers become a linalg.generic over
    the element index.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def DLExportABI : Pass<"dl-export-abi", "::mlir::ModuleOp"> {
  let summary = "Create the C entry points of a model (predict, init_params)";
  let description = [{
    Reads the model's `forward` function and the `dl.param` attributes of its
    arguments and creates `<prefix>_predict(params, x, y, batch)` and
    `<prefix>_init_params(params, seed)` over flat float buffers. The entry
    points view the flat buffers as tensors with memref.reinterpret_cast and
    write results in place with bufferization.materialize_in_destination, so
    bufferization needs no copy at the boundary. Private model functions are
    inlined into them and removed.

    Which entry points exist and their signatures come from the descriptor
    in dl/Dialect/DL/IR/DLEntryPoints.h (predict, init_params, gradients,
    the training step, eval_step, ...); each carries a `dl.entry` attribute
    naming its kind, by which later passes (dl-workspace) find it.

    Each entry point that takes a batch checks it first (docs/abi.md, "What
    the entry points check"): a batch or a variable length below 1, or an
    int32 label outside [0, classes) (all of them scanned before anything
    is written), skips the body; the entry point then only writes NaN into
    its metrics and returns NaN where it returns a float.

    With a `dl.weights` module attribute (a dense f32 vector: `dlc --weights`)
    the parameters become a global (constant unless `dl.weights_writable`)
    and the entry points lose their params argument; without writable
    weights, only predict, eval_step and input_gradient are exported.

    Ops with a training form (`TrainingModeOpInterface`: dl.dropout) keep it
    in gradients and the training step and are replaced by their inference
    form in predict and eval_step. The training key (`dl.key` argument) is
    derived from the optimizer state's seed and step in the training step
    (dl-optimizer), and is the fixed key 0 in gradients; the seed slot lives
    at floats [1, 5) of opt_state, inside the step counter's 64-byte slot.

    Where a sample's output is a vector (`tensor<?xCxf32>`),
    `<prefix>_input_gradient(params, x, batch, class_idx, dx)` writes the
    gradient of each sample's score for its class with respect to its input
    (saliency): @forward in its inference form, differentiated by the
    reverse sweep of dl-autodiff from the input instead of the parameters,
    seeded with the one-hot row of the class at the output before a final
    dl.softmax or dl.sigmoid (the logits), or at the output itself.

    `entries` keeps only the listed entry points (and any another one calls):
    a JIT that calls three of them need not compile the rest.
  }];
  let options = [
    Option<"prefix", "prefix", "std::string", /*default=*/"\"model\"",
           "Prefix of every exported symbol">,
    Option<"evalTrainingForm", "eval-training-form", "bool",
           /*default=*/"false",
           "eval_step keeps the training form, with gradients' fixed key "
           "(for dlc gradcheck: the finite differences see the same dropout "
           "masks as the analytic gradient)">,
    ListOption<"entries", "entries", "std::string",
               "Keep only these entry points (their suffixes: predict, "
               "train_step_metrics, eval_step, ...) and those they call; "
               "default: all (dlc train's JIT compiles only what it calls)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::func::FuncDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::LLVM::LLVMDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::tensor::TensorDialect"
  ];
}

#endif // DL_CONVERSION_PASSES_TD
