#!/usr/bin/env python3
"""What share of the ops sent to majority-side nodes got a definite answer
while a partition lasted (issue 9's target: at least 99%), from eddy-sim
lin-kv run folders.

An op counts when it was invoked while a two-sided partition (the shapes
"one", "minority-third", "majority" and the leader-aimed "partition-leader")
was up and was sent to a node of the side holding a majority. It is
definite when it completed ok or failed with error 20 or 22 (the store's own
answers); a timeout, an :info, or error 11 (refused: no leader there yet) is
not. Ops in flight at a heal are judged by their completion all the same.
Ring partitions have no majority side and are left out.

Usage: bench/majority_availability.py RUN_FOLDER... (each with history.jsonl)
   or: bench/majority_availability.py --seeds 6 [eddy-sim flags...]
       (runs seed 003's command with --nemesis partition, or $NEMESIS such
       as partition-leader, for seeds 1..N; $EDDY_SIM names the binary)
"""
import json
import os
import re
import subprocess
import sys
import tempfile

SIDES = re.compile(r"\[([^\]]*)\] \| \[([^\]]*)\]")


def judge(history_path):
    majority, invoked, counted, definite = None, {}, 0, 0
    for line in open(history_path):
        op = json.loads(line)
        if op.get("f") == "nemesis":
            text = op.get("nemesis", "")
            m = SIDES.search(text)
            if text.startswith("start-partition") and m and "ring" not in text:
                a, b = m.group(1).split(), m.group(2).split()
                n = len(a) + len(b)
                big = a if len(a) > len(b) else b
                majority = set(big) if len(big) >= n // 2 + 1 else None
            elif text.startswith("stop"):
                majority = None
            continue
        proc = op["process"]
        if op["type"] == "invoke":
            invoked[proc] = majority is not None and op.get("node") in majority
            continue
        if not invoked.pop(proc, False):
            continue
        counted += 1
        if op["type"] == "ok" or op.get("error_code") in (20, 22):
            definite += 1
    return counted, definite


def main(argv):
    folders = argv
    tmp = None
    if argv and argv[0] == "--seeds":
        seeds, extra = int(argv[1]), argv[2:]
        sim = os.environ.get("EDDY_SIM", "build/release/sim/eddy-sim")
        nemesis = os.environ.get("NEMESIS", "partition")
        tmp = tempfile.mkdtemp()
        folders = []
        for seed in range(1, seeds + 1):
            out = os.path.join(tmp, f"seed{seed}")
            subprocess.run([sim, "test", "-w", "lin-kv", "--strategy", "raft", "--node-count", "5",
                            "--concurrency", "2n", "--rate", "100", "--latency", "10",
                            "--time-limit", "60", "--nemesis", nemesis, "--nemesis-interval",
                            "3", "--seed", str(seed), "--out", out] + extra,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            folders.append(out)
    total_counted = total_definite = 0
    for folder in folders:
        counted, definite = judge(os.path.join(folder, "history.jsonl"))
        total_counted += counted
        total_definite += definite
        share = definite / counted if counted else float("nan")
        print(f"{folder}: {definite}/{counted} majority-side ops definite ({share:.2%})")
    if total_counted:
        print(f"all: {total_definite}/{total_counted} ({total_definite / total_counted:.2%})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
