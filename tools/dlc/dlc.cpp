//===- dlc.cpp - the dl model compiler driver -----------------------------===//
#include "dl/Compiler/Commands.h"
#include "dl/Compiler/Driver.h"
#include "dl/Compiler/GradCheck.h"
#include "dl/Compiler/InitAll.h"
#include "dl/Compiler/Model.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/CodeGen/CommandFlags.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Pass.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace {
/// -O0 to -O3, and clang's spellings: -O is -O1, -Os and -Oz are -O2 (dlc has
/// no size-tuned pipeline; its code is small kernels either way).
struct OptLevelParser : cl::parser<unsigned> {
  using cl::parser<unsigned>::parser;
  bool parse(cl::Option &o, llvm::StringRef argName, llvm::StringRef arg,
             unsigned &value) {
    if (arg.empty())
      value = 1;
    else if (arg == "s" || arg == "z")
      value = 2;
    else if (arg.getAsInteger(10, value))
      return o.error("'-O" + arg +
                     "' is not a level; use -O0 to -O3, -Os or -Oz");
    return false;
  }
};
using OptLevelOpt = cl::opt<unsigned, false, OptLevelParser>;
constexpr const char *kOptDesc =
    "Optimisation level (0-3, default 2; s and z are 2)";

cl::OptionCategory category("dlc options");

cl::opt<std::string> input(cl::Positional, cl::desc("<model.dl>"), cl::Required,
                           cl::cat(category));
cl::opt<std::string> output("o", cl::desc("Output file ('-' for stdout)"),
                            cl::value_desc("file"), cl::cat(category));
cl::opt<std::string>
    header("H",
           cl::desc("Write the C header here (default: the object's path "
                    "with .h)"),
           cl::value_desc("file"), cl::cat(category));
cl::opt<dlc::EmitKind>
    emit("emit", cl::desc("What to produce"), cl::init(dlc::EmitKind::Obj),
         cl::values(
             clEnumValN(dlc::EmitKind::AST, "ast", "the parsed syntax tree"),
             clEnumValN(dlc::EmitKind::DLForward, "dl-forward",
                        "the dl dialect before autodiff (what dl-opt "
                        "--dl-train-pipeline takes)"),
             clEnumValN(dlc::EmitKind::DL, "dl",
                        "the dl dialect, with gradients and train step"),
             clEnumValN(dlc::EmitKind::Linalg, "linalg",
                        "C entry points on linalg/tensor"),
             clEnumValN(dlc::EmitKind::LLVMDialect, "llvm-dialect",
                        "the LLVM dialect"),
             clEnumValN(dlc::EmitKind::LLVMIR, "llvm-ir", "optimised LLVM IR"),
             clEnumValN(dlc::EmitKind::Asm, "asm", "native assembly"),
             clEnumValN(dlc::EmitKind::Obj, "obj", "a native object + header"),
             clEnumValN(dlc::EmitKind::Header, "header", "only the C header")),
         cl::cat(category));
OptLevelOpt optLevel("O", cl::desc(kOptDesc), cl::value_desc("level"),
                     cl::Prefix, cl::ValueOptional, cl::init(2),
                     cl::cat(category));
// --mcpu is LLVM's codegen flag (lld, linked in, registers LLVM's codegen
// flags, and an option cannot be registered twice), listed with dlc's
// options in main().
llvm::codegen::RegisterCodeGenFlags codegenFlags;
cl::opt<std::string> triple("target-triple",
                            cl::desc("Target triple (default: host)"),
                            cl::cat(category));
cl::opt<std::string> prefix("model-prefix",
                            cl::desc("Prefix of the generated C symbols "
                                     "(default: the model's name)"),
                            cl::cat(category));
cl::opt<bool> summary("summary", cl::desc("Print a Keras-like layer table"),
                      cl::cat(category));
cl::opt<std::string> bakeWeights(
    "weights",
    cl::desc("Bake this safetensors checkpoint into the object: predict "
             "then needs no parameter buffer"),
    cl::value_desc("ckpt.safetensors"), cl::cat(category));
cl::opt<bool> threads(
    "parallel",
    cl::desc("Multithreaded matrix products (OpenMP) for those of at least "
             "2 MFLOP: link the object with libomp (-fopenmp, or -lomp from "
             "/usr/lib/llvm-22/lib); OMP_NUM_THREADS sets the thread count"),
    cl::cat(category));
cl::opt<unsigned> codegenThreads(
    "codegen-threads",
    cl::desc("LLVM code generators run at once on parts of the object, "
             "joined by lld (default 2; 1: one, as LLVM alone). The object "
             "depends on this number, not on the host"),
    cl::init(2), cl::cat(category));
