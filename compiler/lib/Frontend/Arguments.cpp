//===- Arguments.cpp - checking call-style arguments ----------------------===//

#include "Arguments.h"

#include "dl/Frontend/Lexer.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/Twine.h"

using namespace dlc;
using namespace dlc::detail;
using llvm::SMLoc;
using llvm::StringRef;
using llvm::Twine;

namespace {

std::string joinNames(llvm::ArrayRef<StringRef> names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i)
      out += ", ";
    out += names[i].str();
  }
  return out;
}

const char *article(StringRef noun) {
  return !noun.empty() && StringRef("aeiou").contains(noun.front()) ? "an"
                                                                    : "a";
}

} // namespace

bool dlc::detail::bindArguments(
    DiagEngine &diag, StringRef owner, SMLoc ownerLoc,
    llvm::ArrayRef<ast::Arg> args, llvm::ArrayRef<OptionInfo> options,
    llvm::ArrayRef<StringRef> notYet,
    llvm::SmallVectorImpl<const ast::Arg *> &bound) {
  bound.assign(options.size(), nullptr);
  bool ok = true;
  size_t numPositional = llvm::count_if(
      options, [](const OptionInfo &option) { return option.positional; });
  size_t numGiven = llvm::count_if(
      args, [](const ast::Arg &arg) { return arg.name.empty(); });
  size_t nextPositional = 0;
  bool sawKeyword = false;
  bool reportedTooMany = false;

  for (const ast::Arg &arg : args) {
    if (arg.name.empty()) {
      if (sawKeyword) {
        diag.error(arg.value.loc,
                   owner + ": positional argument follows keyword argument");
        ok = false;
        continue;
      }
      if (nextPositional >= numPositional) {
        if (!reportedTooMany) {
          reportedTooMany = true;
          ok = false;
          if (numPositional == 0) {
            diag.error(arg.value.loc, owner + " takes no positional arguments");
          } else {
            llvm::SmallVector<StringRef> names;
            for (size_t i = 0; i < numPositional; ++i)
              names.push_back(options[i].name);
            diag.error(arg.value.loc,
                       owner + " takes at most " + Twine(numPositional) +
                           " positional argument" +
                           (numPositional == 1 ? "" : "s") + " (" +
                           joinNames(names) + "), found " + Twine(numGiven));
          }
        }
        continue;
      }
      bound[nextPositional++] = &arg;
      continue;
    }

    sawKeyword = true;
    const OptionInfo *option = llvm::find_if(
        options, [&](const OptionInfo &o) { return o.name == arg.name; });
    if (option != options.end()) {
      const ast::Arg *&slot = bound[option - options.begin()];
      if (slot) {
        diag.error(arg.nameLoc, owner + ": option '" + arg.name +
                                    "' is given more than once");
        diag.note(argLoc(*slot), "first given here");
        ok = false;
      } else {
        slot = &arg;
      }
      continue;
    }
    ok = false;
    if (llvm::is_contained(notYet, StringRef(arg.name))) {
      diag.error(arg.nameLoc,
                 owner + ": option '" + arg.name + "' is not supported yet");
      continue;
    }
    llvm::SmallVector<StringRef> candidates;
    for (const OptionInfo &o : options)
      candidates.push_back(o.name);
    candidates.append(notYet.begin(), notYet.end());
    std::string hint = didYouMean(arg.name, candidates);
    if (hint.empty() && !options.empty()) {
      llvm::SmallVector<StringRef> known;
      for (const OptionInfo &o : options)
        known.push_back(o.name);
      hint = " (options: " + joinNames(known) + ")";
    }
    diag.error(arg.nameLoc, owner + ": unknown option '" +
                                escapeForMessage(arg.name) + "'" + hint);
  }

  for (size_t i = 0; i < options.size(); ++i) {
    if (options[i].required && !bound[i]) {
      diag.error(ownerLoc, owner + ": missing required argument '" +
                               options[i].name + "'");
      ok = false;
    }
  }
  return ok;
}

