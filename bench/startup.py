#!/usr/bin/env python3
"""Whole-process `dlc train` against PyTorch (issue #16): the seed's MLP on
Fashion-MNIST, 3 epochs at batch 32 on one core, then the test set's
evaluation, each measured from exec to exit, in one run and alternately:

  dlc cold   `dlc train` with an empty compiled-model cache (DLC_CACHE_DIR
             a new directory each time): parses, compiles, stores, trains
  dlc warm   the same with the model and the decoded data in the cache
  dlc cold, data cached   the decoded data cached, the model not (a new model
             on data dlc has read before)
  dlc start  warm, the cached start alone: one step of 32 samples and no test
             set (a directory holding links to the training files only)
  baseline   --baseline DLC (an older build) cold and warm, for before/after
  PyTorch    bench/run.py's peer (the same recipe: Adam with Keras's eps,
             the gzipped IDX files decoded in Python, one test evaluation)
  compile    `dlc examples/mnist_mlp.dl -o mlp.o`: the compiler alone, on
             one CPU, and on all (its code generator runs on two threads)

Every process is pinned to one CPU (taskset -c, and OMP/MKL/OpenBLAS threads
1; the peer calls torch.set_num_threads(1)). The machines are shared, so the
run reports the load average before and after, and each command's user+sys
CPU time besides its wall time; medians over --repeats rounds, in which the
commands take turns. Data files and executables are in the page cache after
the first round (cold means the compiled-model cache, not the disk).

usage: /usr/bin/python3 bench/startup.py [--repeats N] [--cpu K]
                                          [--baseline DLC] [--json FILE]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as bench  # noqa: E402  (the PyTorch peer and the paths)

EPOCHS, BATCH = 3, 32


def timed_rusage(cmd, env):
    """As timed, with the child's user+sys seconds from wait4."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    # Read both pipes to the end before reaping, so a full pipe cannot stall
    # the child; then wait4 gives its own rusage.
    out = p.stdout.read()
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit(f"error: {' '.join(cmd)} failed ({p.returncode}):\n"
                 f"{out.decode()}\n{err.decode()}")
    return wall, ru.ru_utime + ru.ru_stime, out.decode()


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--cpu", type=int, default=0, help="the CPU to pin to")
    ap.add_argument("--dlc", default=bench.DLC)
    ap.add_argument("--baseline", help="another dlc (an older build) to run "
                    "cold and warm beside this one")
    ap.add_argument("--json", help="write the figures here")
    args = ap.parse_args()
    if not os.path.exists(args.dlc):
        sys.exit(f"error: no {args.dlc}; build first (scripts/build.sh)")

    env = bench.peer_env(1)
    pin = ["taskset", "-c", str(args.cpu)]
    tmp = tempfile.mkdtemp(prefix="dlc-startup-")
    warm_cache = os.path.join(tmp, "warm-cache")
    env_warm = dict(env, DLC_CACHE_DIR=warm_cache)
    peer = os.path.join(tmp, "torch_mlp.py")
    with open(peer, "w") as f:
        f.write(bench.TORCH_TRAIN)
    train = [args.dlc, "train", bench.MLP, "--epochs", str(EPOCHS),
             "--batch-size", str(BATCH)]
    cmds = {
        "dlc cold": lambda r: (pin + train, dict(
            env, DLC_CACHE_DIR=os.path.join(tmp, f"cold-cache-{r}"))),
        "dlc warm": lambda r: (pin + train, env_warm),
    }

    def data_only(r):
        """A cache holding the decoded data but no model: a new or changed
        model trained on data that dlc has read before."""
        d = os.path.join(tmp, f"data-cache-{r}")
        os.makedirs(d, exist_ok=True)
        for f in os.listdir(warm_cache):
            if f.endswith(".idx"):
                os.link(os.path.join(warm_cache, f), os.path.join(d, f))
        return pin + train, dict(env, DLC_CACHE_DIR=d)

    cmds["dlc cold, data cached"] = data_only
    # Exec to exit around a single step: load the cached object, map the
    # cached data, shuffle, one batch; issue #16's "cached start".
    train_only = os.path.join(tmp, "train-only")
    os.makedirs(train_only)
    for f in os.listdir(bench.DATA):
        if f.startswith("train-"):
            os.symlink(os.path.join(bench.DATA, f),
                       os.path.join(train_only, f))
    cmds["dlc start"] = lambda r: (pin + [
        args.dlc, "train", bench.MLP, "--epochs", "1", "--batch-size",
        str(BATCH), "--max-samples", str(BATCH), "--data", train_only],
        env_warm)
    if args.baseline:
        base = [args.baseline] + train[1:]
        cmds["baseline cold"] = lambda r: (pin + base, dict(
            env, DLC_CACHE_DIR=os.path.join(tmp, f"base-cold-cache-{r}")))
        cmds["baseline warm"] = lambda r: (pin + base, env_warm)
    cmds.update({
        "PyTorch": lambda r: (pin + [sys.executable, peer, bench.DATA, "1",
                                     str(EPOCHS), str(BATCH)], env),
        "compile": lambda r: (pin + [args.dlc, bench.MLP, "-o",
                                     os.path.join(tmp, "mlp.o")], env),
        # Unpinned: the code generator's two threads (--codegen-threads)
        # on the machine's cores.
        "compile, all CPUs": lambda r: ([args.dlc, bench.MLP, "-o",
                                         os.path.join(tmp, "mlp.o")], env),
        # What every dlc and python process pays before its work.
        "dlc --version": lambda r: (pin + [args.dlc, "--version"], env),
        "python -c 'import torch'": lambda r: (
            pin + [sys.executable, "-c", "import torch"], env),
    })
    load_before = loadavg()
    # Untimed: fills the warm cache and the page cache.
    for name in ("dlc warm", "PyTorch") + (
            ("baseline warm",) if args.baseline else ()):
        timed_rusage(*cmds[name](-1))
    wall = {k: [] for k in cmds}
    cpu = {k: [] for k in cmds}
    outputs = {}
    names = list(cmds)
    for r in range(args.repeats):
        # Take turns: each round starts one later, so no command always
        # follows the same one.
        for name in names[r % len(names):] + names[:r % len(names)]:
            w, c, out = timed_rusage(*cmds[name](r))
            wall[name].append(w)
            cpu[name].append(c)
            outputs[name] = out
        print(f"round {r + 1}/{args.repeats}: " + ", ".join(
            f"{k} {wall[k][-1]:.3f}" for k in names), file=sys.stderr)
    load_after = loadavg()
    shutil.rmtree(tmp, ignore_errors=True)

    med = {k: statistics.median(v) for k, v in wall.items()}
    medc = {k: statistics.median(v) for k, v in cpu.items()}
    print(f"load average before: {load_before}; after: {load_after}; "
          f"{os.cpu_count()} CPUs, pinned to CPU {args.cpu}")
    print(f"medians of {args.repeats} rounds, whole process, "
          f"{EPOCHS} epochs at batch {BATCH}, 1 thread")
    print("| command | wall s | user+sys s | PyTorch / this (wall) "
          "| PyTorch / this (CPU) |")
    print("|---|---|---|---|---|")
    for k in names:
        ratio = (f"{med['PyTorch'] / med[k]:.2f}x",
                 f"{medc['PyTorch'] / medc[k]:.2f}x") \
            if "cold" in k or "warm" in k else ("", "")
        print(f"| {k} | {med[k]:.3f} | {medc[k]:.3f} | {ratio[0]} | {ratio[1]} |")
    print("range of wall s: " + ", ".join(
        f"{k} {min(v):.3f}-{max(v):.3f}" for k, v in wall.items()))
    test = [l for l in outputs["dlc warm"].splitlines() if l.startswith("Test")]
    peer_acc = bench.json_lines(outputs["PyTorch"])[-1]["test_acc"]
    print(f"test accuracy: dlc {test[-1] if test else '?'}; "
          f"PyTorch {peer_acc:.4f}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"date": time.strftime("%Y-%m-%d %H:%M"),
                       "load_before": load_before, "load_after": load_after,
                       "repeats": args.repeats, "wall_s": wall, "cpu_s": cpu,
                       "median_wall_s": med, "median_cpu_s": medc}, f,
                      indent=1)


if __name__ == "__main__":
    main()
