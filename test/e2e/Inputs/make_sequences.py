"""Writes a CSV of sequences for a model with a variable time axis: each
row holds LENGTH values x_t uniform in [-1, 1) (one feature per step), then
the target y = 0.5 x_LENGTH (the last step's value), no header. A constant
forecast has MSE var(y) = 1/12 ~ 0.083.

usage: make_sequences.py OUT.csv N LENGTH SEED [--no-targets]
"""
import sys

import numpy as np

out, n, length, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
targets = "--no-targets" not in sys.argv[5:]
rng = np.random.default_rng(seed)
x = rng.uniform(-1, 1, (n, length))
with open(out, "w") as f:
    for row in x:
        y = f",{0.5 * row[-1]:.6f}" if targets else ""
        f.write(",".join(f"{v:.6f}" for v in row) + y + "\n")
