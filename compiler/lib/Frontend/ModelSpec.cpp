//===- ModelSpec.cpp - names of ModelSpec enumerators ---------------------===//

#include "dl/Frontend/ModelSpec.h"

using namespace dlc;

const char *dlc::toString(Activation a) {
  switch (a) {
  case Activation::Linear:
    return "linear";
  case Activation::Relu:
    return "relu";
  case Activation::Sigmoid:
    return "sigmoid";
  case Activation::Tanh:
    return "tanh";
  case Activation::Softmax:
    return "softmax";
  case Activation::Relu6:
    return "relu6";
  case Activation::LeakyRelu:
    return "leaky_relu";
  case Activation::Elu:
    return "elu";
  case Activation::Softplus:
    return "softplus";
  case Activation::Softsign:
    return "softsign";
  case Activation::HardSigmoid:
    return "hard_sigmoid";
  case Activation::Silu:
    return "silu";
  case Activation::Gelu:
    return "gelu";
  case Activation::Exponential:
    return "exponential";
  case Activation::LogSoftmax:
    return "log_softmax";
  }
  return "unknown";
}

const char *dlc::toString(Initializer i) {
  switch (i) {
  case Initializer::Zeros:
    return "zeros";
  case Initializer::Ones:
    return "ones";
  case Initializer::GlorotUniform:
    return "glorot_uniform";
  case Initializer::GlorotNormal:
    return "glorot_normal";
  case Initializer::HeUniform:
    return "he_uniform";
  case Initializer::HeNormal:
    return "he_normal";
  case Initializer::Orthogonal:
    return "orthogonal";
  }
  return "unknown";
}

std::string dlc::formatShape(const std::vector<int64_t> &dims) {
  std::string out = "f32[";
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i)
      out += ", ";
    out += dims[i] < 0 ? std::string("?") : std::to_string(dims[i]);
  }
  return out + "]";
}