cl::opt<bool> verifyEach(
    "verify-each",
    cl::desc("Verify the IR after every MLIR pass, for every command (the "
             "default only in builds with assertions)"),
    cl::cat(category));
cl::opt<bool> writableWeights(
    "writable-weights",
    cl::desc("With --weights: keep them writable, for on-device training"),
    cl::cat(category));

// dlc gradcheck model.dl
cl::SubCommand gradcheck("gradcheck",
                         "Compare the model's compiled gradients with finite "
                         "differences of its loss");
cl::opt<std::string> gcInput(cl::Positional, cl::desc("<model.dl>"),
                             cl::Required, cl::sub(gradcheck));
cl::list<int64_t> gcBatch("batch",
                          cl::desc("Batch sizes, comma-separated (default 4)"),
                          cl::CommaSeparated, cl::sub(gradcheck));
cl::list<uint64_t> gcSeed("seed",
                          cl::desc("Seeds of weights and data, "
                                   "comma-separated (default 0)"),
                          cl::CommaSeparated, cl::sub(gradcheck));
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
OptLevelOpt gcOpt("O", cl::desc(kOptDesc), cl::value_desc("level"), cl::Prefix,
                  cl::ValueOptional, cl::init(2), cl::sub(gradcheck));
cl::opt<double> gcPerturb("debug-perturb-gradient",
                          cl::desc("Testing: scale the first trainable "
                                   "tensor's gradient by 1 + this"),
                          cl::init(0), cl::Hidden, cl::sub(gradcheck));

// dlc train / evaluate / predict
cl::SubCommand trainCmd("train", "Train a model on data (Keras's fit)");
cl::SubCommand evaluateCmd("evaluate",
                           "Loss, accuracy and confusion matrix on test data");
cl::SubCommand predictCmd("predict", "Top-k classes for inputs");
cl::SubCommand explainCmd("explain",
                          "Saliency maps: the gradient of a class score "
                          "with respect to the input");
cl::opt<std::string> runInput(cl::Positional, cl::desc("<model.dl>"),
                              cl::Required, cl::sub(trainCmd),
                              cl::sub(evaluateCmd), cl::sub(predictCmd),
                              cl::sub(explainCmd));
cl::opt<std::string> data("data",
                          cl::desc("IDX directory (MNIST layout), CSV file "
                                   "(label in the last column) or .npy file "
                                   "(with --targets); default: Debian's "
                                   "Fashion-MNIST"),
                          cl::init(dlc::kDefaultData), cl::sub(trainCmd),
                          cl::sub(evaluateCmd));
cl::opt<std::string> explainData(
    "data",
    cl::desc("IDX directory (its t10k split), CSV file (label in the last "
             "column), .npy file or IDX image file; default: Debian's "
             "Fashion-MNIST"),
    cl::init(dlc::kDefaultData), cl::sub(explainCmd));
cl::opt<std::string> testData("test-data",
                              cl::desc("CSV or .npy test file (IDX: t10k-* in "
                                       "--data)"),
                              cl::sub(trainCmd));
cl::opt<std::string> targetsPath("targets",
                                 cl::desc("The .npy file of --data's targets "
                                          "(first axis: the samples)"),
                                 cl::sub(trainCmd), cl::sub(evaluateCmd));
cl::opt<std::string> testTargets("test-targets",
                                 cl::desc("The .npy file of --test-data's "
                                          "targets"),
                                 cl::sub(trainCmd));
cl::opt<std::string>
    validationTargets("validation-targets",
                      cl::desc("The .npy file of --validation-data's targets"),
                      cl::sub(trainCmd));
cl::opt<int64_t> epochs("epochs",
                        cl::desc("Epochs (default: the train block's, else 1, "
                                 "as Keras)"),
                        cl::init(1), cl::sub(trainCmd));
cl::opt<int64_t> batchSize("batch-size",
                           cl::desc("Batch size (default: the train block's, "
                                    "else 32)"),
                           cl::init(32), cl::sub(trainCmd));
cl::opt<int64_t> evalBatch("batch-size", cl::desc("Batch size (default 1000)"),
                           cl::init(1000), cl::sub(evaluateCmd));
cl::opt<double> validationSplit(
    "validation-split",
    cl::desc("Fraction of the training data held out for validation (the "
             "last samples, as Keras; default: the train block's, else 0)"),
    cl::init(0.0), cl::sub(trainCmd));
