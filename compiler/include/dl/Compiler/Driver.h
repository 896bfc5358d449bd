//===- Driver.h - compile a .dl file: the library behind `dlc` ----*- C++
//-*-===//
#ifndef DL_COMPILER_DRIVER_H
#define DL_COMPILER_DRIVER_H

#include <cstdint>
#include <limits>
#include <string>

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace dlc {

/// Starts a diagnostic that is not about a place in the source: "dlc: error: "
/// (coloured on a terminal), so every dlc error reads the same.
llvm::raw_ostream &error();

/// Reports "error: --flag must be ..., got value" and returns false unless
/// lo <= value <= hi. Numeric flags are checked before anything is sized by
/// them: a vector of batch * sample floats must not overflow or abort.
bool checkFlagRange(const char *flag, int64_t value, int64_t lo,
                    int64_t hi = std::numeric_limits<int64_t>::max());

enum class EmitKind {
  AST,
  DLForward, ///< MLIRGen's module, before autodiff: dl-opt's input
  DL,
  Linalg,
  LLVMDialect,
  LLVMIR,
  Asm,
  Obj,
  Header
};

struct CompileRequest {
  std::string input;  ///< .dl file.
  std::string output; ///< "-" is stdout; empty: the default for `emit`.
  std::string header; ///< Header path for Obj; empty: next to the output.
  EmitKind emit = EmitKind::Obj;
  bool summary = false; ///< Print the layer table instead of compiling.
  unsigned optLevel = 2;
  std::string cpu;              ///< Empty: host.
  std::string triple;           ///< Empty: host.
  std::string prefix;           ///< Empty: the model's name.
  std::string weights;          ///< safetensors to bake into the object.
  bool writableWeights = false; ///< Baked weights stay trainable in place.
  /// Multithreaded matrix products (OpenMP): the object then needs libomp
  /// (-fopenmp, or -lomp from /usr/lib/llvm-22/lib); OMP_NUM_THREADS.
  bool threads = false;
  /// Entry points run with subnormals flushed to zero (x86 FTZ/DAZ, AArch64
  /// FZ), restoring the caller's mode on return; false: IEEE subnormals.
  bool flushDenormals = true;
  /// Code generators run at once on parts of an ELF object (joined by lld);
  /// 1: one, as LLVM does. The object depends on this, not on the host.
  unsigned codegenThreads = 2;
};

/// Runs one compilation. Diagnostics go to stderr as file:line:col: error.
/// Returns the process exit status (0 or 1).
int compile(const CompileRequest &request);

} // namespace dlc

#endif // DL_COMPILER_DRIVER_H
