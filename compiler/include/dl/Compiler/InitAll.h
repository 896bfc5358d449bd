//===- InitAll.h - the one registration point of dlc and dl-opt ---*- C++
//-*-===//
#ifndef DL_COMPILER_INITALL_H
#define DL_COMPILER_INITALL_H

namespace mlir {
class DialectRegistry;
}

namespace dlc {

/// The dialects (and their external interface models) that the pipeline
/// creates or reads — nothing more, to keep start-up and links small.
void registerDialects(mlir::DialectRegistry &registry);

/// dl's passes, the conversions out of dl, the named pipelines, and the
/// upstream core transforms (canonicalize, cse, ...) that lit tests use.
void registerPasses();

} // namespace dlc

#endif // DL_COMPILER_INITALL_H
