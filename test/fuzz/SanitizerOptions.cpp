//===- SanitizerOptions.cpp - ASan defaults for the fuzz targets ----------===//
//
// Debian's LLVM and MLIR libraries are not instrumented, but the LLVM
// headers' allocators poison their slabs when included from instrumented
// code: an instrumented BumpPtrAllocator::AllocateSlow poisons a slab that
// an uninstrumented Allocate then hands out unpoisoned in name only, a
// false use-after-poison. Manual poisoning is therefore off; ASan's own
// checks (heap, stack, globals) stay on.
//
//===----------------------------------------------------------------------===//
extern "C" const char *__asan_default_options() {
  return "allow_user_poisoning=0";
}
