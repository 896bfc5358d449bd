"""Checks a checkpoint of linear_reg.dl against the formulas
make_regression.py generates: kernel [3, 2] and bias [2] of
y1 = 2a - b + 0.5c + 0.25, y2 = a - 1.5, within `tol`.

usage: regression_check.py CKPT.safetensors TOL
"""
import json
import struct
import sys

import numpy as np

data = open(sys.argv[1], "rb").read()
(n,) = struct.unpack("<Q", data[:8])
header = json.loads(data[8:8 + n])
tensors = {name: np.frombuffer(data[8 + n + info["data_offsets"][0]:
                                    8 + n + info["data_offsets"][1]], "<f4")
           for name, info in header.items() if name != "__metadata__"}
tol = float(sys.argv[2])
kernel = tensors["dense.kernel"].reshape(3, 2)
bias = tensors["dense.bias"]
want_kernel = np.array([[2.0, 1.0], [-1.0, 0.0], [0.5, 0.0]])
want_bias = np.array([0.25, -1.5])
err = max(np.abs(kernel - want_kernel).max(), np.abs(bias - want_bias).max())
print(f"largest weight error {err:.2e}", "OK" if err < tol else "FAIL")
sys.exit(0 if err < tol else 1)
