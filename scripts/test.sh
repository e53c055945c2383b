#!/usr/bin/env bash
# Builds a preset (default: release) and runs every test through ctest:
# unit tests, rapidcheck properties and process tests of the real binaries.
# RC_PARAMS bounds the rapidcheck cases (default here: 200 per property).
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-release}
bash scripts/build.sh "$preset"
export RC_PARAMS=${RC_PARAMS:-max_success=200}
ctest --preset "$preset" -j "$(nproc)"
