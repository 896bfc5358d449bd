"""Reads train/npy.test's predictions back: the .npy file (shape, dtype,
values against the generating formulas of make_regression_npy.py), the CSV
file (the same floats), and evaluate's printed loss, mse and mae against
numpy's on the predictions.

usage: npy_read_back.py PRED.npy PRED.csv X.npy Y.npy EVAL.txt
"""
import re
import sys

import numpy as np

pred = np.load(sys.argv[1])
csv = np.loadtxt(sys.argv[2], delimiter=",", dtype=np.float32, ndmin=2)
x, y = np.load(sys.argv[3]), np.load(sys.argv[4])
print("npy", pred.shape, pred.dtype)
a, b, c = x.T
want = np.stack([2 * a - b + 0.5 * c + 0.25, a - 1.5], axis=1)
err = np.abs(pred - want).max()
print("formula", f"error {err:.2g}", "OK" if err < 1e-2 else "FAIL")
print("csv", "OK" if np.array_equal(csv, pred) else "FAIL")
line = open(sys.argv[5]).read()
got = {k: float(v) for k, v in re.findall(r"(loss|mse|mae): ([0-9.]+)", line)}
d = pred.astype(np.float64) - y
ref = {"loss": (d ** 2).mean(), "mse": (d ** 2).mean(), "mae": np.abs(d).mean()}
# Printed with 4 decimals: within half a unit of the last one (and float32
# rounding of the sums).
bad = [k for k in ref if abs(got[k] - ref[k]) > 6e-5]
print("evaluate", "OK" if not bad and len(got) == 3 else f"FAIL {got} {ref}")
