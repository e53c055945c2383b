#!/usr/bin/env bash
# Spreads a fuzz campaign's shards over machines with GNU parallel, then
# merges them with fuzz-report.
#
#   scripts/fuzz_parallel.sh [--shards N] [--out DIR] [--sshlogin LOGIN]...
#                            [--ssh CMD] [--eddy-sim PATH] -- FUZZ_FLAGS...
#
#   scripts/fuzz_parallel.sh --shards 16 --sshlogin : --sshlogin user@box2 \
#       -- --strategy raft --runs 100000
#
# Every shard K of N runs `eddy-sim fuzz FUZZ_FLAGS --shard K/N --jsonl -`
# on one of the logins (`:` is this machine; parallel's LOGIN syntax, e.g.
# 2/user@host for two shards at a time there, the default being one, each
# using every core of its host through eddy-sim's own --jobs). The JSON
# lines come back over parallel's output into DIR/shard-K.jsonl (stderr in
# DIR/shard-K.jsonl.err), so a remote host needs only eddy-sim (PATH, or
# --eddy-sim PATH there) and ssh (--ssh CMD: parallel's --ssh, the command
# that reaches a login, ssh by default). Exit status: fuzz-report's (0 every seed
# ran once and passed, 1 a failure or a seed missing, 2 bad input).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
shards=8
out=fuzz-results
eddy_sim=
ssh_flags=()
logins=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --shards) shards=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --sshlogin) logins+=("$2"); shift 2 ;;
    --eddy-sim) eddy_sim=$2; shift 2 ;;
    --ssh) ssh_flags=(--ssh "$2"); shift 2 ;;
    --) shift; break ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "fuzz_parallel.sh: unknown flag $1 (fuzz's flags go after --)" >&2; exit 2 ;;
  esac
done
fuzz_flags=("$@")
[[ $shards =~ ^[1-9][0-9]*$ ]] || { echo "fuzz_parallel.sh: --shards must be a positive integer" >&2; exit 2; }
command -v parallel >/dev/null || { echo "fuzz_parallel.sh: needs GNU parallel (apt-get install parallel)" >&2; exit 2; }
[[ ${#logins[@]} -gt 0 ]] || logins=(:)
if [[ -z $eddy_sim ]]; then
  eddy_sim=$here/build/release/sim/eddy-sim
  [[ -x $eddy_sim ]] || eddy_sim=eddy-sim
fi
# The merge runs here: this machine's eddy-sim, whatever the hosts use.
report_sim=$eddy_sim
[[ -x $report_sim ]] || report_sim=$(command -v eddy-sim || true)
[[ -n $report_sim ]] || { echo "fuzz_parallel.sh: no eddy-sim here for fuzz-report (--eddy-sim PATH)" >&2; exit 2; }

mkdir -p "$out"
rm -f "$out"/shard-*.jsonl "$out"/shard-*.jsonl.err "$out"/shard-*.jsonl.seq
login_flags=()
for login in "${logins[@]}"; do login_flags+=(--sshlogin "$login"); done
# parallel quotes each argument for the remote shell itself (-q).
start=$SECONDS
parallel --will-cite -q -j 1 "${ssh_flags[@]}" "${login_flags[@]}" --results "$out/shard-{}.jsonl" \
  "$eddy_sim" fuzz "${fuzz_flags[@]}" --shard "{}/$shards" --jsonl - \
  ::: $(seq 0 $((shards - 1))) || true  # a failing shard exits 1: the report says why
rm -f "$out"/shard-*.jsonl.seq
echo "fuzz_parallel.sh: $shards shards on ${logins[*]} in $((SECONDS - start)) s" >&2
files=()
for ((k = 0; k < shards; ++k)); do
  files+=("$out/shard-$k.jsonl")
  # An empty shard with an empty .err never started eddy-sim: parallel's
  # remote wrapper execs the login's $SHELL, which a bare ssh stand-in may
  # not set. fuzz-report then refuses the file; say where to look first.
  if [[ ! -s $out/shard-$k.jsonl && ! -s $out/shard-$k.jsonl.err ]]; then
    echo "fuzz_parallel.sh: shard $k printed nothing (did its login reach a shell with SHELL set?)" >&2
  fi
done
exec "$report_sim" fuzz-report "${files[@]}"
