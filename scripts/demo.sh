#!/usr/bin/env bash
# The main job, until the simulator lands: builds eddy-node and pipes a sample
# kafka session (seed 001's four operations, then two bad requests) through
# it, printing each request and the node's reply.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh release
node=build/release/node_main/eddy-node
session=scripts/sample_session.jsonl
echo "== eddy-node --strategy single < $session"
paste -d '\n' <(sed 's/^/> /' "$session") <("$node" --strategy single --quiet < "$session" | sed 's/^/< /')
