"""PyTorch parity of the merge layers (merge.dl): predictions, loss and the
gradient of every parameter (rtol 1e-4). dense_2 is made a copy of dense,
so maximum(m, a, t) has ties between a and t: PyTorch (and dlc) give each
operand of a tie half the gradient.

usage: torch_merge_parity.py LIB.so
"""
import ctypes
import sys

import numpy as np
import torch

from parity import Checker

lib = ctypes.CDLL(sys.argv[1])
fn = lambda name: getattr(lib, f"merge_{name}")
f32p = ctypes.POINTER(ctypes.c_float)
i32p = ctypes.POINTER(ctypes.c_int32)
fn("init_params").argtypes = [f32p, ctypes.c_uint64]
fn("predict").argtypes = [f32p, f32p, f32p, ctypes.c_int64]
fn("gradients").argtypes = [f32p, f32p, i32p, ctypes.c_int64, f32p]
fn("gradients").restype = ctypes.c_float
ptr = lambda a, t=f32p: a.ctypes.data_as(t)

IN, U, OUT = 6, 5, 3
shapes = [(IN, U), (U,), (IN, U), (U,), (IN, U), (U,), (4 * U + IN + U, OUT),
          (OUT,)]
names = ["dense.kernel", "dense.bias", "dense_1.kernel", "dense_1.bias",
         "dense_2.kernel", "dense_2.bias", "dense_3.kernel", "dense_3.bias"]
offsets = np.cumsum([0] + [int(np.prod(s)) for s in shapes])
params = np.zeros(offsets[-1], np.float32)
fn("init_params")(ptr(params), 3)
view = lambda p, k: p[offsets[k]:offsets[k + 1]].reshape(shapes[k])
view(params, 4)[:] = view(params, 0)  # t = a: ties in maximum
view(params, 5)[:] = view(params, 1)

rng = np.random.default_rng(1)
B = 7
x = rng.standard_normal((B, IN), dtype=np.float32)
y = rng.integers(0, OUT, B).astype(np.int32)
tp = [torch.from_numpy(view(params, k).copy()).requires_grad_()
      for k in range(len(shapes))]


seen = {}


def forward(xt):
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
xt, yt = torch.from_numpy(x), torch.from_numpy(y.astype(np.int64))
logits = forward(xt)
pred = np.zeros((B, OUT), np.float32)
fn("predict")(ptr(params), ptr(x), ptr(pred), B)
compare("predictions", pred, torch.softmax(logits, 1).detach().numpy())
grads = np.zeros_like(params)
loss = fn("gradients")(ptr(params), ptr(x), ptr(y, i32p), B, ptr(grads))
ref_loss = torch.nn.functional.cross_entropy(logits, yt)
ref_loss.backward()
compare("loss", loss, ref_loss.item())
for k, (name, p) in enumerate(zip(names, tp)):
    compare(f"gradient {name}", view(grads, k), p.grad.numpy())
# The ties are real: elements where t equals a and both are above m.
print(f"ties in maximum: {seen['ties']}")
sys.exit(1 if compare.failed else 0)
