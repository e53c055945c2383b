#!/usr/bin/env bash
# Fuzz campaign throughput: scenarios/s of `eddy-sim fuzz` with --jobs 1 and
# --jobs J (default 2) on the same seeds, the ratio of the two (the target on
# 2 idle cores: 1.8x or more), and a check that both printed the same stdout.
#   bench/fuzz_jobs.sh [STRATEGY=raft] [RUNS=200] [JOBS=2]
# Uses build/release/sim/eddy-sim (built if missing). The machine's other
# load shows in the figures: `uptime` is printed with them.
set -euo pipefail
cd "$(dirname "$0")/.."
strategy=${1:-raft}
runs=${2:-200}
jobs=${3:-2}
sim=build/release/sim/eddy-sim
if [[ ! -x $sim ]]; then
  cmake --preset release >/dev/null && cmake --build build/release -j1 --target eddy-sim >/dev/null
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
rate() {  # scenarios/s from eddy-sim fuzz's last stderr line
  sed -n 's/.* scenarios in .* s with .* jobs: \([0-9.]*\) scenarios\/s.*/\1/p' "$1" | tail -1
}
echo "fuzz --strategy $strategy --runs $runs on $(nproc) cores; load:$(uptime | sed 's/.*load average//')"
"$sim" fuzz --strategy "$strategy" --runs "$runs" --jobs 1 >"$out/serial.out" 2>"$out/serial.err" || true
"$sim" fuzz --strategy "$strategy" --runs "$runs" --jobs "$jobs" >"$out/parallel.out" 2>"$out/parallel.err" || true
serial=$(rate "$out/serial.err")
parallel=$(rate "$out/parallel.err")
printf 'jobs 1: %8.2f scenarios/s\njobs %s: %8.2f scenarios/s\nratio: %.2fx\n' \
  "$serial" "$jobs" "$parallel" "$(python3 -c "print($parallel / $serial)")"
if cmp -s "$out/serial.out" "$out/parallel.out"; then
  echo "stdout: identical"
else
  echo "stdout: DIFFERS" && diff "$out/serial.out" "$out/parallel.out" | head -20 && exit 1
fi
