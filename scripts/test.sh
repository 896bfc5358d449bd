#!/usr/bin/env bash
# Every test: builds dlc (installing dependencies if needed), then runs ctest,
# which runs the lit suites (test/) and the unit tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
cd build
ctest --output-on-failure -j2
