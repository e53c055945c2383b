#!/usr/bin/env bash
# Pipes a sample kafka session (seed 001's four operations, then two bad
# requests) through the real eddy-node binary and prints each request (>) and
# reply (<): the node as Maelstrom would see it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh release
node=build/release/node_main/eddy-node
session=scripts/sample_session.jsonl
echo "== eddy-node --strategy single < $session"
paste -d '\n' <(sed 's/^/> /' "$session") <("$node" --strategy single --quiet < "$session" | sed 's/^/< /')
