#!/usr/bin/env bash
# AddressSanitizer + UndefinedBehaviorSanitizer: builds dlc, dl-opt, the
# runtime and its unit tests into build-san (DLC_SANITIZE=ON), then runs the
# unit tests and the lit suites that only compile (Frontend, Dialect,
# Conversion, Codegen, Driver) with that dlc. The first sanitizer report
# fails the run. .ci/run calls it after the main tests.
#   scripts/sanitize.sh            configure (once), build, test
#   SANITIZE_JOBS=N                build with N jobs (default 2)
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${SANITIZE_JOBS:-2}
if [ ! -f build-san/build.ninja ]; then
  launcher=()
  if command -v ccache > /dev/null; then
    launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  fi
  cmake -S . -B build-san -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DDLC_SANITIZE=ON "${launcher[@]}" > /dev/null
fi
ninja -C build-san -j"$jobs" dlc dl-opt dlrt-tests > /dev/null

# Leaks too; UBSan with a stack; the JIT-free suites only (JIT'd code and
# the e2e suite's PyTorch runs would only add minutes, not coverage of dlc).
# allow_user_poisoning=0: Debian's LLVM is not instrumented, but its
# allocators' inline code in our instrumented files poisons slabs that the
# library's own code then hands out, a false use-after-poison
# (test/fuzz/SanitizerOptions.cpp says the same for the fuzzers).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:allow_user_poisoning=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
build-san/test/runtime/dlrt-tests --gtest_brief=1
/usr/lib/llvm-22/bin/lit -q build-san/test/Frontend build-san/test/Dialect \
  build-san/test/Conversion build-san/test/Codegen build-san/test/Driver
echo "sanitize: ASan + UBSan: unit tests and lit suites passed"
