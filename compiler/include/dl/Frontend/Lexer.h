//===- Lexer.h - dl language tokenizer --------------------------*- C++ -*-===//
//
// Splits a source buffer into tokens. The lexer never fails: a malformed
// piece of input becomes a Token::Error carrying its message, and the end of
// the buffer (not a NUL byte) is Token::Eof, returned again on every call.
//
//===----------------------------------------------------------------------===//
#ifndef DL_FRONTEND_LEXER_H
#define DL_FRONTEND_LEXER_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SMLoc.h"

#include <cstdint>
#include <string>

namespace dlc {

struct Token {
  enum class Kind {
    Eof,
    Error, ///< `message` says what is wrong; `text` is the offending input.
    Ident,
    Int,
    Float,
    String,
    // Reserved words.
    KwModel,
    KwInput,
    KwOutput,
    KwTrain,
    KwTrue,
    KwFalse,
    // Punctuation.
    LBrace,
    RBrace,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Semi,
    Equal,
    Colon,
    Question,
    Minus,
  };

  Kind kind = Kind::Eof;
  /// The token's spelling in the buffer (for a string, with its quotes).
  llvm::StringRef text;
  int64_t intValue = 0;
  double floatValue = 0;
  std::string stringValue; ///< A string literal's contents, escapes decoded.
  std::string message;     ///< Kind::Error only.
  /// Kind::Error only: where the message points, when not at the token start
  /// (e.g. a bad escape inside a string).
  llvm::SMLoc errorLoc;

  bool is(Kind k) const { return kind == k; }
  llvm::SMLoc getLoc() const {
    return llvm::SMLoc::getFromPointer(text.data());
  }
  /// One past the last character of the token.
  llvm::SMLoc getEndLoc() const {
    return llvm::SMLoc::getFromPointer(text.data() + text.size());
  }
};

class Lexer {
public:
  /// `buffer` must outlive the lexer and every token it returns. A UTF-8 byte
  /// order mark at its start is skipped.
  explicit Lexer(llvm::StringRef buffer);

  Token lex();

private:
  Token make(Token::Kind kind, const char *start);
  Token makeError(const char *start, const char *end, std::string message);
  void skipWhitespaceAndComments();
  Token lexIdentifier(const char *start);
  Token lexNumber(const char *start);
  Token lexString(const char *start);
  Token lexUnexpected(const char *start);

  const char *cur;
  const char *end;
};

/// Renders `text` for a diagnostic: printable ASCII and well-formed printable
/// UTF-8 as is, everything else as `\xNN`; cut to about `maxChars` characters
/// with "..." appended when longer.
std::string escapeForMessage(llvm::StringRef text, size_t maxChars = 40);

} // namespace dlc

#endif // DL_FRONTEND_LEXER_H
