"""Seconds per training epoch of issue #12's recurrent models on its
forecasting data (7,000 series of 50 steps, batch 32, Adam 1e-3, mse, one
thread): `dlc train` against PyTorch 1.13's loop (that of
../shared/bench/torch_rnn.py), side by side in one run.

dlc's epoch is the difference of a (1 + E)-epoch and a 1-epoch `dlc train`
run, divided by E, so compiling (the cache is warmed first), loading the
data and starting cancel; the model's own metrics (the seed's mae) are
measured as `dlc train` reports them. PyTorch's is the median of E epochs
of its loop, timed from inside. Neither side validates during the epoch.

usage: bench/rnn_epoch.py [--dlc build/bin/dlc] [--epochs E] [--rounds R]
(R alternating rounds; the data are written by examples/forecast/
make_series.py into a temporary directory)
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# name: (the .dl model, the PyTorch module in bench/rnn_models.py)
MODELS = {
    "seed": (os.path.join(ROOT, "examples", "seed_rnn.dl"), "Seed"),
    "lstm64": (os.path.join(ROOT, "bench", "lstm64.dl"), "LSTM64"),
}

TORCH = r"""
import sys, time, json, statistics
import numpy as np, torch
D, epochs, bench, name = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
sys.path.insert(0, bench)
M = getattr(__import__("rnn_models"), name)
torch.set_num_threads(1); torch.manual_seed(0); torch.set_flush_denormal(True)
xtr = torch.tensor(np.load(D + "/train_x.npy")); ytr = torch.tensor(np.load(D + "/train_y.npy"))
model = M(); opt = torch.optim.Adam(model.parameters(), lr=1e-3); mse = torch.nn.MSELoss()
n = xtr.shape[0]; times = []
for ep in range(epochs):
    t = time.perf_counter(); perm = torch.randperm(n)
    for i in range(0, n, 32):
        b = perm[i:i + 32]
        opt.zero_grad(); mse(model(xtr[b]), ytr[b]).backward(); opt.step()
    times.append(time.perf_counter() - t)
print(json.dumps(statistics.median(times)))
"""


def dlc_seconds(dlc, model, data, epochs):
    cmd = [dlc, "train", model, "--data", data + "/train_x.npy", "--targets",
           data + "/train_y.npy", "--epochs", str(epochs), "--batch-size",
           "32", "--verbose", "0"]
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dlc", default=os.path.join(ROOT, "build", "bin", "dlc"))
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    env = dict(os.environ, OMP_NUM_THREADS="1")
    with tempfile.TemporaryDirectory() as data:
        subprocess.run(["/usr/bin/python3",
                        os.path.join(ROOT, "examples", "forecast",
                                     "make_series.py"), data],
                       check=True, stdout=subprocess.DEVNULL)
        rows = {}
        for name, (model, module) in MODELS.items():
            dlc_seconds(a.dlc, model, data, 1)  # the compiled-model cache
            d, t = [], []
            for _ in range(a.rounds):
                one = dlc_seconds(a.dlc, model, data, 1)
                more = dlc_seconds(a.dlc, model, data, 1 + a.epochs)
                d.append((more - one) / a.epochs)
                out = subprocess.run(
                    ["/usr/bin/python3", "-c", TORCH, data, str(a.epochs),
                     os.path.join(ROOT, "bench"), module], check=True, env=env,
                    capture_output=True, text=True).stdout
                t.append(float(out))
            rows[name] = (d, t)
            print(f"{name}: dlc {statistics.median(d):.3f} s/epoch "
                  f"(rounds {', '.join(f'{v:.3f}' for v in d)}), PyTorch "
                  f"{statistics.median(t):.3f} s/epoch "
                  f"(rounds {', '.join(f'{v:.3f}' for v in t)}), "
                  f"PyTorch / dlc {statistics.median(t) / statistics.median(d):.2f}x",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
