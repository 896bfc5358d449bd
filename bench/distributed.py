#!/usr/bin/env python3
"""Data-parallel scaling of dlc train: samples per second of 1 process and of
N ranks under mpirun, each at --batch-size B (per rank), on Fashion-MNIST.

usage: /usr/bin/python3 bench/distributed.py [--model M] [--batch B]
                                             [--ranks N] [--repeat R]
                                             [--samples S] [--mpirun-args A]

The training time is the difference of a 3-epoch and a 1-epoch run's wall
clock (compiling, loading the data and the test evaluation cancel out; the
compiled model comes from dlc's cache after the first run). Each
configuration runs R times; the best (least disturbed by other load) counts.
The allreduce's share is what dlc prints at the end of a distributed run."""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DLC = os.path.join(ROOT, "build", "bin", "dlc")
DATA = "/usr/share/datasets/fashion-mnist"

p = argparse.ArgumentParser()
p.add_argument("--model", default=os.path.join(ROOT, "examples", "mnist_mlp.dl"))
p.add_argument("--batch", type=int, default=256)
p.add_argument("--ranks", type=int, default=2)
p.add_argument("--repeat", type=int, default=3)
p.add_argument("--mpirun-args", default="",
               help="extra mpirun flags, e.g. '--bind-to none'")
p.add_argument("--samples", type=int, default=60000,
               help="train on the first S samples (--max-samples)")
args = p.parse_args()

env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1",
           OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", OMP_NUM_THREADS="1")
cache = tempfile.mkdtemp(prefix="dlc-bench-cache-")
env["DLC_CACHE_DIR"] = cache


def run(ranks, epochs):
    cmd = [DLC, "train", args.model, "--data", DATA, "--epochs", str(epochs),
           "--batch-size", str(args.batch), "--verbose", "2"]
    if args.samples < 60000:
        cmd += ["--max-samples", str(args.samples)]
    if ranks:
        cmd = ["mpirun", "-np", str(ranks)] + args.mpirun_args.split() + cmd
    start = time.perf_counter()
    out = subprocess.run(cmd, env=env, check=True, capture_output=True,
                         text=True).stdout
    return time.perf_counter() - start, out


def rate(ranks):
    best = None
    share = ""
    for _ in range(args.repeat):
        t1, _ = run(ranks, 1)
        t3, out = run(ranks, 3)
        r = 2 * args.samples / (t3 - t1)
        if best is None or r > best:
            best = r
            m = re.search(r"allreduce of (\d+) floats took ([\d.]+)% .*\((\d+) us of (\d+) us", out)
            share = m.groups() if m else ""
    return best, share


load = os.getloadavg()
run(0, 1)  # compiles the model into the cache
one, _ = rate(0)
many, share = rate(args.ranks)
print(f"load average before: {load[0]:.2f}, after: {os.getloadavg()[0]:.2f}")
print(f"1 process, batch {args.batch}: {one:,.0f} samples/s")
print(f"{args.ranks} ranks, batch {args.batch} each: {many:,.0f} samples/s "
      f"({many / one:.2f}x)")
if share:
    n, pct, ar, step = share
    print(f"allreduce of {n} floats: {pct}% of rank 0's step ({ar} us of {step} us)")
