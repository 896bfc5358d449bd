#!/bin/bash
# Benchmarks dl-vectorize-contractions against the naive lowering (and
# OpenBLAS when libopenblas-dev is installed), single thread.
#   bench_contractions.sh BUILD_DIR [bench|big] ["pass options"] [seconds]
# bench: 512^3 and the MNIST MLP's products at batch 32; big: larger shapes
# (NONAIVE=1 skips the naive kernels, slow there). Writes into a temp dir.
set -e
build=$(cd "$1" && pwd); mode=${2:-bench}; opts=$3; secs=${4:-0.3}
here=$(cd "$(dirname "$0")" && pwd)
llvm=${LLVM_BIN:-/usr/lib/llvm-22/bin}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT; cd "$tmp"
lower() { # in.mlir out.o [dl-opt args]
  local in=$1 out=$2; shift 2
  if [ $# -gt 0 ]; then "$build/bin/dl-opt" "$in" "$@" -o "$in.pre"; else cp "$in" "$in.pre"; fi
  "$llvm/mlir-opt" "$in.pre" --convert-linalg-to-loops --lower-affine \
    --convert-scf-to-cf --canonicalize --expand-strided-metadata --lower-affine \
    --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm \
    --convert-arith-to-llvm --convert-index-to-llvm --convert-cf-to-llvm \
    --convert-func-to-llvm=use-bare-ptr-memref-call-conv \
    --reconcile-unrealized-casts -o "$in.llvm"
  "$llvm/mlir-translate" --mlir-to-llvmir "$in.llvm" -o "$in.ll"
  # clang -O2 -march=native: the same middle end and target as dlc -O2.
  "$llvm/clang" -O2 -march=native -Wno-override-module -c "$in.ll" -o "$out"
}
python3 "$here/gen_contractions.py" "$mode" naive.mlir naive.h naive_
python3 "$here/gen_contractions.py" "$mode" vec.mlir vec.h vec_
lower naive.mlir naive.o
lower vec.mlir vec.o "--dl-vectorize-contractions=$opts"
blas=""
if [ -e /usr/include/x86_64-linux-gnu/cblas.h ] && ldconfig -p | grep -q libopenblas; then
  blas="-DWITH_OPENBLAS -I/usr/include/x86_64-linux-gnu -lopenblas"
fi
cc -O2 -I. "$here/bench_contractions.c" naive.o vec.o $blas -lm -o bench
(unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE; OPENBLAS_NUM_THREADS=1 ./bench "$secs")