cl::opt<uint64_t> seed("seed",
                       cl::desc("Seed of initial weights and shuffling "
                                "(default 0)"),
                       cl::init(0), cl::sub(trainCmd));
cl::opt<std::string> save("save",
                          cl::desc("Write a safetensors checkpoint after "
                                   "every epoch"),
                          cl::sub(trainCmd));
cl::opt<std::string> historyPath("history",
                                 cl::desc("Write the history as CSV"),
                                 cl::sub(trainCmd));
cl::opt<std::string> plotPath("plot",
                              cl::desc("Write loss/accuracy curves as SVG"),
                              cl::sub(trainCmd));
cl::opt<std::string> initFrom(
    "init-from",
    cl::desc("Start from the matching parameters of a checkpoint (transfer "
             "learning)"),
    cl::sub(trainCmd));
cl::opt<std::string> resume("resume",
                            cl::desc("Continue a run from its checkpoint "
                                     "(parameters, optimizer state, epoch)"),
                            cl::sub(trainCmd));
cl::opt<std::string> validationData(
    "validation-data",
    cl::desc("Validate on this data set (CSV file, or IDX directory: its "
             "t10k-* files) instead of a --validation-split"),
    cl::sub(trainCmd));
cl::opt<bool> earlyStopping(
    "early-stopping",
    cl::desc("Stop when --monitor has not improved for --patience epochs "
             "(Keras's EarlyStopping)"),
    cl::sub(trainCmd));
cl::opt<std::string> monitor(
    "monitor",
    cl::desc("What --early-stopping and --save-best watch: loss, accuracy, "
             "val_loss or val_accuracy (default val_loss)"),
    cl::sub(trainCmd));
cl::opt<int64_t> patience("patience",
                          cl::desc("Epochs without improvement before "
                                   "--early-stopping stops (default 0)"),
                          cl::sub(trainCmd));
cl::opt<double> minDelta("min-delta",
                         cl::desc("The smallest change of --monitor that "
                                  "counts as an improvement (default 0)"),
                         cl::sub(trainCmd));
cl::opt<bool> restoreBestWeights(
    "restore-best-weights",
    cl::desc("After --early-stopping, go back to the best epoch's weights "
             "(for the test and --save-best)"),
    cl::sub(trainCmd));
cl::opt<std::string> monitorMode(
    "mode",
    cl::desc("Whether --monitor should fall (min) or rise (max); auto, the "
             "default, is max for accuracies (Keras's mode)"),
    cl::value_desc("min|max|auto"), cl::sub(trainCmd));
cl::opt<bool> reduceLrOnPlateau(
    "reduce-lr-on-plateau",
    cl::desc("Multiply the learning rate by --reduce-lr-factor when "
             "--reduce-lr-monitor has not improved for --reduce-lr-patience "
             "epochs (Keras's ReduceLROnPlateau)"),
    cl::sub(trainCmd));
cl::opt<std::string> reduceLrMonitor(
    "reduce-lr-monitor",
    cl::desc("What --reduce-lr-on-plateau watches (default val_loss)"),
    cl::sub(trainCmd));
cl::opt<double>
    reduceLrFactor("reduce-lr-factor",
                   cl::desc("The factor --reduce-lr-on-plateau multiplies the "
                            "learning rate by, in (0, 1) (default 0.1)"),
                   cl::sub(trainCmd));
cl::opt<int64_t> reduceLrPatience(
    "reduce-lr-patience",
    cl::desc("Epochs without improvement before --reduce-lr-on-plateau "
             "lowers the rate (default 10)"),
    cl::sub(trainCmd));
cl::opt<double> reduceLrMinDelta(
    "reduce-lr-min-delta",
    cl::desc("The smallest change of --reduce-lr-monitor that counts as an "
             "improvement (default 0.0001)"),
    cl::sub(trainCmd));
cl::opt<int64_t> reduceLrCooldown(
    "reduce-lr-cooldown",
    cl::desc("Epochs after a reduction before --reduce-lr-on-plateau counts "
             "again (default 0)"),
    cl::sub(trainCmd));
cl::opt<double> reduceLrMinLr(
    "reduce-lr-min-lr",
    cl::desc("The rate --reduce-lr-on-plateau never goes below (default 0)"),
    cl::sub(trainCmd));
cl::opt<std::string> reduceLrMode(
    "reduce-lr-mode",
    cl::desc("Whether --reduce-lr-monitor should fall (min) or rise (max); "
             "auto, the default, is max for accuracies"),
    cl::value_desc("min|max|auto"), cl::sub(trainCmd));
