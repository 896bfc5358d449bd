//===- Emit.cpp - emission helpers shared by MLIRGen and the kinds --------===//
//
// The activations as dl ops: MLIRGen applies a layer's `activation` after
// its emission; a recurrent layer applies its own inside the cell.
//
//===----------------------------------------------------------------------===//
#include "dl/Frontend/Emit.h"
#include "dl/Dialect/DL/IR/DLOps.h"

using namespace dlc;

mlir::Value dlc::emitActivation(mlir::OpBuilder &b, mlir::Location l,
                                Activation a, double alpha, mlir::Value x) {
  switch (a) {
  case Activation::Linear:
    return x;
  case Activation::Relu:
    return mlir::dl::ReluOp::create(b, l, x);
  case Activation::Sigmoid:
    return mlir::dl::SigmoidOp::create(b, l, x);
  case Activation::Tanh:
    return mlir::dl::TanhOp::create(b, l, x);
  case Activation::Softmax:
    return mlir::dl::SoftmaxOp::create(b, l, x);
  case Activation::Relu6:
    return mlir::dl::Relu6Op::create(b, l, x);
  case Activation::LeakyRelu:
    return mlir::dl::LeakyReluOp::create(b, l, x, b.getF32FloatAttr(alpha));
  case Activation::Elu:
    return mlir::dl::EluOp::create(b, l, x, b.getF32FloatAttr(alpha));
  case Activation::Softplus:
    return mlir::dl::SoftplusOp::create(b, l, x);
  case Activation::Softsign:
    return mlir::dl::SoftsignOp::create(b, l, x);
  case Activation::HardSigmoid:
    return mlir::dl::HardSigmoidOp::create(b, l, x);
  case Activation::Silu:
    return mlir::dl::SiluOp::create(b, l, x);
  case Activation::Gelu:
    return mlir::dl::GeluOp::create(b, l, x);
  case Activation::Exponential:
    return mlir::dl::ExponentialOp::create(b, l, x);
  case Activation::LogSoftmax:
    return mlir::dl::LogSoftmaxOp::create(b, l, x);
  }
  return x;
}
