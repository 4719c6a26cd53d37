#!/usr/bin/env bash
# Runs every test: ctest in the Release build (build/), then again in an
# AddressSanitizer + UndefinedBehaviorSanitizer build (build-asan/).
# Run scripts/bootstrap.sh once first.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f build/build.ninja ]; then
  echo "test: no build yet; run scripts/bootstrap.sh first" >&2
  exit 2
fi

echo "== tests (Release, build/)"
cmake --build build
ctest --test-dir build --output-on-failure -j2

echo "== tests (ASan+UBSan, build-asan/)"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DWSPROBE_SANITIZE=ON -DWSPROBE_BENCH=OFF >/dev/null
cmake --build build-asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j2