cl::opt<bool> distributed(
    "distributed",
    cl::desc("Data-parallel training over MPI: run under mpirun -np N, each "
             "rank a --batch-size share of the step (docs/distributed.md; "
             "implied when mpirun starts dlc)"),
    cl::sub(trainCmd));
cl::opt<std::string> saveBest(
    "save-best",
    cl::desc("Write a checkpoint after every epoch that improves --monitor"),
    cl::sub(trainCmd));
cl::list<int32_t> classes(
    "classes",
    cl::desc("Only these classes of every data set, relabelled 0, 1, ... in "
             "the order given (e.g. 5,6,7,8,9)"),
    cl::CommaSeparated, cl::sub(trainCmd), cl::sub(evaluateCmd));
cl::list<int32_t> targetColumns(
    "target-columns",
    cl::desc("CSV columns (1-based) of float targets, for mean_squared_error "
             "and binary_crossentropy (default: the last ones, one per output "
             "value)"),
    cl::CommaSeparated, cl::sub(trainCmd), cl::sub(evaluateCmd));
cl::opt<int64_t> maxSamples(
    "max-samples",
    cl::desc("At most this many training samples (the first ones, after "
             "--classes)"),
    cl::init(0), cl::sub(trainCmd));
cl::opt<int> fitVerbose(
    "verbose",
    cl::desc("As Keras's fit: 0 = silent, 1 = progress bar (default), 2 = one "
             "line per epoch"),
    cl::init(1), cl::sub(trainCmd));
cl::opt<std::string> weights("weights", cl::desc("safetensors checkpoint"),
                             cl::Required, cl::sub(evaluateCmd),
                             cl::sub(predictCmd), cl::sub(explainCmd));
cl::opt<std::string> predictInput("input",
                                  cl::desc("IDX images, a CSV of features or a "
                                           ".npy file of inputs"),
                                  cl::Required, cl::sub(predictCmd));
cl::opt<std::string> predictOutput(
    "output",
    cl::desc("Write every sample's predicted values to this file: .npy if "
             "its name ends in .npy, else CSV"),
    cl::sub(predictCmd));
cl::opt<int64_t> topK("top-k", cl::desc("Classes shown per sample (default 3)"),
                      cl::init(3), cl::sub(predictCmd));
cl::opt<int64_t> limit("limit", cl::desc("Samples shown (default 10)"),
                       cl::init(10), cl::sub(predictCmd));
cl::opt<int64_t> explainLimit("limit",
                              cl::desc("Explain the first N samples (the "
                                       ".npy gets a leading axis of N)"),
                              cl::value_desc("N"), cl::sub(explainCmd));
cl::opt<int64_t> explainIndex("index",
                              cl::desc("Explain sample N of --data, counting "
                                       "from 0 (default 0)"),
                              cl::value_desc("N"), cl::sub(explainCmd));
cl::opt<std::string> explainClass(
    "class",
    cl::desc("The class whose score is explained: an index, 'predicted' "
             "(default) or 'label' (the data's)"),
    cl::init("predicted"), cl::sub(explainCmd));
cl::opt<std::string> explainOutput(
    "o",
    cl::desc("The saliency map: .npy (float32, the input's shape) or .png "
             "(|gradient|, max over channels, beside the input)"),
    cl::value_desc("file"), cl::Required, cl::sub(explainCmd));
OptLevelOpt runOpt("O", cl::desc(kOptDesc), cl::value_desc("level"), cl::Prefix,
                   cl::ValueOptional, cl::init(2), cl::sub(trainCmd),
                   cl::sub(evaluateCmd), cl::sub(predictCmd),
                   cl::sub(explainCmd));
cl::opt<bool> runThreads("parallel",
                         cl::desc("Multithreaded matrix products (OpenMP, "
                                  "libomp); OMP_NUM_THREADS sets the count"),
                         cl::sub(trainCmd), cl::sub(evaluateCmd),
                         cl::sub(predictCmd), cl::sub(explainCmd));
cl::opt<bool> noCache(
    "no-cache",
    cl::desc("Compile the model even if the compiled-model cache has it, and "
             "do not store it, nor a decoded copy of gzip IDX data "
             "($DLC_CACHE_DIR moves the cache, or disables it when empty or "
             "'off'; default: $XDG_CACHE_HOME/dlc or ~/.cache/dlc)"),
    cl::sub(trainCmd), cl::sub(evaluateCmd), cl::sub(predictCmd),
    cl::sub(explainCmd));
