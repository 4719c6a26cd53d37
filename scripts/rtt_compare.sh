#!/usr/bin/env bash
# scripts/rtt_compare.sh [PINGS]
# Timing honesty, measured in one run: the median ping round trip of `wsprobe heartbeat`
# against `wsprobe serve` on loopback (no delay), next to the median round trip of a raw
# TCP ping-pong of the same size and cadence between two sockets (build/tests/bench/rtt_floor),
# the floor on this machine. The goal is wsprobe's median within 1.5 times the floor.
set -euo pipefail
cd "$(dirname "$0")/.."
pings=${1:-300}

coproc SERVER { exec build/wsprobe serve --port 0; }
server_pid=$SERVER_PID
trap 'kill -TERM "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null' EXIT
read -r -t 10 first_line <&"${SERVER[0]}"
url=${first_line#listening on }

# A ping frame from a client: 2 header bytes + 4 mask bytes + "wsprobe NNN"; the pong is 2 + payload.
wsprobe_median_ms=$(build/wsprobe heartbeat "$url" --interval 10ms --count "$pings" --json |
  sed -n 's/.*"type":"summary".*"p50":\([0-9.]*\).*/\1/p')
floor_median_us=$(build/tests/bench/rtt_floor 17 "$pings" 10)  # the same 10 ms between rounds
wsprobe_median_us=$(awk -v ms="$wsprobe_median_ms" 'BEGIN { printf "%.1f", ms * 1000 }')
ratio=$(awk -v a="$wsprobe_median_us" -v b="$floor_median_us" 'BEGIN { printf "%.2f", a / b }')
echo "ping round trip, median of $pings: wsprobe heartbeat ${wsprobe_median_us} us, raw TCP ${floor_median_us} us, ratio ${ratio} (goal <= 1.5)"
