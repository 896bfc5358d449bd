"""PyTorch parity of the saliency entry point input_gradient: for each
compiled model, dx = d score[b, class[b]] / d x[b] must match PyTorch's
autograd on the same weights (rtol 1e-4), where the score is the output
before a final softmax or sigmoid (the logit), else the output. Then the
boundary checks: a batch below 1, or a class outside [0, classes), leaves
dx as it was; and the _ws form computes what the plain one does.

usage: torch_saliency_parity.py MLP.so CNN.so TANH.so
  MLP.so:  mlp_adam.dl (flatten, dense relu, dense softmax)
  CNN.so:  saliency_cnn.dl (conv2d, batch norm, relu, max pool, dropout,
           dense sigmoid)
  TANH.so: saliency_tanh.dl (dense relu, dense tanh)
"""
import ctypes
import sys

import numpy as np
import torch
import torch.nn.functional as F

from parity import Checker

f32p = ctypes.POINTER(ctypes.c_float)
i32p = ctypes.POINTER(ctypes.c_int32)
ptr = lambda a, t=f32p: a.ctypes.data_as(t)
compare = Checker()
rng = np.random.default_rng(0)


def load(path, prefix, shapes):
    lib = ctypes.CDLL(path)
    fn = lambda name: getattr(lib, f"{prefix}_{name}")
    fn("init_params").argtypes = [f32p, ctypes.c_uint64]
    fn("input_gradient").argtypes = [f32p, f32p, ctypes.c_int64, i32p, f32p]
    offsets = np.cumsum([0] + [int(np.prod(s)) for s in shapes])
    params = np.zeros(offsets[-1], np.float32)
    fn("init_params")(ptr(params), 3)
    # Non-zero biases and statistics, so a misplaced one shows.
    for k, s in enumerate(shapes):
        if len(s) == 1:
            params[offsets[k]:offsets[k + 1]] = rng.uniform(0.2, 1.5, s)
    views = [torch.from_numpy(params[offsets[k]:offsets[k + 1]]
                              .reshape(s).copy()) for k, s in enumerate(shapes)]
    return fn, params, views


def check(name, fn, params, x, classes, logits_of):
    B = x.shape[0]
    dx = np.zeros_like(x)
    fn("input_gradient")(ptr(params), ptr(x), B, ptr(classes, i32p), ptr(dx))
    xt = torch.from_numpy(x.copy()).requires_grad_(True)
    z = logits_of(xt)
    z.gather(1, torch.from_numpy(classes.astype(np.int64))[:, None]).sum() \
        .backward()
    compare(f"{name} batch {B} input gradient", dx, xt.grad.numpy())
    return dx


# The MLP: the score is the logit before softmax.
IN, HID, OUT = 784, 128, 10
fn, params, (k1, b1, k2, b2) = load(sys.argv[1], "mlp_adam",
                                    [(IN, HID), (HID,), (HID, OUT), (OUT,)])
mlp = lambda xt: F.relu(xt.reshape(xt.shape[0], -1) @ k1 + b1) @ k2 + b2
for B in (1, 7):
    x = rng.random((B, 28, 28), dtype=np.float32)
    cls = rng.integers(0, OUT, B).astype(np.int32)
    dx = check("mlp", fn, params, x, cls, mlp)

# The _ws form on the last batch: the same gradient, in a 64-byte aligned
# workspace of input_gradient_workspace_size(batch) bytes.
fn("input_gradient_workspace_size").argtypes = [ctypes.c_int64]
fn("input_gradient_workspace_size").restype = ctypes.c_int64
fn("input_gradient_ws").argtypes = [f32p, f32p, ctypes.c_int64, i32p, f32p,
                                    ctypes.c_void_p]
size = fn("input_gradient_workspace_size")(B)
raw = np.zeros(size + 64, np.uint8)
ws = raw[(-raw.ctypes.data) % 64:]
dx_ws = np.zeros_like(x)
fn("input_gradient_ws")(ptr(params), ptr(x), B, ptr(cls, i32p), ptr(dx_ws),
                        ws.ctypes.data)
print(f"mlp _ws form equal: {'OK' if np.array_equal(dx, dx_ws) else 'FAIL'}")
compare.failed |= not np.array_equal(dx, dx_ws)

# Boundary checks: nothing is written.
for what, batch, bad in (("batch 0", 0, cls), ("batch -1", -1, cls),
                         ("class 10", B, np.where(np.arange(B) == B - 1, OUT,
                                                  cls).astype(np.int32)),
                         ("class -1", B, np.where(np.arange(B) == 0, -1,
                                                  cls).astype(np.int32))):
    dx = np.full_like(x, 42.0)
    fn("input_gradient")(ptr(params), ptr(x), batch, ptr(bad, i32p), ptr(dx))
    ok = np.all(dx == 42.0)
    print(f"mlp {what}: dx untouched {'OK' if ok else 'FAIL'}")
    compare.failed |= not ok

# The CNN: batch normalisation with its moving statistics (folded into the
# convolution), dropout off, the score the logit before sigmoid. NHWC (Keras)
# is NCHW for PyTorch; Keras flattens NHWC.
shapes = [(3, 3, 2, 4), (4,), (4,), (4,), (4,), (4,), (24, 5), (5,)]
fn, params, (kc, bc, gamma, beta, mean, var, kd, bd) = load(sys.argv[2],
                                                            "sal_cnn", shapes)


def cnn(xt):
    h = F.conv2d(xt.permute(0, 3, 1, 2), kc.permute(3, 2, 0, 1), bc)
    h = F.batch_norm(h, mean, var, gamma, beta, training=False, eps=1e-3)
    h = F.max_pool2d(F.relu(h), 2)
    return h.permute(0, 2, 3, 1).reshape(xt.shape[0], -1) @ kd + bd


for B in (1, 5):
    x = rng.normal(size=(B, 8, 7, 2)).astype(np.float32)
    check("cnn", fn, params, x, rng.integers(0, 5, B).astype(np.int32), cnn)

# No final softmax or sigmoid: the score is the (tanh) output itself.
fn, params, (k1, b1, k2, b2) = load(sys.argv[3], "sal_tanh",
                                    [(3, 4), (4,), (4, 2), (2,)])
x = rng.normal(size=(6, 3)).astype(np.float32)
check("tanh", fn, params, x, rng.integers(0, 2, 6).astype(np.int32),
      lambda xt: torch.tanh(F.relu(xt @ k1 + b1) @ k2 + b2))
sys.exit(1 if compare.failed else 0)
