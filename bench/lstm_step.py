"""An LSTM(64) -> Dense(1) train step (mse, Adam 1e-3) at batch B and T = 50
steps, 1 thread: the compiled model's train_step (ctypes) against
PyTorch's forward + backward + Adam step on the same shapes. Prints the
median milliseconds per step.

usage: bench/lstm_step.py LIB.so [BATCH] [STEPS]
  LIB.so: dlc bench/lstm64.dl -o lstm64.o && cc -shared lstm64.o -o lstm64.so
"""
import ctypes
import statistics
import sys
import time

import numpy as np
import torch

lib_path = sys.argv[1]
batch = int(sys.argv[2]) if len(sys.argv) > 2 else 32
steps = int(sys.argv[3]) if len(sys.argv) > 3 else 200
T, UNITS = 50, 64
torch.set_num_threads(1)
torch.set_flush_denormal(True)
rng = np.random.default_rng(0)
x = rng.normal(0, 0.3, (batch, T, 1)).astype(np.float32)
y = rng.normal(0, 0.3, (batch, 1)).astype(np.float32)

lib = ctypes.CDLL(lib_path)
f32p = ctypes.POINTER(ctypes.c_float)
ptr = lambda a: a.ctypes.data_as(f32p)
lib.lstm64_opt_state_size.restype = ctypes.c_int64
lib.lstm64_train_step.restype = ctypes.c_float
lib.lstm64_train_step.argtypes = [f32p, f32p, f32p, f32p, ctypes.c_int64]
# Keras's count: 4 * (64 * (1 + 64) + 64) + 64 + 1.
params = np.zeros(4 * (UNITS * (1 + UNITS) + UNITS) + UNITS + 1, np.float32)
state = np.zeros(lib.lstm64_opt_state_size(), np.float32)
lib.lstm64_init_params(ptr(params), ctypes.c_uint64(1))
lib.lstm64_init_opt_state(ptr(state))


def ours():
    lib.lstm64_train_step(ptr(params), ptr(state), ptr(x), ptr(y), batch)


class Model(torch.nn.Module):
    def __init__(s):
        super().__init__()
        s.r = torch.nn.LSTM(1, UNITS, batch_first=True)
        s.d = torch.nn.Linear(UNITS, 1)

    def forward(s, x):
        h, _ = s.r(x)
        return s.d(h[:, -1])


model = Model()
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
xt, yt = torch.from_numpy(x), torch.from_numpy(y)


def theirs():
    opt.zero_grad()
    loss = torch.mean((model(xt) - yt) ** 2)
    loss.backward()
    opt.step()


def median_ms(f):
    for _ in range(10):
        f()
    times = []
    for _ in range(steps):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return 1e3 * statistics.median(times)


a, b = median_ms(ours), median_ms(theirs)
print(f"batch {batch}, T {T}: dlc {a:.3f} ms/step, torch {b:.3f} ms/step, "
      f"torch/dlc {b / a:.2f}x")
