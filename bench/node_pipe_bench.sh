#!/usr/bin/env bash
# Requests per second through the real eddy-node binary via a pipe.
# Generates LINES requests (half send, half poll, over KEYS keys) with
# eddy-bench-gen, then times `cat FILE | eddy-node > OUT` RUNS times and checks
# that every request got exactly one reply and none was an error.
#   [EDDY_NODE=path] bench/node_pipe_bench.sh [LINES=1000000] [KEYS=100] [RUNS=3]
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-1000000}
keys=${2:-100}
runs=${3:-3}
bash scripts/build.sh release >/dev/null
bin=build/release
node=${EDDY_NODE:-$bin/node_main/eddy-node}  # EDDY_NODE=path: another build, for a ratio
# In memory where the system has /dev/shm: ~100 MB of replies written to disk
# made the figures swing with the disk's write-back.
work=$(mktemp -d -p "$([[ -d /dev/shm ]] && echo /dev/shm || echo "${TMPDIR:-/tmp}")")
trap 'rm -rf "$work"' EXIT
"$bin/bench/eddy-bench-gen" --lines "$lines" --keys "$keys" > "$work/requests.jsonl"
echo "eddy-node pipe benchmark: $lines requests (half send, half poll over $keys keys), $(du -h "$work/requests.jsonl" | cut -f1) of input"
best=0
for run in $(seq 1 "$runs"); do
  start=$(date +%s%N)
  cat "$work/requests.jsonl" | "$node" --quiet > "$work/replies.jsonl"
  end=$(date +%s%N)
  replies=$(wc -l < "$work/replies.jsonl")
  errors=$(grep -c '"type":"error"' "$work/replies.jsonl" || true)
  if [[ $replies -ne $((lines + 1)) || $errors -ne 0 ]]; then
    echo "run $run: expected $((lines + 1)) replies and no errors, got $replies replies, $errors errors" >&2
    exit 1
  fi
  rate=$(( (lines + 1) * 1000000000 / (end - start) ))
  printf 'run %d: %d ms, %d requests/s\n' "$run" $(( (end - start) / 1000000 )) "$rate"
  (( rate > best )) && best=$rate
done
echo "best: $best requests/s"
