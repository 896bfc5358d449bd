"""simple_rnn, lstm and gru against PyTorch 1.13's nn.RNN, nn.LSTM and
nn.GRU: predictions, the loss and every parameter's gradient (rtol 1e-4),
for a compiled model (`dlc m.dl -o`, linked -shared) named on the command
line, at batch 1 and 5.

Keras's layout is converted: weight_ih is kernel^T, weight_hh is
recurrent_kernel^T. simple_rnn and lstm (gates i, f, c, o in both): bias_ih
is the bias and bias_hh is zero (Keras has one bias). gru with reset_after:
Keras's gates z, r, h are PyTorch's r, z, n permuted, bias_ih is bias[0] and
bias_hh is bias[1]. gru without reset_after (`before`, no PyTorch module
computes it) against a step loop in PyTorch written from Keras's formula.
The model is a stack of these layers, optionally a dense, and
mean_squared_error.

usage: torch_rnn_parity.py LIB PREFIX TIME FEATURES LAYERS
  LAYERS: comma-separated; KIND:ACTIVATION:seq|last:UNITS[:nobias][:before]
          with KIND rnn, lstm or gru, or dense:UNITS, e.g.
          rnn:tanh:seq:50,rnn:tanh:last:50,dense:1
  TIME:   the model's fixed length, or for a model with a variable time
          axis (input f32[?, F]) the lengths to run the one object at,
          e.g. ?1,20,50,100: the entry points then take `length` after
          `batch`, and lengths 0 and -1 must be rejected (NaN loss and
          metrics, nothing written).
"""
import ctypes
import sys

import numpy as np
import torch

from parity import Checker

lib_path, prefix, time, features, spec = sys.argv[1:6]
variable = time.startswith("?")
lengths = [int(t) for t in time.lstrip("?").split(",")]
features = int(features)
layers = [s.split(":") for s in spec.split(",")]
torch.set_num_threads(1)

lib = ctypes.CDLL(lib_path)
f32p = ctypes.POINTER(ctypes.c_float)
fn = lambda name: getattr(lib, f"{prefix}_{name}")
init, pred, grad = fn("init_params"), fn("predict"), fn("gradients")
init.argtypes = [f32p, ctypes.c_uint64]
i64 = ctypes.c_int64
size_args = [i64, i64] if variable else [i64]
pred.argtypes = [f32p] * 3 + size_args
grad.argtypes = [f32p, f32p, f32p] + size_args + [f32p]
grad.restype = ctypes.c_float

# The parameter shapes, in the model's order (kernel, recurrent_kernel,
# bias per recurrent layer; kernel, bias per dense).
GATES = {"rnn": 1, "lstm": 4, "gru": 3}
shapes, names = [], []
width = features
for i, layer in enumerate(layers):
    if layer[0] in GATES:
        kind, units = layer[0], int(layer[3])
        cols = GATES[kind] * units
        shapes += [(width, cols), (units, cols)]
        names += [f"{kind}{i}.kernel", f"{kind}{i}.recurrent_kernel"]
        if "nobias" not in layer:
            reset_after = kind == "gru" and "before" not in layer
            shapes.append((2, cols) if reset_after else (cols,))
            names.append(f"{kind}{i}.bias")
        width = units
    else:
        units = int(layer[1])
        shapes += [(width, units), (units,)]
        names += [f"dense{i}.kernel", f"dense{i}.bias"]
        width = units
offsets = np.cumsum([0] + [int(np.prod(s)) for s in shapes])
params = np.zeros(offsets[-1], np.float32)
ptr = lambda a: a.ctypes.data_as(f32p)
init(ptr(params), 7)
compare = Checker()
view = lambda buf, k: buf[offsets[k]:offsets[k + 1]].reshape(shapes[k])
# recurrent_initializer = orthogonal (the default): R^T R = I, or
# R R^T = I for the gated layers' [units, k * units] (Keras transposes).
for k, name in enumerate(names):
    if name.endswith("recurrent_kernel"):
        r = view(params, k).astype(np.float64)
        if r.shape[0] < r.shape[1]:
            r = r.T
        compare(f"orthogonal {name}", r.T @ r, np.eye(r.shape[1]))
