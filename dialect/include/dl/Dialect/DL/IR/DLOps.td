//===- DLOps.td - dl dialect operations --------------------*- tablegen -*-===//
#ifndef DL_DIALECT_DL_IR_DLOPS_TD
#define DL_DIALECT_DL_IR_DLOPS_TD

include "dl/Dialect/DL/IR/DLDialect.td"
include "dl/Dialect/DL/IR/DLInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

// Float tensors; the batch dimension is usually dynamic.
def DL_FloatTensor : RankedTensorOf<[F32]>;
def DL_Matrix : 2DTensorOf<[F32]>;
def DL_Vector : 1DTensorOf<[F32]>;
def DL_Scalar : 0DTensorOf<[F32]>;
def DL_Labels : 1DTensorOf<[I32]>;
// Sparse class indices, or dense targets shaped like the prediction.
def DL_Targets : AnyTypeOf<[DL_Labels, DL_FloatTensor]>;

def DL_Differentiable : DeclareOpInterfaceMethods<DL_DifferentiableOpInterface>;

// Every dl op infers its result type from its operands; dl-shape-inference
// uses the same hook to refine results written with dynamic dimensions.
class DL_InferOp<string mnemonic, list<Trait> traits = []>
    : DL_Op<mnemonic, traits # [Pure,
        DeclareOpInterfaceMethods<InferTypeOpInterface>]> {
  // A written `?` is compatible with an inferred static size.
  let extraClassDeclaration = [{
    static bool isCompatibleReturnTypes(::mlir::TypeRange l,
                                        ::mlir::TypeRange r);
  }];
}

//===----------------------------------------------------------------------===//
// Layers
//===----------------------------------------------------------------------===//

