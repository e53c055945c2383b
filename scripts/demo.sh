#!/usr/bin/env bash
# The main job: builds Eddy and runs seed 001's Maelstrom command in the
# simulator (one eddy node, 2 clients, 20 s at 1000 ops/s, then Maelstrom's
# recovery and final polls), printing the report and leaving the run folder
# in runs/. Extra arguments go to `eddy-sim test` (e.g. --seed 7).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh release
exec build/release/sim/eddy-sim test -w kafka --node-count 1 --concurrency 2n --time-limit 20 \
  --rate 1000 "$@"
