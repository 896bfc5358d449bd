//===- Driver.cpp - compile a .dl file: the library behind `dlc`
//-----------===//
#include "dl/Compiler/Driver.h"
#include "dl/Compiler/Checkpoint.h"
#include "dl/Compiler/Header.h"
#include "dl/Compiler/Model.h"
#include "dl/Compiler/Pipeline.h"
#include "dl/Compiler/SplitCodegen.h"
#include "dl/Compiler/Target.h"
#include "dl/Dialect/DL/IR/DLContract.h"
#include "dl/Frontend/Frontend.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

#include <fmt/format.h>

namespace dlc {

llvm::raw_ostream &error() {
  return llvm::WithColor::error(llvm::errs(), "dlc");
}

bool checkFlagRange(const char *flag, int64_t value, int64_t lo, int64_t hi) {
  if (value >= lo && value <= hi)
    return true;
  if (hi == std::numeric_limits<int64_t>::max())
    error() << fmt::format("{} must be at least {}, got {}\n", flag, lo, value);
  else
    error() << fmt::format("{} must be between {} and {}, got {}\n", flag, lo,
                           hi, value);
  return false;
}

namespace {

int fail(const llvm::Twine &message) {
  error() << message << "\n";
  return 1;
}

std::string defaultOutput(const CompileRequest &r) {
  if (!r.output.empty())
    return r.output;
  llvm::SmallString<128> path(llvm::sys::path::filename(r.input));
  switch (r.emit) {
  case EmitKind::Obj:
    llvm::sys::path::replace_extension(path, ".o");
    return std::string(path);
  default:
    return "-";
  }
}

/// Opens `path` for writing ("-" is stdout); kept only on success.
std::unique_ptr<llvm::ToolOutputFile> open(const std::string &path,
                                           bool binary) {
  std::error_code ec;
  auto file = std::make_unique<llvm::ToolOutputFile>(
      path, ec, binary ? llvm::sys::fs::OF_None : llvm::sys::fs::OF_Text);
  if (ec) {
    fail("cannot write '" + path + "': " + ec.message());
    return nullptr;
  }
  return file;
}

int writeText(const std::string &path, llvm::StringRef text) {
  auto file = open(path, false);
  if (!file)
    return 1;
  file->os() << text;
  file->keep();
  return 0;
}

} // namespace

int compile(const CompileRequest &r) {
  // A model read from stdin has no name to derive the object's from ("-.o").
  if (r.input == "-" && r.output.empty() && (r.emit == EmitKind::Obj) &&
      !r.summary)
    return fail("the model comes from stdin: name the object with -o <file> "
                "(-o - writes it to stdout)");
  if (r.emit == EmitKind::AST) {
    auto buffer = llvm::MemoryBuffer::getFileOrSTDIN(r.input, /*IsText=*/true);
    if (std::error_code ec = buffer.getError())
      return fail("cannot read '" + r.input + "': " + ec.message());
    llvm::SourceMgr srcMgr;
    unsigned id = srcMgr.AddNewSourceBuffer(std::move(*buffer), {});
    std::optional<ast::Model> model = parseModel(srcMgr, id);
    if (!model)
      return 1;
    auto file = open(defaultOutput(r), false);
    if (!file)
      return 1;
    dumpAST(*model, srcMgr, file->os());
    file->keep();
    return 0;
  }
  std::unique_ptr<SourceModel> source = loadSourceModel(r.input);
  if (!source)
    return 1;
  const ModelSpec &spec = source->spec;
  if (r.summary) {
    printSummary(spec, llvm::outs());
    return 0;
  }
  const std::string prefix = r.prefix.empty() ? spec.name : r.prefix;
  if (r.writableWeights && r.weights.empty())
    return fail("--writable-weights needs --weights <checkpoint>");
  const WeightsMode mode = r.weights.empty()   ? WeightsMode::Buffer
                           : r.writableWeights ? WeightsMode::BakedWritable
                                               : WeightsMode::BakedConst;
  std::vector<float> weights;
  if (!r.weights.empty()) {
    weights.resize(spec.numParams());
    if (!loadParams(spec, r.weights, weights, /*verbose=*/false,
                    /*requireAll=*/true))
      return 1;
  }
  const std::string sourceName = llvm::sys::path::filename(r.input).str();
  if (r.emit == EmitKind::Header)
    return writeText(defaultOutput(r),
                     emitHeader(spec, prefix, sourceName, mode));

  std::unique_ptr<mlir::MLIRContext> ctx = createContext();
  mlir::SourceMgrDiagnosticHandler diagnostics(source->srcMgr, ctx.get());
  mlir::OwningOpRef<mlir::ModuleOp> module =
      generateForwardModule(*ctx, *source);
  if (!module)
    return 1;
  if (r.emit != EmitKind::DLForward && failed(runDLPipeline(*module)))
    return 1;
  if (!weights.empty()) {
    auto type = mlir::RankedTensorType::get({int64_t(weights.size())},
                                            mlir::Float32Type::get(ctx.get()));
    (*module)->setAttr(
        mlir::dl::kWeightsAttr,
        mlir::DenseElementsAttr::get(type, llvm::ArrayRef<float>(weights)));
    if (r.writableWeights)
      (*module)->setAttr(mlir::dl::kWritableWeightsAttr,
                         mlir::UnitAttr::get(ctx.get()));
  }

  auto printModule = [&]() {
    auto file = open(defaultOutput(r), false);
    if (!file)
      return 1;
    module->print(file->os());
    file->keep();
    return 0;
  };
  if (r.emit == EmitKind::DL || r.emit == EmitKind::DLForward)
    return printModule();

  // The target first: its vector width shapes the kernels.
  auto tm = createTargetMachine({r.triple, r.cpu, r.optLevel});
  if (!tm)
    return fail(llvm::toString(tm.takeError()));
  PipelineOptions pipeline{prefix, r.optLevel, r.threads, vectorBitsOf(**tm),
                           r.flushDenormals ? flushArchOf(**tm) : ""};
  mlir::PassManager toLinalg(ctx.get());
  configurePassManager(toLinalg);
  buildDLToLinalgPipeline(toLinalg, pipeline);
  if (failed(runPipeline(toLinalg, *module)))
    return 1;
  if (r.emit == EmitKind::Linalg)
    return printModule();

  mlir::PassManager toLLVM(ctx.get());
  configurePassManager(toLLVM);
  buildLinalgToLLVMPipeline(toLLVM, pipeline);
  if (failed(runPipeline(toLLVM, *module)))
    return 1;
  if (r.emit == EmitKind::LLVMDialect)
    return printModule();

  const std::string outPath = defaultOutput(r);
  if (r.emit == EmitKind::Obj) {
    if (outPath == "-" && r.header.empty())
      llvm::WithColor::note(llvm::errs(), "dlc")
          << "the object goes to stdout (-o -), the header nowhere: name it "
             "with -H <file>\n";
    auto file = open(outPath, true);
    if (!file)
      return 1;
    ObjectOptions object{r.optLevel, r.codegenThreads, prefix, sourceName,
                         prefix};
    if (llvm::Error e = emitModuleObject(
            *module, **tm, object,
            [&] { return createTargetMachine({r.triple, r.cpu, r.optLevel}); },
            file->os()))
      return fail(llvm::toString(std::move(e)));
    std::string headerPath = r.header;
    if (headerPath.empty() && outPath != "-") {
      llvm::SmallString<128> p(outPath);
      llvm::sys::path::replace_extension(p, ".h");
      headerPath = std::string(p);
    }
    if (!headerPath.empty() &&
        writeText(headerPath, emitHeader(spec, prefix, sourceName, mode)))
      return 1;
    file->keep();
    return 0;
  }

  // LLVM IR or assembly: the whole -O pipeline, one code generator.
  llvm::LLVMContext llvmCtx;
  auto llvmModule = translateToLLVMIR(*module, llvmCtx, **tm, r.optLevel);
  if (!llvmModule)
    return fail(llvm::toString(llvmModule.takeError()));
  (*llvmModule)->setSourceFileName(sourceName);
  (*llvmModule)->setModuleIdentifier(prefix);
  if (r.emit == EmitKind::LLVMIR) {
    auto file = open(outPath, false);
    if (!file)
      return 1;
    (*llvmModule)->print(file->os(), nullptr);
    file->keep();
    return 0;
  }
  auto file = open(outPath, false);
  if (!file)
    return 1;
  mlir::TimingScope codegenTimer = PassTiming::step("LLVM code generation");
  if (llvm::Error e = emitMachineCode(**llvmModule, **tm, file->os(), true))
    return fail(llvm::toString(std::move(e)));
  codegenTimer.stop();
  file->keep();
  return 0;
}

} // namespace dlc
