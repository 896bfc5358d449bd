"""PyTorch parity of batch_normalization (batch_norm_dense.dl,
batch_norm_conv.dl and batch_norm_pool.dl): the training form (the loss and every gradient of
`gradients`), three SGD steps of `train_step` (losses, parameters and the
moving statistics, updated as Keras does: moving * momentum + batch *
(1 - momentum) with the biased batch variance, computed here from torch's
own var), and the inference form (`predict`, with the moving statistics),
rtol 1e-4. gamma, beta and the moving statistics start away from their
initial values so that each matters.

usage: torch_batch_norm_parity.py dense|conv|pool LIB.so
"""
import ctypes
import sys

import numpy as np
import torch
import torch.nn.functional as F

from parity import Checker

kind, lib_path = sys.argv[1], sys.argv[2]
if kind == "dense":
    prefix = "bn_dense"
    # dense, bn (gamma beta mm mv), bn_1 (gamma mm mv), dense_1
    names = ["dense.kernel", "dense.bias",
             "batch_normalization.gamma", "batch_normalization.beta",
             "batch_normalization.moving_mean",
             "batch_normalization.moving_variance",
             "batch_normalization_1.gamma",
             "batch_normalization_1.moving_mean",
             "batch_normalization_1.moving_variance",
             "dense_1.kernel", "dense_1.bias"]
    shapes = [(8, 6), (6,), (6,), (6,), (6,), (6,), (6,), (6,), (6,),
              (6, 3), (3,)]
    state = {4, 5, 7, 8}
    in_shape = (8,)
    batches = (3, 33)  # batch 1: no variance over one value (torch refuses)
else:
    prefix = "bn_" + kind
    names = ["conv2d.kernel", "conv2d.bias",
             "batch_normalization.gamma", "batch_normalization.beta",
             "batch_normalization.moving_mean",
             "batch_normalization.moving_variance",
             "conv2d_1.kernel",
             "batch_normalization_1.beta",
             "batch_normalization_1.moving_mean",
             "batch_normalization_1.moving_variance",
             "dense.kernel", "dense.bias"]
    shapes = [(3, 3, 2, 4), (4,), (4,), (4,), (4,), (4,), (2, 2, 4, 3),
              (3,), (3,), (3,), (27 if kind == "conv" else 3, 3), (3,)]
    state = {4, 5, 8, 9}
    in_shape = (6, 6, 2) if kind == "conv" else (11, 11, 2)
    batches = (1, 3, 33)


def bn_train(h, tp, g, b, mm, mv, eps, momentum, updates):
    """Training form over every axis but the last, through torch's own
    batch_norm (NCHW for rank 4); appends the Keras running update."""
    x = h.permute(0, 3, 1, 2) if h.dim() == 4 else h
    w = tp[g] if g is not None else None
    bb = tp[b] if b is not None else None
    y = F.batch_norm(x, None, None, w, bb, training=True, eps=eps)
    dims = [d for d in range(h.dim() - 1)]
    with torch.no_grad():
        mean = h.mean(dims)
        var = h.var(dims, unbiased=False)
        updates[mm] = tp[mm] * momentum + mean * (1 - momentum)
        updates[mv] = tp[mv] * momentum + var * (1 - momentum)
    return y.permute(0, 2, 3, 1) if h.dim() == 4 else y


def bn_eval(h, tp, g, b, mm, mv, eps):
    x = h.permute(0, 3, 1, 2) if h.dim() == 4 else h
    w = tp[g] if g is not None else None
    bb = tp[b] if b is not None else None
    y = F.batch_norm(x, tp[mm], tp[mv], w, bb, training=False, eps=eps)
    return y.permute(0, 2, 3, 1) if h.dim() == 4 else y


def forward(xt, tp, training, updates):
    if kind == "dense":
        def bn(h, *a):
            return (bn_train(h, tp, *a, updates) if training
                    else bn_eval(h, tp, *a[:-1]))
        h = xt @ tp[0] + tp[1]
        a = torch.relu(bn(h, 2, 3, 4, 5, 1e-3, 0.99))
        m = bn(a, 6, None, 7, 8, 0.01, 0.9)
        return m @ tp[9] + tp[10]

    def bn(h, *a):
        return (bn_train(h, tp, *a, updates) if training
                else bn_eval(h, tp, *a[:-1]))

    def conv(x, k, b):
        y = F.conv2d(x.permute(0, 3, 1, 2), k.permute(3, 2, 0, 1), b)
        return y.permute(0, 2, 3, 1)
    def pool(h, f):
        return f(h.permute(0, 3, 1, 2), 2).permute(0, 2, 3, 1)
    c = conv(xt, tp[0], tp[1])
    a = torch.relu(bn(c, 2, 3, 4, 5, 1e-3, 0.8))
    if kind == "pool":
        a = pool(a, F.max_pool2d)
    d = conv(a, tp[6], None)
    m = bn(d, None, 7, 8, 9, 1e-3, 0.99)
    if kind == "pool":
        m = pool(m, F.avg_pool2d)
    return m.reshape(m.shape[0], -1) @ tp[10] + tp[11]


