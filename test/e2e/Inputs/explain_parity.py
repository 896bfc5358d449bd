"""dlc explain against PyTorch autograd: the saliency maps it writes (.npy)
must be the gradient of the chosen class's logit (before softmax) with
respect to the input, on the checkpoint's weights (rtol 1e-4), for a given
class, the data's labels and the predictions; its .png must be a valid PNG
whose pixels are the documented picture of the .npy map.

usage: explain_parity.py make DIR        (weights.safetensors, x.npy, d.csv)
       explain_parity.py check DLC DIR   (runs dlc explain, compares)
"""
import binascii
import json
import struct
import subprocess
import sys
import zlib

import numpy as np
import torch
import torch.nn.functional as F

from parity import Checker

H, W, C, FILTERS, OUT, N = 6, 5, 2, 3, 4, 5
SHAPES = {"conv2d.kernel": (3, 3, C, FILTERS), "conv2d.bias": (FILTERS,),
          "dense.kernel": ((H - 2) * (W - 2) * FILTERS, OUT),
          "dense.bias": (OUT,)}
MODEL = __file__.rsplit("/", 1)[0] + "/saliency_img.dl"


def make(d):
    rng = np.random.default_rng(1)
    tensors = {k: rng.normal(0, 0.5, s).astype(np.float32)
               for k, s in SHAPES.items()}
    header, blob = {}, b""
    for name, t in tensors.items():
        header[name] = {"dtype": "F32", "shape": list(t.shape),
                        "data_offsets": [len(blob), len(blob) + t.nbytes]}
        blob += t.tobytes()
    text = json.dumps(header).encode()
    with open(f"{d}/weights.safetensors", "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + blob)
    x = rng.random((N, H, W, C), dtype=np.float32)
    np.save(f"{d}/x.npy", x)
    labels = rng.integers(0, OUT, N)
    with open(f"{d}/d.csv", "w") as f:
        for row, label in zip(x.reshape(N, -1), labels):
            f.write(",".join(repr(float(v)) for v in row) + f",{label}\n")
    np.save(f"{d}/labels.npy", labels)


def logits(xt, t):
    h = F.relu(F.conv2d(xt.permute(0, 3, 1, 2),
                        t["conv2d.kernel"].permute(3, 2, 0, 1),
                        t["conv2d.bias"]))
    return h.permute(0, 2, 3, 1).reshape(xt.shape[0], -1) @ \
        t["dense.kernel"] + t["dense.bias"]


def reference(x, t, classes):
    xt = torch.from_numpy(x.copy()).requires_grad_(True)
    z = logits(xt, t)
    z.gather(1, torch.tensor(classes)[:, None]).sum().backward()
    return xt.grad.numpy()


def read_png(path):
    """Gray 8-bit, filter 0 rows: (height, width) uint8, checking the
    signature, every chunk's CRC and the header."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "signature"
    at, idat, ihdr = 8, b"", None
    while at < len(data):
        (n,) = struct.unpack(">I", data[at:at + 4])
        kind, body = data[at + 4:at + 8], data[at + 8:at + 8 + n]
        (crc,) = struct.unpack(">I", data[at + 8 + n:at + 12 + n])
        assert crc == binascii.crc32(kind + body), f"CRC of {kind}"
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        at += 12 + n
    width, height, depth, color, _, _, interlace = ihdr
    assert (depth, color, interlace) == (8, 0, 0), ihdr
    raw = np.frombuffer(zlib.decompress(idat), np.uint8).reshape(height,
                                                                 width + 1)
    assert not raw[:, 0].any(), "filter bytes"
    return raw[:, 1:]


def check(dlc, d):
    t = {}
    raw = open(f"{d}/weights.safetensors", "rb").read()
    (n,) = struct.unpack("<Q", raw[:8])
    for name, info in json.loads(raw[8:8 + n]).items():
        b, e = info["data_offsets"]
        t[name] = torch.from_numpy(np.frombuffer(raw[8 + n + b:8 + n + e],
                                                 "<f4").reshape(info["shape"])
                                   .copy())
    x = np.load(f"{d}/x.npy")
    labels = np.load(f"{d}/labels.npy")
    predicted = logits(torch.from_numpy(x), t).argmax(1).numpy()
    compare = Checker()

    def explain(out, *flags):
        r = subprocess.run([dlc, "explain", MODEL, "--weights",
                            f"{d}/weights.safetensors", "-o", f"{d}/{out}",
                            *flags], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        return r.stdout

    explain("one.npy", "--data", f"{d}/x.npy", "--index", "3", "--class", "2")
    got = np.load(f"{d}/one.npy")
    print(f"--index 3 --class 2: shape {list(got.shape)}")
    compare("--index 3 --class 2", got, reference(x[3:4], t, [2])[0])

    explain("labels.npy", "--data", f"{d}/d.csv", "--limit", "5", "--class",
            "label")
    got = np.load(f"{d}/labels.npy")
    print(f"--limit 5 --class label: shape {list(got.shape)}")
    compare("--limit 5 --class label", got, reference(x, t, labels))

    stdout = explain("pred.npy", "--data", f"{d}/x.npy", "--limit", "5")
    got = np.load(f"{d}/pred.npy")
    compare("--limit 5 --class predicted", got, reference(x, t, predicted))
    said = [int(line.split()[3]) for line in stdout.splitlines()
            if line.startswith("sample ")]
    print(f"predicted classes: {'OK' if said == list(predicted) else 'FAIL'}")
    compare.failed |= said != list(predicted)

    explain("pred.png", "--data", f"{d}/x.npy", "--limit", "3")
    png = read_png(f"{d}/pred.png").astype(int)
    k = max(1, 128 // max(H, W))
    ok = png.shape == (((H + 1) * 3 - 1) * k, (2 * W + 1) * k)
    for s in range(3):
        rows = slice(s * (H + 1) * k, (s * (H + 1) + H) * k, k)
        sal = np.abs(got[s]).max(axis=2)
        want = np.round(255 * sal / sal.max())
        ok &= np.abs(png[rows, (W + 1) * k::k] - want).max() <= 1
        img = x[s].mean(axis=2)
        want = np.round(255 * (img - img.min()) / (img.max() - img.min()))
        ok &= np.abs(png[rows, 0:W * k:k] - want).max() <= 1
    print(f"png {png.shape[1]}x{png.shape[0]} pixels: {'OK' if ok else 'FAIL'}")
    compare.failed |= not ok
    sys.exit(1 if compare.failed else 0)


if sys.argv[1] == "make":
    make(sys.argv[2])
else:
    check(sys.argv[2], sys.argv[3])
