#!/usr/bin/env python3
"""What dropout and batch normalisation add to a training step: issue #13's
target is at most 10%, for the MLP and the CNN.

The variants of each example are made from its text, as a user would write
them: dropout before the output layer (0.2 in the MLP, 0.5 in the CNN, the
Keras recipes' rates), and batch normalisation after each hidden dense or
conv2d layer (that layer without its activation, then
`batch_normalization()`, then `relu()`). Every library is built with
`dlc --model-prefix=m`; then, for ROUNDS rounds, each is timed in turn with
`bench_dlc LIB m step 32 784 10 PARAMS SECONDS` (the best µs of one
`train_step_metrics_ws` call over a SECONDS-long loop). A variant's cost is
its time over its base model's time in the same round (the two ran seconds
apart); the median and quartiles of those ratios over the rounds are
reported. One round's ratio can be off by 10% on a shared machine; the
median of many is what to read. Loops of 2 s, not shorter: the CNN's best
step over 0.5 s loops varied from 3.5 to 4.9 ms between processes of the
same library, over 2 s loops from 3.3 to 3.7 ms.

usage: /usr/bin/python3 bench/overhead.py [--rounds N] [--seconds S]
           [--dlc PATH] [--json FILE]"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")

# (example, hidden layer lines to normalise, output layer line, dropout rate)
MODELS = {
    "mlp": ("mnist_mlp.dl", [r"  dense\(128, activation = relu\);"],
            "  dense(10, activation = softmax);", 0.2),
    "cnn": ("fashion_cnn.dl", [r"  conv2d\(32, \[3, 3\], activation = relu\);",
                               r"  conv2d\(64, \[3, 3\], activation = relu\);"],
            "  dense(10, activation = softmax);", 0.5),
}


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"error: {' '.join(cmd)} failed:\n{r.stdout}\n{r.stderr}")
    return r.stdout


def variants(text, hidden, output, rate):
    """The base model, with dropout, and with batch normalisation."""
    dropout = text.replace(output, f"  dropout({rate});\n{output}")
    bn = text
    for pattern in hidden:
        line = re.search(pattern, bn).group(0)
        bn = bn.replace(line, line.replace(", activation = relu", "") +
                        "\n  batch_normalization();\n  relu();")
    for v in (dropout, bn):
        if v == text:
            sys.exit("error: an example no longer has the layers this "
                     "benchmark edits; update bench/overhead.py")
    return {"base": text, "dropout": dropout, "batch_norm": bn}


def num_params(header):
    with open(header) as f:
        return int(re.search(r"#define M_NUM_PARAMS (\d+)", f.read()).group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--dlc", default=os.path.join(BUILD, "bin", "dlc"))
    ap.add_argument("--json", help="also write the results here")
    args = ap.parse_args()
    if not os.path.exists(args.dlc):
        sys.exit("error: build dlc first (scripts/build.sh)")
    tmp = tempfile.mkdtemp(prefix="dlc-overhead-")
    harness = os.path.join(tmp, "bench_dlc")
    run(["cc", "-O2", "-I" + os.path.join(ROOT, "runtime", "include"),
         os.path.join(ROOT, "bench", "bench_dlc.c"),
         os.path.join(BUILD, "lib", "libdlrt.a"), "-lz", "-lstdc++", "-lm",
         "-ldl", "-o", harness])

    libs = {}  # (model, variant) -> (shared library, parameter count)
    for model, (example, hidden, output, rate) in MODELS.items():
        with open(os.path.join(ROOT, "examples", example)) as f:
            text = f.read()
        for name, source in variants(text, hidden, output, rate).items():
            base = os.path.join(tmp, f"{model}_{name}")
            with open(base + ".dl", "w") as f:
                f.write(source)
            run([args.dlc, base + ".dl", "--model-prefix=m", "-o", base + ".o"])
            run(["cc", "-shared", base + ".o", "-o", base + ".so"])
            libs[(model, name)] = (base + ".so", num_params(base + ".h"))

    load = [os.getloadavg()[0]]
    times = {key: [] for key in libs}
    for r in range(args.rounds):
        for key, (so, params) in libs.items():
            out = run([harness, so, "m", "step", "32", "784", "10",
                       str(params), str(args.seconds)])
            times[key].append(json.loads(out.splitlines()[-1])["us_best"])
        print(f"round {r + 1}/{args.rounds}", file=sys.stderr, flush=True)
    load.append(os.getloadavg()[0])

    def quartiles(xs):
        xs = sorted(xs)
        return xs[len(xs) // 4], statistics.median(xs), xs[(3 * len(xs)) // 4]

    results = {"date": time.strftime("%Y-%m-%d %H:%M"), "cpus": os.cpu_count(),
               "rounds": args.rounds, "seconds": args.seconds,
               "load_before_after": load, "models": {}}
    print(f"step, batch 32: median us over {args.rounds} rounds; added = the "
          "variant over its base, per round: median (quartiles)")
    for model in MODELS:
        base = times[(model, "base")]
        entry = {"base_us": statistics.median(base)}
        line = f"{model}: base {entry['base_us']:.1f} us"
        for name in ("dropout", "batch_norm"):
            ratios = [v / b for v, b in zip(times[(model, name)], base)]
            q1, med, q3 = quartiles(ratios)
            entry[name] = {"us": statistics.median(times[(model, name)]),
                           "added": med - 1, "added_quartiles": [q1 - 1, q3 - 1]}
            line += (f"; {name} {entry[name]['us']:.1f} us, added "
                     f"{100 * (med - 1):+.1f}% ({100 * (q1 - 1):+.1f}% to "
                     f"{100 * (q3 - 1):+.1f}%)")
        results["models"][model] = entry
        print(line)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
