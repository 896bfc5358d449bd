"""PyTorch parity of regularisers, weight decay and gradient clipping on a
small MLP (dense relu -> frozen dense tanh -> dense softmax, sparse
categorical cross-entropy): same initial weights, same batch; the loss,
every gradient and the parameters after 3 steps must match PyTorch's, with
Keras's semantics written out in PyTorch:

  penalties   loss += 0.01 sum W1^2 + 0.02 sum|b1| + 0.03 sum b1^2
                      + 0.001 sum|relu output| (Keras 3: summed over the
                      batch) + 0.005 sum|W3|; the frozen layer adds nothing
  adamw       torch.optim.AdamW(lr 0.01, eps 1e-7, weight_decay 0.1)
  sgd_wd      p *= 1 - lr wd before torch.optim.SGD(momentum 0.9): Keras's
              decoupled decay (SGD's own weight_decay is an L2 gradient term)
  clipnorm    clip_grad_norm_ of each parameter alone, max_norm 0.05
  global      clip_grad_norm_ of all trainable parameters, max_norm 0.05
  clipvalue   clip_grad_value_ 0.002

usage: torch_reg_parity.py LIB.so PREFIX MODE
"""
import ctypes
import sys

import numpy as np
import torch

from parity import Checker

lib_path, prefix, mode = sys.argv[1], sys.argv[2], sys.argv[3]

lib = ctypes.CDLL(lib_path)
fn = lambda name: getattr(lib, f"{prefix}_{name}")
f32p = ctypes.POINTER(ctypes.c_float)
i32p = ctypes.POINTER(ctypes.c_int32)
fn("init_params").argtypes = [f32p, ctypes.c_uint64]
fn("opt_state_size").restype = ctypes.c_int64
fn("init_opt_state").argtypes = [f32p]
fn("gradients").argtypes = [f32p, f32p, i32p, ctypes.c_int64, f32p]
fn("gradients").restype = ctypes.c_float
fn("train_step").argtypes = [f32p, f32p, f32p, i32p, ctypes.c_int64]
fn("train_step").restype = ctypes.c_float
ptr = lambda a, t=f32p: a.ctypes.data_as(t)

IN, H1, H2, OUT = 20, 16, 8, 4
shapes = [(IN, H1), (H1,), (H1, H2), (H2,), (H2, OUT), (OUT,)]
names = ["dense.kernel", "dense.bias", "dense_1.kernel", "dense_1.bias",
         "dense_2.kernel", "dense_2.bias"]
offsets = np.cumsum([0] + [int(np.prod(s)) for s in shapes])
params = np.zeros(offsets[-1], np.float32)
fn("init_params")(ptr(params), 3)
# Non-zero biases, so the L1 terms are away from their kink at 0.
params[offsets[1]:offsets[2]] = np.linspace(-0.3, 0.3, H1, dtype=np.float32)
state = np.zeros(fn("opt_state_size")(), np.float32)
fn("init_opt_state")(ptr(state))

rng = np.random.default_rng(0)
B = 16
x = rng.standard_normal((B, IN), dtype=np.float32)
y = rng.integers(0, OUT, B).astype(np.int32)

def view(p, k):
    return p[offsets[k]:offsets[k + 1]].reshape(shapes[k])

layers = [torch.nn.Linear(IN, H1), torch.nn.Linear(H1, H2), torch.nn.Linear(H2, OUT)]
tp = []
with torch.no_grad():  # Keras kernels are [in, out]; torch weights [out, in]
    for i, layer in enumerate(layers):
        layer.weight.copy_(torch.from_numpy(view(params, 2 * i).T.copy()))
        layer.bias.copy_(torch.from_numpy(view(params, 2 * i + 1).copy()))
        tp += [layer.weight, layer.bias]
for p in tp[2:4]:  # the frozen layer
    p.requires_grad_(False)
trainable = [0, 1, 4, 5]

def loss_of(xt, yt):
    h = torch.relu(layers[0](xt))
    z = layers[2](torch.tanh(layers[1](h)))
    loss = torch.nn.functional.cross_entropy(z, yt)
    if mode == "penalties":
        w1, b1, w3 = tp[0], tp[1], tp[4]
        loss = loss + 0.01 * (w1 ** 2).sum() + 0.02 * b1.abs().sum() \
            + 0.03 * (b1 ** 2).sum() + 0.001 * h.abs().sum() \
            + 0.005 * w3.abs().sum()
    return loss

opt_params = [tp[k] for k in trainable]
lr = {"penalties": 0.1, "adamw": 0.01, "sgd_wd": 0.1}.get(mode, 0.5)
if mode == "adamw":
    opt = torch.optim.AdamW(opt_params, lr=lr, eps=1e-7, weight_decay=0.1)
elif mode == "sgd_wd":
    opt = torch.optim.SGD(opt_params, lr=lr, momentum=0.9)
else:
    opt = torch.optim.SGD(opt_params, lr=lr)

def before_step():
    if mode == "sgd_wd":
        with torch.no_grad():
            for p in opt_params:
                p.mul_(1 - lr * 0.05)
    elif mode == "clipnorm":
        for p in opt_params:
            norm = torch.nn.utils.clip_grad_norm_([p], 0.05)
            assert norm > 0.05, f"clipnorm not exercised ({norm})"
    elif mode == "global":
        norm = torch.nn.utils.clip_grad_norm_(opt_params, 0.05)
        assert norm > 0.05, f"global_clipnorm not exercised ({norm})"
    elif mode == "clipvalue":
        assert max(p.grad.abs().max() for p in opt_params) > 0.002
        torch.nn.utils.clip_grad_value_(opt_params, 0.002)

xt, yt = torch.from_numpy(x), torch.from_numpy(y.astype(np.int64))
compare = Checker()

grads = np.zeros_like(params)
loss = fn("gradients")(ptr(params), ptr(x), ptr(y, i32p), B, ptr(grads))
opt.zero_grad()
ref_loss = loss_of(xt, yt)
ref_loss.backward()
compare("loss", loss, ref_loss.item())
for k in trainable:
    g = tp[k].grad.numpy()
    compare(f"gradient {names[k]}", view(grads, k), g.T if g.ndim == 2 else g)

for step in range(1, 4):
    loss = fn("train_step")(ptr(params), ptr(state), ptr(x), ptr(y, i32p), B)
    opt.zero_grad()
    ref_loss = loss_of(xt, yt)
    ref_loss.backward()
    before_step()
    opt.step()
    compare(f"{mode} step {step} loss", loss, ref_loss.item())
    for k, p in enumerate(tp):
        ref = p.detach().numpy()
        if k not in trainable:  # neither decayed nor updated: bit for bit
            same = np.array_equal(view(params, k), ref.T if ref.ndim == 2 else ref)
            print(f"{mode} step {step} {names[k]}: frozen, "
                  f"{'unchanged OK' if same else 'changed FAIL'}")
            compare.failed |= not same
            continue
        compare(f"{mode} step {step} {names[k]}", view(params, k),
                ref.T if ref.ndim == 2 else ref)
sys.exit(1 if compare.failed else 0)
