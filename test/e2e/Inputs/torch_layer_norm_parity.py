"""PyTorch parity of layer_normalization (layer_norm.dl): predictions, loss
and the gradient of every parameter (rtol 1e-4), gamma and beta taken away
from their initial ones and zeros so that they matter.

usage: torch_layer_norm_parity.py LIB.so
"""
import ctypes
import sys

import numpy as np
import torch
import torch.nn.functional as F

from parity import Checker

lib = ctypes.CDLL(sys.argv[1])
fn = lambda name: getattr(lib, f"layer_norm_{name}")
f32p = ctypes.POINTER(ctypes.c_float)
i32p = ctypes.POINTER(ctypes.c_int32)
fn("init_params").argtypes = [f32p, ctypes.c_uint64]
fn("predict").argtypes = [f32p, f32p, f32p, ctypes.c_int64]
fn("gradients").argtypes = [f32p, f32p, i32p, ctypes.c_int64, f32p]
fn("gradients").restype = ctypes.c_float
ptr = lambda a, t=f32p: a.ctypes.data_as(t)

# layer_normalization.{gamma,beta}, dense.{kernel,bias},
# layer_normalization_1.gamma (no beta), dense_1.{kernel,bias}
shapes = [(6,), (6,), (24, 5), (5,), (5,), (5, 3), (3,)]
names = ["layer_normalization.gamma", "layer_normalization.beta",
         "dense.kernel", "dense.bias", "layer_normalization_1.gamma",
         "dense_1.kernel", "dense_1.bias"]
offsets = np.cumsum([0] + [int(np.prod(s)) for s in shapes])
params = np.zeros(offsets[-1], np.float32)
fn("init_params")(ptr(params), 5)
view = lambda p, k: p[offsets[k]:offsets[k + 1]].reshape(shapes[k])
rng = np.random.default_rng(4)
for k in (0, 4):  # gammas
    view(params, k)[:] = 1 + 0.5 * rng.standard_normal(shapes[k])
view(params, 1)[:] = 0.3 * rng.standard_normal(6)

B = 7
# Rows of different scales and offsets: the statistics matter.
x = (rng.standard_normal((B, 4, 6)) * rng.uniform(0.1, 5, (B, 4, 1))
     + rng.uniform(-3, 3, (B, 4, 1))).astype(np.float32)
y = rng.integers(0, 3, B).astype(np.int32)
tp = [torch.from_numpy(view(params, k).copy()).requires_grad_()
      for k in range(len(shapes))]


def forward(xt):
    n = F.layer_norm(xt, (6,), tp[0], tp[1], eps=0.01)
    h = torch.tanh(n.reshape(-1, 24) @ tp[2] + tp[3])
    m = F.layer_norm(h, (5,), tp[4], None, eps=1e-3)
    return m @ tp[5] + tp[6]


compare = Checker()
xt, yt = torch.from_numpy(x), torch.from_numpy(y.astype(np.int64))
logits = forward(xt)
pred = np.zeros((B, 3), np.float32)
fn("predict")(ptr(params), ptr(x), ptr(pred), B)
compare("predictions", pred, torch.softmax(logits, 1).detach().numpy())
grads = np.zeros_like(params)
loss = fn("gradients")(ptr(params), ptr(x), ptr(y, i32p), B, ptr(grads))
ref_loss = F.cross_entropy(logits, yt)
ref_loss.backward()
compare("loss", loss, ref_loss.item())
for k, (name, p) in enumerate(zip(names, tp)):
    compare(f"gradient {name}", view(grads, k), p.grad.numpy())
sys.exit(1 if compare.failed else 0)
