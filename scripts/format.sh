#!/usr/bin/env bash
# Formats every C/C++ source of the project (tracked or new, not ignored) with
# clang-format-22 and the root .clang-format (LLVM style).
#   scripts/format.sh          rewrite the files in place
#   scripts/format.sh --check  change nothing; list what is not formatted and
#                              exit 1 if anything is
# CLANG_FORMAT=... picks another binary.
set -euo pipefail
cd "$(dirname "$0")/.."
CLANG_FORMAT=${CLANG_FORMAT:-clang-format-22}
check=0
case "${1:-}" in
  --check) check=1 ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac
if ! command -v "$CLANG_FORMAT" > /dev/null; then
  echo "format.sh: $CLANG_FORMAT not found (scripts/install-deps.sh installs it)" >&2
  exit 2
fi

mapfile -d '' files < <(git ls-files -z --cached --others --exclude-standard \
  -- '*.c' '*.cpp' '*.h')
if [ "$check" -eq 0 ]; then
  printf '%s\0' "${files[@]}" | xargs -0 -r "$CLANG_FORMAT" -i
  exit 0
fi
bad=0
for f in "${files[@]}"; do
  if ! "$CLANG_FORMAT" --dry-run --Werror "$f" > /dev/null 2>&1; then
    echo "not formatted: $f"
    bad=1
  fi
done
exit $bad
