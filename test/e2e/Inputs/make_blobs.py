"""Writes a CSV of three Gaussian blobs in 4-D (label in the last column):
an easy, deterministic classification problem for the training tests.
usage: make_blobs.py OUT.csv N SEED [--no-labels]"""
import sys
import numpy as np

out, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(seed)
centers = np.array([[2, 0, 0, 1], [0, 2, 0, -1], [0, 0, 2, 0]], np.float64)
y = rng.integers(0, 3, n)
x = centers[y] + rng.normal(0, 0.6, (n, 4))
with open(out, "w") as f:
    if "--no-labels" in sys.argv:
        f.write("a,b,c,d\n")
        for row in x:
            f.write(",".join(f"{v:.5f}" for v in row) + "\n")
    else:
        f.write("a,b,c,d,label\n")
        for row, label in zip(x, y):
            f.write(",".join(f"{v:.5f}" for v in row) + f",{label}\n")
