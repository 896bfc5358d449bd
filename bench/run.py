#!/usr/bin/env python3
"""dlc's benchmark: dlc against PyTorch and OpenBLAS, measured in one run on
this machine, reported as ratios (the machines are shared and noisy; only
ratios from one run compare).

usage: /usr/bin/python3 bench/run.py [--quick] [--json FILE]

Needs a build (scripts/build.sh), Debian's python3-torch and
dataset-fashion-mnist, and libopenblas for the sgemm peer. For OpenBLAS,
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are unset in the peer's process only
(they force slower kernels on this CPU), except for the AVX2 table, which
sets OPENBLAS_CORETYPE=Haswell on purpose to compare dlc --mcpu=haswell with
OpenBLAS's AVX2 kernels on the same core."""
import argparse
import ctypes
import ctypes.util
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
DLC = os.path.join(BUILD, "bin", "dlc")
DATA = "/usr/share/datasets/fashion-mnist"
MLP = os.path.join(ROOT, "examples", "mnist_mlp.dl")
MLP_PARAMS = 101770
CNN = os.path.join(ROOT, "examples", "fashion_cnn.dl")
CNN_PARAMS = 34826
RESNET = os.path.join(ROOT, "examples", "fashion_resnet.dl")
RESNET_PARAMS = 24602  # with the 288 moving statistics, as the header counts


def run(cmd, env=None, capture=True):
    r = subprocess.run(cmd, env=env, capture_output=capture, text=True)
    if r.returncode != 0:
        sys.exit(f"error: {' '.join(cmd)} failed:\n{r.stdout}\n{r.stderr}")
    return r.stdout


def json_lines(out):
    return [json.loads(l) for l in out.splitlines() if l.startswith("{")]


def host_has(*flags):
    """Whether this CPU has all the /proc/cpuinfo `flags`."""
    try:
        with open("/proc/cpuinfo") as f:
            have = next((l.split(":", 1)[1].split() for l in f if l.startswith("flags")), [])
    except OSError:
        return False
    return all(flag in have for flag in flags)


def peer_env(threads):
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[k] = str(threads)
    return env


# --- PyTorch peer (runs in a child process so threads and RSS are its own) --
# FLUSH_NOTE: dlc's generated code runs with subnormal floats flushed to zero
# (--denormals=flush, the default, as TensorFlow does). PyTorch keeps them
# unless told otherwise, and pays x86's microcode assists for them (about 10%
# of its batch-32 epoch here), so the peer flushes too: both sides do the
# same arithmetic, and PyTorch is measured at its faster setting.
# Both training peers: arguments, threads, seed, and Fashion-MNIST as float
# tensors [n, 28, 28] scaled by 1/255.
TORCH_DATA = r"""
import gzip, struct, sys, time, json, resource
import numpy as np, torch
D = sys.argv[1]; threads = int(sys.argv[2]); epochs = int(sys.argv[3]); batch = int(sys.argv[4])
def idx(p):
    d = gzip.open(p).read(); nd = d[3]
    dims = struct.unpack(">" + "I" * nd, d[4:4 + 4 * nd])
    return np.frombuffer(d, np.uint8, offset=4 + 4 * nd).reshape(dims)
torch.set_num_threads(threads); torch.manual_seed(0)
torch.set_flush_denormal(True)  # as dlc's objects: see FLUSH_NOTE
xtr = torch.tensor(idx(D + "/train-images-idx3-ubyte.gz"), dtype=torch.float32) / 255
ytr = torch.tensor(idx(D + "/train-labels-idx1-ubyte.gz"), dtype=torch.long)
xte = torch.tensor(idx(D + "/t10k-images-idx3-ubyte.gz"), dtype=torch.float32) / 255
yte = torch.tensor(idx(D + "/t10k-labels-idx1-ubyte.gz"), dtype=torch.long)
"""

