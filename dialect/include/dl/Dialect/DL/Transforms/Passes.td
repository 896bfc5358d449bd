//===- Passes.td - passes inside the dl dialect ------------*- tablegen -*-===//
#ifndef DL_DIALECT_DL_TRANSFORMS_PASSES_TD
#define DL_DIALECT_DL_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def DLShapeInference : Pass<"dl-shape-inference"> {
  let summary = "Refine dynamic result shapes of dl ops from their operands";
  let description = [{
    Walks the IR in order and, for every op that implements
    `InferTypeOpInterface`, replaces a result type that is less precise than
    the inferred one (a `?` where the operands determine the size). Users of a
    refined value that are not dl ops see a `tensor.cast` back to the old type.
  }];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
}

def DLAutodiff : Pass<"dl-autodiff", "::mlir::ModuleOp"> {
  let summary = "Derive gradient functions by reverse-mode differentiation";
  let description = [{
    For every function carrying `dl.gradient = "NAME"` (a function returning
    a scalar loss first), creates `@NAME` with the same arguments that returns
    the function's own results (the loss, then e.g. metrics) followed by the
    gradient of every trainable parameter (arguments with `dl.param` and
    without `dl.frozen`), in argument order, each marked `dl.grad_of`.

    The function's ops are replayed forwards, then visited backwards; each
    op's cotangents come from its `DifferentiableOpInterface`. Only values that
    depend on a trainable parameter get cotangents, so no gradient is built for
    input data, targets or frozen layers. Cotangents of a value used more than
    once are summed with `dl.add`.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect"];
}

def DLOptimizer : Pass<"dl-optimizer", "::mlir::ModuleOp"> {
  let summary = "Build the fused training step from a gradient function";
  let description = [{
    For every function carrying `dl.train_step = "NAME"` and a
    `dl.optimizer` attribute (an `OptimizerAttrInterface`: `#dl.sgd<...>`,
    `#dl.adam<...>`, `#dl.rmsprop<...>`), creates `@NAME(inputs..., step,
    params..., state...) -> (loss, metrics..., step + 1, new params..., new
    state...)`: the gradient function's body followed by one fused update op
    per trainable parameter, which the optimizer attribute builds along with
    the names of its state slots. State arguments and results carry
    `dl.state = "step"` or `"<slot>:<param>"`, new parameters `dl.param`, so
    a caller maps each result back onto the buffer it came from; frozen
    parameters have no state and no new value.

    The same step also comes split where data-parallel training averages
    the gradients: `@NAME_gradients(inputs..., step, [seed], params...) ->
    (loss, metrics..., gradients...)` (the same training key, unclipped
    gradients with `dl.grad_of`) and `@NAME_apply(step, params..., state...,
    gradients...) -> (step + 1, new params..., new state...)`, whose
    clipping, decay and update are built by the same code as NAME's.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect"];
}

def DLBatchNormCancel : Pass<"dl-batch-norm-cancel", "::mlir::func::FuncOp"> {
  let summary = "Drop what batch normalisation's training form cancels";
  let description = [{
    Batch normalisation's training form subtracts the batch mean, so a bias
    added just before it cancels: `BN(x + b) = BN(x)`, the batch mean moved
    by `b`. In a function that differentiates through the normalisation
    (the input's only other users are `dl.batch_norm_grad` ops reading the
    same statistics), a `dl.dense` or `dl.conv2d` whose result only the
    normalisation reads loses its bias, and the batch mean's other users
    (the moving mean's update) read `mean + b`: one pass over the
    activation fewer in the forward pass.

    For the same reason the input cotangent of `dl.batch_norm_grad` sums to
    zero over the normalised dimensions (`sum(xhat) = 0`), so a
    `dl.channel_sum` of it (or a `dl.batch_sum` of a matrix one), the
    bias's gradient, is a constant zero: one pass fewer in the backward
    pass. PyTorch and Keras compute that sum and get rounding noise.

    Functions without the gradient (`@loss`, which the evaluation step
    turns into the inference form, where the bias counts) are left alone.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

#endif // DL_DIALECT_DL_TRANSFORMS_PASSES_TD
