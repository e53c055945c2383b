#!/usr/bin/env python3
"""Two eddy-sim builds timed side by side on issue 11's commands.

    python3 bench/sim_speed_ab.py OLD_EDDY_SIM NEW_EDDY_SIM [ROUNDS=4] [RUNS=10] [GAP_S=0]

This machine's speed drifts by a fifth within an hour, so a figure means
something only beside another taken at the same time. Each round runs every
command RUNS times with each build, the builds taking turns run by run (old
first, then new first, and so on), so that a drift within the round weighs
on both alike; a run is a whole process (start-up, run, checker, run folder
with report.html), timed from its fork to its exit. Prints, per command and
build, the best and the median wall time and what they are in real-time
speed (Maelstrom time over wall time), the two builds' ratios, and the median
of the ratios of runs taken side by side.

GAP_S seconds of idle before each run measure what a user running one command
meets: on a virtual machine memory the guest left free for a few seconds may
have to be backed by the host again (docs/performance.md), which runs back to
back never see. A build given as PATH|VAR=VALUE runs with that environment
variable set (EDDY_HUGE_PAGES=1, say).
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

# (name, arguments, virtual seconds the run covers: results.json's virtual_time_us)
COMMANDS = [
    ("seed 001's", "-w kafka --node-count 1 --concurrency 2n --time-limit 20 --rate 1000", 30.18),
    ("seed 001's, --no-report",
     "-w kafka --node-count 1 --concurrency 2n --time-limit 20 --rate 1000 --no-report", 30.18),
    ("5-node partition",
     "-w kafka --node-count 5 --concurrency 2n --time-limit 20 --rate 1000 "
     "--nemesis partition --nemesis-interval 2 --latency 10", 30.39),
]


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    builds = {"old": sys.argv[1], "new": sys.argv[2]}
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 4
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 10
    gap_s = float(sys.argv[5]) if len(sys.argv) > 5 else 0.0
    times = {(name, build): [] for name, _, _ in COMMANDS for build in builds}
    with tempfile.TemporaryDirectory() as scratch:
        for _ in range(rounds):
            for number, (name, args, _) in enumerate(COMMANDS):
                for run in range(runs):
                    order = list(builds.items()) if run % 2 == 0 else list(builds.items())[::-1]
                    for build, spec in order:
                        path, *assignments = spec.split("|")
                        env = dict(os.environ, **dict(a.split("=", 1) for a in assignments))
                        # Each build and command into its own folder, as a user's
                        # repeated command goes into its previous run's.
                        out = f"{scratch}/{build}-{number}"
                        argv = [path, "test", *args.split(), "--seed", "1", "-q", "--out", out]
                        time.sleep(gap_s)
                        start = time.perf_counter()
                        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                       check=True, env=env)
                        times[(name, build)].append(time.perf_counter() - start)
    for name, _, virtual_s in COMMANDS:
        cells = []
        for build in builds:
            xs = times[(name, build)]
            best, median = min(xs), statistics.median(xs)
            cells.append(f"{build} best {best * 1e3:.1f} ms ({virtual_s / best:,.0f}x), "
                         f"median {median * 1e3:.1f} ms ({virtual_s / median:,.0f}x)")
        old, new = times[(name, "old")], times[(name, "new")]
        ratio_best = min(old) / min(new)
        ratio_median = statistics.median(old) / statistics.median(new)
        ratio_paired = statistics.median(o / n for o, n in zip(old, new))
        print(f"{name}: " + "; ".join(cells) +
              f"; new/old speed: best {ratio_best:.2f}x, median {ratio_median:.2f}x, "
              f"median of side-by-side runs {ratio_paired:.2f}x")


if __name__ == "__main__":
    main()