TORCH_TRAIN = TORCH_DATA + r"""
m = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
opt = torch.optim.Adam(m.parameters(), lr=1e-3, eps=1e-7); lossf = torch.nn.CrossEntropyLoss()
best = 1e30
for ep in range(epochs):
    t = time.perf_counter(); perm = torch.randperm(60000)
    for i in range(0, 60000, batch):
        j = perm[i:i + batch]; opt.zero_grad(); lossf(m(xtr[j]), ytr[j]).backward(); opt.step()
    best = min(best, time.perf_counter() - t)
with torch.no_grad():
    acc = (m(xte).argmax(1) == yte).float().mean().item()
print(json.dumps({"epoch_s_best": best, "test_acc": acc,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

# The CNN is examples/fashion_cnn.dl, which is the Keras "simple MNIST
# convnet" without its Dropout(0.5) (dlc has no dropout layer yet): the peer
# leaves it out too, so both sides train the same network.
TORCH_CNN = r"""
def cnn():
    nn = torch.nn
    return nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(1600, 10))
"""

TORCH_CNN_TRAIN = TORCH_DATA + r"""
xtr = xtr.unsqueeze(1); xte = xte.unsqueeze(1)  # NCHW
""" + TORCH_CNN + r"""
m = cnn()
opt = torch.optim.Adam(m.parameters(), lr=1e-3, eps=1e-7); lossf = torch.nn.CrossEntropyLoss()
best = 1e30; total = 0
for ep in range(epochs):
    t = time.perf_counter(); perm = torch.randperm(60000)
    for i in range(0, 60000, batch):
        j = perm[i:i + batch]; opt.zero_grad(); lossf(m(xtr[j]), ytr[j]).backward(); opt.step()
    dt = time.perf_counter() - t; best = min(best, dt); total += dt
with torch.no_grad():
    acc = (m(xte).argmax(1) == yte).float().mean().item()
