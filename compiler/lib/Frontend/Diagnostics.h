//===- Diagnostics.h - frontend diagnostic helpers --------------*- C++ -*-===//
//
// Internal to the frontend: printing errors through the SourceMgr, capping
// their number, did-you-mean suggestions and shape formatting.
//
//===----------------------------------------------------------------------===//
#ifndef DL_LIB_FRONTEND_DIAGNOSTICS_H
#define DL_LIB_FRONTEND_DIAGNOSTICS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/SourceMgr.h"

#include <cstdint>
#include <string>

namespace dlc::detail {

/// Prints one diagnostic. Ordinary source lines go straight through
/// SourceMgr::PrintMessage; a line that is very long or holds non-printable
/// or non-ASCII bytes is shown as an escaped window around the location, so
/// the caret stays right and binary input cannot garble the terminal.
void printDiagnostic(llvm::SourceMgr &srcMgr, llvm::SMLoc loc,
                     llvm::SourceMgr::DiagKind kind, const llvm::Twine &msg);

/// Counts errors and stops printing after `maxErrors` of them.
class DiagEngine {
public:
  explicit DiagEngine(llvm::SourceMgr &srcMgr, unsigned maxErrors = 20)
      : srcMgr(srcMgr), maxErrors(maxErrors) {}

  void error(llvm::SMLoc loc, const llvm::Twine &msg);
  void warning(llvm::SMLoc loc, const llvm::Twine &msg);
  /// Attached to the previous error or warning; dropped with it.
  void note(llvm::SMLoc loc, const llvm::Twine &msg);

  unsigned getNumErrors() const { return numErrors; }
  bool hadError() const { return numErrors != 0; }
  /// True once no further error will be printed: skip costly messages.
  bool saturated() const { return numErrors >= maxErrors; }
  llvm::SourceMgr &getSourceMgr() const { return srcMgr; }

private:
  llvm::SourceMgr &srcMgr;
  unsigned maxErrors;
  unsigned numErrors = 0;
  bool lastDropped = false;
};

/// "; did you mean 'dense'?" when one of `candidates` is close to `name`
/// (case-insensitive edit distance at most max(2, len/3), and not a
/// replacement of every character), otherwise "".
std::string didYouMean(llvm::StringRef name,
                       llvm::ArrayRef<llvm::StringRef> candidates);

/// "f32[28, 28]"; -1 prints as "?".
std::string formatShape(llvm::ArrayRef<int64_t> dims);

/// 101770 -> "101,770".
std::string withThousandsSeparators(int64_t value);

/// The largest element count of any tensor and the largest dimension.
constexpr int64_t kMaxElements = 2147483647;

} // namespace dlc::detail

#endif // DL_LIB_FRONTEND_DIAGNOSTICS_H