std::string dlc::detail::describeValue(const ast::Expr &expr) {
  switch (expr.kind) {
  case ast::Expr::Kind::Int:
    return expr.text.empty() ? std::to_string(expr.intValue)
                             : escapeForMessage(expr.text);
  case ast::Expr::Kind::Float:
    return expr.text.empty() ? std::to_string(expr.floatValue)
                             : escapeForMessage(expr.text);
  case ast::Expr::Kind::Bool:
    return expr.boolValue ? "true" : "false";
  case ast::Expr::Kind::String:
    return "'\"" + escapeForMessage(expr.text) + "\"'";
  case ast::Expr::Kind::Ident:
    return "'" + escapeForMessage(expr.text) + "'";
  case ast::Expr::Kind::List:
    return "a list";
  case ast::Expr::Kind::Call:
    return "'" + escapeForMessage(expr.text) + "(...)'";
  }
  return "a value";
}

bool dlc::detail::readPositiveInt(DiagEngine &diag, StringRef owner,
                                  StringRef option, const ast::Expr &expr,
                                  int64_t &out) {
  if (expr.kind != ast::Expr::Kind::Int || expr.intValue < 1) {
    diag.error(expr.loc, owner + ": '" + option +
                             "' expects a positive integer, found " +
                             describeValue(expr));
    return false;
  }
  if (expr.intValue > kMaxElements) {
    diag.error(expr.loc, owner + ": '" + option +
                             "' is too large: " + Twine(expr.intValue) +
                             " (the limit is " + Twine(kMaxElements) + ")");
    return false;
  }
  out = expr.intValue;
  return true;
}

bool dlc::detail::readBool(DiagEngine &diag, StringRef owner, StringRef option,
                           const ast::Expr &expr, bool &out) {
  if (expr.kind != ast::Expr::Kind::Bool) {
    diag.error(expr.loc, owner + ": '" + option +
                             "' expects true or false, found " +
                             describeValue(expr));
    return false;
  }
  out = expr.boolValue;
  return true;
}

bool dlc::detail::readNumber(DiagEngine &diag, StringRef owner,
                             StringRef option, const ast::Expr &expr,
                             double &out) {
  if (expr.kind == ast::Expr::Kind::Int) {
    out = static_cast<double>(expr.intValue);
    return true;
  }
  if (expr.kind == ast::Expr::Kind::Float) {
    out = expr.floatValue;
    return true;
  }
  diag.error(expr.loc, owner + ": '" + option + "' expects a number, found " +
                           describeValue(expr));
  return false;
}

bool dlc::detail::readString(DiagEngine &diag, StringRef owner,
                             StringRef option, const ast::Expr &expr,
                             std::string &out) {
  if (expr.kind != ast::Expr::Kind::String) {
    diag.error(expr.loc, owner + ": '" + option +
                             "' expects a string such as \"fc1\", found " +
                             describeValue(expr));
    return false;
  }
  out = expr.text;
  return true;
}

bool dlc::detail::lookupChoice(DiagEngine &diag, StringRef noun, StringRef name,
                               SMLoc loc, llvm::ArrayRef<StringRef> supported,
                               llvm::ArrayRef<StringRef> notYet,
                               unsigned &index) {
  const StringRef *it = llvm::find(supported, name);
  if (it != supported.end()) {
    index = it - supported.begin();
    return true;
  }
  if (llvm::is_contained(notYet, name)) {
    diag.error(loc, noun + " '" + name + "' is not supported yet (supported: " +
                        joinNames(supported) + ")");
    return false;
  }
  llvm::SmallVector<StringRef> candidates(supported.begin(), supported.end());
  candidates.append(notYet.begin(), notYet.end());
  std::string hint = didYouMean(name, candidates);
  if (hint.empty())
    hint = " (supported: " + joinNames(supported) + ")";
  diag.error(loc,
             "unknown " + noun + " '" + escapeForMessage(name) + "'" + hint);
  return false;
}

bool dlc::detail::readChoice(DiagEngine &diag, StringRef owner,
                             StringRef option, StringRef noun,
                             const ast::Expr &expr,
                             llvm::ArrayRef<StringRef> supported,
                             llvm::ArrayRef<StringRef> notYet,
                             unsigned &index) {
  if (expr.kind != ast::Expr::Kind::Ident &&
      expr.kind != ast::Expr::Kind::String) {
    diag.error(expr.loc, owner + ": '" + option + "' expects " + article(noun) +
                             " " + noun + " name such as '" +
                             supported.front() + "', found " +
                             describeValue(expr));
    return false;
  }
  return lookupChoice(diag, noun, expr.text, expr.loc, supported, notYet,
                      index);
}
