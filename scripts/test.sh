#!/usr/bin/env bash
# Builds and runs every test: unit tests (GoogleTest) and integration tests
# against moto, in the release build and under ASan+UBSan and TSan; then the
# libFuzzer harnesses (clang, fuzz/), 20 s each from their seed corpora.
# Usage: scripts/test.sh [preset...]   (default: release asan tsan fuzz)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
python=$(scripts/find-python.sh)
presets=("$@")
((${#presets[@]})) || presets=(release asan tsan fuzz)
for preset in "${presets[@]}"; do
  echo "=== $preset ==="
  cmake --preset "$preset" -DCW_PYTHON="$python" >/dev/null
  cmake --build --preset "$preset"
  ctest --preset "$preset"
done
