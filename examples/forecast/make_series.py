"""Writes issue #12's forecasting data set ("Anchor"): series
0.5 sin((t - o1)(10 f1 + 10)) + 0.2 sin((t - o2)(20 f2 + 20)) + 0.1 (U - 0.5)
at t = linspace(0, 1, 51), f, o, U uniform in [0, 1), numpy seed 42 (the
generator and split of ../shared/bench/torch_rnn.py); the first 50 steps are
the input, step 51 the target; 7,000 train / 2,000 validation / 1,000 test.

Writes into OUTDIR, for each split S in train, valid, test:
  S_x.npy  float32 [N, 50, 1]   S_y.npy  float32 [N, 1]
  S.csv    50 feature columns then the target (dlc train's default column
           for a one-output mean_squared_error model)
and prints the naive (last value) forecast's test MSE.

usage: /usr/bin/python3 make_series.py OUTDIR
"""
import os
import sys

import numpy as np


def series(n, steps, rng):
    f1, f2, o1, o2 = rng.random((4, n, 1))
    t = np.linspace(0, 1, steps)
    s = 0.5 * np.sin((t - o1) * (f1 * 10 + 10)) + 0.2 * np.sin((t - o2) * (f2 * 20 + 20))
    s += 0.1 * (rng.random((n, steps)) - 0.5)
    return s[..., None].astype(np.float32)


out = sys.argv[1]
os.makedirs(out, exist_ok=True)
S = series(10000, 51, np.random.default_rng(42))
splits = {"train": S[:7000], "valid": S[7000:9000], "test": S[9000:]}
for name, s in splits.items():
    x, y = s[:, :50], s[:, 50]
    np.save(os.path.join(out, f"{name}_x.npy"), x)
    np.save(os.path.join(out, f"{name}_y.npy"), y)
    rows = np.concatenate([x[..., 0], y], axis=1)
    np.savetxt(os.path.join(out, f"{name}.csv"), rows, fmt="%.9g",
               delimiter=",")
test = splits["test"]
print(f"naive test MSE {float(((test[:, 49] - test[:, 50]) ** 2).mean()):.5f}")
