#!/bin/bash
# How long a 5-node raft cluster takes to have a new leader serving after its
# leader is cut off into a minority (or crashed), over many seeds: seed 003's
# command with the leader-aimed faults of the simulator (docs/simulator.md,
# "Faults aimed at the leader"). Prints each run's "leader faults:" line and
# the distribution of every recovery time over all runs, in ms of virtual
# time. Usage: bash bench/leader_failover.sh [seeds=20] [fault=partition-leader]
# [extra eddy-sim flags...]
set -euo pipefail
seeds=${1:-20}
fault=${2:-partition-leader}
shift $(($# > 2 ? 2 : $#))
sim=${EDDY_SIM:-build/release/sim/eddy-sim}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for seed in $(seq 1 "$seeds"); do
  "$sim" test -w lin-kv --strategy raft --node-count 5 --concurrency 2n --rate 100 --latency 10 \
    --time-limit 60 --nemesis "$fault" --nemesis-interval 3 --seed "$seed" "$@" \
    --out "$out/run-$seed" >"$out/report-$seed.txt" 2>/dev/null || true
  grep -h 'leader faults' "$out/report-$seed.txt" | sed "s/^/seed $seed: /"
done
python3 - "$out" <<'PY'
import glob, json, sys
times, unrecovered = [], 0
for path in glob.glob(sys.argv[1] + "/run-*/results.json"):
    faults = json.load(open(path)).get("leader_faults", {})
    times += [t / 1000 for t in faults.get("recovery_us", [])]
    unrecovered += faults.get("unrecovered", 0)
times.sort()
if not times:
    sys.exit("no leader fault was timed")
q = lambda p: times[min(len(times) - 1, int(p * len(times)))]
print(f"{len(times)} recoveries (+{unrecovered} healed first): min {times[0]:.0f} / p50 {q(0.5):.0f}"
      f" / p90 {q(0.9):.0f} / p99 {q(0.99):.0f} / max {times[-1]:.0f} ms;"
      f" within 800 ms (2 election timeouts): {sum(t <= 800 for t in times) / len(times):.1%}")
PY
