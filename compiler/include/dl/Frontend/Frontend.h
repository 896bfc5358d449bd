//===- Frontend.h - dl language frontend entry points -----------*- C++ -*-===//
//
// Source text -> ast::Model (parseModel) -> ModelSpec (checkModel), plus the
// two human-readable views the driver offers (--emit=ast, --summary).
//
//===----------------------------------------------------------------------===//
#ifndef DL_FRONTEND_FRONTEND_H
#define DL_FRONTEND_FRONTEND_H

#include "dl/Frontend/AST.h"
#include "dl/Frontend/ModelSpec.h"

#include <optional>

namespace llvm {
class SourceMgr;
class raw_ostream;
} // namespace llvm

namespace dlc {

/// Parses the buffer `bufferId` of `srcMgr`. Every error is printed through
/// srcMgr.PrintMessage(llvm::errs(), loc, llvm::SourceMgr::DK_Error, msg)
/// (file:line:col: error: msg + source line + caret). nullopt on error.
std::optional<ast::Model> parseModel(llvm::SourceMgr &srcMgr,
                                     unsigned bufferId);

/// Resolves names, infers shapes, checks options, assigns unique layer names
/// and the parameter table (offsets). nullopt on error (errors printed as
/// above).
std::optional<ModelSpec> checkModel(const ast::Model &model,
                                    llvm::SourceMgr &srcMgr);

/// --emit=ast: an indented, stable, human-readable dump of the tree with
/// line:col of each node.
void dumpAST(const ast::Model &model, llvm::SourceMgr &srcMgr,
             llvm::raw_ostream &os);

/// --summary: a Keras-like table: Layer (type), Output Shape, Param #; then
/// Total params, Trainable params, Non-trainable params. Output shapes print
/// the batch as None like Keras: (None, 28, 28). Counts use thousands
/// separators as Keras does ("Total params: 101,770").
void printSummary(const ModelSpec &spec, llvm::raw_ostream &os);

} // namespace dlc

#endif // DL_FRONTEND_FRONTEND_H
