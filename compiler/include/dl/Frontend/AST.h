//===- AST.h - dl language syntax tree ----------------------------*- C++
//-*-===//
//
// The parser's output: what the user wrote, with a location for every node.
// Nothing here is checked yet; Sema turns it into a dlc::ModelSpec.
//
//===----------------------------------------------------------------------===//
#ifndef DL_FRONTEND_AST_H
#define DL_FRONTEND_AST_H

#include "llvm/Support/SMLoc.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dlc::ast {

/// An argument value: `128`, `1e-3`, `relu`, `"fc1"`, `true`, `[accuracy]`,
/// `adam(learning_rate = 1e-3)`.
struct Expr {
  enum class Kind { Int, Float, Bool, String, Ident, List, Call };
  Kind kind = Kind::Int;
  llvm::SMLoc loc;
  int64_t intValue = 0;
  double floatValue = 0;
  bool boolValue = false;
  std::string text;             ///< String contents, identifier or callee name.
  std::vector<struct Arg> args; ///< List elements (unnamed) or call arguments.
};

/// `expr` (positional) or `name = expr` (keyword).
struct Arg {
  std::string name; ///< Empty for a positional argument.
  llvm::SMLoc nameLoc;
  Expr value;
};

/// `input [name :] f32[28, 28];` — one sample's shape; the batch is implicit.
/// `?` marks a variable-length axis (dims entry -1).
struct InputDecl {
  llvm::SMLoc loc;
  std::string name; ///< "x" when not given.
  std::string dtype;
  llvm::SMLoc dtypeLoc;
  std::vector<int64_t> dims;
  std::vector<llvm::SMLoc> dimLocs;
};

/// `[result =] layer [(args)] [(inputs)];`
/// Without an input list the layer consumes the previous statement's value.
struct LayerStmt {
  llvm::SMLoc loc;
  std::string result; ///< Empty when unnamed.
  std::string layer;  ///< Layer kind as written, e.g. "dense".
  llvm::SMLoc layerLoc;
  std::vector<Arg> args;
  bool hasInputList = false;
  std::vector<std::pair<std::string, llvm::SMLoc>> inputs;
};

/// `output name;` — marks the model's output (default: the last value).
struct OutputDecl {
  llvm::SMLoc loc;
  std::string name;
  llvm::SMLoc nameLoc;
};

/// `train { loss = ...; optimizer = ...; metrics = [...]; }`
struct TrainBlock {
  llvm::SMLoc loc;
  std::vector<Arg> entries; ///< Each entry is `key = expr`.
};

struct Model {
  llvm::SMLoc loc;
  std::string name;
  llvm::SMLoc nameLoc;
  std::vector<InputDecl> inputs;
  std::vector<LayerStmt> layers;
  std::optional<OutputDecl> output;
  std::optional<TrainBlock> train;
};

} // namespace dlc::ast

#endif // DL_FRONTEND_AST_H
