//===- Arguments.h - checking call-style arguments --------------*- C++ -*-===//
//
// Internal to the frontend. Layers (`dense(128, activation = relu)`), losses
// and optimizers (`adam(learning_rate = 1e-3)`) take arguments the way Python
// calls do; this binds them to a table of options and reads typed values,
// reporting every mismatch as "<owner>: '<option>' expects X, found Y".
//
//===----------------------------------------------------------------------===//
#ifndef DL_LIB_FRONTEND_ARGUMENTS_H
#define DL_LIB_FRONTEND_ARGUMENTS_H

#include "Diagnostics.h"

#include "dl/Frontend/AST.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>

namespace dlc::detail {

struct OptionInfo {
  llvm::StringRef name;
  /// May be passed by position; positional options come first in a table,
  /// in their positional order.
  bool positional = false;
  bool required = false;
};

/// Binds `args` to `options` with Python's rules: positional arguments first,
/// then keywords, each option at most once. `bound` gets one entry per
/// option: the argument that sets it, or null. Options in `notYet` are known
/// but not implemented. Errors name `owner` (e.g. "dense") and point into
/// `args`, or at `ownerLoc` for a missing required option. Returns false if
/// anything was wrong; `bound` is filled as far as possible regardless.
bool bindArguments(DiagEngine &diag, llvm::StringRef owner,
                   llvm::SMLoc ownerLoc, llvm::ArrayRef<ast::Arg> args,
                   llvm::ArrayRef<OptionInfo> options,
                   llvm::ArrayRef<llvm::StringRef> notYet,
                   llvm::SmallVectorImpl<const ast::Arg *> &bound);

/// How a value reads in "found ...": `128`, `1e-3`, `true`, `'relu'`,
/// `'"fc1"'`, `a list`, `'adam(...)'`.
std::string describeValue(const ast::Expr &expr);

/// An integer in [1, 2^31-1].
bool readPositiveInt(DiagEngine &diag, llvm::StringRef owner,
                     llvm::StringRef option, const ast::Expr &expr,
                     int64_t &out);
/// `true` or `false`.
bool readBool(DiagEngine &diag, llvm::StringRef owner, llvm::StringRef option,
              const ast::Expr &expr, bool &out);
/// An integer or floating-point literal.
bool readNumber(DiagEngine &diag, llvm::StringRef owner, llvm::StringRef option,
                const ast::Expr &expr, double &out);
/// A string literal.
bool readString(DiagEngine &diag, llvm::StringRef owner, llvm::StringRef option,
                const ast::Expr &expr, std::string &out);

/// A name from a fixed set, written bare (`relu`) or quoted (`"relu"`).
/// `noun` names the set in messages ("activation"). On success `index` is the
/// position in `supported`. Names in `notYet` are "not supported yet"; any
/// other name is unknown, with a did-you-mean over both lists.
bool readChoice(DiagEngine &diag, llvm::StringRef owner, llvm::StringRef option,
                llvm::StringRef noun, const ast::Expr &expr,
                llvm::ArrayRef<llvm::StringRef> supported,
                llvm::ArrayRef<llvm::StringRef> notYet, unsigned &index);

/// Checks `name` against the two lists as readChoice does, reporting at
/// `loc`.
bool lookupChoice(DiagEngine &diag, llvm::StringRef noun, llvm::StringRef name,
                  llvm::SMLoc loc, llvm::ArrayRef<llvm::StringRef> supported,
                  llvm::ArrayRef<llvm::StringRef> notYet, unsigned &index);

/// Where an argument is, for diagnostics: its keyword, else its value.
inline llvm::SMLoc argLoc(const ast::Arg &arg) {
  return arg.nameLoc.isValid() ? arg.nameLoc : arg.value.loc;
}

} // namespace dlc::detail

#endif // DL_LIB_FRONTEND_ARGUMENTS_H
