//===- Parser.cpp - dl language parser ------------------------------------===//
//
// A recursive-descent parser over the Lexer's tokens, with one token of
// lookahead. It stops at the first syntax error: the message names what was
// expected and quotes what was found.
//
//===----------------------------------------------------------------------===//

#include "Diagnostics.h"

#include "dl/Frontend/Frontend.h"
#include "dl/Frontend/Lexer.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

using namespace dlc;
using llvm::SMLoc;
using llvm::StringRef;
using Kind = dlc::Token::Kind;

namespace {

/// `[[[[...]]]]` and `f(g(h(...)))` deeper than this are rejected, which
/// bounds the parser's recursion.
constexpr unsigned kMaxExprDepth = 64;

class Parser {
public:
  Parser(llvm::SourceMgr &srcMgr, StringRef buffer)
      : srcMgr(srcMgr), lexer(buffer), tok(lexer.lex()) {}

  std::optional<ast::Model> parseFile();

private:
  //===--- Tokens ---------------------------------------------------------===//

  void consume() {
    prevEnd = tok.getEndLoc();
    if (ahead) {
      tok = std::move(*ahead);
      ahead.reset();
    } else {
      tok = lexer.lex();
    }
  }
  const Token &peek() {
    if (!ahead)
      ahead = lexer.lex();
    return *ahead;
  }

  //===--- Errors ---------------------------------------------------------===//

  bool fail(SMLoc loc, const llvm::Twine &msg) {
    detail::printDiagnostic(srcMgr, loc, llvm::SourceMgr::DK_Error, msg);
    return false;
  }
  void note(SMLoc loc, const llvm::Twine &msg) {
    detail::printDiagnostic(srcMgr, loc, llvm::SourceMgr::DK_Note, msg);
  }
  /// "expected <what>, found '<tok>'" (or the lexer's message when the
  /// current token is malformed). With `missingPiece` (a ';' or a closing
  /// bracket is missing) or at the end of the file, when the current token
  /// starts a new line, the error points just past the previous token, where
  /// the missing piece belongs.
  bool failExpected(const llvm::Twine &what, bool missingPiece = false);
  /// failExpected plus "to match this '('" at `open`.
  bool failExpectedClosing(const llvm::Twine &what, SMLoc open, char openChar);
  bool expect(Kind kind, const llvm::Twine &what) {
    if (!tok.is(kind))
      return failExpected(what, /*missingPiece=*/kind == Kind::Semi);
    consume();
    return true;
  }

  //===--- Grammar --------------------------------------------------------===//

  bool parseStatement(ast::Model &model, SMLoc lbrace);
  bool parseInput(ast::Model &model);
  bool parseOutput(ast::Model &model);
  bool parseTrain(ast::Model &model);
  bool parseLayer(ast::Model &model);
  bool parseArgList(std::vector<ast::Arg> &args);
  bool parseArg(ast::Arg &arg);
  bool parseExpr(ast::Expr &expr);

