#!/usr/bin/env bash
# Runs every libFuzzer target (test/fuzz) for a bounded time each.
#   scripts/fuzz.sh [SECONDS] [TARGET...]   default 60 s, every target
#   FUZZ_MERGE=1 scripts/fuzz.sh ...        then merge what the runs found
#                                           into test/fuzz/corpus (minimised)
#   FUZZ_SEED=N scripts/fuzz.sh ...         libFuzzer's -seed=N: the same inputs
#                                           in the same order on every run (CI)
# Builds build-fuzz (clang-22, DLC_FUZZ=ON: ASan + UBSan + coverage) first,
# only the fuzz targets. Seeds come from test/fuzz/corpus/<target>; new
# inputs go to build-fuzz/corpus/<target>, crashes to build-fuzz/crashes/.
# Prints each target's executions and exec/s; exits 1 if any target found a
# crash, leak, timeout or sanitizer report (reproduce: build-fuzz/bin/dl-fuzz-T FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
all=(frontend mlirgen csv idx npy safetensors)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all[@]}")
jobs=${FUZZ_BUILD_JOBS:-2}

if [ ! -f build-fuzz/build.ninja ]; then
  launcher=()
  if command -v ccache > /dev/null; then
    launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  fi
  CC=clang-22 CXX=clang++-22 cmake -S . -B build-fuzz -G Ninja \
    -DCMAKE_BUILD_TYPE=Release -DDLC_FUZZ=ON -DDLC_WERROR=ON "${launcher[@]}" > /dev/null
fi
ninja -C build-fuzz -j"$jobs" "${targets[@]/#/dl-fuzz-}" > /dev/null

mkdir -p build-fuzz/crashes
status=0
for t in "${targets[@]}"; do
  mkdir -p "build-fuzz/corpus/$t"
  args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=8192
        -print_final_stats=1 -close_fd_mask=3
        -artifact_prefix="build-fuzz/crashes/$t-")
  case "$t" in frontend | mlirgen) args+=(-dict=test/fuzz/dl.dict) ;; esac
  if [ -n "${FUZZ_SEED:-}" ]; then args+=(-seed="$FUZZ_SEED"); fi
  log="build-fuzz/fuzz-$t.log"
  if "build-fuzz/bin/dl-fuzz-$t" "${args[@]}" "build-fuzz/corpus/$t" \
      "test/fuzz/corpus/$t" > "$log" 2>&1; then
    result=ok
  else
    result="FAILED (see $log and build-fuzz/crashes/$t-*)"
    status=1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  echo "fuzz $t: ${runs:-?} executions in ${seconds} s (${rate:-?} exec/s): $result"
  if [ "$result" != ok ]; then tail -40 "$log"; fi
  if [ "${FUZZ_MERGE:-0}" = 1 ]; then
    "build-fuzz/bin/dl-fuzz-$t" -merge=1 -close_fd_mask=3 "test/fuzz/corpus/$t" \
      "build-fuzz/corpus/$t" > /dev/null 2>&1
  fi
done
exit $status
