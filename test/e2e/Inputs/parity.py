"""The numeric comparison shared by the PyTorch parity scripts."""
import numpy as np


class Checker:
    """compare(what, ours, ref) prints one OK/FAIL line per comparison;
    `failed` says whether any failed (the script's exit status)."""

    def __init__(self):
        self.failed = False

    def __call__(self, what, ours, ref, rtol=1e-4):
        """|ours - ref| <= rtol * |ref| + atol, atol = rtol * max|ref| / 10:
        relative per element, with a floor for elements near zero."""
        ours, ref = np.asarray(ours, np.float64), np.asarray(ref, np.float64)
        atol = rtol * np.max(np.abs(ref)) / 10
        ratio = float(np.max(np.abs(ours - ref) / (rtol * np.abs(ref) + atol)))
        ok = ratio <= 1.0  # also False for NaN
        print(f"{what}: max error / allowed {ratio:.3f} {'OK' if ok else 'FAIL'}")
        self.failed |= not ok


class Classifier:
    """A compiled classifier (`dlc model.dl -o`, linked with -shared) seen
    through ctypes: its parameters as one float buffer split into
    `shapes`, predict and gradients with int32 class labels."""

    def __init__(self, lib_path, prefix, shapes, seed):
        import ctypes
        self.ct = ctypes
        lib = ctypes.CDLL(lib_path)
        fn = lambda name: getattr(lib, f"{prefix}_{name}")
        self.f32p = ctypes.POINTER(ctypes.c_float)
        self.i32p = ctypes.POINTER(ctypes.c_int32)
        self.init = fn("init_params")
        self.init.argtypes = [self.f32p, ctypes.c_uint64]
        self.pred = fn("predict")
        self.pred.argtypes = [self.f32p] * 3 + [ctypes.c_int64]
        self.grad = fn("gradients")
        self.grad.argtypes = [self.f32p, self.f32p, self.i32p, ctypes.c_int64,
                              self.f32p]
        self.grad.restype = ctypes.c_float
        self.shapes = shapes
        self.offsets = np.cumsum([0] + [int(np.prod(s)) for s in shapes])
        self.params = np.zeros(self.offsets[-1], np.float32)
        self.init(self.ptr(self.params), seed)

    def ptr(self, a, t=None):
        return a.ctypes.data_as(t or self.f32p)

    def view(self, buf, k):
        """Tensor k of a buffer laid out like the parameters."""
        return buf[self.offsets[k]:self.offsets[k + 1]].reshape(self.shapes[k])

    def check(self, compare, x, y, forward, names):
        """Compares predict, the loss and every parameter's gradient with
        `forward`, a PyTorch function of (x, tensors) giving the logits of
        the softmax output, at the current parameters."""
        import torch
        tensors = [torch.from_numpy(self.view(self.params, k).copy())
                   .requires_grad_() for k in range(len(self.shapes))]
        xt = torch.from_numpy(x)
        logits = forward(xt, tensors)
        pred = np.zeros(tuple(logits.shape), np.float32)
        self.pred(self.ptr(self.params), self.ptr(x), self.ptr(pred), len(x))
        compare("predictions", pred, torch.softmax(logits, 1).detach().numpy())
        grads = np.zeros_like(self.params)
        loss = self.grad(self.ptr(self.params), self.ptr(x),
                         self.ptr(y, self.i32p), len(x), self.ptr(grads))
        ref = torch.nn.functional.cross_entropy(
            logits, torch.from_numpy(y.astype(np.int64)))
        ref.backward()
        compare("loss", loss, ref.item())
        for k, (name, t) in enumerate(zip(names, tensors)):
            compare(f"gradient {name}", self.view(grads, k), t.grad.numpy())
