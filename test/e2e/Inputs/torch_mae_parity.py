"""PyTorch parity of mean_absolute_error (torch.nn.L1Loss, mean over every
element): the loss and every gradient of mae_mlp.dl (dense tanh -> dense)
at the same weights and batch; then, with the last kernel zeroed so the
prediction is exactly the bias, targets equal to it in some elements: there
the bias's gradient is 0 in both (sign(0) = 0), elsewhere -+1/elements.

usage: torch_mae_parity.py LIB.so
"""
import ctypes
import sys

import numpy as np
import torch

from parity import Checker

lib = ctypes.CDLL(sys.argv[1])
fn = lambda name: getattr(lib, f"mae_mlp_{name}")
f32p = ctypes.POINTER(ctypes.c_float)
fn("init_params").argtypes = [f32p, ctypes.c_uint64]
fn("predict").argtypes = [f32p, f32p, f32p, ctypes.c_int64]
fn("gradients").argtypes = [f32p, f32p, f32p, ctypes.c_int64, f32p]
fn("gradients").restype = ctypes.c_float
ptr = lambda a: a.ctypes.data_as(f32p)

IN, H, OUT, B = 6, 8, 3, 5
shapes = [(IN, H), (H,), (H, OUT), (OUT,)]
names = ["dense.kernel", "dense.bias", "dense_1.kernel", "dense_1.bias"]
offsets = np.cumsum([0] + [int(np.prod(s)) for s in shapes])
params = np.zeros(offsets[-1], np.float32)
fn("init_params")(ptr(params), 7)
params[offsets[3]:] = [0.1, -0.2, 0.3]
view = lambda p, k: p[offsets[k]:offsets[k + 1]].reshape(shapes[k])

rng = np.random.default_rng(0)
x = rng.standard_normal((B, IN), dtype=np.float32)
y = rng.standard_normal((B, OUT), dtype=np.float32)
check = Checker()


def compare(tag, x, y, which=range(4)):
    grads = np.zeros_like(params)
    loss = fn("gradients")(ptr(params), ptr(x), ptr(y), B, ptr(grads))
    t = [torch.from_numpy(view(params, k).copy()).requires_grad_()
         for k in range(4)]
    p = torch.tanh(torch.from_numpy(x) @ t[0] + t[1]) @ t[2] + t[3]
    ref = torch.nn.L1Loss()(p, torch.from_numpy(y))
    ref.backward()
    check(f"{tag} loss", loss, ref.item())
    for k in which:
        check(f"{tag} gradient {names[k]}", view(grads, k), t[k].grad.numpy())
    return view(grads, 3)


compare("mlp", x, y)
# The tie: dense_1's kernel zero, so every prediction is the bias exactly.
params[offsets[2]:offsets[3]] = 0
y[:, 1] = -0.2  # column 1 equals its prediction in every sample
y[0, 0] = 0.1   # and one element of column 0
# (The first layer's gradients are zero through the zero kernel: nothing to
# compare relatively.)
g = compare("tie", x, y, which=[2, 3])
# Column 0: 4 samples above their prediction 0.1 or below, one tie; the
# bias gradient is sum(sign(p - t)) / 15 over the other 4 samples.
want = [np.sign(0.1 - y[1:, 0]).sum() / (B * OUT), 0.0,
        np.sign(0.3 - y[:, 2]).sum() / (B * OUT)]
check("tie bias gradient by hand", g, want)
print("tie column gradient", "zero" if g[1] == 0 else g[1])
sys.exit(1 if check.failed or g[1] != 0 else 0)
