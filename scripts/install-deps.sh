#!/usr/bin/env bash
# Installs every system dependency of dlc on Debian 12 with apt-get. Idempotent:
# a second run installs nothing new. Needs root (or sudo).
set -euo pipefail

PKGS=(
  cmake ninja-build g++ git
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools clang-22 clang-format-22
  libomp-22-dev libfuzzer-22-dev libclang-rt-22-dev
  libfmt-dev zlib1g-dev libzstd-dev libgtest-dev lld liblld-22-dev
  python3-torch python3-numpy dataset-fashion-mnist libopenblas0
  libopenmpi-dev openmpi-bin
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PKGS[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
