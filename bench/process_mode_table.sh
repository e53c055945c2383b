#!/bin/bash
# The verdicts of the same nodes in process mode (`eddy-sim test --bin`, real
# child processes in real time) and in-process (the simulator's own nodes,
# virtual time), side by side, as a markdown table for docs/process-mode.md.
# Usage: bash bench/process_mode_table.sh [build dir=build/release]
set -euo pipefail
build=${1:-build/release}
sim=$build/sim/eddy-sim
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
common=(--time-limit 3 --rate 200 --latency 5 --recovery 1 --final-time-limit 3 --seed 1)
verdict() {  # prints "valid" / "invalid (...)" / "unknown"
  rm -f "$out/report"
  "$sim" test "${common[@]}" --out "$out/run" "$@" >"$out/report" 2>/dev/null || true
  grep -m1 -E "^(verdict:|run aborted:)" "$out/report" | sed "s/^verdict: //" | cut -c1-60
}
echo "| workload | node | nodes | nemesis | in-process verdict | process-mode verdict |"
echo "|---|---|---|---|---|---|"
while read -r workload strategy nodes nemesis; do
  flags=(-w "$workload" --node-count "$nodes")
  [[ $nemesis != none ]] && flags+=(--nemesis "$nemesis" --nemesis-interval 1)
  if [[ $strategy == broken:* ]]; then bin=$build/sim/broken/eddy-broken-node; else bin=$build/node_main/eddy-node; fi
  in=$(verdict "${flags[@]}" --strategy "$strategy")
  pm=$(verdict "${flags[@]}" --bin "$bin" -- --strategy "$strategy")
  echo "| $workload | \`$strategy\` | $nodes | $nemesis | $in | $pm |"
done <<'CASES'
kafka single 1 none
kafka gossip 2 partition
kafka linkv 2 none
kafka leader 2 partition
kafka raft 3 partition
lin-kv proxy 3 partition
lin-kv raft 5 partition
kafka broken:lose-write 1 none
kafka broken:skip-poll 1 none
kafka broken:reuse-offset 1 none
lin-kv broken:kv-stale-cache 3 none
lin-kv broken:kv-early-cas-ack 3 none
CASES
