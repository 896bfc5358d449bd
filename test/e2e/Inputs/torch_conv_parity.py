"""PyTorch parity of conv2d: for each configuration below, a model
x f32[H, W, C] -> conv2d(tanh) -> conv2d(relu) -> flatten -> dense(4, softmax)
is compiled by dlc and must give PyTorch's predictions, loss and gradient of
every parameter (rtol 1e-4) at batch 1, 3 and 33. The first convolution's
kernel and bias gradients flow through the second's input gradient, so the
three gradients of the op (input, kernel, bias) are all compared.

NHWC (Keras) is permuted to NCHW (PyTorch), kernels [KH, KW, C, F] to
[F, C, KH, KW]; TensorFlow's "same" padding is an explicit zero F.pad (the
odd row or column at the bottom or right).

usage: torch_conv_parity.py DLC CC WORKDIR
"""
import ctypes
import math
import subprocess
import sys

import numpy as np
import torch
import torch.nn.functional as F

from parity import Checker

dlc, cc, workdir = sys.argv[1], sys.argv[2], sys.argv[3]

# (input [H, W, C], first conv, second conv); a conv is
# (filters, [kh, kw], [sh, sw], padding, [dh, dw], use_bias).
CONFIGS = {
    "c1_valid_same": ([7, 5, 1], (4, [3, 2], [1, 1], "valid", [1, 1], True),
                      (3, [2, 2], [2, 2], "same", [1, 1], True)),
    "c3_same_dilated": ([7, 5, 3], (4, [3, 2], [2, 1], "same", [1, 1], True),
                        (2, [3, 3], [1, 1], "same", [2, 2], True)),
    "c3_dilated_valid": ([8, 7, 3], (5, [3, 3], [1, 1], "valid", [2, 2], False),
                         (3, [2, 3], [2, 2], "valid", [1, 1], True)),
    "c1_even_same": ([6, 6, 1], (3, [3, 3], [2, 2], "same", [1, 1], True),
                     (2, [1, 1], [1, 1], "valid", [1, 1], False)),
}
OUT = 4


def tf_same(size, k, s, d):
    n = math.ceil(size / s)
    total = max((n - 1) * s + (k - 1) * d + 1 - size, 0)
    return total // 2, total - total // 2


def out_size(size, k, s, pad, d):
    if pad == "same":
        return math.ceil(size / s)
    return (size - ((k - 1) * d + 1)) // s + 1


def layer_text(conv, activation):
    f, k, s, pad, d, bias = conv
    return (f"conv2d({f}, [{k[0]}, {k[1]}], strides = [{s[0]}, {s[1]}], "
            f"padding = {pad}, dilation_rate = [{d[0]}, {d[1]}], "
            f"activation = {activation}, use_bias = {str(bias).lower()});")


def conv_ref(x, kernel, bias, conv):
    """x: NCHW; kernel: [KH, KW, C, F] (a tensor)."""
    f, k, s, pad, d, _ = conv
    H, W = x.shape[2], x.shape[3]
    top, bottom = tf_same(H, k[0], s[0], d[0]) if pad == "same" else (0, 0)
    left, right = tf_same(W, k[1], s[1], d[1]) if pad == "same" else (0, 0)
    x = F.pad(x, (left, right, top, bottom))
    return F.conv2d(x, kernel.permute(3, 2, 0, 1), bias, stride=s, dilation=d)


compare = Checker()


f32p = ctypes.POINTER(ctypes.c_float)
i32p = ctypes.POINTER(ctypes.c_int32)
ptr = lambda a, t=f32p: a.ctypes.data_as(t)

for name, (inp, conv1, conv2) in CONFIGS.items():
    H, W, C = inp
    src = f"{workdir}/{name}.dl"
    with open(src, "w") as out:
        out.write(f"model {name} {{\n  input x: f32[{H}, {W}, {C}];\n"
                  f"  {layer_text(conv1, 'tanh')}\n"
                  f"  {layer_text(conv2, 'relu')}\n"
                  "  flatten;\n  dense(4, activation = softmax);\n"
                  "  train {\n    loss = sparse_categorical_crossentropy;\n"
                  "  }\n}\n")
    subprocess.run([dlc, src, "-o", f"{workdir}/{name}.o"], check=True)
    subprocess.run([cc, "-shared", f"{workdir}/{name}.o", "-o",
                    f"{workdir}/{name}.so"], check=True)
    lib = ctypes.CDLL(f"{workdir}/{name}.so")
    fn = lambda n: getattr(lib, f"{name}_{n}")
    fn("init_params").argtypes = [f32p, ctypes.c_uint64]
    fn("predict").argtypes = [f32p, f32p, f32p, ctypes.c_int64]
    fn("gradients").argtypes = [f32p, f32p, i32p, ctypes.c_int64, f32p]
    fn("gradients").restype = ctypes.c_float

    # The parameters in declaration order, with their shapes.
    shapes, c_in, h, w = [], C, H, W
    for conv in (conv1, conv2):
        f, k, s, pad, d, bias = conv
        shapes.append((k[0], k[1], c_in, f))
        if bias:
            shapes.append((f,))
        h, w, c_in = (out_size(h, k[0], s[0], pad, d[0]),
                      out_size(w, k[1], s[1], pad, d[1]), f)
    shapes += [(h * w * c_in, OUT), (OUT,)]
    sizes = [int(np.prod(s)) for s in shapes]
    offsets = np.cumsum([0] + sizes)
    params = np.zeros(offsets[-1], np.float32)
    fn("init_params")(ptr(params), 7)
    # Non-zero biases, so a bias that is dropped or misplaced shows.
    rng = np.random.default_rng(0)
    for k, s in enumerate(shapes):
        if len(s) == 1:
            params[offsets[k]:offsets[k + 1]] = rng.uniform(-0.5, 0.5, s)
    view = lambda p, k: p[offsets[k]:offsets[k + 1]].reshape(shapes[k])

    def forward(xt, tp):
        h, k = xt.permute(0, 3, 1, 2), 0
        for conv, act in ((conv1, torch.tanh), (conv2, torch.relu)):
            kernel = tp[k]
            bias = tp[k + 1] if conv[5] else None
            k += 2 if conv[5] else 1
            h = act(conv_ref(h, kernel, bias, conv))
        h = h.permute(0, 2, 3, 1).reshape(h.shape[0], -1)  # Keras's order
        return h @ tp[k] + tp[k + 1]

    for B in (1, 3, 33):
        x = rng.standard_normal((B, H, W, C), dtype=np.float32)
        y = rng.integers(0, OUT, B).astype(np.int32)
        tp = [torch.from_numpy(view(params, k).copy()).requires_grad_()
              for k in range(len(shapes))]
        xt = torch.from_numpy(x)
        logits = forward(xt, tp)
        pred = np.zeros((B, OUT), np.float32)
        fn("predict")(ptr(params), ptr(x), ptr(pred), B)
        compare(f"{name} batch {B} predictions", pred,
                torch.softmax(logits, 1).detach().numpy())
        grads = np.zeros_like(params)
        loss = fn("gradients")(ptr(params), ptr(x), ptr(y, i32p), B,
                               ptr(grads))
        ref_loss = F.cross_entropy(logits, torch.from_numpy(y.astype(np.int64)))
        ref_loss.backward()
        compare(f"{name} batch {B} loss", loss, ref_loss.item())
        for k, p in enumerate(tp):
            compare(f"{name} batch {B} gradient {k} {list(shapes[k])}",
                    view(grads, k), p.grad.numpy())

sys.exit(1 if compare.failed else 0)