def DL_DenseOp : DL_InferOp<"dense", [DL_Differentiable]> {
  let summary = "Fully connected layer: input x kernel + bias";
  let description = [{
    Computes `result[b, n] = sum_k input[b, k] * kernel[k, n] + bias[n]`. The
    kernel is stored `[in, units]` like Keras's `Dense`. The bias is optional
    (`use_bias = false`). The activation is a separate op.

    ```mlir
    %y = dl.dense %x, %w, %b : (tensor<?x784xf32>, tensor<784x128xf32>,
                                tensor<128xf32>) -> tensor<?x128xf32>
    ```
  }];
  let arguments = (ins DL_Matrix:$input, DL_Matrix:$kernel,
                       Optional<DL_Vector>:$bias);
  let results = (outs DL_Matrix:$result);
  let assemblyFormat = [{
    $input `,` $kernel (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def DL_FlattenOp : DL_InferOp<"flatten", [DL_Differentiable]> {
  let summary = "Collapses every per-sample dimension into one";
  let description = [{
    Keeps the leading (batch) dimension and collapses the rest, row-major, like
    Keras's `Flatten`.

    ```mlir
    %f = dl.flatten %x : tensor<?x28x28xf32> -> tensor<?x784xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$input);
  let results = (outs DL_Matrix:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

// Windows over the height and width of channels-last [N, H, W, C] tensors.
// `padding` is [top, bottom, left, right], explicit so the op needs nothing
// from the frontend (Keras's "same" splits it as TensorFlow does: the extra
// row or column goes at the end).
class DL_Pool2DOp<string mnemonic, string formula>
    : DL_Op<mnemonic, [Pure, DL_Differentiable]> {
  let summary = "2-D " # formula # " pooling over [N, H, W, C]";
  let arguments = (ins DL_FloatTensor:$input, DenseI64ArrayAttr:$pool,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$padding);
  let results = (outs DL_FloatTensor:$result);
  let assemblyFormat = [{
    $input `pool` $pool `strides` $strides `padding` $padding attr-dict `:`
    type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def DL_MaxPool2DOp : DL_Pool2DOp<"max_pool2d", "max"> {
  let description = [{
    `result[n, i, j, c]` is the largest of `input[n, i * sh + a - top,
    j * sw + b - left, c]` over the window `0 <= a < ph, 0 <= b < pw`;
    padded positions never win. The result is `[N, (H + top + bottom - ph) /
    sh + 1, (W + left + right - pw) / sw + 1, C]`. Every window must hold at
    least one element of the input (each padding smaller than the pool).
    Global max pooling is this op with the pool the whole input, reshaped.

    ```mlir
    %y = dl.max_pool2d %x pool [2, 2] strides [2, 2] padding [0, 1, 0, 1]
           : tensor<?x7x5x3xf32> -> tensor<?x4x3x3xf32>
    ```
  }];
}

def DL_AvgPool2DOp : DL_Pool2DOp<"avg_pool2d", "average"> {
  let description = [{
    The mean of each window (see `dl.max_pool2d`), over the elements of the
    input only: padded positions count neither in the sum nor in the divisor,
    as in Keras/TensorFlow (PyTorch's `count_include_pad=False`).

    ```mlir
    %y = dl.avg_pool2d %x pool [2, 2] strides [2, 2] padding [0, 0, 0, 0]
           : tensor<?x4x4x3xf32> -> tensor<?x2x2x3xf32>
    ```
  }];
}


// A 2-D convolution over channels-last [N, H, W, C] with a Keras-layout
// kernel [KH, KW, C, F]. `padding` is explicit [top, bottom, left, right], as
// for the pooling ops (the frontend turns Keras's "same" into numbers).
def DL_Conv2DOp : DL_InferOp<"conv2d", [DL_Differentiable]> {
  let summary = "2-D convolution over [N, H, W, C] with a kernel [KH, KW, C, F]";
  let description = [{
    `result[n, i, j, f] = bias[f] + sum_{a, b, c} input[n, i * sh + a * dh -
    top, j * sw + b * dw - left, c] * kernel[a, b, c, f]`, padded positions
    reading zero (a cross-correlation, as Keras's and PyTorch's `conv2d`).
    With the dilated kernel extent `ek = (k - 1) * d + 1`, the result is
    `[N, (H + top + bottom - ekh) / sh + 1, (W + left + right - ekw) / sw + 1,
    F]`. The bias is optional (`use_bias = false`); the activation is a
    separate op.

    ```mlir
    %y = dl.conv2d %x, %k, %b strides [1, 1] dilations [1, 1]
           padding [0, 0, 0, 0] : (tensor<?x28x28x1xf32>, tensor<3x3x1x32xf32>,
           tensor<32xf32>) -> tensor<?x26x26x32xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$input, DL_FloatTensor:$kernel,
                       Optional<DL_Vector>:$bias, DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$padding);
  let results = (outs DL_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $kernel (`,` $bias^)? `strides` $strides `dilations` $dilations
    `padding` $padding attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

class DL_UnaryOp<string mnemonic, string formula, list<Trait> traits = []>
    : DL_InferOp<mnemonic, traits # [SameOperandsAndResultType,
                                     DL_Differentiable]> {
  let summary = "Elementwise " # mnemonic # ": " # formula;
  let description = [{
    Applies `}] # formula # [{` to every element.

    ```mlir
    %y = dl.}] # mnemonic # [{ %x : tensor<?x128xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$input);
  let results = (outs DL_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def DL_ReluOp : DL_UnaryOp<"relu", "max(x, 0)">;
def DL_SigmoidOp : DL_UnaryOp<"sigmoid", "1 / (1 + exp(-x))">;
def DL_TanhOp : DL_UnaryOp<"tanh", "tanh(x)">;
def DL_Relu6Op : DL_UnaryOp<"relu6", "min(max(x, 0), 6)">;
def DL_SoftplusOp : DL_UnaryOp<"softplus", "log(1 + exp(x))">;
def DL_SoftsignOp : DL_UnaryOp<"softsign", "x / (1 + |x|)">;
def DL_HardSigmoidOp : DL_UnaryOp<"hard_sigmoid", "relu6(x + 3) / 6">;
def DL_SiluOp : DL_UnaryOp<"silu", "x / (1 + exp(-x))">;
def DL_GeluOp : DL_UnaryOp<"gelu", "x / 2 * (1 + erf(x / sqrt(2)))">;
def DL_ExponentialOp : DL_UnaryOp<"exponential", "exp(x)">;

// Activations with one float parameter, printed in the attribute dictionary.
class DL_AlphaUnaryOp<string mnemonic, string formula>
    : DL_UnaryOp<mnemonic, formula> {
  let description = [{
    Applies `}] # formula # [{` to every element.

    ```mlir
    %y = dl.}] # mnemonic # [{ %x {alpha = 2.000000e-01 : f32} : tensor<?x128xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$input, F32Attr:$alpha);
}

def DL_LeakyReluOp : DL_AlphaUnaryOp<"leaky_relu", "x > 0 ? x : alpha * x">;
def DL_EluOp : DL_AlphaUnaryOp<"elu", "x > 0 ? x : alpha * (exp(x) - 1)">;

def DL_SoftmaxOp : DL_InferOp<"softmax", [SameOperandsAndResultType,
                                           DL_Differentiable]> {
  let summary = "Softmax over the last dimension";
  let description = [{
    `result[b, i] = exp(x[b, i] - m[b]) / sum_j exp(x[b, j] - m[b])` with
    `m[b] = max_j x[b, j]`, so large logits neither overflow nor give NaN.

    ```mlir
    %p = dl.softmax %logits : tensor<?x10xf32>
    ```
  }];
  let arguments = (ins DL_Matrix:$input);
  let results = (outs DL_Matrix:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def DL_LogSoftmaxOp : DL_InferOp<"log_softmax", [SameOperandsAndResultType,
                                                 DL_Differentiable]> {
  let summary = "Logarithm of the softmax over the last dimension";
  let description = [{
    `result[b, i] = x[b, i] - m[b] - log(sum_j exp(x[b, j] - m[b]))` with
    `m[b] = max_j x[b, j]`: finite for any finite logits, where
    `log(softmax(x))` gives -inf once a probability underflows.

    ```mlir
    %lp = dl.log_softmax %logits : tensor<?x10xf32>
    ```
  }];
  let arguments = (ins DL_Matrix:$input);
  let results = (outs DL_Matrix:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

//===----------------------------------------------------------------------===//
// Building blocks of backward passes
//===----------------------------------------------------------------------===//

def DL_MatmulOp : DL_Op<"matmul", [Pure]> {
  let summary = "Matrix product with optionally transposed operands";
  let description = [{
    `result = op(lhs) x op(rhs)` where `op` transposes when the matching flag
    is set. The dense layer's backward pass is two of these:
    `dx = dy x kernel^T` and `dkernel = x^T x dy`.

    ```mlir
    %dw = dl.matmul %x, %dy {transpose_lhs} : (tensor<?x784xf32>,
          tensor<?x128xf32>) -> tensor<784x128xf32>
    ```
  }];
  let arguments = (ins DL_Matrix:$lhs, DL_Matrix:$rhs, UnitAttr:$transpose_lhs,
                       UnitAttr:$transpose_rhs);
  let results = (outs DL_Matrix:$result);
  let assemblyFormat =
      "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def DL_BatchSumOp : DL_Op<"batch_sum", [Pure]> {
  let summary = "Sum over the batch (leading) dimension";
  let description = [{
    `result[i...] = sum_b input[b, i...]`: the gradient of a per-sample value
    broadcast over the batch, such as a bias.

    ```mlir
    %db = dl.batch_sum %dy : tensor<?x128xf32> -> tensor<128xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$input);
  let results = (outs DL_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def DL_AddOp : DL_Op<"add", [Pure, SameOperandsAndResultType, DL_Differentiable]> {
  let summary = "Elementwise sum";
  let description = [{
    Adds two tensors of one type; autodiff uses it to accumulate the
    cotangents of a value used more than once.

    ```mlir
    %s = dl.add %a, %b : tensor<?x128xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$lhs, DL_FloatTensor:$rhs);
  let results = (outs DL_FloatTensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($result)";
}

// The merge layers' elementwise rules (Keras's Subtract, Multiply,
// Maximum, Minimum; Add is dl.add, Average is dl.add then dl.scale).
class DL_BinaryOp<string mnemonic, string formula>
    : DL_Op<mnemonic, [Pure, SameOperandsAndResultType, DL_Differentiable]> {
  let summary = "Elementwise " # formula;
  let description = [{
    Computes `}] # formula # [{` for every element of two tensors of one type.

    ```mlir
    %r = dl.}] # mnemonic # [{ %a, %b : tensor<?x64xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$lhs, DL_FloatTensor:$rhs);
  let results = (outs DL_FloatTensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($result)";
}

def DL_SubOp : DL_BinaryOp<"sub", "lhs - rhs">;
def DL_MulOp : DL_BinaryOp<"mul", "lhs * rhs">;
// NaN in either operand gives NaN, as torch.maximum/minimum.
def DL_MaxOp : DL_BinaryOp<"max", "max(lhs, rhs)">;
def DL_MinOp : DL_BinaryOp<"min", "min(lhs, rhs)">;

def DL_ScaleOp : DL_Op<"scale", [Pure, SameOperandsAndResultType,
                                 DL_Differentiable]> {
  let summary = "Multiplies every element by a constant";
  let description = [{
    `result = factor * input`: Keras's Average divides a sum by the count;
    autodiff negates a cotangent with factor -1.

    ```mlir
    %m = dl.scale %s {factor = 0.5 : f32} : tensor<?x64xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$input, F32Attr:$factor);
  let results = (outs DL_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
}

class DL_ExtremumGradOp<string mnemonic, string of>
    : DL_Op<mnemonic, [Pure, SameOperandsAndResultType]> {
  let summary = "Backward pass of " # of # " for one operand";
  let description = [{
    The cotangent of `self` in `}] # of # [{(self, other)`: `grad` where
    `self` is the result alone, half of it on a tie (both operands get half,
    as in PyTorch), 0 where `other` is.

    ```mlir
    %da = dl.}] # mnemonic # [{ %g, %a, %b : tensor<?x64xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$grad, DL_FloatTensor:$self,
                       DL_FloatTensor:$other);
  let results = (outs DL_FloatTensor:$result);
  let assemblyFormat = "$grad `,` $self `,` $other attr-dict `:` type($result)";
}

def DL_MaxGradOp : DL_ExtremumGradOp<"max_grad", "dl.max">;
def DL_MinGradOp : DL_ExtremumGradOp<"min_grad", "dl.min">;

def DL_ConcatOp : DL_InferOp<"concat", [DL_Differentiable]> {
  let summary = "Joins tensors along one dimension";
  let description = [{
    Keras's Concatenate: the inputs agree on every dimension but `axis` (a
    dimension of the batched tensor, never the batch 0), along which they
    are joined in order.

    ```mlir
    %c = dl.concat %a, %b {axis = 1 : i64}
        : (tensor<?x64xf32>, tensor<?x32xf32>) -> tensor<?x96xf32>
    ```
  }];
  let arguments = (ins Variadic<DL_FloatTensor>:$inputs, I64Attr:$axis);
  let results = (outs DL_FloatTensor:$result);
  let assemblyFormat =
      "$inputs attr-dict `:` `(` type($inputs) `)` `->` type($result)";
  let hasVerifier = 1;
}

def DL_SliceOp : DL_Op<"slice", [Pure, DL_Differentiable]> {
  let summary = "A block of a tensor along one dimension";
  let description = [{
    `result` is `input[..., offset : offset + size, ...]` along `axis`, its
    size taken from the result type: dl.concat's backward pass, and the
    gates of a recurrent cell. Its own VJP places the cotangent between
    zeros (a `dl.concat`), so the input's sizes other than the batch must
    be static where it is differentiated.

    ```mlir
    %b = dl.slice %c {axis = 1 : i64, offset = 64 : i64}
        : tensor<?x96xf32> -> tensor<?x32xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$input, I64Attr:$axis, I64Attr:$offset);
  let results = (outs DL_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def DL_LayerNormOp : DL_Op<"layer_norm", [Pure, DL_Differentiable]> {
  let summary = "Layer normalisation over the last dimension";
  let description = [{
    Keras's LayerNormalization (and PyTorch's layer_norm over the last
    dimension): every row `x` of the last dimension becomes
    `(x - mean(x)) / sqrt(var(x) + epsilon) * gamma + beta`, with the biased
    variance.

    ```mlir
    %y = dl.layer_norm %x, %gamma, %beta {epsilon = 1.0e-3 : f32}
        : (tensor<?x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<?x64xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$input, DL_Vector:$gamma,
                       DL_Vector:$beta, F32Attr:$epsilon);
  let results = (outs DL_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $gamma `,` $beta attr-dict `:` `(` type($input) `,`
    type($gamma) `,` type($beta) `)` `->` type($result)
  }];
  let hasVerifier = 1;
}

def DL_LayerNormGradOp : DL_Op<"layer_norm_grad", [Pure]> {
  let summary = "Backward pass of dl.layer_norm";
  let description = [{
    From the cotangent `grad` of the result and the forward's input and
    `gamma`: the input's cotangent
    `rstd * (g - mean(g) - xhat * mean(g * xhat))` with `g = grad * gamma`,
    and gamma's and beta's, `sum(grad * xhat)` and `sum(grad)` over every
    row. The statistics are recomputed, not stored.

    ```mlir
    %dx, %dgamma, %dbeta = dl.layer_norm_grad %dy, %x, %gamma
        {epsilon = 1.0e-3 : f32}
        : (tensor<?x64xf32>, tensor<?x64xf32>, tensor<64xf32>)
        -> (tensor<?x64xf32>, tensor<64xf32>, tensor<64xf32>)
    ```
  }];
  let arguments = (ins DL_FloatTensor:$grad, DL_FloatTensor:$input,
                       DL_Vector:$gamma, F32Attr:$epsilon);
  let results = (outs DL_FloatTensor:$input_grad, DL_Vector:$gamma_grad,
                      DL_Vector:$beta_grad);
  let assemblyFormat = [{
    $grad `,` $input `,` $gamma attr-dict `:` `(` type($grad) `,`
    type($input) `,` type($gamma) `)` `->` `(` type($input_grad) `,`
    type($gamma_grad) `,` type($beta_grad) `)`
  }];
}

def DL_BatchNormOp : DL_Op<"batch_norm", [Pure, DL_Differentiable,
    DeclareOpInterfaceMethods<DL_TrainingModeOpInterface>]> {
  let summary = "Batch normalisation (training form): the batch's statistics";
  let description = [{
    Keras's BatchNormalization in training: over every dimension but the
    last (the batch, and height and width after a convolution), each channel
    `c` has the batch mean `m[c]` and the biased variance `v[c]`, and
    `result = (input - m) / sqrt(v + epsilon) * gamma + beta`. The second
    and third results are `m` and `v`, from which the layer's moving
    statistics are updated. At inference (`TrainingModeOpInterface`) the op
    is `dl.batch_norm_inference` over `moving_mean` and `moving_variance`,
    and its statistics results are those operands.

    ```mlir
    %y, %m, %v = dl.batch_norm %x, %gamma, %beta, %mm, %mv
        {epsilon = 1.0e-3 : f32}
        : (tensor<?x64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>,
           tensor<64xf32>) -> (tensor<?x64xf32>, tensor<64xf32>, tensor<64xf32>)
    ```
  }];
  let arguments = (ins DL_FloatTensor:$input, DL_Vector:$gamma,
                       DL_Vector:$beta, DL_Vector:$moving_mean,
                       DL_Vector:$moving_variance, F32Attr:$epsilon);
  let results = (outs DL_FloatTensor:$result, DL_Vector:$batch_mean,
                      DL_Vector:$batch_variance);
  let assemblyFormat = [{
    $input `,` $gamma `,` $beta `,` $moving_mean `,` $moving_variance
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def DL_BatchNormInferenceOp : DL_Op<"batch_norm_inference",
    [Pure, DL_Differentiable, AllTypesMatch<["input", "result"]>,
     AllTypesMatch<["gamma", "beta", "mean", "variance"]>]> {
  let summary = "Batch normalisation with given statistics: scale and shift";
  let description = [{
    `result = (input - mean) * (gamma / sqrt(variance + epsilon)) + beta`,
    per channel (the last dimension), of any rank >= 1: the inference form
    of `dl.batch_norm`, and, applied to a kernel or a bias, the fold of a
    batch normalisation into the dense or conv2d before it.

    ```mlir
    %y = dl.batch_norm_inference %x, %gamma, %beta, %mean, %var
        {epsilon = 1.0e-3 : f32}
        : tensor<?x64xf32>, tensor<64xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$input, DL_Vector:$gamma,
                       DL_Vector:$beta, DL_Vector:$mean, DL_Vector:$variance,
                       F32Attr:$epsilon);
  let results = (outs DL_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $gamma `,` $beta `,` $mean `,` $variance attr-dict `:`
    type($input) `,` type($gamma)
  }];
  let hasVerifier = 1;
}

def DL_BatchNormGradOp : DL_Op<"batch_norm_grad", [Pure]> {
  let summary = "Backward pass of dl.batch_norm (training form)";
  let description = [{
    From the cotangent `grad` of the result, the forward's input, `gamma`
    and the batch statistics the forward returned (`mean`, `variance`:
    read, not recomputed, which saves two passes over the input), with
    `xhat = (input - mean) * rstd`, `rstd = 1 / sqrt(variance + epsilon)`
    and `N` the count per channel: gamma's and beta's cotangents
    `sum(grad * xhat)` and `sum(grad)` over every dimension but the last,
    and the input's
    `gamma * rstd * (grad - (sum(grad) + xhat * sum(grad * xhat)) / N)`:
    the statistics depend on the input.

    ```mlir
    %dx, %dgamma, %dbeta = dl.batch_norm_grad %dy, %x, %gamma, %mean, %var
        {epsilon = 1.0e-3 : f32}
        : (tensor<?x64xf32>, tensor<?x64xf32>, tensor<64xf32>, tensor<64xf32>,
           tensor<64xf32>) -> (tensor<?x64xf32>, tensor<64xf32>, tensor<64xf32>)
    ```
  }];
  let arguments = (ins DL_FloatTensor:$grad, DL_FloatTensor:$input,
                       DL_Vector:$gamma, DL_Vector:$mean, DL_Vector:$variance,
                       F32Attr:$epsilon);
  let results = (outs DL_FloatTensor:$input_grad, DL_Vector:$gamma_grad,
                      DL_Vector:$beta_grad);
  let assemblyFormat = [{
    $grad `,` $input `,` $gamma `,` $mean `,` $variance attr-dict `:`
    functional-type(operands, results)
  }];
}

def DL_ReshapeOp : DL_Op<"reshape", [Pure, DL_Differentiable]> {
  let summary = "Reshapes every sample, keeping the batch dimension";
  let description = [{
    Row-major reinterpretation of each sample's elements; the inverse of
    `dl.flatten` (its backward pass).

    ```mlir
    %x = dl.reshape %f : tensor<?x784xf32> -> tensor<?x28x28xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$input);
  let results = (outs DL_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

class DL_ActivationGradOp<string mnemonic, string of, string formula>
    : DL_Op<mnemonic, [Pure, SameOperandsAndResultType]> {
  let summary = "Backward pass of " # of # ": " # formula;
  let description = [{
    Computes `}] # formula # [{` elementwise, where `dy` is the cotangent of
    the activation's result.

    ```mlir
    %dx = dl.}] # mnemonic # [{ %dy, %v : tensor<?x128xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$grad, DL_FloatTensor:$value);
  let results = (outs DL_FloatTensor:$result);
  let assemblyFormat = "$grad `,` $value attr-dict `:` type($result)";
}

def DL_ReluGradOp
    : DL_ActivationGradOp<"relu_grad", "relu", "y > 0 ? dy : 0 (value = y)"> {
  // Through a max pooling of y, the mask is taken at the pooled size.
  let hasCanonicalizer = 1;
}
def DL_SigmoidGradOp
    : DL_ActivationGradOp<"sigmoid_grad", "sigmoid", "dy * y * (1 - y) (value = y)">;
def DL_TanhGradOp
    : DL_ActivationGradOp<"tanh_grad", "tanh", "dy * (1 - y * y) (value = y)">;
def DL_SoftmaxGradOp : DL_ActivationGradOp<"softmax_grad", "softmax",
    "y * (dy - sum_j dy[j] * y[j]) per row (value = y)"> {
  let arguments = (ins DL_Matrix:$grad, DL_Matrix:$value);
  let results = (outs DL_Matrix:$result);
}
def DL_Relu6GradOp : DL_ActivationGradOp<"relu6_grad", "relu6",
    "0 < x < 6 ? dy : 0 (value = x)">;
def DL_SoftplusGradOp : DL_ActivationGradOp<"softplus_grad", "softplus",
    "dy / (1 + exp(-x)) (value = x)">;
def DL_SoftsignGradOp : DL_ActivationGradOp<"softsign_grad", "softsign",
    "dy / (1 + |x|)^2 (value = x)">;
def DL_HardSigmoidGradOp : DL_ActivationGradOp<"hard_sigmoid_grad",
    "hard_sigmoid", "-3 < x < 3 ? dy / 6 : 0 (value = x)">;
def DL_SiluGradOp : DL_ActivationGradOp<"silu_grad", "silu",
    "dy * s * (1 + x * (1 - s)), s = sigmoid(x) (value = x)">;
def DL_GeluGradOp : DL_ActivationGradOp<"gelu_grad", "gelu",
    "dy * (Phi(x) + x * exp(-x^2 / 2) / sqrt(2 pi)) (value = x)">;
def DL_ExponentialGradOp : DL_ActivationGradOp<"exponential_grad",
    "exponential", "dy * y (value = y)">;
def DL_LeakyReluGradOp : DL_ActivationGradOp<"leaky_relu_grad", "leaky_relu",
    "x > 0 ? dy : alpha * dy (value = x)"> {
  let arguments = (ins DL_FloatTensor:$grad, DL_FloatTensor:$value,
                       F32Attr:$alpha);
}
def DL_EluGradOp : DL_ActivationGradOp<"elu_grad", "elu",
    "x > 0 ? dy : alpha * exp(x) * dy (value = x)"> {
  let arguments = (ins DL_FloatTensor:$grad, DL_FloatTensor:$value,
                       F32Attr:$alpha);
}
def DL_LogSoftmaxGradOp : DL_ActivationGradOp<"log_softmax_grad",
    "log_softmax", "dy - exp(y) * sum_j dy[j] per row (value = y)"> {
  let arguments = (ins DL_Matrix:$grad, DL_Matrix:$value);
  let results = (outs DL_Matrix:$result);
}

def DL_MaxPool2DGradOp : DL_Op<"max_pool2d_grad", [Pure]> {
  let summary = "Backward pass of max_pool2d";
  let description = [{
    Routes each `grad[n, i, j, c]` (the cotangent of `dl.max_pool2d`'s
    result) to the position of its window's maximum in `input`; positions in
    several windows sum what they receive. Ties go to the first maximum in
    row-major window order, as in PyTorch's CPU kernel. The attributes are
    the forward op's; the result has the input's type.

    ```mlir
    %dx = dl.max_pool2d_grad %dy, %x pool [2, 2] strides [2, 2]
            padding [0, 1, 0, 1]
            : (tensor<?x4x3x3xf32>, tensor<?x7x5x3xf32>) -> tensor<?x7x5x3xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$grad, DL_FloatTensor:$input,
                       DenseI64ArrayAttr:$pool, DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$padding);
  let results = (outs DL_FloatTensor:$result);
  let assemblyFormat = [{
    $grad `,` $input `pool` $pool `strides` $strides `padding` $padding
    attr-dict `:` functional-type(operands, results)
  }];
  let extraClassDeclaration = [{
    /// The forward max_pool2d of this gradient: on the same input with the
    /// same window, earlier in the same block (so its result dominates this
    /// op); null if there is none. Its argmax and its pooled values serve
    /// the gradient (lowerMaxPoolsWithGradients, ReluGradThroughMaxPool).
    MaxPool2DOp getForwardPool();
  }];
  let hasVerifier = 1;
}

def DL_AvgPool2DGradOp : DL_Op<"avg_pool2d_grad", [Pure]> {
  let summary = "Backward pass of avg_pool2d";
  let description = [{
    Spreads each `grad[n, i, j, c]` divided by its window's element count
    (padding excluded) over the window's input positions; positions in
    several windows sum what they receive. The attributes are the forward
    op's; the result has the forward input's type.

    ```mlir
    %dx = dl.avg_pool2d_grad %dy pool [2, 2] strides [2, 2]
            padding [0, 0, 0, 0] : tensor<?x2x2x3xf32> -> tensor<?x4x4x3xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$grad, DenseI64ArrayAttr:$pool,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$padding);
  let results = (outs DL_FloatTensor:$result);
  let assemblyFormat = [{
    $grad `pool` $pool `strides` $strides `padding` $padding attr-dict `:`
    type($grad) `->` type($result)
  }];
  let hasVerifier = 1;
}


def DL_Conv2DInputGradOp : DL_Op<"conv2d_input_grad", [Pure]> {
  let summary = "Gradient of conv2d with respect to its input";
  let description = [{
    `result[n, y, x, c] = sum grad[n, i, j, f] * kernel[a, b, c, f]` over the
    `(i, j, a, b)` with `i * sh + a * dh - top == y` and `j * sw + b * dw -
    left == x` (the transposed convolution of the cotangent `grad` of
    `dl.conv2d`'s result). The attributes are the forward op's; the result
    type is the forward input's, whose static height and width it needs.

    ```mlir
    %dx = dl.conv2d_input_grad %dy, %k strides [1, 1] dilations [1, 1]
            padding [0, 0, 0, 0] : (tensor<?x26x26x32xf32>,
            tensor<3x3x1x32xf32>) -> tensor<?x28x28x1xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$grad, DL_FloatTensor:$kernel,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$padding);
  let results = (outs DL_FloatTensor:$result);
  let assemblyFormat = [{
    $grad `,` $kernel `strides` $strides `dilations` $dilations `padding`
    $padding attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def DL_Conv2DFilterGradOp : DL_Op<"conv2d_filter_grad", [Pure]> {
  let summary = "Gradient of conv2d with respect to its kernel";
  let description = [{
    `result[a, b, c, f] = sum_{n, i, j} input[n, i * sh + a * dh - top,
    j * sw + b * dw - left, c] * grad[n, i, j, f]` (padding reads zero), the
    kernel's cotangent for the cotangent `grad` of `dl.conv2d`'s result. The
    attributes are the forward op's; the result type is the kernel's.

    ```mlir
    %dk = dl.conv2d_filter_grad %dy, %x strides [1, 1] dilations [1, 1]
            padding [0, 0, 0, 0] : (tensor<?x26x26x32xf32>,
            tensor<?x28x28x1xf32>) -> tensor<3x3x1x32xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$grad, DL_FloatTensor:$input,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$padding);
  let results = (outs DL_FloatTensor:$result);
  let assemblyFormat = [{
    $grad `,` $input `strides` $strides `dilations` $dilations `padding`
    $padding attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def DL_ChannelSumOp : DL_Op<"channel_sum", [Pure]> {
  let summary = "Sum over every dimension but the last";
  let description = [{
    `result[f] = sum_{n, i, j} input[n, i, j, f]`: the gradient of a
    per-channel value broadcast over the batch and the positions, such as a
    convolution's bias.

    ```mlir
    %db = dl.channel_sum %dy : tensor<?x26x26x32xf32> -> tensor<32xf32>
    ```

    Canonicalization: the channel sum of a pooling's gradient is the channel
    sum of the pooled gradient (every window's gradient reaches input
    positions whole: all of it to the maximum, or shares summing to it).
  }];
  let arguments = (ins DL_FloatTensor:$input);
  let results = (outs DL_Vector:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
}

//===----------------------------------------------------------------------===//
// Losses and metrics
//===----------------------------------------------------------------------===//

class DL_LossOp<string mnemonic, string formula, Type targetType>
    : DL_Op<mnemonic, [Pure, DL_Differentiable]> {
  let description = [{
    The batch mean of `}] # formula # [{`, as a 0-d tensor. Its gradient with
    respect to the prediction is `dl.}] # mnemonic # [{_grad`.
  }];
  let arguments = (ins DL_FloatTensor:$prediction, targetType:$targets);
  let results = (outs DL_Scalar:$result);
  let assemblyFormat =
      "$prediction `,` $targets attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def DL_SparseSoftmaxCrossEntropyOp : DL_LossOp<"sparse_softmax_cross_entropy",
    "logsumexp(z) - z[label]", DL_Labels> {
  let summary = "Softmax cross-entropy from logits and class indices";
  let description = [{
    Fuses softmax with Keras's `sparse_categorical_crossentropy`: per sample
    `logsumexp(z) - z[label]`, with the row maximum subtracted first, so
    logits of +-1e4 give finite values. A label outside `[0, classes)`
    matches no class (loss logsumexp(z)); it never indexes memory.

    ```mlir
    %l = dl.sparse_softmax_cross_entropy %z, %y
         : (tensor<?x10xf32>, tensor<?xi32>) -> tensor<f32>
    ```
  }];
}

def DL_SoftmaxCrossEntropyOp : DL_LossOp<"softmax_cross_entropy",
    "logsumexp(z) - sum_c t[c] z[c]", DL_Matrix> {
  let summary = "Softmax cross-entropy from logits and target distributions";
  let description = [{
    Keras's `categorical_crossentropy` fused with the softmax before it:
    per sample `sum_c t[c] * (logsumexp(z) - z[c])`.

    ```mlir
    %l = dl.softmax_cross_entropy %z, %t
         : (tensor<?x10xf32>, tensor<?x10xf32>) -> tensor<f32>
    ```
  }];
}

def DL_SigmoidCrossEntropyOp : DL_LossOp<"sigmoid_cross_entropy",
    "max(z, 0) - z t + log(1 + exp(-|z|))", DL_FloatTensor> {
  let summary = "Binary cross-entropy from logits";
  let description = [{
    Keras's `binary_crossentropy` fused with the sigmoid before it, in the
    overflow-free form `max(z, 0) - z t + log(1 + exp(-|z|))`, averaged over
    every element.

    ```mlir
    %l = dl.sigmoid_cross_entropy %z, %t
         : (tensor<?x1xf32>, tensor<?x1xf32>) -> tensor<f32>
    ```
  }];
}

def DL_MeanSquaredErrorOp : DL_LossOp<"mean_squared_error", "(p - t)^2",
                                      DL_FloatTensor> {
  let summary = "Mean squared error";
  let description = [{
    `mean((p - t)^2)` over every element, like Keras's `mean_squared_error`.

    ```mlir
    %l = dl.mean_squared_error %p, %t
         : (tensor<?x1xf32>, tensor<?x1xf32>) -> tensor<f32>
    ```
  }];
}

def DL_MeanAbsoluteErrorOp : DL_LossOp<"mean_absolute_error", "|p - t|",
                                       DL_FloatTensor> {
  let summary = "Mean absolute error";
  let description = [{
    `mean(|p - t|)` over every element, like Keras's `mean_absolute_error`.

    ```mlir
    %l = dl.mean_absolute_error %p, %t
         : (tensor<?x1xf32>, tensor<?x1xf32>) -> tensor<f32>
    ```
  }];
}

// The gradient of each loss with respect to its prediction is an op of its
// own, made by the loss's vector-Jacobian product: one fused kernel each.
class DL_LossGradOp<string mnemonic, string loss, string formula,
                    Type targetType>
    : DL_Op<mnemonic, [Pure]> {
  let summary = "Gradient of " # loss # " with respect to its prediction";
  let description = [{
    `result = loss_grad * d }] # loss # [{(prediction, targets) / d prediction`,
    that is `}] # formula # [{`, elementwise; `loss_grad` is the cotangent of
    the loss (a 0-d tensor).

    ```mlir
    %dz = dl.}] # mnemonic # [{ %z, %t, %dloss
          : (tensor<?x10xf32>, }] # !if(!eq(targetType, DL_Labels),
                                      "tensor<?xi32>", "tensor<?x10xf32>") # [{,
             tensor<f32>) -> tensor<?x10xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$prediction, targetType:$targets,
                       DL_Scalar:$loss_grad);
  let results = (outs DL_FloatTensor:$result);
  let assemblyFormat = [{
    $prediction `,` $targets `,` $loss_grad attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def DL_SparseSoftmaxCrossEntropyGradOp : DL_LossGradOp<
    "sparse_softmax_cross_entropy_grad", "sparse_softmax_cross_entropy",
    "(softmax(z) - onehot(label)) * loss_grad / batch", DL_Labels>;
def DL_SoftmaxCrossEntropyGradOp : DL_LossGradOp<
    "softmax_cross_entropy_grad", "softmax_cross_entropy",
    "(softmax(z) * sum_c t[c] - t) * loss_grad / batch", DL_Matrix>;
def DL_SigmoidCrossEntropyGradOp : DL_LossGradOp<
    "sigmoid_cross_entropy_grad", "sigmoid_cross_entropy",
    "(sigmoid(z) - t) * loss_grad / elements", DL_FloatTensor>;
def DL_MeanSquaredErrorGradOp : DL_LossGradOp<
    "mean_squared_error_grad", "mean_squared_error",
    "2 (p - t) * loss_grad / elements", DL_FloatTensor>;
// sign(0) = 0, as PyTorch's L1Loss: a prediction on its target stays there.
def DL_MeanAbsoluteErrorGradOp : DL_LossGradOp<
    "mean_absolute_error_grad", "mean_absolute_error",
    "sign(p - t) * loss_grad / elements", DL_FloatTensor>;

def DL_CountCorrectOp : DL_Op<"count_correct", [Pure]> {
  let summary = "Number of samples whose prediction matches the target";
  let description = [{
    Keras's `accuracy`, as a count: with class indices, `argmax(p) == label`;
    with one-hot targets, `argmax(p) == argmax(t)`; with one output column,
    `(p > 0.5) == (t > 0.5)`. Ties go to the lowest index, as argmax does.

    ```mlir
    %n = dl.count_correct %p, %y : (tensor<?x10xf32>, tensor<?xi32>) -> tensor<f32>
    ```
  }];
  let arguments = (ins DL_Matrix:$prediction, DL_Targets:$targets);
  let results = (outs DL_Scalar:$result);
  let assemblyFormat =
      "$prediction `,` $targets attr-dict `:` functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// Optimizer updates: one fused elementwise pass over a parameter
//===----------------------------------------------------------------------===//

def DL_SGDUpdateOp : DL_Op<"sgd_update", [Pure, AttrSizedOperandSegments]> {
  let summary = "SGD step, with optional (Nesterov) momentum";
  let description = [{
    Without `velocity`: `p' = p - lr g`. With it (PyTorch's form, equal to
    Keras's for a constant rate): `v' = momentum v + g`, then
    `p' = p - lr v'`, or `p' = p - lr (g + momentum v')` when `nesterov`.
    `lr` is `learning_rate`, or the operand after `lr` (a 0-d tensor: this
    step's rate from a schedule or the host, see dl-optimizer) when given.

    ```mlir
    %p2, %v2 = dl.sgd_update %p, %g, %v {learning_rate = 0.01 : f32,
               momentum = 0.9 : f32} : (tensor<4xf32>, tensor<4xf32>,
               tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>)
    ```
  }];
  let arguments = (ins DL_FloatTensor:$param, DL_FloatTensor:$grad,
                       Optional<DL_FloatTensor>:$velocity,
                       Optional<DL_Scalar>:$lr,
                       F32Attr:$learning_rate, F32Attr:$momentum,
                       UnitAttr:$nesterov);
  let results = (outs DL_FloatTensor:$new_param,
                      Optional<DL_FloatTensor>:$new_velocity);
  let assemblyFormat = [{
    $param `,` $grad (`,` $velocity^)? (`lr` $lr^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def DL_AdamUpdateOp : DL_Op<"adam_update", [Pure]> {
  let summary = "Adam step with bias correction";
  let description = [{
    With `t` the step number after this update (a 0-d tensor):
    `m' = b1 m + (1 - b1) g`, `v' = b2 v + (1 - b2) g^2`,
    `p' = p - lr (m' / (1 - b1^t)) / (sqrt(v' / (1 - b2^t)) + eps)`, as in
    PyTorch and the Adam paper. `lr` is `learning_rate`, or the operand after
    `lr` (this step's rate from a schedule or the host) when given.

    ```mlir
    %p2, %m2, %v2 = dl.adam_update %p, %g, %m, %v, %t {learning_rate = 1.0e-3 : f32,
        beta_1 = 0.9 : f32, beta_2 = 0.999 : f32, epsilon = 1.0e-7 : f32}
        : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>)
        -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
    ```
  }];
  let arguments = (ins DL_FloatTensor:$param, DL_FloatTensor:$grad,
                       DL_FloatTensor:$m, DL_FloatTensor:$v, DL_Scalar:$step,
                       Optional<DL_Scalar>:$lr,
                       F32Attr:$learning_rate, F32Attr:$beta_1,
                       F32Attr:$beta_2, F32Attr:$epsilon);
  let results = (outs DL_FloatTensor:$new_param, DL_FloatTensor:$new_m,
                      DL_FloatTensor:$new_v);
  let assemblyFormat = [{
    $param `,` $grad `,` $m `,` $v `,` $step (`lr` $lr^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def DL_RMSpropUpdateOp : DL_Op<"rmsprop_update",
                                [Pure, AttrSizedOperandSegments]> {
  let summary = "RMSprop step, with optional momentum";
  let description = [{
    `s' = rho s + (1 - rho) g^2`; without momentum
    `p' = p - lr g / (sqrt(s') + eps)`; with it
    `b' = momentum b + g / (sqrt(s') + eps)`, `p' = p - lr b'`. `lr` is
    `learning_rate`, or the operand after `lr` (this step's rate from a
    schedule or the host) when given.

    ```mlir
    %p2, %s2 = dl.rmsprop_update %p, %g, %s {learning_rate = 1.0e-3 : f32,
        rho = 0.9 : f32, momentum = 0.0 : f32, epsilon = 1.0e-7 : f32}
        : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
        -> (tensor<4xf32>, tensor<4xf32>)
    ```
  }];
  let arguments = (ins DL_FloatTensor:$param, DL_FloatTensor:$grad,
                       DL_FloatTensor:$square_avg,
                       Optional<DL_FloatTensor>:$momentum_buffer,
                       Optional<DL_Scalar>:$lr,
                       F32Attr:$learning_rate, F32Attr:$rho,
                       F32Attr:$momentum, F32Attr:$epsilon);
  let results = (outs DL_FloatTensor:$new_param,
                      DL_FloatTensor:$new_square_avg,
                      Optional<DL_FloatTensor>:$new_momentum_buffer);
  let assemblyFormat = [{
    $param `,` $grad `,` $square_avg (`,` $momentum_buffer^)? (`lr` $lr^)?
    attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Regularisation penalties, gradient clipping and weight decay
//===----------------------------------------------------------------------===//

def DL_L1L2PenaltyOp : DL_Op<"l1_l2_penalty", [Pure, DL_Differentiable]> {
  let summary = "Keras's L1/L2 regulariser: l1 sum |x| + l2 sum x^2";
  let description = [{
    The penalty Keras's `L1L2(l1, l2)` adds to the loss (no 1/2 on the L2
    term), over every element of `input`, a weight or a layer's output.
    Its VJP is `dl.l1_l2_penalty_grad`. dl-optimizer also uses it with
    `l1 = 0, l2 = 1` for the squared norm of a gradient (clipping).

    ```mlir
    %r = dl.l1_l2_penalty %w {l1 = 0.0 : f32, l2 = 0.01 : f32}
         : tensor<784x128xf32> -> tensor<f32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$input, F32Attr:$l1, F32Attr:$l2);
  let results = (outs DL_Scalar:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def DL_L1L2PenaltyGradOp : DL_Op<"l1_l2_penalty_grad", [Pure]> {
  let summary = "Gradient of dl.l1_l2_penalty";
  let description = [{
    `result = dloss (l1 sign(x) + 2 l2 x)`, with `sign(0) = 0` (the
    subgradient PyTorch's and TensorFlow's `abs` use).

    ```mlir
    %dw = dl.l1_l2_penalty_grad %w, %dr {l1 = 0.01 : f32, l2 = 0.0 : f32}
          : (tensor<784x128xf32>, tensor<f32>) -> tensor<784x128xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$input, DL_Scalar:$loss_grad,
                       F32Attr:$l1, F32Attr:$l2);
  let results = (outs DL_FloatTensor:$result);
  let assemblyFormat =
      "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def DL_ClipByNormOp : DL_Op<"clip_by_norm", [Pure]> {
  let summary = "Scales a gradient so that a norm is at most clip_norm";
  let description = [{
    `result = grad * clip_norm / max(sqrt(sum_squares), clip_norm)`, where
    `sum_squares` is the squared norm the limit applies to: the gradient's
    own (Keras's `clipnorm`) or that of all gradients together
    (`global_clipnorm`). A zero norm leaves the gradient as it is.

    ```mlir
    %g2 = dl.clip_by_norm %g, %ss {clip_norm = 1.0 : f32}
          : (tensor<128xf32>, tensor<f32>) -> tensor<128xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$grad, DL_Scalar:$sum_squares,
                       F32Attr:$clip_norm);
  let results = (outs DL_FloatTensor:$result);
  let assemblyFormat =
      "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def DL_ClipByValueOp : DL_Op<"clip_by_value", [Pure, SameOperandsAndResultType]> {
  let summary = "Clamps every element to [-clip_value, clip_value]";
  let description = [{
    Keras's `clipvalue`: `result = min(max(grad, -clip_value), clip_value)`.

    ```mlir
    %g2 = dl.clip_by_value %g {clip_value = 0.5 : f32} : tensor<128xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$grad, F32Attr:$clip_value);
  let results = (outs DL_FloatTensor:$result);
  let assemblyFormat = "$grad attr-dict `:` type($grad)";
  let hasVerifier = 1;
}

def DL_WeightDecayOp : DL_Op<"weight_decay",
                              [Pure, AllTypesMatch<["param", "result"]>]> {
  let summary = "Decoupled weight decay: p - p * decay";
  let description = [{
    Keras's `weight_decay` (and AdamW's): before the optimizer's update, every
    trainable parameter shrinks by `decay` = learning rate x weight decay:
    `result = param - param * decay`. With `lr` (this step's learning rate,
    a 0-d tensor, when it changes at run time) `decay` is the weight decay
    alone: `result = param - param * (decay * lr)`.

    ```mlir
    %p2 = dl.weight_decay %p {decay = 4.0e-6 : f32} : tensor<128xf32>
    %p3 = dl.weight_decay %p lr %lr {decay = 4.0e-3 : f32}
          : tensor<128xf32>, tensor<f32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$param, Optional<DL_Scalar>:$lr,
                       F32Attr:$decay);
  let results = (outs DL_FloatTensor:$result);
  let assemblyFormat =
      "$param (`lr` $lr^)? attr-dict `:` type($param) (`,` type($lr)^)?";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Learning-rate schedules: Keras's LearningRateSchedule classes, evaluated
// in f32 on the optimizer's step counter (dl-optimizer)
//===----------------------------------------------------------------------===//

class DL_ScheduleOp<string mnemonic>
    : DL_Op<mnemonic, [Pure, AllTypesMatch<["step", "result"]>]> {
  let results = (outs DL_Scalar:$result);
  let assemblyFormat = "$step attr-dict `:` type($step)";
  let hasVerifier = 1;
}

def DL_ExponentialDecayOp : DL_ScheduleOp<"exponential_decay"> {
  let summary = "Keras's ExponentialDecay learning-rate schedule";
  let description = [{
    With `p = step / decay_steps` (`floor(p)` when `staircase`):
    `result = initial_learning_rate * decay_rate^p`.

    ```mlir
    %lr = dl.exponential_decay %step {initial_learning_rate = 0.1 : f32,
          decay_steps = 100.0 : f32, decay_rate = 0.96 : f32} : tensor<f32>
    ```
  }];
  let arguments = (ins DL_Scalar:$step, F32Attr:$initial_learning_rate,
                       F32Attr:$decay_steps, F32Attr:$decay_rate,
                       UnitAttr:$staircase);
}

def DL_PiecewiseConstantDecayOp : DL_ScheduleOp<"piecewise_constant_decay"> {
  let summary = "Keras's PiecewiseConstantDecay learning-rate schedule";
  let description = [{
    `values[0]` while `step <= boundaries[0]`, `values[i]` while
    `boundaries[i-1] < step <= boundaries[i]`, and the last value after the
    last boundary: `values` has one element more than the increasing
    `boundaries`.

    ```mlir
    %lr = dl.piecewise_constant_decay %step {boundaries = array<f32: 100.0>,
          values = array<f32: 1.0, 0.5>} : tensor<f32>
    ```
  }];
  let arguments = (ins DL_Scalar:$step, DenseF32ArrayAttr:$boundaries,
                       DenseF32ArrayAttr:$values);
}

def DL_CosineDecayOp : DL_ScheduleOp<"cosine_decay"> {
  let summary = "Keras's CosineDecay learning-rate schedule, with warm-up";
  let description = [{
    Without `warmup_target`: with `s = min(step, decay_steps)`,
    `result = initial_learning_rate * ((1 - alpha) c + alpha)` where
    `c = 0.5 (1 + cos(pi s / decay_steps))`. With it, `s` is capped at
    `warmup_steps + decay_steps`; while `s < warmup_steps` the rate rises
    linearly, `initial_learning_rate + (warmup_target -
    initial_learning_rate) s / warmup_steps`, then decays as above from
    `warmup_target` over `s - warmup_steps`.

    ```mlir
    %lr = dl.cosine_decay %step {initial_learning_rate = 0.0 : f32,
          decay_steps = 1000.0 : f32, alpha = 0.0 : f32,
          warmup_target = 0.1 : f32, warmup_steps = 100.0 : f32} : tensor<f32>
    ```
  }];
  let arguments = (ins DL_Scalar:$step, F32Attr:$initial_learning_rate,
                       F32Attr:$decay_steps, F32Attr:$alpha,
                       OptionalAttr<F32Attr>:$warmup_target,
                       F32Attr:$warmup_steps);
}

//===----------------------------------------------------------------------===//
// Parameter initialisation
//===----------------------------------------------------------------------===//

def DL_RandomUniformOp : DL_Op<"random_uniform", [Pure]> {
  let summary = "Counter-based uniform random tensor";
  let description = [{
    Fills a static-shape tensor with values uniform in `[low, high)`. Element
    `i` (row-major) is a pure function of `(seed, stream, i)` (SplitMix64), so
    the result does not depend on how the loop is tiled, vectorised or split
    across threads, and each parameter tensor gets its own `stream`.

    ```mlir
    %w = dl.random_uniform %seed {stream = 0 : i64, low = -0.08 : f32,
                                  high = 0.08 : f32} : tensor<784x128xf32>
    ```
  }];
  let arguments = (ins I64:$seed, I64Attr:$stream, F32Attr:$low,
                       F32Attr:$high);
  let results = (outs StaticShapeTensorOf<[F32]>:$result);
  let assemblyFormat = "$seed attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def DL_RandomNormalOp : DL_Op<"random_normal", [Pure]> {
  let summary = "Counter-based normal random tensor, clipped at two sigma";
  let description = [{
    Normal samples with the given `stddev` (Box-Muller over two SplitMix64
    draws of `(seed, stream, i)`), clipped to `[-2 stddev, 2 stddev]`. Keras
    redraws outside two sigma (a truncated normal); clipping keeps the op a
    pure per-element function and the same bound, at the cost of a little mass
    on the bound. With `unclipped`, plain normal samples (Keras's
    `Orthogonal` starts from those).

    ```mlir
    %w = dl.random_normal %seed {stream = 1 : i64, stddev = 0.05 : f32}
         : tensor<128x10xf32>
    ```
  }];
  let arguments = (ins I64:$seed, I64Attr:$stream, F32Attr:$stddev,
                       UnitAttr:$unclipped);
  let results = (outs StaticShapeTensorOf<[F32]>:$result);
  let assemblyFormat = "$seed attr-dict `:` type($result)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Training-mode ops
//===----------------------------------------------------------------------===//

// The training key: buildable, so the assembly format need not spell it.
def DL_TrainingKey : 0DTensorOf<[I64]> {
  let builderCall = "::mlir::RankedTensorType::get({}, $_builder.getI64Type())";
}

def DL_DropoutOp : DL_Op<"dropout", [Pure, DL_Differentiable,
    DeclareOpInterfaceMethods<DL_TrainingModeOpInterface>,
    AllTypesMatch<["input", "result"]>]> {
  let summary = "Inverted dropout (training form); the identity at inference";
  let description = [{
    Keras's `Dropout`: each element is kept with probability `1 - rate` and
    scaled by `1 / (1 - rate)`, or set to 0. Element `i` (row-major over the
    whole tensor, batch included) is kept when its uniform draw in [0, 1),
    made as `dl.random_uniform`'s with the key in place of the seed, is at
    least `rate`: the mask is a pure function of `(key, stream, i)`, recomputed
    where it is needed instead of stored. With `spatial`, `i` counts only the
    batch and the last (channel) dimension, so one decision drops a whole
    channel of a sample (Keras's `SpatialDropout2D` on [N, H, W, C]).

    `key` is the training key (`dl.key` argument of the model functions);
    `stream` tells the dropout layers of a model apart. Its VJP is the same
    op applied to the cotangent (same key, same mask). At inference
    (`TrainingModeOpInterface`) the op is its input.

    ```mlir
    %y = dl.dropout %x, %key {rate = 5.000000e-01 : f32, stream = 3 : i64}
         : tensor<?x128xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$input, DL_TrainingKey:$key,
                       F32Attr:$rate, I64Attr:$stream, UnitAttr:$spatial);
  let results = (outs DL_FloatTensor:$result);
  let assemblyFormat = "$input `,` $key attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def DL_TrainingKeyOp : DL_Op<"training_key", [Pure]> {
  let summary = "The training key of one step, from the seed and step state";
  let description = [{
    `mix64(seed + (step + 1) g)`, where `seed` is the 64-bit number whose
    16-bit words, low first, are the four floats of `seed` (the optimizer
    state's seed slot, written by the caller) and `step` the step counter
    (a float holding an integer). dl-optimizer gives each training step this
    key, so dropout masks differ from step to step and a run is
    reproducible from its seed and resumable from its optimizer state.

    ```mlir
    %key = dl.training_key %seed, %step : tensor<4xf32>, tensor<f32>
    ```
  }];
  let arguments = (ins 1DTensorOf<[F32]>:$seed, DL_Scalar:$step);
  let results = (outs DL_TrainingKey:$result);
  let assemblyFormat = "$seed `,` $step attr-dict `:` type($seed) `,` type($step)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Recurrence
//===----------------------------------------------------------------------===//

def DL_ScanOp : DL_Op<"scan", [AttrSizedOperandSegments, IsolatedFromAbove,
                               RecursiveMemoryEffects, DL_Differentiable]> {
  let summary = "A loop over time whose body is one step of a recurrence";
  let description = [{
    Runs its body once per time step `t` of the sequences (`[B, T, ...]`,
    time at dimension 1; every sequence has the same `T`), from `0` to
    `T - 1`, or from `T - 1` down to `0` with `reverse`. The body's arguments
    are the carries (their initial values on the first step, the previous
    step's next carries after), the step's slice `[B, ...]` of each sequence,
    then the invariants (weights: the same values at every step). Its
    terminator `dl.yield` gives the next carries, then the per-step outputs.
    The results are the final carries, then each per-step output stacked
    along time (`[B, T, ...]`, the output of step `t` at index `t` also when
    reversed).

    The body is the cell alone, written in `dl` ops: the op's VJP
    (backpropagation through time) is another `dl.scan`, reversed, whose body
    the autodiff machinery derives from this one's ops.

    ```mlir
    %h, %hs = dl.scan carries(%h0 : tensor<?x4xf32>)
        sequences(%xp : tensor<?x7x4xf32>)
        invariants(%r : tensor<4x4xf32>)
        -> (tensor<?x4xf32>, tensor<?x7x4xf32>) {
    ^bb0(%hp: tensor<?x4xf32>, %x: tensor<?x4xf32>, %w: tensor<4x4xf32>):
      %m = dl.dense %hp, %w : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
      %s = dl.add %x, %m : tensor<?x4xf32>
      %n = dl.tanh %s : tensor<?x4xf32>
      dl.yield %n, %n : tensor<?x4xf32>, tensor<?x4xf32>
    }
    ```
  }];
  let arguments = (ins Variadic<DL_FloatTensor>:$inits,
                       Variadic<DL_FloatTensor>:$sequences,
                       Variadic<DL_FloatTensor>:$invariants,
                       UnitAttr:$reverse);
  let results = (outs Variadic<DL_FloatTensor>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    (`reverse` $reverse^)?
    `carries` `(` ($inits^ `:` type($inits))? `)`
    `sequences` `(` ($sequences^ `:` type($sequences))? `)`
    `invariants` `(` ($invariants^ `:` type($invariants))? `)`
    attr-dict `->` `(` type($results) `)` $body
  }];
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
  let extraClassDeclaration = [{
    /// The final carries (one per init).
    ::mlir::ValueRange getFinalCarries() {
      return getResults().take_front(getInits().size());
    }
    /// The per-step outputs stacked along time.
    ::mlir::ValueRange getStacked() {
      return getResults().drop_front(getInits().size());
    }
    ::mlir::Block &getBodyBlock() { return getBody().front(); }
  }];
}

def DL_YieldOp : DL_Op<"yield", [Pure, Terminator,
                                 HasParent<"ScanOp">]> {
  let summary = "Ends one step of dl.scan: next carries, per-step outputs";
  let description = [{
    ```mlir
    dl.yield %h, %h : tensor<?x4xf32>, tensor<?x4xf32>
    ```
  }];
  let arguments = (ins Variadic<DL_FloatTensor>:$values);
  let assemblyFormat = "attr-dict ($values^ `:` type($values))?";
}

def DL_ZerosOp : DL_Op<"zeros", [Pure, DL_Differentiable]> {
  let summary = "A tensor of zeros with the batch of another tensor";
  let description = [{
    Zeros of the result type, whose batch (dimension 0, usually dynamic) is
    that of `batch_like`: a recurrence's initial state, and the cotangent of
    a value nothing downstream used. Only `batch_like`'s shape is read, so
    it gets no cotangent.

    ```mlir
    %h0 = dl.zeros %x : tensor<?x7x1xf32> -> tensor<?x4xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$batch_like);
  let results = (outs DL_FloatTensor:$result);
  let assemblyFormat =
      "$batch_like attr-dict `:` type($batch_like) `->` type($result)";
  let hasVerifier = 1;
}

def DL_MergeTimeOp : DL_Op<"merge_time", [Pure, DL_Differentiable]> {
  let summary = "Merges the batch and time dimensions: [B, T, ...] to [B*T, ...]";
  let description = [{
    Row-major: row `b * T + t` of the result is `input[b, t]`. A per-step
    layer (the input projection of a recurrent layer) then runs as one large
    product over every step.

    ```mlir
    %r = dl.merge_time %x : tensor<?x7x3xf32> -> tensor<?x3xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$input);
  let results = (outs DL_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def DL_SplitTimeOp : DL_Op<"split_time", [Pure, DL_Differentiable]> {
  let summary = "Splits [B*T, ...] into [B, T, ...], B and T from `like`";
  let description = [{
    The inverse of `dl.merge_time`: `result[b, t] = input[b * T + t]`, with
    `B` and `T` the first two dimensions of `like` (only its shape is read).

    ```mlir
    %y = dl.split_time %r like %x
        : (tensor<?x4xf32>, tensor<?x7x3xf32>) -> tensor<?x7x4xf32>
    ```
  }];
  let arguments = (ins DL_FloatTensor:$input, DL_FloatTensor:$like);
  let results = (outs DL_FloatTensor:$result);
  let assemblyFormat = [{
    $input `like` $like attr-dict `:` `(` type($input) `,` type($like) `)`
    `->` type($result)
  }];
  let hasVerifier = 1;
}

def DL_OrthogonalOp : DL_Op<"orthogonal", [Pure, SameOperandsAndResultType]> {
  let summary = "Orthonormalises a matrix: Keras's orthogonal initialiser";
  let description = [{
    For an `[n, m]` input with `n >= m`, the `Q` of its QR decomposition
    with `R`'s diagonal made positive (Keras's `Orthogonal`: `q * sign(diag
    r)`), found by modified Gram-Schmidt over the columns; for `n < m`, the
    same over the rows (Keras transposes). Applied to a normal matrix, the
    result is uniform over the orthogonal matrices. Used only by the
    initialiser function.

    ```mlir
    %q = dl.orthogonal %a : tensor<50x50xf32>
    ```
  }];
  let arguments = (ins DL_Matrix:$input);
  let results = (outs DL_Matrix:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
  let hasVerifier = 1;
}

#endif // DL_DIALECT_DL_IR_DLOPS_TD