  llvm::SourceMgr &srcMgr;
  Lexer lexer;
  Token tok;
  std::optional<Token> ahead;
  SMLoc prevEnd;
  unsigned exprDepth = 0;
};

std::string describe(const Token &tok) {
  if (tok.is(Kind::Eof))
    return "end of file";
  return "'" + escapeForMessage(tok.text) + "'";
}

bool Parser::failExpected(const llvm::Twine &what, bool missingPiece) {
  if (tok.is(Kind::Error))
    return fail(tok.errorLoc, tok.message);
  SMLoc loc = tok.getLoc();
  if ((missingPiece || tok.is(Kind::Eof)) && prevEnd.isValid() &&
      StringRef(prevEnd.getPointer(), loc.getPointer() - prevEnd.getPointer())
          .contains('\n'))
    loc = prevEnd;
  return fail(loc, "expected " + what + ", found " + describe(tok));
}

bool Parser::failExpectedClosing(const llvm::Twine &what, SMLoc open,
                                 char openChar) {
  failExpected(what, /*missingPiece=*/true);
  if (!tok.is(Kind::Error))
    note(open, "to match this '" + llvm::Twine(openChar) + "'");
  return false;
}

std::optional<ast::Model> Parser::parseFile() {
  ast::Model model;
  model.loc = tok.getLoc();
  if (!expect(Kind::KwModel, "'model'"))
    return std::nullopt;
  if (!tok.is(Kind::Ident)) {
    failExpected("a model name");
    return std::nullopt;
  }
  model.name = tok.text.str();
  model.nameLoc = tok.getLoc();
  consume();
  SMLoc lbrace = tok.getLoc();
  if (!expect(Kind::LBrace, "'{'"))
    return std::nullopt;
  while (!tok.is(Kind::RBrace))
    if (!parseStatement(model, lbrace))
      return std::nullopt;
  consume();
  if (!tok.is(Kind::Eof)) {
    failExpected(tok.is(Kind::KwModel)
                     ? "end of file (a file holds exactly one model)"
                     : "end of file");
    return std::nullopt;
  }
  return model;
}

bool Parser::parseStatement(ast::Model &model, SMLoc lbrace) {
  switch (tok.kind) {
  case Kind::KwModel:
  case Kind::KwInput:
  case Kind::KwOutput:
  case Kind::KwTrain:
  case Kind::KwTrue:
  case Kind::KwFalse:
    // `output = dense(10);`: a reserved word used as a value name.
    if (peek().is(Kind::Equal))
      return fail(tok.getLoc(), "'" + tok.text +
                                    "' is a reserved word and cannot name a "
                                    "value; choose another name");
    break;
  default:
    break;
  }
  switch (tok.kind) {
  case Kind::KwInput:
    return parseInput(model);
  case Kind::KwOutput:
    return parseOutput(model);
  case Kind::KwTrain:
    return parseTrain(model);
  case Kind::Ident:
    return parseLayer(model);
  default:
    if (tok.is(Kind::Eof))
      return failExpectedClosing("a layer, 'input', 'output', 'train' or '}'",
                                 lbrace, '{');
    return failExpected("a layer, 'input', 'output', 'train' or '}'");
  }
}

/// input_decl := 'input' [IDENT ':'] IDENT '[' dim {',' dim} ']' ';'
bool Parser::parseInput(ast::Model &model) {
  ast::InputDecl decl;
  decl.loc = tok.getLoc();
  consume();
  if (!tok.is(Kind::Ident))
    return failExpected(
        "an input name or element type (e.g. 'x: f32[28, 28]')");
  Token first = tok;
  consume();
  if (tok.is(Kind::Colon)) {
    consume();
    if (!tok.is(Kind::Ident))
      return failExpected("an element type (e.g. 'f32')");
    decl.name = first.text.str();
    decl.dtype = tok.text.str();
    decl.dtypeLoc = tok.getLoc();
    consume();
  } else {
    if (!tok.is(Kind::LBracket))
      return failExpected("':' or '['");
    decl.name = "x";
    decl.dtype = first.text.str();
    decl.dtypeLoc = first.getLoc();
  }
  SMLoc open = tok.getLoc();
  if (!expect(Kind::LBracket, "'['"))
    return false;
  while (true) {
    if (tok.is(Kind::Int)) {
      decl.dims.push_back(tok.intValue);
    } else if (tok.is(Kind::Question)) {
      decl.dims.push_back(-1);
    } else {
      return failExpected("a dimension (a positive integer or '?')");
    }
    decl.dimLocs.push_back(tok.getLoc());
    consume();
    if (tok.is(Kind::Comma)) {
      consume();
      continue;
    }
    if (tok.is(Kind::RBracket)) {
      consume();
      break;
    }
    return failExpectedClosing("',' or ']'", open, '[');
  }
  if (!expect(Kind::Semi, "';'"))
    return false;
  model.inputs.push_back(std::move(decl));
  return true;
}

/// output_decl := 'output' IDENT ';'
bool Parser::parseOutput(ast::Model &model) {
  if (model.output) {
    fail(tok.getLoc(), "duplicate 'output' declaration");
    note(model.output->loc, "the first 'output' is here");
    return false;
  }
  ast::OutputDecl decl;
  decl.loc = tok.getLoc();
  consume();
  if (!tok.is(Kind::Ident))
    return failExpected("a value name");
  decl.name = tok.text.str();
  decl.nameLoc = tok.getLoc();
  consume();
  if (!expect(Kind::Semi, "';'"))
    return false;
  model.output = std::move(decl);
  return true;
}

/// train_block := 'train' '{' { IDENT '=' expr ';' } '}'
bool Parser::parseTrain(ast::Model &model) {
  if (model.train) {
    fail(tok.getLoc(), "duplicate 'train' block");
    note(model.train->loc, "the first 'train' block is here");
    return false;
  }
  ast::TrainBlock block;
  block.loc = tok.getLoc();
  consume();
  SMLoc open = tok.getLoc();
  if (!expect(Kind::LBrace, "'{'"))
    return false;
  while (!tok.is(Kind::RBrace)) {
    if (!tok.is(Kind::Ident)) {
      const char *what = "a training setting ('loss', 'optimizer', 'metrics') "
                         "or '}'";
      return tok.is(Kind::Eof) ? failExpectedClosing(what, open, '{')
                               : failExpected(what);
    }
    ast::Arg entry;
    entry.name = tok.text.str();
    entry.nameLoc = tok.getLoc();
    consume();
    if (!expect(Kind::Equal, "'='"))
      return false;
    if (!parseExpr(entry.value))
      return false;
    if (!expect(Kind::Semi, "';'"))
      return false;
    block.entries.push_back(std::move(entry));
  }
  consume();
  model.train = std::move(block);
  return true;
}

/// layer_stmt := [IDENT '='] IDENT ['(' args ')'] ['(' IDENT {',' IDENT} ')']
/// ';'
bool Parser::parseLayer(ast::Model &model) {
  ast::LayerStmt stmt;
  stmt.loc = tok.getLoc();
  if (peek().is(Kind::Equal)) {
    stmt.result = tok.text.str();
    consume();
    consume();
    if (!tok.is(Kind::Ident))
      return failExpected("a layer (e.g. 'dense(10)')");
  }
  stmt.layer = tok.text.str();
  stmt.layerLoc = tok.getLoc();
  consume();
  if (tok.is(Kind::LParen) && !parseArgList(stmt.args))
    return false;
  if (tok.is(Kind::LParen)) {
    SMLoc open = tok.getLoc();
    consume();
    stmt.hasInputList = true;
    while (true) {
      if (!tok.is(Kind::Ident))
        return failExpected("a value name");
      stmt.inputs.emplace_back(tok.text.str(), tok.getLoc());
      consume();
      if (tok.is(Kind::Comma)) {
        consume();
        continue;
      }
      if (tok.is(Kind::RParen)) {
        consume();
        break;
      }
      return failExpectedClosing("',' or ')'", open, '(');
    }
    if (!expect(Kind::Semi, "';'"))
      return false;
  } else if (!expect(Kind::Semi, "'(' or ';'")) {
    return false;
  }
  model.layers.push_back(std::move(stmt));
  return true;
}

/// '(' [arg {',' arg} [',']] ')'
bool Parser::parseArgList(std::vector<ast::Arg> &args) {
  SMLoc open = tok.getLoc();
  consume();
  while (!tok.is(Kind::RParen)) {
    ast::Arg arg;
    if (!parseArg(arg))
      return false;
    args.push_back(std::move(arg));
    if (tok.is(Kind::Comma)) {
      consume();
      continue;
    }
    if (!tok.is(Kind::RParen))
      return failExpectedClosing("',' or ')'", open, '(');
  }
  consume();
  return true;
}

/// arg := [IDENT '='] expr
bool Parser::parseArg(ast::Arg &arg) {
  if (tok.is(Kind::Ident) && peek().is(Kind::Equal)) {
    arg.name = tok.text.str();
    arg.nameLoc = tok.getLoc();
    consume();
    consume();
  }
  return parseExpr(arg.value);
}

/// expr := ['-'] (INT | FLOAT) | STRING | 'true' | 'false'
///       | IDENT ['(' args ')'] | '[' [expr {',' expr} [',']] ']'
bool Parser::parseExpr(ast::Expr &expr) {
  if (exprDepth >= kMaxExprDepth)
    return fail(tok.getLoc(), "expression nested too deeply (the limit is " +
                                  llvm::Twine(kMaxExprDepth) + " levels)");
  struct DepthGuard {
    unsigned &depth;
    explicit DepthGuard(unsigned &d) : depth(d) { ++depth; }
    ~DepthGuard() { --depth; }
  } guard(exprDepth);

  expr.loc = tok.getLoc();
  switch (tok.kind) {
  case Kind::Minus: {
    consume();
    if (!tok.is(Kind::Int) && !tok.is(Kind::Float))
      return failExpected("a number after '-'");
    expr.text = "-" + tok.text.str();
    if (tok.is(Kind::Int)) {
      expr.kind = ast::Expr::Kind::Int;
      expr.intValue = -tok.intValue;
    } else {
      expr.kind = ast::Expr::Kind::Float;
      expr.floatValue = -tok.floatValue;
    }
    consume();
    return true;
  }
  case Kind::Int:
    expr.kind = ast::Expr::Kind::Int;
    expr.intValue = tok.intValue;
    expr.text = tok.text.str();
    consume();
    return true;
  case Kind::Float:
    expr.kind = ast::Expr::Kind::Float;
    expr.floatValue = tok.floatValue;
    expr.text = tok.text.str();
    consume();
    return true;
  case Kind::String:
    expr.kind = ast::Expr::Kind::String;
    expr.text = tok.stringValue;
    consume();
    return true;
  case Kind::KwTrue:
  case Kind::KwFalse:
    expr.kind = ast::Expr::Kind::Bool;
    expr.boolValue = tok.is(Kind::KwTrue);
    expr.text = tok.text.str();
    consume();
    return true;
  case Kind::Ident:
    expr.kind = ast::Expr::Kind::Ident;
    expr.text = tok.text.str();
    consume();
    if (tok.is(Kind::LParen)) {
      expr.kind = ast::Expr::Kind::Call;
      return parseArgList(expr.args);
    }
    return true;
  case Kind::LBracket: {
    expr.kind = ast::Expr::Kind::List;
    SMLoc open = tok.getLoc();
    consume();
    while (!tok.is(Kind::RBracket)) {
      ast::Arg element;
      if (!parseExpr(element.value))
        return false;
      expr.args.push_back(std::move(element));
      if (tok.is(Kind::Comma)) {
        consume();
        continue;
      }
      if (!tok.is(Kind::RBracket))
        return failExpectedClosing("',' or ']'", open, '[');
    }
    consume();
    return true;
  }
  case Kind::LParen:
    // Keras writes sizes as tuples, kernel_size=(3, 3); here they are lists.
    return fail(tok.getLoc(), "expected a value, found '('; the language has "
                              "no tuples: write Keras's (3, 3) as a list, "
                              "[3, 3]");
  default:
    return failExpected("a value");
  }
}

} // namespace

std::optional<ast::Model> dlc::parseModel(llvm::SourceMgr &srcMgr,
                                          unsigned bufferId) {
  const llvm::MemoryBuffer *buffer = srcMgr.getMemoryBuffer(bufferId);
  Parser parser(srcMgr, buffer->getBuffer());
  return parser.parseFile();
}
