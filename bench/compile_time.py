#!/usr/bin/env python3
"""Wall time of `dlc MODEL -o m.o` for several dlc executables (or flag sets),
taking turns round after round so that the machine's drift hits them alike;
medians and minima over the rounds, and the load average before and after.

usage: /usr/bin/python3 bench/compile_time.py [--rounds N] [--model M.dl]
           [--pin CPU] DLC[:FLAG,FLAG...] ...

  e.g. bench/compile_time.py dlc.orig build/bin/dlc \\
           build/bin/dlc:--codegen-threads=1

Issue #16's target is the seed's MLP (examples/mnist_mlp.dl, the default)
in at most 0.5 s on a quiet machine; --pin runs every compile on one CPU."""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--model", default=os.path.join(ROOT, "examples",
                                                    "mnist_mlp.dl"))
    ap.add_argument("--pin", help="run on this CPU only (taskset -c)")
    ap.add_argument("compilers", nargs="+")
    args = ap.parse_args()
    runs = []
    for c in args.compilers:
        exe, _, flags = c.partition(":")
        if not os.path.exists(exe):
            sys.exit(f"error: no {exe}")
        runs.append((c, [exe] + [f for f in flags.split(",") if f]))
    pin = ["taskset", "-c", args.pin] if args.pin else []
    out = os.path.join(tempfile.mkdtemp(prefix="dlc-compile-"), "m.o")
    times = {name: [] for name, _ in runs}
    load_before = os.getloadavg()
    for name, cmd in runs:  # untimed: the executables into the page cache
        subprocess.run(pin + cmd + [args.model, "-o", out], check=True)
    for _ in range(args.rounds):
        for name, cmd in runs:
            t0 = time.perf_counter()
            subprocess.run(pin + cmd + [args.model, "-o", out], check=True)
            times[name].append(time.perf_counter() - t0)
    load_after = os.getloadavg()
    print(f"{os.path.basename(args.model)}, {args.rounds} rounds"
          f"{', pinned to CPU ' + args.pin if args.pin else ''}; load average "
          f"before {load_before[0]:.2f}, after {load_after[0]:.2f}")
    print("| dlc | median s | min s |")
    print("|---|---|---|")
    for name, _ in runs:
        print(f"| {name} | {statistics.median(times[name]):.3f} | "
              f"{min(times[name]):.3f} |")


if __name__ == "__main__":
    main()
