#!/usr/bin/env bash
# Simulator speed: virtual seconds per wall second (start-up, run folder and
# checker included) of a seed command at several node counts and rates. Each
# cell is the best of RUNS.
#   [EDDY_SIM=path] [NO_REPORT=1] bench/sim_speed.sh [STRATEGY=gossip] [RUNS=3]
# A kafka strategy runs seed 001's command (--concurrency 2n --time-limit 20,
# final phase included) at 1, 2 and 5 nodes and rates 1000 and 10000, with and
# without partitions (--nemesis partition --nemesis-interval 2 --latency 10:
# at 5 nodes and rate 1000, the partition command of issue 11); a lin-kv
# strategy (proxy) seed 003's (-w lin-kv --concurrency 2n --time-limit 20) at
# 1, 3 and 5 nodes and rates 100 and 1000, with and without partitions.
set -euo pipefail
cd "$(dirname "$0")/.."
strategy=${1:-gossip}
runs=${2:-3}
# EDDY_SIM=path measures another build (an older commit's, for a ratio).
if [[ -z ${EDDY_SIM:-} ]]; then bash scripts/build.sh release >/dev/null; fi
sim=${EDDY_SIM:-build/release/sim/eddy-sim}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# The simulator's speed as a user meets it: the whole run folder, report.html
# included (the target counts it). NO_REPORT=1 leaves report.html out, as
# figures before 81e86ef did, for a build that knows --no-report.
no_report=()
if [[ ${NO_REPORT:-0} == 1 ]] && "$sim" test --help 2>/dev/null | grep -q -- --no-report; then
  no_report=(--no-report)
fi
if [[ $strategy == proxy || $strategy == broken:kv-* ]]; then
  workload=lin-kv node_counts="1 3 5" rates="100 1000" nemeses="none partition"
else
  workload=kafka node_counts="1 2 5" rates="1000 10000" nemeses="none partition"
fi
printf '%-6s %-6s %-10s %-10s %-12s %-10s %-10s %s\n' nodes rate nemesis verdict "virtual s" "wall s" "x real" "history entries"
for nodes in $node_counts; do
  for rate in $rates; do
    for nemesis in $nemeses; do
      flags=()
      if [[ $nemesis != none ]]; then flags=(--nemesis "$nemesis" --nemesis-interval 2 --latency 10); fi
      best=""
      for run in $(seq 1 "$runs"); do
        start=$(date +%s%N)
        verdict=$("$sim" test -w "$workload" --strategy "$strategy" --node-count "$nodes" \
          --concurrency 2n --time-limit 20 --rate "$rate" "${flags[@]}" "${no_report[@]}" --seed 1 --out "$out/run" -q \
          2>/dev/null | head -1 || true)
        end=$(date +%s%N)
        wall_ns=$((end - start))
        if [[ -z $best || $wall_ns -lt $best ]]; then best=$wall_ns; fi
      done
      virtual=$(grep -o '"virtual_time_us": [0-9]*' "$out/run/results.json" | grep -o '[0-9]*$')
      entries=$(wc -l < "$out/run/history.jsonl")
      awk -v n="$nodes" -v r="$rate" -v m="$nemesis" -v v="${verdict#verdict: }" -v vt="$virtual" \
        -v w="$best" -v e="$entries" \
        'BEGIN { printf "%-6s %-6s %-10s %-10s %-12.1f %-10.3f %-10.0f %d\n", n, r, m, v, vt / 1e6, w / 1e9, (vt / 1e6) / (w / 1e9), e }'
    done
  done
done
