#!/usr/bin/env bash
# Fuzz campaign throughput: scenarios/s of `eddy-sim fuzz` with --jobs 1 and
# --jobs J (default 2) on the same seeds, the ratio of the two (the target on
# 2 idle cores: 1.8x or more), and a check that both printed the same stdout.
#   bench/fuzz_jobs.sh [STRATEGY=raft] [RUNS=300] [JOBS=2] [REPEAT=2]
# The two alternate REPEAT times and each keeps its best, so that a burst of
# other load hurts both alike. Uses build/release/sim/eddy-sim (built if
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
best() { python3 -c "import sys; print(max(float(x) for x in sys.argv[1:]))" "$@"; }
echo "fuzz --strategy $strategy --runs $runs on $(nproc) cores; load before:$(uptime | sed 's/.*load average//')"
serial=() parallel=()
for ((i = 0; i < repeat; ++i)); do
  "$sim" fuzz --strategy "$strategy" --runs "$runs" --jobs 1 >"$out/serial.out" 2>"$out/serial.err" || true
  serial+=("$(rate "$out/serial.err")")
  "$sim" fuzz --strategy "$strategy" --runs "$runs" --jobs "$jobs" >"$out/parallel.out" 2>"$out/parallel.err" || true
  parallel+=("$(rate "$out/parallel.err")")
  cmp -s "$out/serial.out" "$out/parallel.out" || {
    echo "stdout: DIFFERS"; diff "$out/serial.out" "$out/parallel.out" | head -20; exit 1; }
done
s=$(best "${serial[@]}")
p=$(best "${parallel[@]}")
echo "jobs 1: ${serial[*]} scenarios/s (best $s)"
echo "jobs $jobs: ${parallel[*]} scenarios/s (best $p)"
python3 -c "print('ratio: %.2fx' % ($p / $s))"
echo "stdout: identical (every repeat); load after:$(uptime | sed 's/.*load average//')"
