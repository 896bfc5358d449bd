"""An independent reader of the safetensors format (8-byte little-endian
header size, JSON header, raw little-endian data), for checking what
dlc writes.
usage: safetensors_tool.py list FILE
       safetensors_tool.py same FILE_A FILE_B TENSOR...   (bit-identical?)
       safetensors_tool.py differ FILE_A FILE_B TENSOR... (changed?)
       safetensors_tool.py close FILE_A FILE_B RTOL ATOL
           (the same tensors, each |a - b| <= ATOL + RTOL * |b|; exit 1 if not)
       safetensors_tool.py elements FILE TENSOR BEGIN END (flat, as %g)
       safetensors_tool.py poison FILE OUT TENSOR INDEX VALUE
           (a copy with element INDEX, flat, of TENSOR set to VALUE: nan, inf)"""
import json
import struct
import sys

import numpy as np


def read(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, info in header.items():
        assert info["dtype"] == "F32", info
        begin, end = info["data_offsets"]
        arr = np.frombuffer(data[8 + n + begin:8 + n + end], "<f4")
        tensors[name] = arr.reshape(info["shape"])
    return tensors, meta


cmd = sys.argv[1]
if cmd == "list":
    tensors, meta = read(sys.argv[2])
    for name, arr in tensors.items():
        print(f"{name} {list(arr.shape)} mean {arr.mean():.6f}")
    for k in sorted(meta):
        print(f"meta {k} = {meta[k]}")
elif cmd == "elements":
    tensors, _ = read(sys.argv[2])
    flat = tensors[sys.argv[3]].reshape(-1)
    begin, end = int(sys.argv[4]), int(sys.argv[5])
    print(" ".join(f"{v:g}" for v in flat[begin:end]))
elif cmd == "poison":
    src, out, name, index, value = sys.argv[2:7]
    with open(src, "rb") as f:
        data = bytearray(f.read())
    (n,) = struct.unpack("<Q", data[:8])
    begin, _ = json.loads(data[8:8 + n])[name]["data_offsets"]
    at = 8 + n + begin + 4 * int(index)
    data[at:at + 4] = struct.pack("<f", float(value))
    with open(out, "wb") as f:
        f.write(data)
elif cmd == "close":
    a, _ = read(sys.argv[2])
    b, _ = read(sys.argv[3])
    rtol, atol = float(sys.argv[4]), float(sys.argv[5])
    if sorted(a) != sorted(b):
        sys.exit(f"different tensors: {sorted(a)} vs {sorted(b)}")
    bad = False
    for name in sorted(a):
        x, y = a[name].astype(np.float64), b[name].astype(np.float64)
        ok = x.shape == y.shape and np.all(np.abs(x - y) <= atol + rtol * np.abs(y))
        diff = np.max(np.abs(x - y)) if x.shape == y.shape and x.size else 0.0
        print(f"{name}: {'close' if ok else 'DIFFERENT'} (max |a - b| {diff:.3g})")
        bad |= not ok
    sys.exit(1 if bad else 0)
else:
    a, _ = read(sys.argv[2])
    b, _ = read(sys.argv[3])
    for name in sys.argv[4:]:
        same = a[name].shape == b[name].shape and np.array_equal(a[name], b[name])
        print(f"{name}: {'identical' if same else 'changed'}")
        if same != (cmd == "same"):
            sys.exit(1)
