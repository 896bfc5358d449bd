"""A recurrent model's train step (mse, Adam 1e-3) at batch B and T = 50
steps, 1 thread: the compiled model's train_step (ctypes) against PyTorch's
forward + backward + Adam step on the same shapes. Prints the median
milliseconds per step.

MODEL is one of
  seed    the seed's RNN: SimpleRNN(50, return_sequences), SimpleRNN(50),
          Dense(1); LIB.so from
          dlc test/e2e/Inputs/rnn_seed.dl -o m.o && cc -shared m.o -o m.so
  lstm64  LSTM(64) -> Dense(1); LIB.so from
          dlc bench/lstm64.dl -o m.o && cc -shared m.o -o m.so

usage: bench/rnn_step.py LIB.so MODEL [BATCH] [STEPS]
"""
import ctypes
import statistics
import sys
import time

import numpy as np
import torch

from rnn_models import LSTM64, Seed


# MODEL: (the dl model's name, Keras's parameter count, the torch module).
MODELS = {
    "seed": ("rnn_seed", 7701, Seed),
    # 4 * (64 * (1 + 64) + 64) + 64 + 1
    "lstm64": ("lstm64", 4 * (64 * (1 + 64) + 64) + 64 + 1, LSTM64),
}

if len(sys.argv) < 3 or sys.argv[2] not in MODELS:
    sys.exit(__doc__)
lib_path, (prefix, num_params, Model) = sys.argv[1], MODELS[sys.argv[2]]
batch = int(sys.argv[3]) if len(sys.argv) > 3 else 32
steps = int(sys.argv[4]) if len(sys.argv) > 4 else 200
T = 50
torch.set_num_threads(1)
torch.set_flush_denormal(True)
rng = np.random.default_rng(0)
x = rng.normal(0, 0.3, (batch, T, 1)).astype(np.float32)
y = rng.normal(0, 0.3, (batch, 1)).astype(np.float32)

lib = ctypes.CDLL(lib_path)
f32p = ctypes.POINTER(ctypes.c_float)
ptr = lambda a: a.ctypes.data_as(f32p)
entry = lambda name: getattr(lib, f"{prefix}_{name}")
entry("opt_state_size").restype = ctypes.c_int64
train_step = entry("train_step")
train_step.restype = ctypes.c_float
train_step.argtypes = [f32p, f32p, f32p, f32p, ctypes.c_int64]
params = np.zeros(num_params, np.float32)
state = np.zeros(entry("opt_state_size")(), np.float32)
entry("init_params")(ptr(params), ctypes.c_uint64(1))
entry("init_opt_state")(ptr(state))


def ours():
    train_step(ptr(params), ptr(state), ptr(x), ptr(y), batch)


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
print(f"{sys.argv[2]}, batch {batch}, T {T}: dlc {a:.3f} ms/step, "
      f"torch {b:.3f} ms/step, torch/dlc {b / a:.2f}x")
