//===- Target.cpp - LLVM dialect to native code
//----------------------------===//
#include "dl/Compiler/Target.h"
#include "dl/Compiler/Model.h"

#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"
#include "llvm/Transforms/IPO/DeadArgumentElimination.h"
#include "llvm/Transforms/Scalar/LoopUnrollPass.h"

#include <algorithm>
#include <mutex>
#include <optional>

namespace dlc {
namespace {

/// An unknown --mcpu is an error here, once, with the closest name: LLVM itself
/// only warns, once per subtarget it creates, and may then fail fatally (an
/// x86-64 triple on a CPU without 64-bit mode).
llvm::Error checkCPU(const llvm::Target &target, const llvm::Triple &triple,
                     llvm::StringRef cpu) {
  std::unique_ptr<llvm::MCSubtargetInfo> sti(
      target.createMCSubtargetInfo(triple, "", ""));
  if (!sti || sti->isCPUStringValid(cpu))
    return llvm::Error::success();
  llvm::StringRef best;
  unsigned bestDistance = std::max<unsigned>(2, cpu.size() / 3) + 1;
  for (const llvm::SubtargetSubTypeKV &kv :
       sti->getAllProcessorDescriptions()) {
    unsigned d =
        cpu.edit_distance(kv.Key, /*AllowReplacements=*/true, bestDistance - 1);
    if (d < bestDistance) {
      bestDistance = d;
      best = kv.Key;
    }
  }
  std::string message =
      "unknown CPU '" + cpu.str() + "' for target '" + triple.str() + "'";
  if (!best.empty())
    message += "; did you mean '" + best.str() + "'?";
  return llvm::createStringError(message);
}

} // namespace

llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const TargetOptions &options) {
  static std::once_flag once;
  std::call_once(once, [] {
    // The two targets dlc links (cmake/StaticLLVM.cmake), not all of
    // Debian's: each one linked costs resident memory in every dlc process.
    LLVMInitializeX86TargetInfo();
    LLVMInitializeX86Target();
    LLVMInitializeX86TargetMC();
    LLVMInitializeX86AsmPrinter();
    LLVMInitializeAArch64TargetInfo();
    LLVMInitializeAArch64Target();
    LLVMInitializeAArch64TargetMC();
    LLVMInitializeAArch64AsmPrinter();
  });
  std::string tripleName = options.triple.empty()
                               ? llvm::sys::getDefaultTargetTriple()
                               : options.triple;
  llvm::Triple triple(tripleName);
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return llvm::createStringError("unknown target triple '" + tripleName +
                                   "': " + error +
                                   "; dlc targets x86-64 and AArch64");
  bool host = options.triple.empty() ||
              triple == llvm::Triple(llvm::sys::getDefaultTargetTriple());
  std::string cpu = options.cpu;
  llvm::SubtargetFeatures f;
  if (cpu.empty() || cpu == "native") {
    if (host) {
      cpu = llvm::sys::getHostCPUName().str();
      for (auto &feature : llvm::sys::getHostCPUFeatures())
        f.AddFeature(feature.first(), feature.second);
    } else {
      cpu = "generic";
    }
  }
  // No AVX-512 scatters: microcoded on the x86 cores that have them (Zen 4
  // and 5, about one element per cycle and worse). LLVM otherwise vectorised
  // the patches of a one-channel convolution across output positions with
  // them (its rows are 9 floats apart): 3.8% of fashion_cnn's step at batch
  // 128, 1.3% as scalar copies.
  if (triple.isX86())
    f.AddFeature("prefer-no-scatter");
  std::string features = f.getString();
  if (cpu == options.cpu)
    if (llvm::Error e = checkCPU(*target, triple, cpu))
      return std::move(e);
  auto level = options.optLevel == 0   ? llvm::CodeGenOptLevel::None
               : options.optLevel == 1 ? llvm::CodeGenOptLevel::Less
               : options.optLevel == 2 ? llvm::CodeGenOptLevel::Default
                                       : llvm::CodeGenOptLevel::Aggressive;
  std::unique_ptr<llvm::TargetMachine> tm(
      target->createTargetMachine(triple, cpu, features, llvm::TargetOptions(),
                                  llvm::Reloc::PIC_, std::nullopt, level));
  if (!tm)
    return llvm::createStringError("cannot create a target machine for '" +
                                   tripleName + "' and cpu '" + cpu + "'");
  return tm;
}

unsigned vectorBitsOf(const llvm::TargetMachine &tm) {
  const llvm::MCSubtargetInfo *sti = tm.getMCSubtargetInfo();
  if (!tm.getTargetTriple().isX86())
    return 128; // NEON and the like: 4 lanes
  return sti->checkFeatures("+avx512f") ? 512
         : sti->checkFeatures("+avx")   ? 256
                                        : 128;
}

std::string flushArchOf(const llvm::TargetMachine &tm) {
  const llvm::Triple &triple = tm.getTargetTriple();
  return triple.isX86() ? "x86" : triple.isAArch64() ? "aarch64" : "";
}

namespace {

/// LLVM's -O pipeline as dlc runs it, with its analysis managers.
struct LLVMPasses {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  std::optional<llvm::PassBuilder> pb;
  llvm::OptimizationLevel level;

