#!/usr/bin/env bash
# Installs the dependencies (idempotent), configures and builds dlc in build/.
# Under CI (CI=true) every compiler warning is an error (DLC_WERROR).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
flags=()
if [ "${CI:-}" = "true" ]; then flags+=(-DDLC_WERROR=ON); fi
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "${flags[@]}"
cmake --build build
