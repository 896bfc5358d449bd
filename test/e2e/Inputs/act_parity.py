"""PyTorch parity of every activation, forward and gradient, around 0, at
moderate values and at large |x|: for each case a model `dense(N)` followed
by the activation (as `activation = NAME` or as a layer) is compiled; with
the kernel the identity and the bias 0 the dense layer passes x through
unchanged, so predict returns act(x) and, for a batch of one, the bias
gradient is act'(x) * dL/dy, which is compared with PyTorch's in double on
the same float inputs and the same mean-squared-error loss. Each group of
points is compared on its own (Checker: rtol 1e-4 with a floor of 1e-5 of
the group's largest value), so the tiny values around 0 are not judged
against the large ones.

usage: act_parity.py DLC CC WORKDIR
"""
import ctypes
import subprocess
import sys

import numpy as np
import torch
import torch.nn.functional as F

from parity import Checker

dlc, cc, work = sys.argv[1], sys.argv[2], sys.argv[3]
N = 32

# The points, as float32; the kinks (0, +-3, 6) are included exactly: the
# gradient there follows PyTorch's convention.
rng = np.random.default_rng(1)
GROUPS = {
    "near 0": np.concatenate([[0.0, 1e-30, -1e-30, 1e-7, -1e-7, 1e-4, -1e-4],
                              rng.uniform(-1e-2, 1e-2, N - 7)]),
    "moderate": np.concatenate([[-3.0, 3.0, 6.0, -0.75, 0.5, -0.5, 2.9, 5.9],
                                rng.uniform(-7, 7, N - 8)]),
    "large": np.concatenate([[-80, -50, -30, -20, -15, -10, 10, 15, 20, 30,
                              50, 80], rng.uniform(-60, 60, N - 12)]),
}
# exp(x)^2 must stay finite in the loss.
GROUPS_EXP = dict(GROUPS, large=np.clip(GROUPS["large"], -80, 40))
# A saturated softmax's gradient is a difference of nearly equal floats,
# below float resolution in any implementation (PyTorch's float32 one is off
# by 100% of it against double too); extreme-logits.test covers its forward.
GROUPS_SOFTMAX = {k: v for k, v in GROUPS.items() if k != "large"}

# (case, the model's last statement, PyTorch's function)
CASES = [
    ("relu6", "dense(N, activation = relu6)", F.relu6),
    ("leaky_relu", "dense(N, activation = leaky_relu)",
     lambda x: F.leaky_relu(x, 0.2)),
    ("elu", "dense(N, activation = elu)", F.elu),
    ("softplus", "dense(N, activation = softplus)", F.softplus),
    ("softsign", "dense(N, activation = softsign)", F.softsign),
    ("hard_sigmoid", "dense(N, activation = hard_sigmoid)", F.hardsigmoid),
    ("silu", "dense(N, activation = silu)", F.silu),
    ("swish", "dense(N, activation = swish)", F.silu),
    ("gelu", "dense(N, activation = gelu)", F.gelu),
    ("exponential", "dense(N, activation = exponential)", torch.exp),
    ("log_softmax", "dense(N, activation = log_softmax)",
     lambda x: F.log_softmax(x, dim=-1)),
    ("layer leaky_relu()", "dense(N); leaky_relu()",
     lambda x: F.leaky_relu(x, 0.3)),
    ("layer elu(alpha = 0.5)", "dense(N); elu(alpha = 0.5)",
     lambda x: F.elu(x, 0.5)),
    ("layer relu(negative_slope = 0.1)", "dense(N); relu(negative_slope = 0.1)",
     lambda x: F.leaky_relu(x, 0.1)),
    ("layer relu(max_value = 6)", "dense(N); relu(max_value = 6)", F.relu6),
    ("layer activation(gelu)", "dense(N); activation(gelu)", F.gelu),
    ("layer softmax()", "dense(N); softmax()", lambda x: F.softmax(x, dim=-1)),
]

f32p = ctypes.POINTER(ctypes.c_float)
ptr = lambda a: a.ctypes.data_as(f32p)
checker = Checker()


def compare(what, ours, ref):
    """Checker, except that an all-zero reference (relu6's gradient at large
    |x|) leaves no scale for a relative error: there ours must be 0."""
    if np.any(ref):
        checker(what, ours, ref)
        return
    ok = not np.any(ours)
    print(f"{what}: all zero {'OK' if ok else 'FAIL'}")
    checker.failed |= not ok


for k, (case, stmt, ref_fn) in enumerate(CASES):
    src = f"{work}/m{k}.dl"
    with open(src, "w") as f:
        f.write(f"model m{k} {{\n  input x: f32[{N}];\n  "
                f"{stmt.replace('(N', f'({N}')};\n"
                "  train { loss = mean_squared_error; "
                "optimizer = sgd(learning_rate = 0.1); }\n}\n")
    subprocess.run([dlc, src, "-o", f"{work}/m{k}.o"], check=True)
    subprocess.run([cc, "-shared", f"{work}/m{k}.o", "-o", f"{work}/m{k}.so"],
                   check=True)
    lib = ctypes.CDLL(f"{work}/m{k}.so")
    predict = getattr(lib, f"m{k}_predict")
    predict.argtypes = [f32p, f32p, f32p, ctypes.c_int64]
    gradients = getattr(lib, f"m{k}_gradients")
    gradients.argtypes = [f32p, f32p, f32p, ctypes.c_int64, f32p]
    gradients.restype = ctypes.c_float

    params = np.concatenate([np.eye(N, dtype=np.float32).ravel(),
                             np.zeros(N, np.float32)])
    groups = {"exponential": GROUPS_EXP,
              "layer softmax()": GROUPS_SOFTMAX}.get(case, GROUPS)
    for group, xs in groups.items():
        x = xs.astype(np.float32).reshape(1, N)
        t = rng.uniform(-1, 1, (1, N)).astype(np.float32)
        y = np.zeros((1, N), np.float32)
        predict(ptr(params), ptr(x), ptr(y), 1)
        grads = np.zeros_like(params)
        loss = gradients(ptr(params), ptr(x), ptr(t), 1, ptr(grads))

        xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        ref_y = ref_fn(xt)
        ref_loss = ((ref_y - torch.from_numpy(t).double()) ** 2).mean()
        ref_loss.backward()
        compare(f"{case} {group} forward", y, ref_y.detach().numpy())
        compare(f"{case} {group} loss", loss, ref_loss.item())
        compare(f"{case} {group} gradient", grads[N * N:], xt.grad.numpy())

sys.exit(1 if checker.failed else 0)
