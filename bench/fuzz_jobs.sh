#!/usr/bin/env bash
# Fuzz campaign throughput: scenarios/s of `eddy-sim fuzz` with --jobs 1 and
# --jobs J (default 2) on the same seeds, the ratio of the two (the target on
# 2 idle cores: 1.8x or more), and a check that both printed the same stdout.
#   bench/fuzz_jobs.sh [STRATEGY=raft] [RUNS=300] [JOBS=2] [REPEAT=2]
# The two alternate REPEAT times and each keeps its best, so that a burst of
# other load hurts both alike; their CPU seconds (eddy-sim's and its
# workers') show the cost of the workers whatever the load, and J
# independent serial processes on disjoint shards (the control) show how much
# parallelism the machine has to give at the moment. Uses build/release/sim/eddy-sim (built if
# missing). The machine's load is printed with the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
strategy=${1:-raft}
runs=${2:-300}
jobs=${3:-2}
repeat=${4:-2}
sim=build/release/sim/eddy-sim
if [[ ! -x $sim ]]; then
  cmake --preset release >/dev/null && cmake --build build/release -j1 --target eddy-sim >/dev/null
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
rate() {  # scenarios/s from eddy-sim fuzz's last stderr line
  sed -n 's/.* scenarios in .* s with .* jobs: \([0-9.]*\) scenarios\/s.*/\1/p' "$1" | tail -1
}
cpu() {  # CPU seconds of eddy-sim and its workers, from the same line
  sed -n 's/.* scenarios\/s, \([0-9.]*\) CPU s.*/\1/p' "$1" | tail -1
}
best() { python3 -c "import sys; print(max(float(x) for x in sys.argv[1:]))" "$@"; }
echo "fuzz --strategy $strategy --runs $runs on $(nproc) cores; load before:$(uptime | sed 's/.*load average//')"
serial=() parallel=() serial_cpu=() parallel_cpu=() independent=()
for ((i = 0; i < repeat; ++i)); do
  "$sim" fuzz --strategy "$strategy" --runs "$runs" --jobs 1 >"$out/serial.out" 2>"$out/serial.err" || true
  serial+=("$(rate "$out/serial.err")")
  serial_cpu+=("$(cpu "$out/serial.err")")
  "$sim" fuzz --strategy "$strategy" --runs "$runs" --jobs "$jobs" >"$out/parallel.out" 2>"$out/parallel.err" || true
  parallel+=("$(rate "$out/parallel.err")")
  parallel_cpu+=("$(cpu "$out/parallel.err")")
  # The control: J independent --jobs 1 processes on disjoint shards, all at
  # once. What they reach is what the machine gives J-way parallelism now;
  # on a loaded machine it is well below J times the serial rate.
  start=$(date +%s%N)
  for ((k = 0; k < jobs; ++k)); do
    "$sim" fuzz --strategy "$strategy" --runs "$runs" --jobs 1 --shard "$k/$jobs" >/dev/null 2>&1 &
  done
  wait
  independent+=("$(python3 -c "print('%.2f' % ($runs / (($(date +%s%N) - $start) / 1e9)))")")
  cmp -s "$out/serial.out" "$out/parallel.out" || {
    echo "stdout: DIFFERS"; diff "$out/serial.out" "$out/parallel.out" | head -20; exit 1; }
done
s=$(best "${serial[@]}")
p=$(best "${parallel[@]}")
echo "jobs 1: ${serial[*]} scenarios/s (best $s)"
echo "jobs $jobs: ${parallel[*]} scenarios/s (best $p)"
python3 -c "print('ratio: %.2fx' % ($p / $s))"
i=$(best "${independent[@]}")
echo "control, $jobs independent --jobs 1 processes on disjoint shards: ${independent[*]} scenarios/s (best $i, $(python3 -c "print('%.2fx' % ($i / $s))") the serial rate)"
# On a busy machine the wall-time ratio says little; CPU time says what the
# workers cost beyond the serial run (fork, a cold cache and heap per worker).
echo "CPU s: jobs 1 ${serial_cpu[*]}, jobs $jobs ${parallel_cpu[*]}"
python3 -c "
s, p = min(map(float, '${serial_cpu[*]}'.split())), min(map(float, '${parallel_cpu[*]}'.split()))
print('CPU per scenario: jobs 1 %.2f ms, jobs $jobs %.2f ms (+%.0f%%)' % (1e3 * s / $runs, 1e3 * p / $runs, 100 * (p / s - 1)))"
echo "stdout: identical (every repeat); load after:$(uptime | sed 's/.*load average//')"
