//===- FrontendFuzzer.cpp - libFuzzer target: lexer, parser, sema ---------===//
//
// Any bytes as a .dl file: parse, dump the AST, check, print the summary.
// Errors are expected (and printed to stderr, which scripts/fuzz.sh
// discards); crashes, sanitizer reports and hangs are the findings.
//
//===----------------------------------------------------------------------===//
#include "dl/Frontend/Frontend.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::SourceMgr srcMgr;
  unsigned id = srcMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(
          llvm::StringRef(reinterpret_cast<const char *>(data), size),
          "fuzz.dl"),
      llvm::SMLoc());
  std::optional<dlc::ast::Model> model = dlc::parseModel(srcMgr, id);
  if (!model)
    return 0;
  std::string text;
  llvm::raw_string_ostream os(text);
  dlc::dumpAST(*model, srcMgr, os);
  std::optional<dlc::ModelSpec> spec = dlc::checkModel(*model, srcMgr);
  if (spec)
    dlc::printSummary(*spec, os);
  return 0;
}