  LLVMPasses(llvm::TargetMachine &tm, unsigned optLevel)
      : level(optLevel == 1   ? llvm::OptimizationLevel::O1
              : optLevel == 2 ? llvm::OptimizationLevel::O2
                              : llvm::OptimizationLevel::O3) {
    // No partial or runtime unrolling: the kernels come register-blocked and
    // unrolled from MLIR, and LLVM's late unroller only multiplied the
    // vectorised elementwise loops and their remainders (~12% of compiling
    // the MLP with the code it made; it doubled .text). Full unrolling of
    // loops with small constant trip counts stays (the CNN's pooling windows
    // and filter taps need it), in the place the default pipeline runs it.
    llvm::PipelineTuningOptions tuning;
    tuning.LoopUnrolling = false;
    pb.emplace(&tm, tuning);
    pb->registerLateLoopOptimizationsEPCallback(
        [](llvm::LoopPassManager &lpm, llvm::OptimizationLevel level) {
          lpm.addPass(llvm::LoopFullUnrollPass(level.getSpeedupLevel(),
                                               /*OnlyWhenForced=*/false,
                                               /*ForgetSCEV=*/false));
        });
    pb->registerModuleAnalyses(mam);
    pb->registerCGSCCAnalyses(cgam);
    pb->registerFunctionAnalyses(fam);
    pb->registerLoopAnalyses(lam);
    pb->crossRegisterProxies(lam, fam, cgam, mam);
  }
};

} // namespace

/// The arguments of internal functions that every call passes the same
/// constant: the constant, in the body. LLVM's IPSCCP finds these (and
/// more) on the whole module; emitObjectSplit's partitions would stop it at
/// their borders, and on the whole unoptimised module it costs ~4% of
/// compiling the MLP, this a few microseconds.
static void propagateConstantArguments(llvm::Module &module) {
  for (llvm::Function &f : module) {
    if (!f.hasLocalLinkage() || f.isDeclaration() || f.use_empty())
      continue;
    llvm::SmallVector<llvm::CallBase *> calls;
    for (llvm::User *u : f.users()) {
      auto *call = llvm::dyn_cast<llvm::CallBase>(u);
      if (!call || call->getCalledOperand() != &f)
        break;
      calls.push_back(call);
    }
    if (calls.size() != f.getNumUses())
      continue;
    for (llvm::Argument &arg : f.args()) {
      if (arg.hasPassPointeeByValueCopyAttr())
        continue; // the callee's own copy, not the caller's pointer
      auto *c = llvm::dyn_cast<llvm::Constant>(
          calls.front()->getArgOperand(arg.getArgNo()));
      if (c && llvm::all_of(calls, [&](llvm::CallBase *call) {
            return call->getArgOperand(arg.getArgNo()) == c;
          }))
        arg.replaceAllUsesWith(c);
    }
  }
}

llvm::Expected<std::unique_ptr<llvm::Module>>
translateToLLVMIR(mlir::ModuleOp module, llvm::LLVMContext &ctx,
                  llvm::TargetMachine &tm, unsigned optLevel,
                  LLVMPipeline pipeline) {
  mlir::registerBuiltinDialectTranslation(*module.getContext());
  mlir::registerLLVMDialectTranslation(*module.getContext());
  mlir::registerOpenMPDialectTranslation(*module.getContext()); // --threads
  mlir::TimingScope translateTimer = PassTiming::step("translation to LLVM IR");
  std::unique_ptr<llvm::Module> llvmModule =
      mlir::translateModuleToLLVMIR(module, ctx);
  translateTimer.stop();
  if (!llvmModule)
    return llvm::createStringError("translation to LLVM IR failed");
  // The generated code calls only itself, libc's malloc and free, and
  // OpenMP's runtime: nothing unwinds, and saying so here spares the
  // functions unwind tables even where LLVM would not infer it (across
  // emitObjectSplit's partitions).
  for (llvm::Function &f : *llvmModule)
    if (!f.isIntrinsic())
      f.setDoesNotThrow();
  llvmModule->setTargetTriple(tm.getTargetTriple());
  llvmModule->setDataLayout(tm.createDataLayout());
  if (pipeline == LLVMPipeline::Whole) {
    mlir::TimingScope optTimer = PassTiming::step("LLVM's -O pipeline");
    runLLVMPipeline(*llvmModule, tm, optLevel);
  } else if (optLevel > 0) {
    propagateConstantArguments(*llvmModule);
    mlir::TimingScope optTimer =
        PassTiming::step("LLVM dead argument elimination (whole module)");
    LLVMPasses passes(tm, optLevel);
    llvm::ModulePassManager mpm;
    mpm.addPass(llvm::DeadArgumentEliminationPass());
    mpm.run(*llvmModule, passes.mam);
  }
  return llvmModule;
}

void runLLVMPipeline(llvm::Module &module, llvm::TargetMachine &tm,
                     unsigned optLevel) {
  if (optLevel == 0)
    return;
  LLVMPasses passes(tm, optLevel);
  llvm::ModulePassManager mpm =
      passes.pb->buildPerModuleDefaultPipeline(passes.level);
  mpm.run(module, passes.mam);
}

llvm::Error emitMachineCode(llvm::Module &module, llvm::TargetMachine &tm,
                            llvm::raw_pwrite_stream &os, bool assembly) {
  llvm::legacy::PassManager pm;
  auto kind = assembly ? llvm::CodeGenFileType::AssemblyFile
                       : llvm::CodeGenFileType::ObjectFile;
  if (tm.addPassesToEmitFile(pm, os, nullptr, kind))
    return llvm::createStringError("the target cannot emit this file type");
  pm.run(module);
  return llvm::Error::success();
}

} // namespace dlc
