"""simple_rnn against PyTorch 1.13's nn.RNN: predictions, the loss and
every parameter's gradient (rtol 1e-4), for a compiled model (`dlc m.dl -o`,
linked -shared) named on the command line, at batch 1 and 5.

Keras's layout is converted: nn.RNN's weight_ih is kernel^T, weight_hh is
recurrent_kernel^T, bias_ih is the bias and bias_hh is zero (Keras has one
bias). The model is a stack of simple_rnn layers, optionally a dense, and
mean_squared_error; its layers are read from the parameter names.

usage: torch_rnn_parity.py LIB PREFIX TIME FEATURES LAYERS
  LAYERS: comma-separated; rnn:ACTIVATION:seq|last:UNITS[:nobias] or
          dense:UNITS, e.g. rnn:tanh:seq:50,rnn:tanh:last:50,dense:1
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
# bias per simple_rnn; kernel, bias per dense).
shapes, names = [], []
width = features
for i, layer in enumerate(layers):
    if layer[0] == "rnn":
        units = int(layer[3])
        shapes += [(width, units), (units, units)]
        names += [f"rnn{i}.kernel", f"rnn{i}.recurrent_kernel"]
        if "nobias" not in layer:
            shapes.append((units,))
            names.append(f"rnn{i}.bias")
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
# recurrent_initializer = orthogonal (the default): R^T R = I.
for k, name in enumerate(names):
    if name.endswith("recurrent_kernel"):
        r = view(params, k).astype(np.float64)
        compare(f"orthogonal {name}", r.T @ r, np.eye(len(r)))
# The initialiser's weights, with non-zero biases.
rng = np.random.default_rng(0)
for k, s in enumerate(shapes):
    if len(s) == 1:  # the biases start at zero: give them values
        params[offsets[k]:offsets[k + 1]] = rng.uniform(-0.5, 0.5, s[0])


def forward(x, tensors):
    """The model in PyTorch at the parameters `tensors` (Keras layout);
    returns the output and, per parameter, a function giving its gradient
    in the Keras layout after backward()."""
    k, h, grads = 0, x, []
    for i, layer in enumerate(layers):
        if layer[0] == "rnn":
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