# The biases start at zero but lstm's forget gate's, at one
# (unit_forget_bias): exactly.
for k, name in enumerate(names):
    if name.endswith(".bias"):
        b = view(params, k)
        want = np.zeros(b.shape, np.float32)
        if name.startswith("lstm"):
            units = b.shape[0] // 4
            want[units:2 * units] = 1
        ok = np.array_equal(b, want)
        print(f"initial {name}: {'OK' if ok else 'FAIL'}")
        compare.failed |= not ok
# The initialiser's weights, with non-zero biases.
rng = np.random.default_rng(0)
for k, name in enumerate(names):
    if name.endswith(".bias"):
        params[offsets[k]:offsets[k + 1]] = rng.uniform(
            -0.5, 0.5, offsets[k + 1] - offsets[k])


def gru_before(h, tensors, k, units, bias, act):
    """Keras's GRU without reset_after, step by step: z, r from x W + b +
    h R; h~ = tanh(x W_h + b_h + (r h) R_h); h' = z h + (1 - z) h~."""
    kernel, recurrent = tensors[k], tensors[k + 1]
    b = tensors[k + 2] if bias else torch.zeros(3 * units)
    state = torch.zeros(h.shape[0], units)
    outs = []
    sig = torch.sigmoid
    for t in range(h.shape[1]):
        xp = h[:, t] @ kernel + b
        hp = state @ recurrent[:, :2 * units]
        z = sig(xp[:, :units] + hp[:, :units])
        r = sig(xp[:, units:2 * units] + hp[:, units:])
        cand = torch.tanh(xp[:, 2 * units:] + (r * state) @
                          recurrent[:, 2 * units:])
        state = z * state + (1 - z) * cand
        outs.append(state)
    return torch.stack(outs, 1)


def unpermute(grad, perm):
    """A gradient in PyTorch's gate order back in Keras's (columns)."""
    out = torch.zeros_like(grad)
    out[..., perm] = grad
    return out


def forward(x, tensors):
    """The model in PyTorch at the parameters `tensors` (Keras layout);
    returns the output and, per parameter, a function giving its gradient
    in the Keras layout after backward()."""
    k, h, grads = 0, x, []
    for i, layer in enumerate(layers):
        if layer[0] in ("lstm", "gru"):
            kind, act, ret = layer[0], layer[1], layer[2]
            assert act == "tanh", "PyTorch's gated cells use tanh"
            units = int(layer[3])
            bias = "nobias" not in layer
            if kind == "gru" and "before" in layer:
                out = gru_before(h, tensors, k, units, bias, act)
                grads += [lambda t=tensors[k + j]: t.grad
                          for j in range(3 if bias else 2)]
            else:
                # Keras z, r, h -> PyTorch r, z, n; lstm's order is the same.
                perm = (np.r_[units:2 * units, 0:units, 2 * units:3 * units]
                        if kind == "gru" else np.arange(4 * units))
                module = torch.nn.LSTM if kind == "lstm" else torch.nn.GRU
                cell = module(h.shape[-1], units, batch_first=True, bias=bias)
                with torch.no_grad():
                    cell.weight_ih_l0.copy_(tensors[k][:, perm].t())
                    cell.weight_hh_l0.copy_(tensors[k + 1][:, perm].t())
                    if bias and kind == "gru":
                        cell.bias_ih_l0.copy_(tensors[k + 2][0, perm])
                        cell.bias_hh_l0.copy_(tensors[k + 2][1, perm])
                    elif bias:
                        cell.bias_ih_l0.copy_(tensors[k + 2])
                        cell.bias_hh_l0.zero_()
                grads += [
                    lambda c=cell, p=perm: unpermute(c.weight_ih_l0.grad.t(), p),
                    lambda c=cell, p=perm: unpermute(c.weight_hh_l0.grad.t(), p)]
                if bias and kind == "gru":
                    grads.append(lambda c=cell, p=perm: unpermute(torch.stack(
                        [c.bias_ih_l0.grad, c.bias_hh_l0.grad]), p))
                elif bias:
                    grads.append(lambda c=cell: c.bias_ih_l0.grad)
                out, _ = cell(h)
            k += 3 if bias else 2
            h = out if ret == "seq" else out[:, -1]
        elif layer[0] == "rnn":
            act, ret = layer[1], layer[2]
            units = int(layer[3])
            bias = "nobias" not in layer
            rnn = torch.nn.RNN(h.shape[-1], units, batch_first=True,
                               nonlinearity=act, bias=bias)
            with torch.no_grad():
                rnn.weight_ih_l0.copy_(tensors[k].t())
                rnn.weight_hh_l0.copy_(tensors[k + 1].t())
                if bias:
                    rnn.bias_ih_l0.copy_(tensors[k + 2])
                    rnn.bias_hh_l0.zero_()
            grads += [lambda r=rnn: r.weight_ih_l0.grad.t(),
                      lambda r=rnn: r.weight_hh_l0.grad.t()]
            if bias:
                grads.append(lambda r=rnn: r.bias_ih_l0.grad)
            k += 3 if bias else 2
            out, _ = rnn(h)
            h = out if ret == "seq" else out[:, -1]
        else:
            h = h @ tensors[k] + tensors[k + 1]
            grads += [lambda t=tensors[k]: t.grad,
                      lambda t=tensors[k + 1]: t.grad]
            k += 2
    return h, grads


