//===- Lexer.cpp - dl language tokenizer ----------------------------------===//
//
// Tokens: identifiers and reserved words, integer and floating-point
// literals, double-quoted strings and one-character punctuation. `#` and `//`
// start a comment that runs to the end of the line.
//
//===----------------------------------------------------------------------===//

#include "dl/Frontend/Lexer.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Unicode.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstdlib>
#include <limits>

using namespace dlc;
using llvm::StringRef;

namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool isIdentChar(char c) { return isIdentStart(c) || isDigit(c); }

/// Length of the well-formed UTF-8 sequence at `p`, or 0 if there is none.
unsigned utf8SequenceLength(const char *p, const char *end) {
  auto *s = reinterpret_cast<const llvm::UTF8 *>(p);
  unsigned n = llvm::getNumBytesForUTF8(*s);
  if (n < 2 || n > 4 || static_cast<size_t>(end - p) < n)
    return 0;
  if (!llvm::isLegalUTF8Sequence(s, s + n))
    return 0;
  return n;
}

} // namespace

std::string dlc::escapeForMessage(StringRef text, size_t maxChars) {
  std::string out;
  llvm::raw_string_ostream os(out);
  const char *p = text.begin(), *end = text.end();
  size_t chars = 0;
  while (p != end) {
    if (chars == maxChars) {
      os << "...";
      break;
    }
    ++chars;
    unsigned char c = static_cast<unsigned char>(*p);
    if (c >= 0x20 && c < 0x7f) {
      os << *p++;
      continue;
    }
    if (c == '\t' || c == '\n' || c == '\r') {
      os << (c == '\t' ? "\\t" : c == '\n' ? "\\n" : "\\r");
      ++p;
      continue;
    }
    if (unsigned n = c >= 0x80 ? utf8SequenceLength(p, end) : 0) {
      const auto *s = reinterpret_cast<const llvm::UTF8 *>(p);
      llvm::UTF32 cp = 0;
      llvm::UTF32 *cpEnd = &cp + 1;
      llvm::UTF32 *cpOut = &cp;
      if (llvm::ConvertUTF8toUTF32(&s, s + n, &cpOut, cpEnd,
                                   llvm::strictConversion) ==
              llvm::conversionOK &&
          llvm::sys::unicode::isPrintable(cp)) {
        os << StringRef(p, n);
      } else {
        os << "\\u" << llvm::format_hex_no_prefix(cp, 4, /*Upper=*/true);
      }
      p += n;
      continue;
    }
    os << "\\x" << llvm::format_hex_no_prefix(c, 2);
    ++p;
  }
  return out;
}

Lexer::Lexer(StringRef buffer) : cur(buffer.begin()), end(buffer.end()) {
  if (buffer.starts_with("\xEF\xBB\xBF"))
    cur += 3;
}

Token Lexer::make(Token::Kind kind, const char *start) {
  Token tok;
  tok.kind = kind;
  tok.text = StringRef(start, cur - start);
  return tok;
}

Token Lexer::makeError(const char *start, const char *stop,
                       std::string message) {
  cur = stop;
  Token tok = make(Token::Kind::Error, start);
  tok.message = std::move(message);
  tok.errorLoc = llvm::SMLoc::getFromPointer(start);
  return tok;
}

void Lexer::skipWhitespaceAndComments() {
  while (cur != end) {
    char c = *cur;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
        c == '\v') {
      ++cur;
      continue;
    }
    if (c == '#' || (c == '/' && cur + 1 != end && cur[1] == '/')) {
      while (cur != end && *cur != '\n')
        ++cur;
      continue;
    }
    return;
  }
}

Token Lexer::lex() {
  skipWhitespaceAndComments();
  const char *start = cur;
  if (cur == end)
    return make(Token::Kind::Eof, start);

  char c = *cur;
  if (isIdentStart(c))
    return lexIdentifier(start);
  if (isDigit(c) || (c == '.' && cur + 1 != end && isDigit(cur[1])))
    return lexNumber(start);
  if (c == '"')
    return lexString(start);

  Token::Kind kind;
  switch (c) {
  case '{':
    kind = Token::Kind::LBrace;
    break;
  case '}':
    kind = Token::Kind::RBrace;
    break;
  case '(':
    kind = Token::Kind::LParen;
    break;
  case ')':
    kind = Token::Kind::RParen;
    break;
  case '[':
    kind = Token::Kind::LBracket;
    break;
  case ']':
    kind = Token::Kind::RBracket;
    break;
  case ',':
    kind = Token::Kind::Comma;
    break;
  case ';':
    kind = Token::Kind::Semi;
    break;
  case '=':
    kind = Token::Kind::Equal;
    break;
  case ':':
    kind = Token::Kind::Colon;
    break;
  case '?':
    kind = Token::Kind::Question;
    break;
  case '-':
    kind = Token::Kind::Minus;
    break;
  default:
    return lexUnexpected(start);
  }
  ++cur;
  return make(kind, start);
}

