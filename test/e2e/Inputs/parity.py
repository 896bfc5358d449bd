"""The numeric comparison shared by the PyTorch parity scripts."""
import numpy as np


class Checker:
    """compare(what, ours, ref) prints one OK/FAIL line per comparison;
    `failed` says whether any failed (the script's exit status)."""

    def __init__(self):
        self.failed = False

    def __call__(self, what, ours, ref, rtol=1e-4):
        """|ours - ref| <= rtol * |ref| + atol, atol = rtol * max|ref| / 10:
        relative per element, with a floor for elements near zero."""
        ours, ref = np.asarray(ours, np.float64), np.asarray(ref, np.float64)
        atol = rtol * np.max(np.abs(ref)) / 10
        ratio = float(np.max(np.abs(ours - ref) / (rtol * np.abs(ref) + atol)))
        ok = ratio <= 1.0  # also False for NaN
        print(f"{what}: max error / allowed {ratio:.3f} {'OK' if ok else 'FAIL'}")
        self.failed |= not ok