def sizes(batch, time):
    return (batch, time) if variable else (batch,)


for time, batch in [(t, b) for t in lengths for b in (1, 5)]:
    print(f"length {time} batch {batch}" if variable else f"batch {batch}")
    x = rng.normal(0, 1, (batch, time, features)).astype(np.float32)
    tensors = [torch.from_numpy(view(params, k).copy()).requires_grad_()
               for k in range(len(shapes))]
    out, ref_grads = forward(torch.from_numpy(x), tensors)
    y = rng.normal(0, 1, tuple(out.shape)).astype(np.float32)
    ours = np.zeros(tuple(out.shape), np.float32)
    pred(ptr(params), ptr(x), ptr(ours), *sizes(batch, time))
    compare("predictions", ours, out.detach().numpy())
    grads = np.zeros_like(params)
    loss = grad(ptr(params), ptr(x), ptr(y), *sizes(batch, time), ptr(grads))
    ref = torch.mean((out - torch.from_numpy(y)) ** 2)
    ref.backward()
    compare("loss", loss, ref.item())
    for k, name in enumerate(names):
        ref = ref_grads[k]().numpy()
        if not ref.any():
            # One step from h_0 = 0: the recurrent kernel's gradient is
            # exactly zero, which a relative comparison cannot judge.
            ok = not view(grads, k).any()
            print(f"gradient {name}: all zero as the reference "
                  f"{'OK' if ok else 'FAIL'}")
            compare.failed |= not ok
            continue
        compare(f"gradient {name}", view(grads, k), ref)

if variable:
    # A length below 1 is rejected at the boundary: predict writes nothing,
    # gradients returns NaN and writes nothing, eval_step's metrics and
    # train_step's loss are NaN and the parameters stay as they were.
    ev, step = fn("eval_step"), fn("train_step")
    ev.argtypes = [f32p] * 3 + size_args + [f32p]
    step.argtypes = [f32p] * 4 + size_args
    step.restype = ctypes.c_float
    state = np.zeros(fn("opt_state_size")(), np.float32)
    fn("init_opt_state")(ptr(state))
    state_before = state.copy()
    x = rng.normal(0, 1, (2, 4, features)).astype(np.float32)
    y = np.full((2, width), 7.0, np.float32)
    for bad in (0, -1):
        out = np.full((2, 4, width), 3.0, np.float32)
        pred(ptr(params), ptr(x), ptr(out), 2, bad)
        grads = np.full_like(params, 5.0)
        loss = grad(ptr(params), ptr(x), ptr(y), 2, bad, ptr(grads))
        metrics = np.zeros(2, np.float32)
        ev(ptr(params), ptr(x), ptr(y), 2, bad, ptr(metrics))
        before = params.copy()
        step_loss = step(ptr(params), ptr(state), ptr(x), ptr(y), 2, bad)
        ok = ((out == 3.0).all() and (grads == 5.0).all() and np.isnan(loss)
              and np.isnan(metrics).all() and np.isnan(step_loss)
              and (params == before).all()
              and (state == state_before).all())
        print(f"length {bad} rejected: {'OK' if ok else 'FAIL'}")
        compare.failed |= not ok
sys.exit(1 if compare.failed else 0)
