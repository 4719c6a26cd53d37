#!/usr/bin/env bash
# scripts/bench_figures.sh [MIN_TIME]
# Runs the codec benchmarks (build/tests/bench/codec_bench, Release) once, prints their
# table, then the issue-13 figures from that same run: each hot path next to its
# baseline, as a ratio, since absolute speeds on a shared machine move from run to run.
set -euo pipefail
cd "$(dirname "$0")/.."
min_time=${1:-0.1}
results=$(mktemp)
trap 'rm -f "$results"' EXIT

build/tests/bench/codec_bench --benchmark_min_time="$min_time" \
  --benchmark_out="$results" --benchmark_out_format=json

/usr/bin/python3 - "$results" <<'EOF'
import json
import sys

runs = {b["name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"] if "error_occurred" not in b}

def gbps(name):
    run = runs.get(name)
    return run["bytes_per_second"] / 1e9 if run else None

def figure(label, name, baselines=(), goal=""):
    """One line: the speed of `name`, then its ratio to each (benchmark, words) baseline."""
    speed = gbps(name)
    if speed is None:
        print(f"  {label}: not measured on this CPU")
        return
    ratios = "".join(f", {speed / gbps(base):.2f}x {words} ({gbps(base):.1f} GB/s)"
                     for base, words in baselines if gbps(base))
    print(f"  {label}: {speed:.1f} GB/s{ratios}{goal}")

print("\nFigures (issue 13), from this run:")
print("masking, 64 KiB, against an in-place AVX2 XOR of the same slice (goal >= 0.8x):")
for unaligned in (0, 1):
    where = "odd address" if unaligned else "aligned"
    base = [(f"BM_XorBaseline/bytes:65536/unaligned:{unaligned}", "the XOR")]
    figure(f"best path, {where}", f"BM_Mask/bytes:65536/unaligned:{unaligned}", base)
    figure(f"portable path, {where}", f"BM_MaskPortable/bytes:65536/unaligned:{unaligned}", base)
print("UTF-8 validation, 1 MiB, against the DFA and a plain byte sum (goals: mixed >= 8 GB/s, floor 4; ASCII >= 50 GB/s):")
for text, goal in (("Mixed", 8), ("Ascii", 50)):
    base = [(f"BM_Utf8{text}On/scalar/1048576", "the DFA"), ("BM_ByteSum/1048576", "the byte sum")]
    for path in ("avx2", "sse42"):
        figure(f"{text.lower()} text, {path}", f"BM_Utf8{text}On/{path}/1048576", base, f" (goal {goal} GB/s)")
print("SSE parser (goals: small events >= 1 GB/s, long data lines >= 2 GB/s):")
figure("small events (data: {\"price\":123.45})", "BM_SsePriceEvents", goal=" (goal 1 GB/s)")
figure("long data lines", "BM_SseLongDataLines", goal=" (goal 2 GB/s)")
EOF
