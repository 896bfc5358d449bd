//===- dlc.cpp - the dl model compiler driver -----------------------------===//
#include "dl/Compiler/Driver.h"
#include "dl/Compiler/GradCheck.h"
#include "dl/Compiler/InitAll.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
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

// dlc gradcheck model.dl
cl::SubCommand gradcheck("gradcheck",
                         "Compare the model's compiled gradients with finite "
                         "differences of its loss");
cl::opt<std::string> gcInput(cl::Positional, cl::desc("<model.dl>"),
                             cl::Required, cl::sub(gradcheck));
cl::opt<int64_t> gcBatch("batch", cl::desc("Batch size (default 4)"),
                         cl::init(4), cl::sub(gradcheck));
cl::opt<uint64_t> gcSeed("seed", cl::desc("Seed of weights and data"),
                         cl::init(0), cl::sub(gradcheck));
cl::opt<int64_t> gcSamples("samples",
                           cl::desc("Elements checked per tensor (default 16)"),
                           cl::init(16), cl::sub(gradcheck));
cl::opt<double> gcStep("step",
                       cl::desc("Half-width of the fitted interval "
                                "(default 2e-2)"),
                       cl::init(2e-2), cl::sub(gradcheck));
cl::opt<double> gcTolerance("tolerance",
                            cl::desc("Largest accepted relative error "
                                     "(default 1e-3)"),
                            cl::init(1e-3), cl::sub(gradcheck));
cl::opt<unsigned> gcOpt("O", cl::desc("Optimisation level (0-3)"), cl::Prefix,
                        cl::init(2), cl::sub(gradcheck));
} // namespace

int main(int argc, char **argv) {
  // --mlir-print-debuginfo and friends for the --emit=dl/linalg/... dumps.
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  dlc::registerPasses(); // first, so --mlir-print-ir-after=dl-autodiff works
  mlir::registerPassManagerCLOptions();
  cl::HideUnrelatedOptions(category);
  if (!cl::ParseCommandLineOptions(argc, argv,
                                   "dlc: compile a .dl model to native code\n",
                                   &llvm::errs()))
    return 1;
  if (gradcheck) {
    if (gcOpt > 3) {
      llvm::errs() << "dlc: error: -O" << gcOpt
                   << " is not a level; use -O0 to -O3\n";
      return 1;
    }
    dlc::GradCheckOptions o;
    o.input = gcInput;
    o.batch = gcBatch;
    o.seed = gcSeed;
    o.samples = gcSamples;
    o.step = gcStep;
    o.tolerance = gcTolerance;
    o.optLevel = gcOpt;
    return dlc::runGradCheck(o);
  }
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
