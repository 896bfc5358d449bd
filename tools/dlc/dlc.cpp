//===- dlc.cpp - the dl model compiler driver -----------------------------===//
#include "dl/Compiler/Driver.h"

#include "llvm/Support/CommandLine.h"

using namespace llvm;

namespace {
cl::OptionCategory category("dlc options");

cl::opt<std::string> input(cl::Positional, cl::desc("<model.dl>"),
                           cl::Required, cl::cat(category));
cl::opt<std::string> output("o", cl::desc("Output file ('-' for stdout)"),
                            cl::value_desc("file"), cl::cat(category));
cl::opt<std::string>
    header("H",
           cl::desc("Write the C header here (default: the object's path "
                    "with .h)"),
           cl::value_desc("file"), cl::cat(category));
cl::opt<dlc::EmitKind> emit(
    "emit", cl::desc("What to produce"), cl::init(dlc::EmitKind::Obj),
    cl::values(
        clEnumValN(dlc::EmitKind::AST, "ast", "the parsed syntax tree"),
        clEnumValN(dlc::EmitKind::DL, "dl", "the dl dialect"),
        clEnumValN(dlc::EmitKind::Linalg, "linalg",
                   "C entry points on linalg/tensor"),
        clEnumValN(dlc::EmitKind::LLVMDialect, "llvm-dialect",
                   "the LLVM dialect"),
        clEnumValN(dlc::EmitKind::LLVMIR, "llvm-ir", "optimised LLVM IR"),
        clEnumValN(dlc::EmitKind::Asm, "asm", "native assembly"),
        clEnumValN(dlc::EmitKind::Obj, "obj", "a native object + header"),
        clEnumValN(dlc::EmitKind::Header, "header", "only the C header")),
    cl::cat(category));
cl::opt<unsigned> optLevel("O", cl::desc("Optimisation level (0-3)"),
                           cl::Prefix, cl::init(2), cl::cat(category));
cl::opt<std::string> mcpu("mcpu", cl::desc("Target CPU (default: host)"),
                          cl::cat(category));
cl::opt<std::string> triple("target-triple",
                            cl::desc("Target triple (default: host)"),
                            cl::cat(category));
cl::opt<std::string> prefix("model-prefix",
                            cl::desc("Prefix of the generated C symbols "
                                     "(default: the model's name)"),
                            cl::cat(category));
cl::opt<bool> summary("summary", cl::desc("Print a Keras-like layer table"),
                      cl::cat(category));
} // namespace

int main(int argc, char **argv) {
  cl::HideUnrelatedOptions(category);
  if (!cl::ParseCommandLineOptions(argc, argv,
                                   "dlc: compile a .dl model to native code\n",
                                   &llvm::errs()))
    return 1;
  if (optLevel > 3) {
    llvm::errs() << "dlc: error: -O" << optLevel << " is not a level; use -O0 to -O3\n";
    return 1;
  }
  dlc::CompileRequest r;
  r.input = input;
  r.output = output;
  r.header = header;
  r.emit = emit;
  r.summary = summary;
  r.optLevel = optLevel;
  r.cpu = mcpu;
  r.triple = triple;
  r.prefix = prefix;
  return dlc::compile(r);
}
