#!/usr/bin/env bash
# The main job: build dlc, train the seed's model (the Keras primer's MLP) on
# Fashion-MNIST for 5 epochs, save checkpoint/history/plot, compile the
# trained model into an object with its weights baked in, and build and run
# a program that embeds it (examples/embed) — its accuracy equals
# `dlc evaluate`'s.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
OUT=out
mkdir -p "$OUT"
build/bin/dlc examples/mnist_mlp.dl --summary
build/bin/dlc train examples/mnist_mlp.dl --epochs 5 --batch-size 32 \
  --validation-split 0.1 --seed 0 \
  --save "$OUT/mnist_mlp.safetensors" --history "$OUT/history.csv" \
  --plot "$OUT/history.svg"
build/bin/dlc evaluate examples/mnist_mlp.dl --weights "$OUT/mnist_mlp.safetensors"
cmake --install build --prefix "$OUT/install" > /dev/null
cmake -S examples/embed -B "$OUT/embed" -G Ninja \
  -DCMAKE_PREFIX_PATH="$PWD/$OUT/install" \
  -DWEIGHTS="$PWD/$OUT/mnist_mlp.safetensors" > /dev/null
cmake --build "$OUT/embed" > /dev/null
"$OUT/embed/classify"
echo "Checkpoint, history and plot: $OUT/mnist_mlp.safetensors $OUT/history.csv $OUT/history.svg"