print(json.dumps({"epoch_s_best": best, "epoch_s_mean": total / epochs, "test_acc": acc,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

# The residual CNN: examples/fashion_resnet_torch.py's Net and Keras
# initialisers, trained by the same loop as the CNN's peer (BatchNorm in
# training mode for the epochs, inference mode for the test).
TORCH_RESNET_TRAIN = TORCH_DATA + r"""
xtr = xtr.unsqueeze(1); xte = xte.unsqueeze(1)  # NCHW
sys.path.insert(0, sys.argv[5])
from fashion_resnet_torch import Net, keras_init
m = keras_init(Net())
opt = torch.optim.Adam(m.parameters(), lr=1e-3, eps=1e-7); lossf = torch.nn.CrossEntropyLoss()
best = 1e30; total = 0
for ep in range(epochs):
    m.train(); t = time.perf_counter(); perm = torch.randperm(60000)
    for i in range(0, 60000, batch):
        j = perm[i:i + batch]; opt.zero_grad(); lossf(m(xtr[j]), ytr[j]).backward(); opt.step()
    dt = time.perf_counter() - t; best = min(best, dt); total += dt
m.eval()
with torch.no_grad():
    acc = (m(xte).argmax(1) == yte).float().mean().item()
print(json.dumps({"epoch_s_best": best, "epoch_s_mean": total / epochs, "test_acc": acc,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

TORCH_PREDICT = r"""
import sys, time, json, torch
threads = int(sys.argv[1]); batch = int(sys.argv[2]); seconds = float(sys.argv[3])
kind = sys.argv[4] if len(sys.argv) > 4 else "mlp"
torch.set_num_threads(threads)
torch.set_flush_denormal(True)  # as dlc's objects: see FLUSH_NOTE
""" + TORCH_CNN + r"""
if kind == "cnn":
    m = torch.nn.Sequential(cnn(), torch.nn.Softmax(dim=1)).eval()
    x = torch.rand(batch, 1, 28, 28)
else:
    m = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 128), torch.nn.ReLU(),
                            torch.nn.Linear(128, 10), torch.nn.Softmax(dim=1)).eval()
    x = torch.rand(batch, 28, 28)
with torch.inference_mode():
    m(x); calls = 0; t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        for _ in range(10): m(x)
        calls += 10
    t = time.perf_counter() - t0
print(json.dumps({"us_per_call": t / calls * 1e6, "samples_per_s": batch * calls / t}))
"""

SGEMM = r"""
import ctypes, ctypes.util, sys, time, json
import numpy as np
lib = ctypes.CDLL(ctypes.util.find_library("openblas") or "libopenblas.so.0")
lib.openblas_set_num_threads(int(sys.argv[1]))
out = {}
for spec in sys.argv[2:]:
    M, K, N = map(int, spec.split("x"))
    a = np.random.rand(M, K).astype(np.float32); b = np.random.rand(K, N).astype(np.float32)
    c = np.zeros((M, N), np.float32)
    f32p = ctypes.POINTER(ctypes.c_float)
    args = [101, 111, 111, M, N, K, ctypes.c_float(1), a.ctypes.data_as(f32p), K,
            b.ctypes.data_as(f32p), N, ctypes.c_float(0), c.ctypes.data_as(f32p), N]
    lib.cblas_sgemm(*args); calls = 0; t0 = time.perf_counter()
    while time.perf_counter() - t0 < 0.5:
        lib.cblas_sgemm(*args); calls += 1
    t = (time.perf_counter() - t0) / calls
    out[spec] = 2 * M * N * K / t / 1e9
print(json.dumps(out))
"""

# The 3x3x32->64 convolution of the CNN (its second conv, at batch 128) and
# its two gradients, in PyTorch: aten.convolution_backward with one output
# mask bit computes only the input or only the filter gradient.
TORCH_CONV = r"""
import sys, time, json, torch
threads = int(sys.argv[1]); batch = int(sys.argv[2]); seconds = float(sys.argv[3])
torch.set_num_threads(threads)
torch.set_flush_denormal(True)  # as dlc's objects: see FLUSH_NOTE
x = torch.rand(batch, 32, 13, 13); w = torch.rand(64, 32, 3, 3) - 0.5
gy = torch.rand(batch, 64, 11, 11)
def best_us(f):
    f(); best = 1e30; t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        t = time.perf_counter(); f(); best = min(best, time.perf_counter() - t)
    return best * 1e6
cb = lambda mask: torch.ops.aten.convolution_backward(
    gy, x, w, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1, mask)
print(json.dumps({"forward": best_us(lambda: torch.nn.functional.conv2d(x, w)),
                  "input_grad": best_us(lambda: cb([True, False, False])),
                  "filter_grad": best_us(lambda: cb([False, True, False]))}))
"""

# dlc's side of the same three products, timed through whole allocation-free
# entry points of three small models on a [13, 13, 32] input, and separated
# by differences (no entry point runs one backward product alone):
#   A = conv3x3 -> global average pool       predict_ws(A) ~ the forward
#   step(A) - predict_ws(A) ~ the filter gradient (+ pool, loss and SGD, tiny)
#   B = conv1x1(32) -> conv3x3, frozen -> pool; C = conv1x1(32) -> pool
#   step(B) - step(C) - predict_ws(A) ~ the 3x3 input gradient
# (B's 3x3 layer is frozen so that B's step adds to C's only the 3x3
# forward and input gradient. With it trainable, step(B) - step(A) -
# step(C) subtracted the step's fixed part, loss, pooling and update, twice,
# which mattered once the input gradient was short: it read 117% of peak.)
CONV_MODELS = {
    "A": "conv2d(64, 3, use_bias = false);",
    "B": "conv2d(32, 1, use_bias = false); "
         "conv2d(64, 3, use_bias = false, trainable = false);",
    "C": "conv2d(32, 1, use_bias = false);",
}
CONV_PARAMS = {"A": 3 * 3 * 32 * 64, "B": 32 * 32 + 3 * 3 * 32 * 64, "C": 32 * 32}
CONV_FLOPS = 2 * 11 * 11 * 3 * 3 * 32 * 64  # per sample, each of the three


def conv_gflops(harness, shared, tmp, batch, seconds):
    us = {}
    for name, layers in CONV_MODELS.items():
        dl = os.path.join(tmp, f"conv{name}.dl")
        classes = 64 if name != "C" else 32
        with open(dl, "w") as f:
            f.write(f"model conv {{ input x: f32[13, 13, 32]; {layers} "
                    "global_average_pooling2d; train { loss = "
                    "sparse_categorical_crossentropy(from_logits = true); "
                    "optimizer = sgd; } }\n")
        so, _ = shared(dl, f"conv{name}", "conv")
        for what in ("step", "predict_ws") if name == "A" else ("step",):
            args = [str(batch), str(13 * 13 * 32), str(classes),
                    str(CONV_PARAMS[name]), str(seconds)]
            us[f"{name}_{what}"] = json_lines(
                run([harness, so, "conv", what] + args,
                    env=peer_env(1)))[0]["us_best"]
    times = {"forward": us["A_predict_ws"],
             "filter_grad": us["A_step"] - us["A_predict_ws"],
             "input_grad": us["B_step"] - us["C_step"] - us["A_predict_ws"]}
    flops = CONV_FLOPS * batch
    return {k: flops / (t * 1e-6) / 1e9 for k, t in times.items()}, us


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer epochs and shapes")
    ap.add_argument("--json", default=os.path.join(ROOT, "bench", "results.json"))
    args = ap.parse_args()
    epochs = 1 if args.quick else 2
    if not os.path.exists(DLC):
        sys.exit("error: build dlc first (scripts/build.sh)")
    tmp = tempfile.mkdtemp(prefix="dlc-bench-")
    inc = os.path.join(ROOT, "runtime", "include")
    harness = os.path.join(tmp, "bench_dlc")
    run(["cc", "-O2", "-I" + inc, os.path.join(ROOT, "bench", "bench_dlc.c"),
         os.path.join(BUILD, "lib", "libdlrt.a"), "-lz", "-lstdc++",
         "-lm", "-ldl", "-o", harness])

    libdir = "/usr/lib/llvm-22/lib"  # LLVM's libomp, for dlc --parallel

    def shared(model, name, prefix, parallel=False, mcpu=None):
        obj, so = os.path.join(tmp, name + ".o"), os.path.join(tmp, name + ".so")
        t0 = time.perf_counter()
        run([DLC, model, "--model-prefix=" + prefix, "-o", obj] +
            (["--parallel"] if parallel else []) +
            (["--mcpu=" + mcpu] if mcpu else []))
        dt = time.perf_counter() - t0
        link = ["-L" + libdir, "-lomp", "-Wl,-rpath," + libdir] if parallel else []
        run(["cc", "-shared", obj, "-o", so] + link)
        return so, dt

    results = {"machine": os.uname().nodename, "cpus": os.cpu_count(),
               "date": time.strftime("%Y-%m-%d %H:%M")}
    # Compile time: the median of 3 compiles (one is at the mercy of noise).
    mlp, compile_s = shared(MLP, "mlp", "mlp")
    compile_runs = sorted([compile_s] + [shared(MLP, "mlp", "mlp")[1] for _ in range(2)])
    compile_s = compile_runs[1]
    # 2 threads: dlc --parallel (OpenMP, OMP_NUM_THREADS from peer_env).
    mlp_mt, _ = shared(MLP, "mlp_mt", "mlp", parallel=True)
    results["compile_s"] = {"mnist_mlp.dl": compile_s,
                            "mnist_mlp.dl runs": compile_runs}

    # Training, s/epoch (best of `epochs`), and test accuracy.
    train = {}
    for threads in (1, 2):
        for batch in (32, 256):
            key = f"{threads}t_b{batch}"
            d = json_lines(run([harness, mlp if threads == 1 else mlp_mt,
                                "mlp", "train", DATA, str(epochs),
                                str(batch), str(MLP_PARAMS)], env=peer_env(threads)))[0]
            t = json_lines(run(["/usr/bin/python3", "-c", TORCH_TRAIN, DATA,
                                str(threads), str(epochs), str(batch)],
                               env=peer_env(threads)))[0]
            train[key] = {"dlc": d, "torch": t}
            print(f"train {key}: dlc {d['epoch_s_best']:.2f}s torch "
                  f"{t['epoch_s_best']:.2f}s", flush=True)
    results["train"] = train

    # Peak RSS of a whole `dlc train` run (JIT included) and of the compiled
    # object's training loop, each measured in a fresh parent process.
    def peak_rss_mb(cmd):
        probe = ("import resource, subprocess, sys; "
                 "subprocess.run(sys.argv[1:], check=True, capture_output=True); "
                 "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)")
        return float(run(["/usr/bin/python3", "-c", probe] + cmd).strip())
    results["dlc_train_rss_mb"] = peak_rss_mb(
        [DLC, "train", MLP, "--epochs", "1", "--batch-size", "32", "--no-cache"])
    results["object_train_rss_mb"] = peak_rss_mb(
        [harness, mlp, "mlp", "train", DATA, "1", "32", str(MLP_PARAMS)])

    # predict: batch-1 latency, batch-256 throughput.
    pred = {}
    for batch in (1, 256):
        d = json_lines(run([harness, mlp, "mlp", "predict", str(batch), "784",
                            "10", str(MLP_PARAMS), "1.0"], env=peer_env(1)))[0]
        t = json_lines(run(["/usr/bin/python3", "-c", TORCH_PREDICT, "1",
                            str(batch), "1.0"], env=peer_env(1)))[0]
        pred[f"b{batch}"] = {"dlc": d, "torch": t}
    results["predict"] = pred

    # Matmul GFLOP/s: a dense layer without bias, y[M,N] = x[M,K] W[K,N].
    shapes = ["32x784x128", "32x128x10", "256x256x256", "512x512x512"]
    if not args.quick:
        shapes.append("1024x1024x1024")
    def gemm_table(shapes, mcpu=None, blas_env=None):
        blas = json_lines(run(["/usr/bin/python3", "-c", SGEMM, "1"] + shapes,
                              env=blas_env or peer_env(1)))[0]
        table = {}
        for spec in shapes:
            M, K, N = map(int, spec.split("x"))
            dl = os.path.join(tmp, f"mm{spec}.dl")
            with open(dl, "w") as f:
                f.write(f"model mm {{ input x: f32[{K}]; dense({N}, use_bias = false); }}\n")
            so, _ = shared(dl, f"mm{spec}", "mm", mcpu=mcpu)
            d = json_lines(run([harness, so, "mm", "predict", str(M), str(K), str(N),
                                str(K * N), "0.5"], env=peer_env(1)))[0]
            gf = 2 * M * K * N / (d["us_per_call"] * 1e-6) / 1e9
            table[spec] = {"dlc": gf, "openblas": blas[spec]}
        return table

    gemm = gemm_table(shapes)
    results["gemm_gflops"] = gemm
    # An AVX2 machine, emulated on this one: dlc --mcpu=haswell against
    # OpenBLAS's Haswell kernels (OPENBLAS_CORETYPE=Haswell).
    gemm_avx2 = {}
    if host_has("avx2", "fma"):
        env = peer_env(1)
        env["OPENBLAS_CORETYPE"] = "Haswell"
        gemm_avx2 = gemm_table(["32x784x128", "512x512x512"], mcpu="haswell",
                               blas_env=env)
        results["gemm_gflops_avx2"] = gemm_avx2

    # --- The CNN: examples/fashion_cnn.dl against the same network in PyTorch.
    fma = os.path.join(tmp, "fma_peak")
    run(["cc", "-O2", "-march=native", "-ffp-contract=fast",
         os.path.join(ROOT, "bench", "fma_peak.c"), "-o", fma])
    results["fma_peak_gflops"] = json_lines(run([fma]))[0]["fma_peak_gflops"]
    cnn, cnn_compile = shared(CNN, "cnn", "cnn")
    results["compile_s"]["fashion_cnn.dl"] = cnn_compile
    cnn_epochs = 1 if args.quick else 5
    cnn_train = {}
    for batch, n in ((128, cnn_epochs), (32, 1)):
        d = json_lines(run([harness, cnn, "cnn", "train", DATA, str(n),
                            str(batch), str(CNN_PARAMS)], env=peer_env(1)))[0]
        t = json_lines(run(["/usr/bin/python3", "-c", TORCH_CNN_TRAIN, DATA,
                            "1", str(n), str(batch)], env=peer_env(1)))[0]
        cnn_train[f"1t_b{batch}"] = {"dlc": d, "torch": t, "epochs": n}
        print(f"cnn train b{batch}: dlc {d['epoch_s_best']:.2f}s torch "
              f"{t['epoch_s_best']:.2f}s", flush=True)
    results["cnn_train"] = cnn_train
    results["cnn_dlc_train_rss_mb"] = peak_rss_mb(
        [DLC, "train", CNN, "--epochs", "1", "--batch-size", "128", "--no-cache"])
    # The same from a warm cache (the model and the decoded data cached; a
    # short run fills it first).
    with tempfile.TemporaryDirectory(prefix="dlc-bench-cache-") as cache:
        cached = ["env", f"DLC_CACHE_DIR={cache}", DLC, "train", CNN,
                  "--epochs", "1", "--batch-size", "128"]
        run(cached + ["--max-samples", "128"])
        results["cnn_dlc_train_cached_rss_mb"] = peak_rss_mb(cached)
    d = json_lines(run([harness, cnn, "cnn", "predict", "1", "784", "10",
                        str(CNN_PARAMS), "1.0"], env=peer_env(1)))[0]
    t = json_lines(run(["/usr/bin/python3", "-c", TORCH_PREDICT, "1", "1",
                        "1.0", "cnn"], env=peer_env(1)))[0]
    results["cnn_predict_b1"] = {"dlc": d, "torch": t}
    # --- The residual CNN (issue #14): examples/fashion_resnet.dl.
    resnet, resnet_compile = shared(RESNET, "resnet", "resnet")
    results["compile_s"]["fashion_resnet.dl"] = resnet_compile
    d = json_lines(run([harness, resnet, "resnet", "train", DATA,
                        str(cnn_epochs), "128", str(RESNET_PARAMS)],
                       env=peer_env(1)))[0]
    t = json_lines(run(["/usr/bin/python3", "-c", TORCH_RESNET_TRAIN, DATA, "1",
                        str(cnn_epochs), "128", os.path.join(ROOT, "examples")],
                       env=peer_env(1)))[0]
    results["resnet_train"] = {"1t_b128": {"dlc": d, "torch": t,
                                           "epochs": cnn_epochs}}
    print(f"resnet train b128: dlc {d['epoch_s_best']:.2f}s torch "
          f"{t['epoch_s_best']:.2f}s", flush=True)
    conv_dlc, conv_us = conv_gflops(harness, shared, tmp, 128, 1.0)
    torch_us = json_lines(run(["/usr/bin/python3", "-c", TORCH_CONV, "1", "128",
                               "1.0"], env=peer_env(1)))[0]
    conv = {k: {"dlc": conv_dlc[k],
                "torch": CONV_FLOPS * 128 / (torch_us[k] * 1e-6) / 1e9}
            for k in ("forward", "input_grad", "filter_grad")}
    results["conv_gflops"] = conv
    results["conv_entry_us"] = conv_us

    with open(args.json, "w") as f:
        json.dump(results, f, indent=1)

    # The table: ratios > 1 mean dlc is better.
    rows = []
    for key, v in train.items():
        threads, batch = key.split("_")
        rows.append((f"MLP train s/epoch, {threads[:-1]} thread(s), batch {batch[1:]}",
                     v["dlc"]["epoch_s_best"], v["torch"]["epoch_s_best"],
                     v["torch"]["epoch_s_best"] / v["dlc"]["epoch_s_best"]))
    b1, b256 = pred["b1"], pred["b256"]
    rows.append(("predict batch 1, us", b1["dlc"]["us_per_call"],
                 b1["torch"]["us_per_call"],
                 b1["torch"]["us_per_call"] / b1["dlc"]["us_per_call"]))
    rows.append(("predict batch 256, samples/s", b256["dlc"]["samples_per_s"],
                 b256["torch"]["samples_per_s"],
                 b256["dlc"]["samples_per_s"] / b256["torch"]["samples_per_s"]))
    t1 = train["1t_b32"]
    rows.append(("test accuracy after training (1 thread, batch 32)",
                 t1["dlc"]["test_acc"], t1["torch"]["test_acc"], None))
    rows.append(("peak RSS MB, `dlc train` (JIT) vs PyTorch",
                 results["dlc_train_rss_mb"], t1["torch"]["rss_mb"],
                 t1["torch"]["rss_mb"] / results["dlc_train_rss_mb"]))
    rows.append(("peak RSS MB, compiled object + runtime vs PyTorch",
                 results["object_train_rss_mb"], t1["torch"]["rss_mb"],
                 t1["torch"]["rss_mb"] / results["object_train_rss_mb"]))
    for key, v in cnn_train.items():
        rows.append((f"CNN train s/epoch, 1 thread, batch {key.split('_b')[1]}",
                     v["dlc"]["epoch_s_best"], v["torch"]["epoch_s_best"],
                     v["torch"]["epoch_s_best"] / v["dlc"]["epoch_s_best"]))
    c128 = cnn_train["1t_b128"]
    rows.append((f"CNN test accuracy after {c128['epochs']} epoch(s), batch 128",
                 c128["dlc"]["test_acc"], c128["torch"]["test_acc"], None))
    r128 = results["resnet_train"]["1t_b128"]
    rows.append(("residual CNN train s/epoch, 1 thread, batch 128",
                 r128["dlc"]["epoch_s_best"], r128["torch"]["epoch_s_best"],
                 r128["torch"]["epoch_s_best"] / r128["dlc"]["epoch_s_best"]))
    rows.append((f"residual CNN test accuracy after {r128['epochs']} epoch(s)",
                 r128["dlc"]["test_acc"], r128["torch"]["test_acc"], None))
    cp = results["cnn_predict_b1"]
    rows.append(("CNN predict batch 1, us", cp["dlc"]["us_per_call"],
                 cp["torch"]["us_per_call"],
                 cp["torch"]["us_per_call"] / cp["dlc"]["us_per_call"]))
    rows.append(("CNN peak RSS MB, `dlc train` (JIT) vs PyTorch",
                 results["cnn_dlc_train_rss_mb"], c128["torch"]["rss_mb"],
                 c128["torch"]["rss_mb"] / results["cnn_dlc_train_rss_mb"]))
    rows.append(("CNN peak RSS MB, `dlc train`, cache warm",
                 results["cnn_dlc_train_cached_rss_mb"], c128["torch"]["rss_mb"],
                 c128["torch"]["rss_mb"] / results["cnn_dlc_train_cached_rss_mb"]))
    print()
    print(f"{'measure':<52} {'dlc':>12} {'PyTorch':>12} {'ratio':>8}")
    for name, d, t, r in rows:
        print(f"{name:<52} {d:>12.4g} {t:>12.4g} {'' if r is None else f'{r:>7.2f}x':>8}")
    print()
    print(f"{'matmul GFLOP/s (1 thread)':<52} {'dlc':>12} {'OpenBLAS':>12} {'of BLAS':>8}")
    for spec, v in gemm.items():
        print(f"{spec:<52} {v['dlc']:>12.1f} {v['openblas']:>12.1f} {v['dlc'] / v['openblas']:>7.0%}")
    if gemm_avx2:
        print(f"{'matmul GFLOP/s, AVX2 (--mcpu=haswell, BLAS Haswell)':<52} {'dlc':>12} {'OpenBLAS':>12} {'of BLAS':>8}")
        for spec, v in gemm_avx2.items():
            print(f"{spec:<52} {v['dlc']:>12.1f} {v['openblas']:>12.1f} {v['dlc'] / v['openblas']:>7.0%}")
    peak = results["fma_peak_gflops"]
    print(f"{'conv 3x3x32->64, 11x11 out, batch 128, GFLOP/s':<52} {'dlc':>12} {'PyTorch':>12} {'of peak':>8}")
    for k, v in conv.items():
        print(f"{k:<52} {v['dlc']:>12.1f} {v['torch']:>12.1f} {v['dlc'] / peak:>7.0%}")
    print(f"measured FMA peak of one core: {peak:.1f} GFLOP/s (bench/fma_peak.c)")
    print(f"\ndlc compile time of mnist_mlp.dl: {compile_s:.2f} s, "
          f"fashion_cnn.dl: {cnn_compile:.2f} s, "
          f"fashion_resnet.dl: {resnet_compile:.2f} s")
    print(f"JSON: {args.json}")


if __name__ == "__main__":
    main()
