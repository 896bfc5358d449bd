"""PyTorch parity of the pooling layers: a compiled model
x f32[6] -> dense(105, tanh) -> reshape([7, 5, 3]) -> POOLING... -> flatten
-> dense(4, softmax) must give PyTorch's predictions, loss and gradient of
every parameter (rtol 1e-4). NHWC (Keras) is permuted to NCHW (PyTorch);
TensorFlow's "same" padding is an explicit F.pad (-inf for max, 0 for the
sum of an average, divided by the count of input elements).

Half the first kernel's columns of channel 0 are copies, so every max
window of channel 0 holds equal values: the gradient reaches only the first
of them in row-major window order, as in PyTorch's CPU kernel.

usage: torch_pool_parity.py LIB.so PREFIX LAYERS
  LAYERS: comma-separated max:KH:KW:SH:SW:PAD, avg:..., gmax, gavg
  (PAD is valid or same), relu, the model's layers after the reshape, in
  order.
"""
import ctypes
import math
import sys

import numpy as np
import torch
import torch.nn.functional as F

from parity import Checker

lib_path, prefix, spec = sys.argv[1], sys.argv[2], sys.argv[3]
lib = ctypes.CDLL(lib_path)
fn = lambda name: getattr(lib, f"{prefix}_{name}")
f32p = ctypes.POINTER(ctypes.c_float)
i32p = ctypes.POINTER(ctypes.c_int32)
fn("init_params").argtypes = [f32p, ctypes.c_uint64]
fn("predict").argtypes = [f32p, f32p, f32p, ctypes.c_int64]
fn("gradients").argtypes = [f32p, f32p, i32p, ctypes.c_int64, f32p]
fn("gradients").restype = ctypes.c_float
ptr = lambda a, t=f32p: a.ctypes.data_as(t)


def tf_same(size, k, s):
    n = math.ceil(size / s)
    total = max((n - 1) * s + k - size, 0)
    return total // 2, total - total // 2


def pool(x, layer):
    """x: NCHW."""
    if layer == "relu":
        return torch.relu(x)
    if layer == "gmax":  # not amax, which splits the gradient between ties
        return F.max_pool2d(x, x.shape[2:]).flatten(1)
    if layer == "gavg":
        return x.mean(dim=(2, 3))
    kind, kh, kw, sh, sw, pad = layer.split(":")
    kh, kw, sh, sw = int(kh), int(kw), int(sh), int(sw)
    H, W = x.shape[2], x.shape[3]
    top, bottom = tf_same(H, kh, sh) if pad == "same" else (0, 0)
    left, right = tf_same(W, kw, sw) if pad == "same" else (0, 0)
    pads = (left, right, top, bottom)
    if kind == "max":
        return F.max_pool2d(F.pad(x, pads, value=-math.inf), (kh, kw), (sh, sw))
    total = F.avg_pool2d(F.pad(x, pads), (kh, kw), (sh, sw), divisor_override=1)
    count = F.avg_pool2d(F.pad(torch.ones_like(x), pads), (kh, kw), (sh, sw),
                         divisor_override=1)
    return total / count


layers = spec.split(",")
IN, H, W, C, OUT = 6, 7, 5, 3, 4
# The flattened size after pooling, from a dry run.
probe = torch.zeros(1, C, H, W)
for layer in layers:
    probe = pool(probe, layer)
FEAT = probe.numel()
sizes = [IN * H * W * C, H * W * C, FEAT * OUT, OUT]
offsets = np.cumsum([0] + sizes)
params = np.zeros(offsets[-1], np.float32)
fn("init_params")(ptr(params), 7)
view = lambda p, k, shape: p[offsets[k]:offsets[k + 1]].reshape(shape)

# Ties: column (h, w, 0) copies column (h - h % 2, w - w % 2, 0).
kernel, bias = view(params, 0, (IN, H, W, C)), view(params, 1, (H, W, C))
for h in range(H):
    for w in range(W):
        kernel[:, h, w, 0] = kernel[:, h - h % 2, w - w % 2, 0]
        bias[h, w, 0] = bias[h - h % 2, w - w % 2, 0]

rng = np.random.default_rng(0)
B = 5
x = rng.standard_normal((B, IN), dtype=np.float32)
y = rng.integers(0, OUT, B).astype(np.int32)

tp = [torch.from_numpy(view(params, k, s).copy()).requires_grad_()
      for k, s in enumerate([(IN, H * W * C), (H * W * C,), (FEAT, OUT), (OUT,)])]


def forward(xt):
    h = torch.tanh(xt @ tp[0] + tp[1]).reshape(-1, H, W, C).permute(0, 3, 1, 2)
    for layer in layers:
        h = pool(h, layer)
    if h.ndim == 4:
        h = h.permute(0, 2, 3, 1)  # flatten in Keras's (NHWC) order
    return h.reshape(h.shape[0], -1) @ tp[2] + tp[3]


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
names = ["dense.kernel", "dense.bias", "dense_1.kernel", "dense_1.bias"]
for k, (name, p) in enumerate(zip(names, tp)):
    compare(f"gradient {name}", view(grads, k, p.shape), p.grad.numpy())
# The tie rule itself: with 2x2 windows aligned on the copies, only each
# window's first element gets a gradient; the copies' kernel columns none.
dk = view(grads, 0, (IN, H, W, C))
if layers[0].startswith("max:2:2:2:2:"):
    copies = np.abs(dk[:, 1::2, :, 0]).max() + np.abs(dk[:, :, 1::2, 0]).max()
    print(f"ties: gradient of the copies {copies:.3g} "
          f"{'OK' if copies == 0 else 'FAIL'}")
    compare.failed |= copies != 0
sys.exit(1 if compare.failed else 0)
