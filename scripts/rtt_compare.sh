#!/usr/bin/env bash
# scripts/rtt_compare.sh [PINGS [PAIRS]]
# Timing honesty, measured in one run: the median ping round trip of `wsprobe heartbeat`
# against `wsprobe serve` on loopback (no delay), next to the median round trip of a raw
# TCP ping-pong of the same size and cadence between two processes
# (build/tests/bench/rtt_floor), the floor on this machine. The goal is wsprobe's median
# within 1.5 times the floor.
#
# The machine's own noise is larger than the difference being measured, so:
# - Each pair measures both back to back, in alternating order, and gives one ratio; the
#   figure is the median of those ratios, so a slow moment spoils one pair, not the result.
# - All four processes run on one CPU. On a VM a wake-up across CPUs can cost 100 us
#   or more, and which CPU the scheduler picks would otherwise decide the figure.
set -euo pipefail
cd "$(dirname "$0")/.."
pings=${1:-100}
pairs=${2:-11}

pin=()
if command -v taskset >/dev/null; then
  cpus=$(taskset -pc $$)  # "pid N's current affinity list: 0-1"
  cpus=${cpus##*: }
  pin=(taskset -c "${cpus%%[,-]*}")  # the first CPU this script may use
fi

coproc SERVER { exec "${pin[@]}" build/wsprobe serve --port 0; }
server_pid=$SERVER_PID
trap 'kill -TERM "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null' EXIT
read -r -t 10 first_line <&"${SERVER[0]}"
url=${first_line#listening on }

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# Both ping every 10 ms, so both pay the same wake-up costs; prints microseconds.
wsprobe_rtt() {
  "${pin[@]}" build/wsprobe heartbeat "$url" --interval 10ms --pings "$pings" --json |
    sed -n 's/.*"type":"summary".*"p50_ms":\([0-9.]*\).*/\1/p' | awk '{ printf "%.1f\n", $1 * 1000 }'
}
# A ping frame from a client: 2 header bytes + 4 mask bytes + "wsprobe NNN".
floor_rtt() { "${pin[@]}" build/tests/bench/rtt_floor 17 "$pings" 10; }

wsprobe_runs=() floor_runs=() ratios=()
for ((pair = 0; pair < pairs; ++pair)); do
  if ((pair % 2 == 0)); then
    ws=$(wsprobe_rtt) floor=$(floor_rtt)
  else
    floor=$(floor_rtt) ws=$(wsprobe_rtt)
  fi
  if [[ -z $ws || -z $floor ]]; then
    echo "rtt_compare: pair $((pair + 1)) gave no figure (wsprobe '$ws', floor '$floor')" >&2
    exit 1
  fi
  wsprobe_runs+=("$ws") floor_runs+=("$floor")
  ratios+=("$(awk -v a="$ws" -v b="$floor" 'BEGIN { printf "%.2f", a / b }')")
done
echo "ping round trip, $pairs pairs of $pings pings:" \
  "wsprobe heartbeat median $(printf '%s\n' "${wsprobe_runs[@]}" | median) us (${wsprobe_runs[*]})," \
  "raw TCP median $(printf '%s\n' "${floor_runs[@]}" | median) us (${floor_runs[*]})," \
  "ratio median $(printf '%s\n' "${ratios[@]}" | median) (${ratios[*]}; goal <= 1.5)"