cl::opt<bool> cacheStatus("cache-status",
                          cl::desc("Say whether the compiled model (and "
                                   "decoded IDX data) came from the cache"),
                          cl::sub(trainCmd), cl::sub(evaluateCmd),
                          cl::sub(predictCmd), cl::sub(explainCmd));
enum class Denormals { Flush, IEEE };
cl::opt<Denormals> denormals(
    "denormals",
    cl::desc("Subnormal floats in the generated code (the caller's mode is "
             "restored on return)"),
    cl::init(Denormals::Flush),
    cl::values(clEnumValN(Denormals::Flush, "flush",
                          "flushed to zero, as TensorFlow/Keras (default; "
                          "x86 and AArch64)"),
               clEnumValN(Denormals::IEEE, "ieee",
                          "kept, at the cost of slow microcode on x86")),
    cl::cat(category), cl::sub(cl::SubCommand::getTopLevel()),
    cl::sub(trainCmd), cl::sub(evaluateCmd), cl::sub(predictCmd),
    cl::sub(explainCmd));

/// `dlc trian m.dl`: LLVM's parser would take "trian" for the model and
/// only say "Too many positional arguments". A first argument that is no
/// file and no command but close to one (or followed by a model) is reported
/// as an unknown command; a file named like a command still compiles.
bool checkCommandName(int argc, char **argv) {
  if (argc < 2)
    return true;
  llvm::StringRef first = argv[1];
  if (first.empty() || first.starts_with("-") || sys::fs::exists(first))
    return true;
  llvm::SmallVector<llvm::StringRef> names;
  for (cl::SubCommand *sub : cl::getRegisteredSubcommands())
    if (!sub->getName().empty())
      names.push_back(sub->getName());
  if (llvm::is_contained(names, first))
    return true;
  llvm::sort(names);
  llvm::StringRef best;
  unsigned bestDistance = 3; // at most two edits
  for (llvm::StringRef name : names) {
    unsigned d =
        first.edit_distance(name, /*AllowReplacements=*/true, bestDistance - 1);
    if (d < bestDistance) {
      bestDistance = d;
      best = name;
    }
  }
  if (!best.empty()) {
    dlc::error() << "unknown command '" << first << "'; did you mean '" << best
                 << "'?\n";
    return false;
  }
  bool modelFollows = argc > 2 && !llvm::StringRef(argv[2]).starts_with("-");
  if (modelFollows && !first.ends_with(".dl")) {
    dlc::error() << "unknown command '" << first << "'; the commands are "
                 << llvm::join(names, ", ") << "\n";
    return false;
  }
  return true;
}

/// LLVM's option parser starts each error with its program name, the file
/// name of argv[0]: "dlc: for the -O option: ...". Some it writes to stderr
/// itself (bad values, missing options), others to the stream it is given.
/// Parsing under the name "dlc: error" makes the former read like dlc's own
/// errors; reportParseErrors rewrites the latter. --help prints the name in
/// its usage line, so it keeps the real one.
constexpr const char *kParseName = "dlc: error";

bool wantsHelp(int argc, char **argv) {
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef arg = llvm::StringRef(argv[i]).ltrim('-');
    if (arg.starts_with("help") || arg.starts_with("print-"))
      return true;
  }
  return false;
}

/// The command named by argv[1] ("train", ...), or "" for compiling.
llvm::StringRef commandOf(int argc, char **argv) {
  if (argc < 2)
    return "";
  for (cl::SubCommand *sub : cl::getRegisteredSubcommands())
    if (!sub->getName().empty() && sub->getName() == argv[1])
      return sub->getName();
  return "";
}

cl::SubCommand &subCommandNamed(llvm::StringRef name) {
  for (cl::SubCommand *sub : cl::getRegisteredSubcommands())
    if (sub->getName() == name)
      return *sub;
  return cl::SubCommand::getTopLevel();
}

/// "dlc train" or "dlc".
std::string commandLine(llvm::StringRef command) {
  return command.empty() ? "dlc" : ("dlc " + command).str();
}

/// dlc's own options (not LLVM's or MLIR's) that `sub` accepts.
bool isDlcOption(const cl::Option &o) {
  return llvm::is_contained(o.Categories, &category) ||
         llvm::any_of(o.Subs, [](cl::SubCommand *s) {
           return s != &cl::SubCommand::getTopLevel();
         });
}
bool appliesTo(const cl::Option &o, cl::SubCommand &sub) {
  // An option declared without cl::sub belongs to the top level.
  if (o.Subs.empty())
    return &sub == &cl::SubCommand::getTopLevel();
  return o.Subs.contains(&sub);
}

