#!/usr/bin/env bash
# scripts/fuzz.sh [TARGET|all] [SECONDS]
# Builds the libFuzzer targets with clang (build-fuzz/) and runs TARGET, or each
# target, for SECONDS (default 60) starting from its seed corpus in
# testdata/fuzz/TARGET/. New inputs go to fuzz-out/TARGET/ and crashes to fuzz-out/;
# keep a crash as a regression by copying it into testdata/fuzz/TARGET/ (the test run
# replays every file there).
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-all}
seconds=${2:-60}

if ! command -v clang++-14 >/dev/null; then
  echo "fuzz: clang++-14 is missing; run scripts/bootstrap.sh" >&2
  exit 2
fi
cmake -S . -B build-fuzz -G Ninja -DWSPROBE_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++-14 >/dev/null
cmake --build build-fuzz >/dev/null

targets=$(sed -n 's/^foreach(target \(.*\))$/\1/p' tests/fuzz/CMakeLists.txt)
if [ "$target" != all ]; then
  case " $targets " in *" $target "*) ;; *) echo "fuzz: unknown target '$target' (have: $targets)" >&2; exit 2 ;; esac
  targets=$target
fi

for name in $targets; do
  mkdir -p "fuzz-out/$name"
  echo "== $name for ${seconds}s"
  log="fuzz-out/$name.log"
  if ! "build-fuzz/tests/fuzz/$name" "fuzz-out/$name" "testdata/fuzz/$name" \
      -max_total_time="$seconds" -max_len=4096 -rss_limit_mb=2048 -timeout=10 \
      -artifact_prefix="fuzz-out/$name-" -print_final_stats=1 >"$log" 2>&1; then
    tail -40 "$log" >&2
    echo "fuzz: $name found a failure; the input is in fuzz-out/" >&2
    exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  echo "$name: $runs runs, $speed exec/s, no failure"
done