lib = ctypes.CDLL(lib_path)
fn = lambda name: getattr(lib, f"{prefix}_{name}")
f32p = ctypes.POINTER(ctypes.c_float)
i32p = ctypes.POINTER(ctypes.c_int32)
init = fn("init_params")
init.argtypes = [f32p, ctypes.c_uint64]
pred = fn("predict")
pred.argtypes = [f32p] * 3 + [ctypes.c_int64]
grad = fn("gradients")
grad.argtypes = [f32p, f32p, i32p, ctypes.c_int64, f32p]
grad.restype = ctypes.c_float
step = fn("train_step")
step.argtypes = [f32p, f32p, f32p, i32p, ctypes.c_int64]
step.restype = ctypes.c_float
state_size = fn("opt_state_size")
state_size.restype = ctypes.c_int64
init_state = fn("init_opt_state")
init_state.argtypes = [f32p]

offsets = np.cumsum([0] + [int(np.prod(s)) for s in shapes])
ptr = lambda a, t=f32p: a.ctypes.data_as(t)
view = lambda buf, k: buf[offsets[k]:offsets[k + 1]].reshape(shapes[k])

base = np.zeros(offsets[-1], np.float32)
init(ptr(base), 5)
rng = np.random.default_rng(7)
for k, n in enumerate(names):
    if n.endswith("gamma"):
        view(base, k)[:] = 1 + 0.5 * rng.standard_normal(shapes[k])
    elif n.endswith("beta") or n.endswith("moving_mean"):
        view(base, k)[:] = 0.3 * rng.standard_normal(shapes[k])
    elif n.endswith("moving_variance"):
        view(base, k)[:] = rng.uniform(0.5, 2.0, shapes[k])
    elif k == 1:
        # The bias right before the first normalisation: dlc's training
        # step drops it and moves the batch mean by it instead, so a
        # non-zero one checks the moving mean's update and the inference
        # form, where it counts.
        view(base, k)[:] = 0.3 * rng.standard_normal(shapes[k])

compare = Checker()
for B in batches:
    print(f"batch {B}")
    x = (rng.standard_normal((B,) + in_shape) * 2 + 0.5).astype(np.float32)
    y = rng.integers(0, 3, B).astype(np.int32)
    yt = torch.from_numpy(y.astype(np.int64))
    tensors = [torch.from_numpy(view(base, k).copy()).requires_grad_()
               for k in range(len(shapes))]
    xt = torch.from_numpy(x)

    # Training form: the loss and every gradient (none for the statistics).
    params = base.copy()
    grads = np.zeros_like(params)
    loss = grad(ptr(params), ptr(x), ptr(y, i32p), B, ptr(grads))
    ref = F.cross_entropy(forward(xt, tensors, True, {}), yt)
    ref.backward()
    compare("train-form loss", loss, ref.item())
    for k, (name, t) in enumerate(zip(names, tensors)):
        if k in state:
            compare(f"gradient {name} is zero", float(np.abs(view(grads, k))
                                                      .max() == 0), 1.0)
        elif k == 1:
            # The bias right before a batch normalisation: the batch mean
            # cancels it, so its gradient is 0 up to rounding in torch and
            # exactly 0 in dlc (dl-batch-norm-cancel), checked against the
            # kernel's gradient's scale.
            scale = np.abs(tensors[0].grad.numpy()).max()
            compare(f"gradient {name} ~ 0", np.abs(view(grads, k)).max()
                    <= 1e-5 * scale and np.abs(t.grad.numpy()).max()
                    <= 1e-5 * scale, True)
        else:
            compare(f"gradient {name}", view(grads, k), t.grad.numpy())

    # Inference form: predict with the moving statistics.
    out = np.zeros((B, 3), np.float32)
    pred(ptr(params), ptr(x), ptr(out), B)
    with torch.no_grad():
        ref_out = torch.softmax(forward(xt, tensors, False, {}), 1)
    compare("eval-form predictions", out, ref_out.numpy())

    # Three SGD steps: the parameters and the moving statistics after them.
    opt = np.zeros(state_size(), np.float32)
    init_state(ptr(opt))
    tp = [torch.from_numpy(view(base, k).copy()).requires_grad_()
          for k in range(len(shapes))]
    for s in range(3):
        loss = step(ptr(params), ptr(opt), ptr(x), ptr(y, i32p), B)
        updates = {}
        ref = F.cross_entropy(forward(xt, tp, True, updates), yt)
        for t in tp:
            t.grad = None
        ref.backward()
        compare(f"step {s + 1} loss", loss, ref.item())
        with torch.no_grad():
            for k, t in enumerate(tp):
                if k in state:
                    t.copy_(updates[k])
                else:
                    t -= 0.1 * t.grad
    for k, (name, t) in enumerate(zip(names, tp)):
        # The cancelled bias (k == 1) moves by rounding only in torch and
        # not at all in dlc: the same comparison holds.
        compare(f"after 3 steps {name}", view(params, k), t.detach().numpy())
    with torch.no_grad():
        ref_out = torch.softmax(forward(xt, tp, False, {}), 1)
    pred(ptr(params), ptr(x), ptr(out), B)
    compare("eval-form predictions after 3 steps", out, ref_out.numpy())
sys.exit(1 if compare.failed else 0)
