"""PyTorch parity of the merge layers (merge.dl): predictions, loss and the
gradient of every parameter (rtol 1e-4). dense_2 is made a copy of dense,
so maximum(m, a, t) has ties between a and t: PyTorch (and dlc) give each
operand of a tie half the gradient.

usage: torch_merge_parity.py LIB.so
"""
import sys

import numpy as np
import torch

from parity import Checker, Classifier

IN, U, OUT = 6, 5, 3
shapes = [(IN, U), (U,), (IN, U), (U,), (IN, U), (U,), (4 * U + IN + U, OUT),
          (OUT,)]
names = ["dense.kernel", "dense.bias", "dense_1.kernel", "dense_1.bias",
         "dense_2.kernel", "dense_2.bias", "dense_3.kernel", "dense_3.bias"]
model = Classifier(sys.argv[1], "merge", shapes, 3)
model.view(model.params, 4)[:] = model.view(model.params, 0)  # t = a: ties
model.view(model.params, 5)[:] = model.view(model.params, 1)

rng = np.random.default_rng(1)
seen = {}


def forward(xt, tp):
    a = torch.tanh(xt @ tp[0] + tp[1])
    b = torch.sigmoid(xt @ tp[2] + tp[3])
    t = torch.tanh(xt @ tp[4] + tp[5])
    s = a + b + a
    d = s - b
    m = d * a * b
    seen["ties"] = int(((a == t) & (a > m)).sum())
    mx = torch.maximum(torch.maximum(m, a), t)
    mn = torch.minimum(torch.minimum(mx, b), d)
    av = (mn + a + s) / 3
    r = av.reshape(-1, U, 1)
    c = torch.cat([r, t.reshape(-1, U, 1)], dim=1)  # Keras axis 1: [2U, 1]
    cc = torch.cat([c, c], dim=2)  # axis -1: [2U, 2], interleaved
    c2 = torch.cat([cc.reshape(-1, 4 * U), xt, b], dim=1)
    return c2 @ tp[6] + tp[7]


compare = Checker()
ties = 0
for B in (1, 3, 33):
    print(f"batch {B}")
    x = rng.standard_normal((B, IN), dtype=np.float32)
    y = rng.integers(0, OUT, B).astype(np.int32)
    model.check(compare, x, y, forward, names)
    ties += seen["ties"]
# The ties are real: elements where t equals a and both are above m.
print(f"ties in maximum: {ties}")
sys.exit(1 if compare.failed else 0)
