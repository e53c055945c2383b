#!/usr/bin/env bash
# Instructions a run of issue 11's two commands executes, counted by
# callgrind: the main thread (start-up, run, the checker's tail, the run
# folder), its Simulation::run alone, and every thread together (the
# history's feed, the checker's walk, report.html's columns). Unlike wall
# time, these do not move with the machine's load or a virtual machine's
# memory (docs/performance.md), so two builds compare on any day; they do not
# see page faults, cache misses or how threads share the cores, which only
# timing does (bench/sim_speed_ab.py).
#   bash bench/sim_instructions.sh [EDDY_SIM...]   (default: the release build)
# Needs valgrind (Debian's package); about a minute per build under it.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v valgrind >/dev/null; then
  echo "bench/sim_instructions.sh: needs valgrind (apt-get install valgrind)" >&2
  exit 2
fi
builds=("$@")
if [[ ${#builds[@]} -eq 0 ]]; then
  bash scripts/build.sh release >/dev/null
  builds=(build/release/sim/eddy-sim)
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
commands=(
  "seed 001's|-w kafka --node-count 1 --concurrency 2n --time-limit 20 --rate 1000"
  "5-node partition|-w kafka --node-count 5 --concurrency 2n --time-limit 20 --rate 1000 --nemesis partition --nemesis-interval 2 --latency 10"
)
# The total of one thread's profile, and Simulation::run's inclusive count
# (awk reads to the end: a reader that left early would fail the pipe).
total_of() { callgrind_annotate "$1" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}'; }
run_of() {
  callgrind_annotate --inclusive=yes "$1" 2>/dev/null |
    awk '/Simulation::run\(/ && !found {gsub(",", "", $1); print $1; found = 1}'
}
millions() { awk -v n="$1" 'BEGIN {printf "%.1fM", n / 1e6}'; }
for build in "${builds[@]}"; do
  for entry in "${commands[@]}"; do
    name=${entry%%|*}
    args=${entry#*|}
    profile="$work/cg"
    rm -f "$profile"*
    # shellcheck disable=SC2086 # the command's flags are words
    valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$profile" \
      "$build" test $args --seed 1 -q --out "$work/run" >/dev/null 2>&1
    main=$(total_of "$profile-01")
    run=$(run_of "$profile-01")
    all=0
    for thread in "$profile"-*; do all=$((all + $(total_of "$thread"))); done
    printf '%s | %s: main thread %s (run %s), all threads %s\n' "$build" "$name" \
      "$(millions "$main")" "$(millions "$run")" "$(millions "$all")"
  done
done
