"""input_gradient of a variable-length model (rnn_varlen.dl: two
simple_rnn layers and a dense output, no output activation) against
central finite differences of its own predict, at lengths 1 and 9: the
gradient runs back through time, with `length` after `batch`.

usage: saliency_fd.py LIB.so PREFIX NUM_PARAMS
"""
import ctypes
import sys

import numpy as np

lib = ctypes.CDLL(sys.argv[1])
prefix, num_params = sys.argv[2], int(sys.argv[3])
fn = lambda name: getattr(lib, f"{prefix}_{name}")
f32p, i32p = ctypes.POINTER(ctypes.c_float), ctypes.POINTER(ctypes.c_int32)
ptr = lambda a, t=f32p: a.ctypes.data_as(t)
fn("init_params").argtypes = [f32p, ctypes.c_uint64]
fn("predict").argtypes = [f32p, f32p, f32p, ctypes.c_int64, ctypes.c_int64]
fn("input_gradient").argtypes = [f32p, f32p, ctypes.c_int64, ctypes.c_int64,
                                  i32p, f32p]
params = np.zeros(num_params, np.float32)
fn("init_params")(ptr(params), 5)
rng = np.random.default_rng(0)
failed = False
for B, T in ((1, 1), (3, 9)):
    x = rng.normal(size=(B, T, 1)).astype(np.float32)
    classes = np.zeros(B, np.int32)
    dx = np.zeros_like(x)
    fn("input_gradient")(ptr(params), ptr(x), B, T, ptr(classes, i32p),
                         ptr(dx))

    def y(xx):
        out = np.zeros((B, 1), np.float32)
        fn("predict")(ptr(params), ptr(xx), ptr(out), B, T)
        return out[:, 0].astype(np.float64)

    fd, h = np.zeros(x.shape), 1e-2
    for t in range(T):
        a, b = x.copy(), x.copy()
        a[:, t, 0] += h
        b[:, t, 0] -= h
        fd[:, t, 0] = (y(a) - y(b)) / (2 * h)
    # float32 differences of step 1e-2: ~1e-4 of noise and curvature.
    err = float(np.abs(dx - fd).max())
    ok = err <= 1e-3 * max(1.0, float(np.abs(fd).max()))
    print(f"batch {B} length {T}: max |dx - fd| {err:.2e} "
          f"{'OK' if ok else 'FAIL'}")
    failed |= not ok
sys.exit(1 if failed else 0)