/// "--early-stoping": the closest of the command's own flags, if close.
std::string nearestFlag(llvm::StringRef arg, cl::SubCommand &sub) {
  llvm::StringRef name = arg.ltrim('-').split('=').first;
  std::string best;
  // One or two letters are one edit from too many flags (-v from -H).
  if (name.size() < 3)
    return best;
  unsigned bestDistance = std::max<unsigned>(2, name.size() / 2) + 1;
  for (auto &entry : cl::getRegisteredOptions(sub)) {
    cl::Option *o = entry.second;
    if (o->getOptionHiddenFlag() != cl::NotHidden || !isDlcOption(*o) ||
        !appliesTo(*o, sub) || o->ArgStr.empty())
      continue;
    unsigned d = name.edit_distance(o->ArgStr, /*AllowReplacements=*/true,
                                    bestDistance - 1);
    if (d < bestDistance) {
      bestDistance = d;
      best = (o->ArgStr.size() == 1 ? "-" : "--") + o->ArgStr.str();
    }
  }
  return best;
}

/// The commands (other than `command`) that have the flag `arg`.
std::vector<std::string> commandsWithFlag(llvm::StringRef arg,
                                          llvm::StringRef command) {
  llvm::StringRef name = arg.ltrim('-').split('=').first;
  std::vector<std::string> found;
  for (cl::SubCommand *sub : cl::getRegisteredSubcommands()) {
    if (sub->getName() == command)
      continue;
    auto &options = cl::getRegisteredOptions(*sub);
    auto it = options.find(name);
    if (it != options.end() && isDlcOption(*it->second) &&
        appliesTo(*it->second, *sub))
      found.push_back(commandLine(sub->getName()));
  }
  llvm::sort(found);
  return found;
}

/// An unknown flag: the error, and where it might belong.
void reportUnknownFlag(llvm::StringRef arg, llvm::StringRef command) {
  dlc::error() << "unknown option '" << arg << "' for '" << commandLine(command)
               << "'; '" << commandLine(command)
               << " --help' lists its options\n";
  std::string near = nearestFlag(arg, subCommandNamed(command));
  if (!near.empty()) {
    llvm::WithColor::note(llvm::errs(), "dlc")
        << "did you mean '" << near << "'?\n";
    return;
  }
  std::vector<std::string> others = commandsWithFlag(arg, command);
  if (!others.empty())
    llvm::WithColor::note(llvm::errs(), "dlc")
        << "'" << arg.split('=').first << "' is an option of '"
        << llvm::join(others, "', '") << "'\n";
}

/// LLVM's parser lets a command take the compiler's own flags (`dlc train
/// -o x`) and ignores them: each one given is an error here.
bool checkFlagsApply(llvm::StringRef command) {
  if (command.empty())
    return true;
  cl::SubCommand &sub = subCommandNamed(command);
  bool ok = true;
  for (auto &entry : cl::getRegisteredOptions(cl::SubCommand::getTopLevel())) {
    cl::Option *o = entry.second;
    // --time-passes and --verify-each are for every command.
    if (o->getNumOccurrences() == 0 || !isDlcOption(*o) || appliesTo(*o, sub) ||
        o->ArgStr != entry.first || o->ArgStr == "time-passes" ||
        o->ArgStr == "verify-each")
      continue;
    dlc::error() << "'" << (o->ArgStr.size() == 1 ? "-" : "--") << o->ArgStr
                 << "' does not apply to '" << commandLine(command)
                 << "'; it is an option of 'dlc <model.dl>' (compiling)\n";
    ok = false;
  }
  return ok;
}

