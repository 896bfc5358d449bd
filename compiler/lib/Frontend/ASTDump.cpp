//===- ASTDump.cpp - --emit=ast -------------------------------------------===//
//
// One node per line, children indented by two spaces, statements in source
// order, each node followed by @line:col. Positional arguments print as
// `Arg #i`, keyword arguments by name; a leaf value shares its argument's
// line (`Arg activation @5:14 = Ident relu @5:27`).
//
//===----------------------------------------------------------------------===//

#include "dl/Frontend/Frontend.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

using namespace dlc;
using llvm::SMLoc;
using llvm::StringRef;

namespace {

class ASTDumper {
public:
  ASTDumper(llvm::SourceMgr &srcMgr, llvm::raw_ostream &os)
      : srcMgr(srcMgr), os(os) {}

  void dump(const ast::Model &model);

private:
  void printLoc(SMLoc loc);
  void indent(unsigned level) { os.indent(2 * level); }
  /// Prints the rest of the line describing `expr` and any child lines.
  void dumpExpr(const ast::Expr &expr, unsigned level);
  void dumpArg(const ast::Arg &arg, size_t position, unsigned level);
  void dumpInput(const ast::InputDecl &decl);
  void dumpLayer(const ast::LayerStmt &stmt);
  void dumpTrain(const ast::TrainBlock &block);

  llvm::SourceMgr &srcMgr;
  llvm::raw_ostream &os;
};

void printQuoted(llvm::raw_ostream &os, StringRef text) {
  os << '"';
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\')
      os << '\\' << c;
    else if (c == '\n')
      os << "\\n";
    else if (c == '\t')
      os << "\\t";
    else if (u >= 0x20 && u < 0x7f)
      os << c;
    else
      os << "\\x" << llvm::format_hex_no_prefix(u, 2);
  }
  os << '"';
}

void ASTDumper::printLoc(SMLoc loc) {
  if (!loc.isValid() || !srcMgr.FindBufferContainingLoc(loc)) {
    os << " @?";
    return;
  }
  auto [line, col] = srcMgr.getLineAndColumn(loc);
  os << " @" << line << ':' << col;
}

void ASTDumper::dumpExpr(const ast::Expr &expr, unsigned level) {
  switch (expr.kind) {
  case ast::Expr::Kind::Int:
    os << "Int " << expr.intValue;
    break;
  case ast::Expr::Kind::Float:
    os << "Float ";
    if (expr.text.empty())
      os << llvm::format("%g", expr.floatValue);
    else
      os << expr.text;
    break;
  case ast::Expr::Kind::Bool:
    os << "Bool " << (expr.boolValue ? "true" : "false");
    break;
  case ast::Expr::Kind::String:
    os << "String ";
    printQuoted(os, expr.text);
    break;
  case ast::Expr::Kind::Ident:
    os << "Ident " << expr.text;
    break;
  case ast::Expr::Kind::List:
    os << "List";
    break;
  case ast::Expr::Kind::Call:
    os << "Call " << expr.text;
    break;
  }
  printLoc(expr.loc);
  os << '\n';
  if (expr.kind == ast::Expr::Kind::List) {
    for (const ast::Arg &element : expr.args) {
      indent(level + 1);
      dumpExpr(element.value, level + 1);
    }
  } else if (expr.kind == ast::Expr::Kind::Call) {
    for (size_t i = 0; i < expr.args.size(); ++i)
      dumpArg(expr.args[i], i, level + 1);
  }
}

void ASTDumper::dumpArg(const ast::Arg &arg, size_t position, unsigned level) {
  indent(level);
  if (arg.name.empty()) {
    os << "Arg #" << position << " = ";
  } else {
    os << "Arg " << arg.name;
    printLoc(arg.nameLoc);
    os << " = ";
  }
  dumpExpr(arg.value, level);
}

void ASTDumper::dumpInput(const ast::InputDecl &decl) {
  indent(1);
  os << "Input " << decl.name << ": " << decl.dtype << '[';
  for (size_t i = 0; i < decl.dims.size(); ++i) {
    if (i)
      os << ", ";
    if (decl.dims[i] < 0)
      os << '?';
    else
      os << decl.dims[i];
  }
  os << ']';
  printLoc(decl.loc);
  os << '\n';
}

void ASTDumper::dumpLayer(const ast::LayerStmt &stmt) {
  indent(1);
  os << "Layer " << stmt.layer;
  printLoc(stmt.layerLoc);
  os << '\n';
  if (!stmt.result.empty()) {
    indent(2);
    os << "Result " << stmt.result;
    printLoc(stmt.loc);
    os << '\n';
  }
  for (size_t i = 0; i < stmt.args.size(); ++i)
    dumpArg(stmt.args[i], i, 2);
  for (const auto &[name, loc] : stmt.inputs) {
    indent(2);
    os << "InputRef " << name;
    printLoc(loc);
    os << '\n';
  }
}

void ASTDumper::dumpTrain(const ast::TrainBlock &block) {
  indent(1);
  os << "Train";
  printLoc(block.loc);
  os << '\n';
  for (const ast::Arg &entry : block.entries) {
    indent(2);
    os << "Entry " << entry.name;
    printLoc(entry.nameLoc);
    os << " = ";
    dumpExpr(entry.value, 2);
  }
}

void ASTDumper::dump(const ast::Model &model) {
  os << "Model " << model.name;
  printLoc(model.loc);
  os << '\n';

  // The tree groups statements by kind; print them in source order.
  enum class Stmt { Input, Layer, Output, Train };
  struct Item {
    const char *pos;
    Stmt kind;
    size_t index;
  };
  std::vector<Item> items;
  for (size_t i = 0; i < model.inputs.size(); ++i)
    items.push_back({model.inputs[i].loc.getPointer(), Stmt::Input, i});
  for (size_t i = 0; i < model.layers.size(); ++i)
    items.push_back({model.layers[i].loc.getPointer(), Stmt::Layer, i});
  if (model.output)
    items.push_back({model.output->loc.getPointer(), Stmt::Output, 0});
  if (model.train)
    items.push_back({model.train->loc.getPointer(), Stmt::Train, 0});
  llvm::sort(items, [](const Item &a, const Item &b) {
    if (a.pos != b.pos)
      return std::less<const char *>()(a.pos, b.pos);
    return std::make_pair(a.kind, a.index) < std::make_pair(b.kind, b.index);
  });

  for (const Item &item : items) {
    switch (item.kind) {
    case Stmt::Input:
      dumpInput(model.inputs[item.index]);
      break;
    case Stmt::Layer:
      dumpLayer(model.layers[item.index]);
      break;
    case Stmt::Output:
      indent(1);
      os << "Output " << model.output->name;
      printLoc(model.output->loc);
      os << '\n';
      break;
    case Stmt::Train:
      dumpTrain(*model.train);
      break;
    }
  }
}

} // namespace

void dlc::dumpAST(const ast::Model &model, llvm::SourceMgr &srcMgr,
                  llvm::raw_ostream &os) {
  ASTDumper(srcMgr, os).dump(model);
}
