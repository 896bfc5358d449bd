"""The learning rate a compiled train_step uses, step by step, against
Keras 3's LearningRateSchedule formulas written out here (in double).

The model is y = w x + b with SGD, so one step reveals its rate: with
Keras's decoupled weight decay wd, p' = p (1 - wd lr) - lr g, hence
lr = (p - p') / (wd p + g), with g from the model's own `gradients` entry
point on the same batch. Also checks that opt_state's learning-rate slot
holds the rate of the next step (the schedules) or is the rate the step
reads (HOST: reduce_lr_on_plateau's slot, set here), and that a run resumed
from a copy of params and opt_state repeats the steps bit for bit.

usage: lr_schedule_check.py LIB.so PREFIX SCHEDULE STEPS WD
  SCHEDULE: exp:LR0:DECAY_STEPS:RATE:STAIRCASE | piecewise:B,B:V,V,V |
            cosine:LR0:DECAY_STEPS:ALPHA:TARGET|none:WARMUP_STEPS | host
"""
import ctypes
import math
import sys

import numpy as np

lib_path, prefix, schedule, steps, wd = sys.argv[1:6]
steps, wd = int(steps), float(wd)
SLOT = 5  # <PREFIX>_OPT_STATE_LEARNING_RATE, docs/abi.md

lib = ctypes.CDLL(lib_path)
fn = lambda name: getattr(lib, f"{prefix}_{name}")
f32p = ctypes.POINTER(ctypes.c_float)
fn("init_params").argtypes = [f32p, ctypes.c_uint64]
fn("opt_state_size").restype = ctypes.c_int64
fn("init_opt_state").argtypes = [f32p]
fn("gradients").argtypes = [f32p, f32p, f32p, ctypes.c_int64, f32p]
fn("gradients").restype = ctypes.c_float
fn("train_step").argtypes = [f32p, f32p, f32p, f32p, ctypes.c_int64]
fn("train_step").restype = ctypes.c_float
ptr = lambda a: a.ctypes.data_as(f32p)


def keras_rate(step):
    kind, *a = schedule.split(":")
    if kind == "exp":
        lr0, decay_steps, rate, stair = float(a[0]), float(a[1]), float(a[2]), a[3] == "1"
        p = step / decay_steps
        if stair:
            p = math.floor(p)
        return lr0 * rate ** p
    if kind == "piecewise":
        bounds = [float(v) for v in a[0].split(",")]
        values = [float(v) for v in a[1].split(",")]
        for b, v in zip(bounds, values):
            if step <= b:
                return v
        return values[-1]
    if kind == "cosine":
        lr0, decay_steps, alpha = float(a[0]), float(a[1]), float(a[2])
        target, warmup = a[3], float(a[4])

        def decayed(s, start):
            cos = 0.5 * (1 + math.cos(math.pi * s / decay_steps))
            return start * ((1 - alpha) * cos + alpha)
        if target == "none":
            return decayed(min(step, decay_steps), lr0)
        target = float(target)
        s = min(step, decay_steps + warmup)
        if s < warmup:
            return lr0 + (target - lr0) * s / warmup
        return decayed(s - warmup, target)
    raise SystemExit(f"unknown schedule {schedule}")


params = np.zeros(2, np.float32)
fn("init_params")(ptr(params), 1)
params[:] = [0.7, -0.4]
state = np.zeros(fn("opt_state_size")(), np.float32)
fn("init_opt_state")(ptr(state))
x = np.array([[1.0], [2.0], [-1.5], [0.5]], np.float32)
y = np.array([[3.0], [-1.0], [2.0], [0.25]], np.float32)
ok = True
host_rates = [0.25, 0.03, 0.5, 0.001]
if schedule == "host":
    print(f"init_opt_state: learning rate {state[SLOT]:g}")
snapshot = None
lrs = []
for k in range(steps):
    if k == steps // 2:
        snapshot = (params.copy(), state.copy())
    if schedule == "host":
        state[SLOT] = host_rates[k % len(host_rates)]
        want = float(state[SLOT])
    else:
        want = keras_rate(k)
    grads = np.zeros(2, np.float32)
    fn("gradients")(ptr(params), ptr(x), ptr(y), 4, ptr(grads))
    before = params.astype(np.float64)
    fn("train_step")(ptr(params), ptr(state), ptr(x), ptr(y), 4)
    got = (before - params) / (wd * before + grads)
    lrs.append(got)
    good = np.allclose(got, want, rtol=2e-4, atol=1e-7)
    ok &= good
    line = f"step {k}: lr {got[0]:.6g} {got[1]:.6g} keras {want:.6g}"
    if schedule != "host":
        nxt = keras_rate(k + 1)
        slot_ok = math.isclose(state[SLOT], nxt, rel_tol=1e-5, abs_tol=1e-8)
        ok &= slot_ok
        line += f"; slot {state[SLOT]:.6g} next {nxt:.6g}"
        good &= slot_ok
    print(line, "OK" if good else "FAIL")

# Resumed from the copy taken half-way: the same steps, bit for bit.
params2, state2 = snapshot
final = params.copy()
for k in range(steps // 2, steps):
    if schedule == "host":
        state2[SLOT] = host_rates[k % len(host_rates)]
    fn("train_step")(ptr(params2), ptr(state2), ptr(x), ptr(y), 4)
same = np.array_equal(params2, final)
print("resumed:", "OK" if same else "FAIL")
ok &= same
print("PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
