"""Writes a regression CSV: features a, b, c uniform in [-1, 1) and the
targets y1 = 2a - b + 0.5c + 0.25 and y2 = a - 1.5, columns a,y1,b,y2,c (the
targets in the middle, to be named with --target-columns), with a header.

usage: make_regression.py OUT.csv N SEED
"""
import sys

import numpy as np

out, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(seed)
a, b, c = rng.uniform(-1, 1, (3, n))
y1 = 2 * a - b + 0.5 * c + 0.25
y2 = a - 1.5
with open(out, "w") as f:
    f.write("a,y1,b,y2,c\n")
    for row in zip(a, y1, b, y2, c):
        f.write(",".join(f"{v:.6f}" for v in row) + "\n")
