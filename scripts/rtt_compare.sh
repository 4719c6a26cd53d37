#!/usr/bin/env bash
# scripts/rtt_compare.sh [PINGS [ROUNDS]]
# Timing honesty, measured in one run: the median ping round trip of `wsprobe heartbeat`
# against `wsprobe serve` on loopback (no delay), next to the median round trip of a raw
# TCP ping-pong of the same size and cadence between two processes
# (build/tests/bench/rtt_floor), the floor on this machine. The two are measured in
# alternation, ROUNDS times each, and the medians of those rounds are compared, so that
# a noisy moment does not decide. The goal is wsprobe's median within 1.5 times the floor.
set -euo pipefail
cd "$(dirname "$0")/.."
pings=${1:-300}
rounds=${2:-5}

coproc SERVER { exec build/wsprobe serve --port 0; }
server_pid=$SERVER_PID
trap 'kill -TERM "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null' EXIT
read -r -t 10 first_line <&"${SERVER[0]}"
url=${first_line#listening on }

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

wsprobe_runs=() floor_runs=()
for ((round = 0; round < rounds; ++round)); do
  # A ping frame from a client: 2 header bytes + 4 mask bytes + "wsprobe NNN".
  p50_ms=$(build/wsprobe heartbeat "$url" --interval 10ms --count "$pings" --json |
    sed -n 's/.*"type":"summary".*"p50":\([0-9.]*\).*/\1/p')
  wsprobe_runs+=("$(awk -v ms="$p50_ms" 'BEGIN { printf "%.1f", ms * 1000 }')")
  floor_runs+=("$(build/tests/bench/rtt_floor 17 "$pings" 10)")  # the same 10 ms between rounds
done
wsprobe_us=$(printf '%s\n' "${wsprobe_runs[@]}" | median)
floor_us=$(printf '%s\n' "${floor_runs[@]}" | median)
ratio=$(awk -v a="$wsprobe_us" -v b="$floor_us" 'BEGIN { printf "%.2f", a / b }')
echo "ping round trip, medians of $rounds rounds of $pings pings: wsprobe heartbeat ${wsprobe_us} us" \
  "(rounds: ${wsprobe_runs[*]}), raw TCP ${floor_us} us (rounds: ${floor_runs[*]}), ratio ${ratio} (goal <= 1.5)"
