#!/usr/bin/env bash
# The main job: build dlc, compile the seed's model into a native object and
# header, link it into examples/mnist_mlp_main.c and run it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
mkdir -p out
build/bin/dlc examples/mnist_mlp.dl --summary
build/bin/dlc examples/mnist_mlp.dl -o out/mnist_mlp.o   # also writes out/mnist_mlp.h
cc -O2 -Iout examples/mnist_mlp_main.c out/mnist_mlp.o -lm -o out/mnist_mlp_main
out/mnist_mlp_main
