"""Writes make_regression.py's data as .npy files: OUT_x.npy float64 [N, 3]
(features a, b, c uniform in [-1, 1)) and OUT_y.npy float32 [N, 2] (targets
y1 = 2a - b + 0.5c + 0.25, y2 = a - 1.5), written by numpy itself.

usage: make_regression_npy.py OUT N SEED
"""
import sys

import numpy as np

out, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(seed)
a, b, c = rng.uniform(-1, 1, (3, n))
np.save(out + "_x.npy", np.stack([a, b, c], axis=1))
np.save(out + "_y.npy",
        np.stack([2 * a - b + 0.5 * c + 0.25, a - 1.5], axis=1)
        .astype(np.float32))
