"""PyTorch parity of layer_normalization (layer_norm.dl): predictions, loss
and the gradient of every parameter (rtol 1e-4), gamma and beta taken away
from their initial ones and zeros so that they matter.

usage: torch_layer_norm_parity.py LIB.so
"""
import sys

import numpy as np
import torch.nn.functional as F
import torch

from parity import Checker, Classifier

# layer_normalization.{gamma,beta}, dense.{kernel,bias},
# layer_normalization_1.gamma (no beta), dense_1.{kernel,bias}
shapes = [(6,), (6,), (24, 5), (5,), (5,), (5, 3), (3,)]
names = ["layer_normalization.gamma", "layer_normalization.beta",
         "dense.kernel", "dense.bias", "layer_normalization_1.gamma",
         "dense_1.kernel", "dense_1.bias"]
model = Classifier(sys.argv[1], "layer_norm", shapes, 5)
rng = np.random.default_rng(4)
for k in (0, 4):  # gammas
    model.view(model.params, k)[:] = 1 + 0.5 * rng.standard_normal(shapes[k])
model.view(model.params, 1)[:] = 0.3 * rng.standard_normal(6)



def forward(xt, tp):
    n = F.layer_norm(xt, (6,), tp[0], tp[1], eps=0.01)
    h = torch.tanh(n.reshape(-1, 24) @ tp[2] + tp[3])
    m = F.layer_norm(h, (5,), tp[4], None, eps=1e-3)
    return m @ tp[5] + tp[6]


compare = Checker()
for B in (1, 3, 33):
    print(f"batch {B}")
    # Rows of different scales and offsets: the statistics matter.
    x = (rng.standard_normal((B, 4, 6)) * rng.uniform(0.1, 5, (B, 4, 1))
         + rng.uniform(-3, 3, (B, 4, 1))).astype(np.float32)
    y = rng.integers(0, 3, B).astype(np.int32)
    model.check(compare, x, y, forward, names)
sys.exit(1 if compare.failed else 0)