Token Lexer::lexIdentifier(const char *start) {
  while (cur != end && isIdentChar(*cur))
    ++cur;
  StringRef text(start, cur - start);
  Token::Kind kind = llvm::StringSwitch<Token::Kind>(text)
                         .Case("model", Token::Kind::KwModel)
                         .Case("input", Token::Kind::KwInput)
                         .Case("output", Token::Kind::KwOutput)
                         .Case("train", Token::Kind::KwTrain)
                         .Case("true", Token::Kind::KwTrue)
                         .Case("false", Token::Kind::KwFalse)
                         .Default(Token::Kind::Ident);
  return make(kind, start);
}

Token Lexer::lexNumber(const char *start) {
  bool isFloat = false;
  while (cur != end && isDigit(*cur))
    ++cur;
  if (cur != end && *cur == '.') {
    isFloat = true;
    ++cur;
    while (cur != end && isDigit(*cur))
      ++cur;
  }
  if (cur != end && (*cur == 'e' || *cur == 'E')) {
    const char *p = cur + 1;
    if (p != end && (*p == '+' || *p == '-'))
      ++p;
    if (p != end && isDigit(*p)) {
      isFloat = true;
      cur = p;
      while (cur != end && isDigit(*cur))
        ++cur;
    }
  }
  // A letter, digit, '_' or '.' right after a number is a malformed literal
  // such as `28x28`, `1e`, `1.2.3` or `0x10`.
  if (cur != end && (isIdentChar(*cur) || *cur == '.')) {
    const char *stop = cur;
    while (stop != end && (isIdentChar(*stop) || *stop == '.'))
      ++stop;
    return makeError(start, stop,
                     "invalid numeric literal '" +
                         escapeForMessage(StringRef(start, stop - start)) +
                         "'");
  }

  StringRef text(start, cur - start);
  if (!isFloat) {
    int64_t value = 0;
    for (char d : text) {
      int digit = d - '0';
      if (value > (std::numeric_limits<int64_t>::max() - digit) / 10)
        return makeError(start, cur,
                         "integer literal is too large (the maximum is "
                         "9223372036854775807)");
      value = value * 10 + digit;
    }
    Token tok = make(Token::Kind::Int, start);
    tok.intValue = value;
    return tok;
  }

  // strtod accepts every spelling above; the lexer never calls setlocale, so
  // the decimal point is '.'. Values below the double range round to 0.
  std::string copy = text.str();
  double value = std::strtod(copy.c_str(), nullptr);
  if (std::isinf(value))
    return makeError(start, cur,
                     "floating-point literal is too large (the maximum is "
                     "about 1.8e308)");
  Token tok = make(Token::Kind::Float, start);
  tok.floatValue = value;
  return tok;
}

Token Lexer::lexString(const char *start) {
  std::string value;
  const char *p = start + 1;
  while (true) {
    if (p == end || *p == '\n' || *p == '\r')
      return makeError(start, p,
                       "unterminated string literal; add the "
                       "closing '\"'");
    if (*p == '"')
      break;
    if (*p == '\\') {
      const char *escape = p;
      char next = p + 1 != end ? p[1] : '\0';
      switch (next) {
      case '"':
        value += '"';
        break;
      case '\\':
        value += '\\';
        break;
      case 'n':
        value += '\n';
        break;
      case 't':
        value += '\t';
        break;
      default: {
        if (p + 1 == end || next == '\n' || next == '\r')
          return makeError(start, p + 1,
                           "unterminated string literal; add the closing "
                           "'\"'");
        unsigned n = static_cast<unsigned char>(next) >= 0x80
                         ? utf8SequenceLength(p + 1, end)
                         : 0;
        const char *after = p + 1 + (n ? n : 1);
        Token tok =
            makeError(start, after,
                      "unknown escape sequence '\\" +
                          escapeForMessage(StringRef(p + 1, after - (p + 1))) +
                          "' in string literal (known: \\\" \\\\ \\n \\t)");
        tok.errorLoc = llvm::SMLoc::getFromPointer(escape);
        return tok;
      }
      }
      p += 2;
      continue;
    }
    value += *p++;
  }
  cur = p + 1;
  Token tok = make(Token::Kind::String, start);
  tok.stringValue = std::move(value);
  return tok;
}

Token Lexer::lexUnexpected(const char *start) {
  unsigned n = static_cast<unsigned char>(*start) >= 0x80
                   ? utf8SequenceLength(start, end)
                   : 0;
  const char *stop = start + (n ? n : 1);
  std::string message = "unexpected character '" +
                        escapeForMessage(StringRef(start, stop - start)) + "'";
  if (*start == '\'')
    message += "; strings are written with double quotes";
  return makeError(start, stop, std::move(message));
}