/// Rewrites the parser's "dlc: error: Message" lines as dlc errors; an
/// unknown flag is reported with the command's own flags (LLVM's "Did you
/// mean" looks among all options, hidden ones too); continuation lines stay
/// as they are.
void reportParseErrors(llvm::StringRef text, llvm::StringRef argv0,
                       llvm::StringRef command) {
  llvm::SmallVector<llvm::StringRef> lines;
  text.split(lines, '\n', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  bool unknownFlag = false, skipping = false;
  for (llvm::StringRef line : lines) {
    bool isError = line.consume_front((llvm::Twine(kParseName) + ": ").str());
    // The value of an unknown flag (`--epoch 3`) is then taken for a second
    // model: an error about positional arguments that only misleads.
    if (isError)
      skipping = unknownFlag && line.contains("positional argument");
    if (skipping)
      continue;
    // "Try: 'dlc: error --help'" means argv[0].
    std::string text = line.str();
    for (size_t at; (at = text.find(kParseName)) != std::string::npos;)
      text.replace(at, llvm::StringRef(kParseName).size(), argv0.str());
    llvm::StringRef rest = text;
    if (!isError || text.empty())
      llvm::errs() << text << "\n";
    else if (rest.consume_front("Unknown command line argument '")) {
      reportUnknownFlag(rest.split('\'').first, command);
      unknownFlag = true;
    } else if (rest.starts_with("Did you mean "))
      continue; // reportUnknownFlag's suggestion replaces it
    else
      dlc::error() << llvm::toLower(text[0]) << text.substr(1) << "\n";
  }
}

/// -O4 and beyond parse as numbers; they are not levels.
bool checkOptLevel(unsigned level) {
  if (level <= 3)
    return true;
  dlc::error() << "-O" << level
               << " is not a level; use -O0 to -O3, -Os or -Oz\n";
  return false;
}

/// How train, evaluate, predict and explain compile the model they run
/// (no cache under --time-passes: a hit would time nothing).
dlc::JitCodegen jitCodegen() {
  return {runOpt, runThreads, denormals == Denormals::Flush,
          !noCache && !llvm::TimePassesIsEnabled, cacheStatus};
}

/// `dlc --version`: dlc's line first, then LLVM's, as clang does.
void printVersion(llvm::raw_ostream &os) {
  os << "dlc version " << DLC_VERSION << " (LLVM/MLIR " LLVM_VERSION_STRING
     << ")\n";
  os.flush();
  // LLVM's own message (its printer, not this override) goes to stdout too.
  cl::PrintVersionMessage();
}

} // namespace

