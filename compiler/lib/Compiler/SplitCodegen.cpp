//===- SplitCodegen.cpp - one object from code generators run in parallel -===//
//
// LLVM's code generator is about half of compiling a model and runs on one
// thread. Here the optimised module is split into partitions of about equal
// size, each partition is compiled on its own thread (its own LLVMContext and
// TargetMachine, as LLVM's ParallelCG does), and lld joins the partial
// objects into the one relocatable object the user asked for (`ld.lld -r`,
// in process: no external tool).
//
//===----------------------------------------------------------------------===//
#include "dl/Compiler/SplitCodegen.h"
#include "dl/Compiler/Model.h"

#include "lld/Common/Driver.h"
#include "llvm/ADT/EquivalenceClasses.h"
#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/Bitcode/BitcodeWriter.h"
#include "llvm/IR/InstrTypes.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Transforms/Utils/Cloning.h"

#include <thread>

LLD_HAS_DRIVER(elf)

namespace dlc {
namespace {

/// Object code for one partition (optimised first, with `optimizeAt`).
llvm::Expected<llvm::SmallString<0>>
compilePartition(llvm::Module &module, llvm::TargetMachine &tm,
                 std::optional<unsigned> optimizeAt) {
  if (optimizeAt)
    runLLVMPipeline(module, tm, *optimizeAt);
  llvm::SmallString<0> object;
  llvm::raw_svector_ostream os(object);
  if (llvm::Error e = emitMachineCode(module, tm, os, /*assembly=*/false))
    return std::move(e);
  return object;
}

/// The same for a partition written as bitcode, read into a context of its
/// own.
llvm::Expected<llvm::SmallString<0>>
compilePartition(llvm::StringRef bitcode, llvm::TargetMachine &tm,
                 std::optional<unsigned> optimizeAt) {
  llvm::LLVMContext ctx;
  auto module =
      llvm::parseBitcodeFile(llvm::MemoryBufferRef(bitcode, "partition"), ctx);
  if (!module)
    return module.takeError();
  return compilePartition(**module, tm, optimizeAt);
}

/// A temporary file removed when this goes out of scope.
struct TempFile {
  llvm::SmallString<128> path;
  std::optional<llvm::FileRemover> remover;
  llvm::Error create(llvm::StringRef contents) {
    int fd;
    if (std::error_code ec =
            llvm::sys::fs::createTemporaryFile("dlc-part", "o", fd, path))
      return llvm::createStringError("cannot create a temporary file: " +
                                     ec.message());
    remover.emplace(path);
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << contents;
    os.close();
    if (os.has_error())
      return llvm::createStringError("cannot write " + path.str() + ": " +
                                     os.error().message());
    return llvm::Error::success();
  }
};

} // namespace

bool canSplitCodegen(const llvm::TargetMachine &tm, unsigned partitions) {
  return partitions > 1 && tm.getTargetTriple().isOSBinFormatELF();
}

/// Whether `f` is a kernel that LLVM may inline: internal, not `noinline`,
/// and only called. dl-outline-linalg marks the kernels with several callers
/// `noinline`; those with one are left for LLVM to inline into it.
static bool isInlinable(const llvm::Function &f) {
  if (!f.hasLocalLinkage() || f.isDeclaration() ||
      f.hasFnAttribute(llvm::Attribute::NoInline))
    return false;
  return llvm::all_of(f.users(), [&](const llvm::User *u) {
    auto *call = llvm::dyn_cast<llvm::CallBase>(u);
    return call && call->getCalledOperand() == &f;
  });
}

/// Whether each partition that uses `gv` gets a copy of it, internal: an
/// inlinable kernel (in the one partition of its callers) or a constant
/// (whose loads LLVM folds only where it sees the initializer).
static bool isCopiedToUsers(const llvm::GlobalValue &gv) {
  if (auto *f = llvm::dyn_cast<llvm::Function>(&gv))
    return isInlinable(*f);
  auto *var = llvm::dyn_cast<llvm::GlobalVariable>(&gv);
  return var && var->hasLocalLinkage() && var->isConstant() &&
         var->hasInitializer();
}

llvm::Error emitObjectSplit(llvm::Module &module,
                            llvm::ArrayRef<llvm::TargetMachine *> machines,
                            llvm::StringRef symbolPrefix,
                            llvm::raw_pwrite_stream &os,
                            std::optional<unsigned> optimizeAt) {
  // An inlinable kernel goes to the partition of its callers, so that each
  // partition's inliner sees what the whole module's would: the functions
  // are grouped (union-find) with the callers of the inlinable ones.
  llvm::EquivalenceClasses<const llvm::Function *> groups;
  for (const llvm::Function &f : module) {
    if (f.isDeclaration())
      continue;
    groups.insert(&f);
    if (isInlinable(f))
      for (const llvm::User *u : f.users())
        groups.unionSets(&f, llvm::cast<llvm::CallBase>(u)->getFunction());
  }

  // Splitting turns the module's other internal symbols (the shared kernels,
  // their constants) into hidden globals that the partitions reference
  // across. The model's prefix keeps them apart from another model's in one
  // program.
  for (llvm::GlobalValue &gv : module.global_values()) {
    if (!gv.hasLocalLinkage())
      continue;
    if (isCopiedToUsers(gv))
      continue;
    gv.setName(symbolPrefix + "." +
               (gv.hasName() ? gv.getName() : llvm::StringRef("anon")));
    gv.setLinkage(llvm::GlobalValue::ExternalLinkage);
    gv.setVisibility(llvm::GlobalValue::HiddenVisibility);
  }

  // Groups to partitions, largest first onto the least loaded (by
  // instruction count, which compile time follows). Data stays in the first
  // partition.
  // (Members are in insertion order, the module's: the split is
  // deterministic.)
  std::vector<std::pair<size_t, const llvm::Function *>> sizes;
  for (const auto *ecv : groups) {
    if (!ecv->isLeader())
      continue;
    size_t size = 0;
    for (const llvm::Function *f : groups.members(*ecv))
      size += f->getInstructionCount();
    sizes.push_back({size, ecv->getData()});
  }
  llvm::stable_sort(
      sizes, [](const auto &a, const auto &b) { return a.first > b.first; });
  size_t n = machines.size();
  std::vector<size_t> load(n);
  llvm::DenseMap<const llvm::GlobalValue *, size_t> owner;
  for (auto &[size, leader] : sizes) {
    size_t p = std::min_element(load.begin(), load.end()) - load.begin();
    load[p] += size;
    for (const llvm::Function *f : groups.members(leader))
      owner[f] = p;
  }

  // The other partitions go to their threads as bitcode, written here: they
  // share the module's context until each is read into its own.
  mlir::TimingScope splitTimer =
      PassTiming::step("splitting the module for the code generators");
  std::vector<llvm::SmallString<0>> bitcode(n);
  for (size_t p = 1; p < n; ++p) {
    llvm::ValueToValueMapTy map;
    std::unique_ptr<llvm::Module> part =
        llvm::CloneModule(module, map, [&](const llvm::GlobalValue *gv) {
          if (llvm::isa<llvm::GlobalVariable>(gv) && isCopiedToUsers(*gv))
            return true;
          auto it = owner.find(gv);
          return it != owner.end() && it->second == p;
        });
    llvm::raw_svector_ostream bcOS(bitcode[p]);
    llvm::WriteBitcodeToFile(*part, bcOS);
  }
  splitTimer.stop();
  std::vector<std::optional<llvm::Expected<llvm::SmallString<0>>>> objects(n);
  std::vector<std::thread> workers;
  for (size_t p = 1; p < n; ++p)
    workers.emplace_back([&, p] {
      objects[p].emplace(
          compilePartition(bitcode[p], *machines[p], optimizeAt));
    });
  // The first partition is the module itself, less the others' bodies,
  // compiled on this thread.
  for (llvm::Function &f : module) {
    auto it = owner.find(&f);
    if (it != owner.end() && it->second != 0)
      f.deleteBody();
  }
  mlir::TimingScope codegenTimer =
      PassTiming::step("LLVM's -O pipeline and code generation (in parallel)");
  objects[0].emplace(compilePartition(module, *machines[0], optimizeAt));
  for (std::thread &t : workers)
    t.join();
  codegenTimer.stop();
  mlir::TimingScope joinTimer = PassTiming::step("joining the objects (lld)");

  std::vector<TempFile> inputs(objects.size());
  llvm::Error failure = llvm::Error::success();
  for (size_t i = 0; i < objects.size(); ++i) {
    llvm::Expected<llvm::SmallString<0>> &object = *objects[i];
    if (!object)
      failure = llvm::joinErrors(std::move(failure), object.takeError());
    else if (!failure)
      failure = inputs[i].create(*object);
  }
  if (failure)
    return failure;

  TempFile output;
  if (llvm::Error e = output.create(""))
    return e;
  std::vector<const char *> args = {"ld.lld", "-r", "-o", output.path.c_str()};
  for (TempFile &input : inputs)
    args.push_back(input.path.c_str());
  std::string messages;
  llvm::raw_string_ostream messagesOS(messages);
  lld::Result linked =
      lld::lldMain(args, messagesOS, messagesOS, {{lld::Gnu, &lld::elf::link}});
  if (linked.retCode != 0)
    return llvm::createStringError("joining the partial objects failed: " +
                                   messages);
  auto joined = llvm::MemoryBuffer::getFile(output.path);
  if (!joined)
    return llvm::createStringError("cannot read " + output.path.str() + ": " +
                                   joined.getError().message());
  os << (*joined)->getBuffer();
  return llvm::Error::success();
}

llvm::Error emitModuleObject(
    mlir::ModuleOp module, llvm::TargetMachine &tm, const ObjectOptions &o,
    llvm::function_ref<llvm::Expected<std::unique_ptr<llvm::TargetMachine>>()>
        makeMachine,
    llvm::raw_pwrite_stream &os) {
  // Splitting decides where the -O pipeline runs: here, or on each
  // partition in parallel.
  const bool split = canSplitCodegen(tm, o.codegenThreads);
  llvm::LLVMContext llvmCtx;
  auto llvmModule = translateToLLVMIR(module, llvmCtx, tm, o.optLevel,
                                      split ? LLVMPipeline::Interprocedural
                                            : LLVMPipeline::Whole);
  if (!llvmModule)
    return llvmModule.takeError();
  if (!o.sourceName.empty())
    (*llvmModule)->setSourceFileName(o.sourceName);
  if (!o.moduleName.empty())
    (*llvmModule)->setModuleIdentifier(o.moduleName);
  mlir::TimingScope codegenTimer =
      split ? mlir::TimingScope() : PassTiming::step("LLVM code generation");
  if (!split)
    return emitMachineCode(**llvmModule, tm, os, /*assembly=*/false);
  std::vector<std::unique_ptr<llvm::TargetMachine>> more;
  std::vector<llvm::TargetMachine *> machines = {&tm};
  while (machines.size() < o.codegenThreads) {
    auto another = makeMachine();
    if (!another)
      return another.takeError();
    machines.push_back(more.emplace_back(std::move(*another)).get());
  }
  return emitObjectSplit(**llvmModule, machines, o.symbolPrefix, os,
                         o.optLevel);
}

} // namespace dlc
