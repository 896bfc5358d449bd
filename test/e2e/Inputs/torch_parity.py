"""PyTorch parity of a compiled MLP (flatten -> dense relu -> dense softmax,
sparse categorical cross-entropy): same initial weights, same batch; the
loss, every gradient, and the parameters after 3 optimizer steps must match
PyTorch's.

usage: torch_parity.py LIB.so PREFIX adam LR EPSILON
       torch_parity.py LIB.so PREFIX sgd LR MOMENTUM NESTEROV
"""
import ctypes
import sys

import numpy as np
import torch

from parity import Checker

lib_path, prefix, opt_name, lr = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
epsilon = float(sys.argv[5]) if opt_name == "adam" else 0.0
momentum = float(sys.argv[5]) if opt_name == "sgd" else 0.0
nesterov = opt_name == "sgd" and sys.argv[6] == "1"

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

IN, HID, OUT = 784, 128, 10
sizes = [IN * HID, HID, HID * OUT, OUT]
offsets = np.cumsum([0] + sizes)
params = np.zeros(offsets[-1], np.float32)
fn("init_params")(ptr(params), 7)
state = np.zeros(fn("opt_state_size")(), np.float32)
fn("init_opt_state")(ptr(state))

rng = np.random.default_rng(0)
B = 16
x = rng.random((B, 28, 28), dtype=np.float32)
y = rng.integers(0, OUT, B).astype(np.int32)

def view(p, k, shape):
    return p[offsets[k]:offsets[k + 1]].reshape(shape)

model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(IN, HID),
                            torch.nn.ReLU(), torch.nn.Linear(HID, OUT))
with torch.no_grad():  # Keras kernels are [in, out]; torch weights [out, in]
    model[1].weight.copy_(torch.from_numpy(view(params, 0, (IN, HID)).T.copy()))
    model[1].bias.copy_(torch.from_numpy(view(params, 1, (HID,)).copy()))
    model[3].weight.copy_(torch.from_numpy(view(params, 2, (HID, OUT)).T.copy()))
    model[3].bias.copy_(torch.from_numpy(view(params, 3, (OUT,)).copy()))
torch_params = [model[1].weight, model[1].bias, model[3].weight, model[3].bias]
names = ["dense.kernel", "dense.bias", "dense_1.kernel", "dense_1.bias"]
shapes = [(IN, HID), (HID,), (HID, OUT), (OUT,)]
if opt_name == "adam":  # the epsilon the model was compiled with
    opt = torch.optim.Adam(torch_params, lr=lr, eps=epsilon)
else:
    opt = torch.optim.SGD(torch_params, lr=lr, momentum=momentum, nesterov=nesterov)
lossf = torch.nn.CrossEntropyLoss()
xt, yt = torch.from_numpy(x), torch.from_numpy(y.astype(np.int64))

compare = Checker()

grads = np.zeros_like(params)
loss = fn("gradients")(ptr(params), ptr(x), ptr(y, i32p), B, ptr(grads))
opt.zero_grad()
ref_loss = lossf(model(xt), yt)
ref_loss.backward()
compare("loss", loss, ref_loss.item())
for k, (name, p) in enumerate(zip(names, torch_params)):
    ref = p.grad.numpy().T if p.grad.ndim == 2 else p.grad.numpy()
    compare(f"gradient {name}", view(grads, k, shapes[k]), ref)

for step in range(1, 4):
    loss = fn("train_step")(ptr(params), ptr(state), ptr(x), ptr(y, i32p), B)
    opt.zero_grad()
    ref_loss = lossf(model(xt), yt)
    ref_loss.backward()
    opt.step()
    compare(f"{opt_name} step {step} loss", loss, ref_loss.item())
    for k, (name, p) in enumerate(zip(names, torch_params)):
        ref = p.detach().numpy()
        ref = ref.T if ref.ndim == 2 else ref
        compare(f"{opt_name} step {step} {name}", view(params, k, shapes[k]), ref)
sys.exit(1 if compare.failed else 0)