int main(int argc, char **argv) {
  // --mlir-print-debuginfo and friends for the --emit=dl/linalg/... dumps.
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  dlc::registerPasses(); // first, so --mlir-print-ir-after=dl-autodiff works
  mlir::registerPassManagerCLOptions();
  // LLVM's own --time-passes (registered by LLVM, so every command takes
  // it) also times dlc's MLIR passes; listed with dlc's options.
  if (cl::Option *o = cl::getRegisteredOptions().lookup("time-passes")) {
    o->addCategory(category);
    o->setHiddenFlag(cl::NotHidden);
    o->setDescription("Print the time of each MLIR pass and of LLVM's "
                      "optimisation and code generation; train/evaluate/"
                      "predict then compile even what the model cache has");
  }
  if (cl::Option *o = cl::getRegisteredOptions().lookup("mcpu")) {
    o->addCategory(category);
    o->setDescription("Target CPU (default: host)");
    o->setValueStr("");
  }
  cl::HideUnrelatedOptions(category);
  cl::SetVersionPrinter(printVersion);
  if (!checkCommandName(argc, argv))
    return 1;
  std::vector<char *> args(argv, argv + argc);
  std::string parseName = kParseName;
  if (!wantsHelp(argc, argv))
    args[0] = parseName.data();
  std::string parseErrors;
  llvm::raw_string_ostream parseErrorStream(parseErrors);
  if (!cl::ParseCommandLineOptions(argc, args.data(),
                                   "dlc: compile a .dl model to native code\n",
                                   &parseErrorStream)) {
    reportParseErrors(parseErrors, argv[0], commandOf(argc, argv));
    return 1;
  }
  if (!checkFlagsApply(commandOf(argc, argv)))
    return 1;
  // Reports when main returns, after the command's own output; LLVM's
  // code generator prints its own report at exit.
  std::optional<dlc::PassTiming> timing;
  if (llvm::TimePassesIsEnabled)
    timing.emplace();
  if (verifyEach)
    dlc::setVerifyEachPass(true);
  if (trainCmd || evaluateCmd || predictCmd || explainCmd) {
    if (!checkOptLevel(runOpt))
      return 1;
  }
  if (trainCmd) {
    dlc::TrainOptions o;
    o.input = runInput;
    o.data = data;
    o.testData = testData;
    o.targets = targetsPath;
    o.testTargets = testTargets;
    o.validationTargets = validationTargets;
    // Given on the command line, they override the train block's.
    if (epochs.getNumOccurrences())
      o.epochs = epochs;
    if (batchSize.getNumOccurrences())
      o.batchSize = batchSize;
    if (validationSplit.getNumOccurrences())
      o.validationSplit = validationSplit;
    o.seed = seed;
    o.save = save;
    o.history = historyPath;
    o.plot = plotPath;
    o.initFrom = initFrom;
    o.resume = resume;
    o.validationData = validationData;
    o.earlyStopping = earlyStopping;
    if (monitor.getNumOccurrences())
      o.monitor = monitor;
    if (patience.getNumOccurrences())
      o.patience = patience;
    if (minDelta.getNumOccurrences())
      o.minDelta = minDelta;
    o.restoreBestWeights = restoreBestWeights;
    if (monitorMode.getNumOccurrences())
      o.mode = monitorMode;
    o.saveBest = saveBest;
    dlc::TrainOptions::ReduceLrFlags &r = o.reduceLr;
    r.enabled = reduceLrOnPlateau;
    if (reduceLrMonitor.getNumOccurrences())
      r.monitor = reduceLrMonitor;
    if (reduceLrFactor.getNumOccurrences())
      r.factor = reduceLrFactor;
    if (reduceLrPatience.getNumOccurrences())
      r.patience = reduceLrPatience;
    if (reduceLrMinDelta.getNumOccurrences())
      r.minDelta = reduceLrMinDelta;
    if (reduceLrCooldown.getNumOccurrences())
      r.cooldown = reduceLrCooldown;
    if (reduceLrMinLr.getNumOccurrences())
      r.minLr = reduceLrMinLr;
    if (reduceLrMode.getNumOccurrences())
      r.mode = reduceLrMode;
    o.distributed = distributed;
    if (fitVerbose < 0 || fitVerbose > 2) {
      llvm::WithColor::error(llvm::errs(), "dlc")
          << "--verbose must be 0, 1 or 2 (as Keras's fit), got " << fitVerbose
          << "\n";
      return 1;
    }
    o.verbose = fitVerbose;
    o.classes.assign(classes.begin(), classes.end());
    o.targetColumns.assign(targetColumns.begin(), targetColumns.end());
    if (maxSamples.getNumOccurrences() && maxSamples < 1) {
      llvm::WithColor::error(llvm::errs(), "dlc")
          << "--max-samples must be at least 1, got " << maxSamples << "\n";
      return 1;
    }
    o.maxSamples = maxSamples;
    o.codegen = jitCodegen();
    return dlc::runTrain(o);
  }
  if (evaluateCmd) {
    dlc::EvaluateOptions o;
    o.input = runInput;
    o.weights = weights;
    o.data = data;
    o.targets = targetsPath;
    o.batchSize = evalBatch;
    o.classes.assign(classes.begin(), classes.end());
    o.targetColumns.assign(targetColumns.begin(), targetColumns.end());
    o.codegen = jitCodegen();
    return dlc::runEvaluate(o);
  }
  if (predictCmd) {
    dlc::PredictOptions o;
    o.input = runInput;
    o.weights = weights;
    o.inputFile = predictInput;
    o.output = predictOutput;
    o.topK = topK;
    o.limit = limit;
    o.codegen = jitCodegen();
    return dlc::runPredict(o);
  }
  if (explainCmd) {
    dlc::ExplainOptions o;
    o.input = runInput;
    o.weights = weights;
    o.data = explainData;
    o.output = explainOutput;
    if (explainIndex.getNumOccurrences())
      o.index = explainIndex;
    if (explainLimit.getNumOccurrences())
      o.limit = explainLimit;
    o.classChoice = explainClass;
    o.codegen = jitCodegen();
    return dlc::runExplain(o);
  }
  if (gradcheck) {
    if (!checkOptLevel(gcOpt))
      return 1;
    dlc::GradCheckOptions o;
    o.input = gcInput;
    if (!gcBatch.empty())
      o.batches.assign(gcBatch.begin(), gcBatch.end());
    if (!gcSeed.empty())
      o.seeds.assign(gcSeed.begin(), gcSeed.end());
    o.samples = gcSamples;
    o.step = gcStep;
    o.tolerance = gcTolerance;
    o.optLevel = gcOpt;
    o.debugPerturbGradient = gcPerturb;
    return dlc::runGradCheck(o);
  }
  if (!checkOptLevel(optLevel))
    return 1;
  if (codegenThreads < 1 || codegenThreads > 64) {
    dlc::error() << "--codegen-threads=" << codegenThreads
                 << " is not a thread count; use 1 to 64\n";
    return 1;
  }
  dlc::CompileRequest r;
  r.input = input;
  r.output = output;
  r.header = header;
  r.emit = emit;
  r.summary = summary;
  r.optLevel = optLevel;
  r.cpu = llvm::codegen::getMCPU();
  r.triple = triple;
  r.prefix = prefix;
  r.weights = bakeWeights;
  r.writableWeights = writableWeights;
  r.threads = threads;
  r.codegenThreads = codegenThreads;
  r.flushDenormals = denormals == Denormals::Flush;
  return dlc::compile(r);
}
