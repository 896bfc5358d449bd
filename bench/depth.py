#!/usr/bin/env python3
"""Compile time, peak RSS and object code size of `dlc` against the depth of
a model: an MLP of N dense(16, relu) layers on f32[16] inputs (a 10-class
dense output, sparse categorical cross-entropy, Adam), compiled to a training
object with `dlc m.dl -o m.o`. The work should grow linearly with N: each
layer adds its own small kernels' calls, not copies of the kernels.

usage: /usr/bin/python3 bench/depth.py [--dlc PATH] [--json FILE] [N ...]
  (default N: 10 50 200)

Reports user+system CPU seconds (not wall: the machine may be shared), peak
RSS (ru_maxrss of the child) and the object's .text size (`size -A`)."""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DLC = os.path.join(ROOT, "build", "bin", "dlc")


def model(n, width=16):
    layers = "".join(f"  dense({width}, activation = relu);\n" for _ in range(n))
    return (f"model deep{n} {{\n  input x: f32[{width}];\n{layers}"
            "  dense(10);\n\n  train {\n"
            "    loss = sparse_categorical_crossentropy(from_logits = true);\n"
            "    optimizer = adam(learning_rate = 1e-3);\n  }\n}\n")


def text_size(obj):
    out = subprocess.run(["size", "-A", obj], capture_output=True, text=True,
                         check=True).stdout
    return sum(int(l.split()[1]) for l in out.splitlines()
               if l.startswith(".text"))


def measure(dlc, n, tmp):
    src = os.path.join(tmp, f"deep{n}.dl")
    obj = os.path.join(tmp, f"deep{n}.o")
    with open(src, "w") as f:
        f.write(model(n))
    # Time the child alone: wait4 gives its own rusage.
    t0 = time.monotonic()
    p = subprocess.Popen([dlc, src, "-o", obj])
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    if status != 0:
        sys.exit(f"error: dlc failed on {src}")
    return {"layers": n, "cpu_s": ru.ru_utime + ru.ru_stime, "wall_s": wall,
            "rss_mb": ru.ru_maxrss / 1024, "text_bytes": text_size(obj)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dlc", default=DLC)
    ap.add_argument("--json")
    ap.add_argument("--emit", metavar="N", type=int,
                    help="print the N-layer model and exit")
    ap.add_argument("layers", nargs="*", type=int, default=[10, 50, 200])
    a = ap.parse_args()
    if a.emit is not None:
        sys.stdout.write(model(a.emit))
        return
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        print("| dense(16) layers | compile CPU s | peak RSS MB | .text KB |"
              " .text per layer KB |")
        print("|---|---|---|---|---|")
        for n in a.layers:
            r = measure(a.dlc, n, tmp)
            rows.append(r)
            per = ""
            if len(rows) > 1:
                d = rows[-1]["text_bytes"] - rows[0]["text_bytes"]
                per = f"{d / (n - rows[0]['layers']) / 1024:.2f}"
            print(f"| {n} | {r['cpu_s']:.2f} | {r['rss_mb']:.0f} |"
                  f" {r['text_bytes'] / 1024:.1f} | {per} |", flush=True)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
