#!/usr/bin/env bash
# scripts/sse_compare.sh [MIB [RUNS]]
# SSE throughput end to end, measured in one run: a local server streams MIB (200) MiB of
# `data: {"price":123.45}` events as fast as the socket takes them
# (tests/integration/peers/sse_server.py, /flood), and each client reads the whole stream:
# - curl -sN URL > /dev/null, the baseline;
# - wsprobe sse -q (parse, count, print nothing);
# - wsprobe sse with its text output to a file;
# - wsprobe sse --json to a file.
# wsprobe stops at the stream's last event (--max-events), so it also shows that none was lost.
# The output files are written over in place (1<>): allocating fresh page-cache pages
# costs the kernel about as much as wsprobe's whole run, and that cost is the file
# system's, not wsprobe's. What a fresh file adds is printed apart, once.
# Each round runs the four in a rotating order; a figure is the median of RUNS (5) rounds.
# Goals (issue 13): -q within 2x curl, text and --json within 6x.
set -euo pipefail
cd "$(dirname "$0")/.."
mib=${1:-200}
runs=${2:-5}
if ! [[ $mib =~ ^[1-9][0-9]*$ && $runs =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: scripts/sse_compare.sh [MIB [RUNS]] (whole numbers from 1)" >&2
  exit 2
fi
event='data: {"price":123.45}'
event_bytes=$((${#event} + 2))
bytes=$((mib << 20))
events=$((bytes / event_bytes))

coproc SERVER { exec /usr/bin/python3 tests/integration/peers/sse_server.py; }
server_pid=$SERVER_PID
# In memory (tmpfs) where there is one: a disk's writeback of one run would stall the next.
out=$(mktemp -p "$( [ -d /dev/shm ] && [ -w /dev/shm ] && echo /dev/shm || echo "${TMPDIR:-/tmp}")")
# The server dies of the TERM (143): under set -e that status would end the trap early.
trap 'kill -TERM "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true; rm -f "$out"' EXIT
read -r -t 10 first_line <&"${SERVER[0]}"
url="${first_line#listening on }flood?bytes=$bytes"

# Seconds one command takes, to the millisecond; a failure stops the script.
seconds() {
  local start=$EPOCHREALTIME
  "$@" || { echo "sse_compare: '$*' failed" >&2; exit 1; }
  awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f\n", b - a }'
}
run_curl() { curl -sN "$url" > /dev/null; }
run_quiet() { build/wsprobe sse "$url" --max-events "$events" -q; }
run_text() { build/wsprobe sse "$url" --max-events "$events" 1<> "$out"; }
run_json() { build/wsprobe sse "$url" --max-events "$events" --json 1<> "$out"; }
run_json_fresh() { rm -f "$out"; build/wsprobe sse "$url" --max-events "$events" --json > "$out"; }

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

fresh=$(seconds run_json_fresh)  # and the file the others write over
clients=(curl quiet text json)
declare -A times
for ((round = 0; round < runs; ++round)); do
  for ((k = 0; k < 4; ++k)); do
    client=${clients[(round + k) % 4]}
    times[$client]+="$(seconds "run_$client") "
  done
done

declare -A med
for client in "${clients[@]}"; do med[$client]=$(printf '%s\n' ${times[$client]} | median); done
ratio() { awk -v a="${med[$1]}" -v b="${med[curl]}" 'BEGIN { printf "%.2f", a / b }'; }
echo "sse end to end, $mib MiB ($events events), median of $runs rounds:" \
  "curl ${med[curl]} s;" \
  "wsprobe -q ${med[quiet]} s ($(ratio quiet)x curl, goal <= 2);" \
  "text to a file ${med[text]} s ($(ratio text)x, goal <= 6);" \
  "--json to a file ${med[json]} s ($(ratio json)x, goal <= 6)" \
  "(to a fresh file $fresh s, $(awk -v a="$fresh" -v b="${med[curl]}" 'BEGIN { printf "%.2f", a / b }')x)"
