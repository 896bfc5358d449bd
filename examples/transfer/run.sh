#!/bin/sh
# Transfer learning on Fashion-MNIST, worked: pre-train the convnet on
# classes 0-4, then learn classes 5-9 from N images with the base frozen,
# against the same network trained from scratch on those N images; three
# seeds each. Prints one test accuracy per run.
#   usage: examples/transfer/run.sh [N=500] [DLC=build/bin/dlc]
set -e
N=${1:-500}
DLC=${2:-build/bin/dlc}
HERE=$(dirname "$0")
OUT=${TMPDIR:-/tmp}/dlc-transfer
mkdir -p "$OUT"
"$DLC" train "$HERE/pretrain.dl" --classes 0,1,2,3,4 --epochs 2 \
    --save "$OUT/base.safetensors" --verbose 0
for seed in 1 2 3; do
  printf 'seed %s, %s images: fine-tuned ' "$seed" "$N"
  "$DLC" train "$HERE/finetune.dl" --classes 5,6,7,8,9 --max-samples "$N" \
      --init-from "$OUT/base.safetensors" --epochs 20 --seed "$seed" \
      --verbose 0 | sed -n 's/.*accuracy: //p'
  printf 'seed %s, %s images: from scratch ' "$seed" "$N"
  "$DLC" train "$HERE/scratch.dl" --classes 5,6,7,8,9 --max-samples "$N" \
      --epochs 20 --seed "$seed" --verbose 0 | sed -n 's/.*accuracy: //p'
done
