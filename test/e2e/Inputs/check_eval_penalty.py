"""dlc evaluate reports the loss with the regularisers' penalties, as Keras
does: the regularised model's loss minus the plain model's (same weights,
same data) must be l2 sum W^2 + l1 sum |b| of the features layer, computed
here from the checkpoint.

usage: check_eval_penalty.py WEIGHTS.safetensors REG.log PLAIN.log L2 L1
"""
import json
import re
import struct
import sys

import numpy as np


def read(path):
    """The F32 tensors of a safetensors file (safetensors_tool.py's reader;
    that script runs its command line when imported)."""
    data = open(path, "rb").read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    header.pop("__metadata__", None)
    return {name: np.frombuffer(data[8 + n + i["data_offsets"][0]:8 + n + i["data_offsets"][1]],
                                "<f4").reshape(i["shape"]) for name, i in header.items()}


weights = read(sys.argv[1])
loss = lambda path: float(re.search(r"loss: ([0-9.]+)", open(path).read()).group(1))
l2, l1 = float(sys.argv[4]), float(sys.argv[5])
penalty = l2 * float((weights["features.kernel"].astype("f8") ** 2).sum()) \
    + l1 * float(abs(weights["features.bias"].astype("f8")).sum())
diff = loss(sys.argv[2]) - loss(sys.argv[3])
# Both losses are printed with 4 decimals.
ok = abs(diff - penalty) <= 1.1e-4 and penalty > 0.01
print(f"penalty {penalty:.5f}, reported difference {diff:.4f}: {'OK' if ok else 'FAIL'}")
sys.exit(0 if ok else 1)
