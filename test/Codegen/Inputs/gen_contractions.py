#!/usr/bin/env python3
"""Generates matrix-product kernels on memrefs plus the C table that drives them.

Each kernel is `void NAME(float *a, float *b, float *c, int64_t m, int64_t n,
int64_t k, int64_t pad, int64_t off)` once lowered with the bare-pointer
calling convention: the three buffers are views of flat arrays made with
memref.reinterpret_cast (as dlc's entry points do), with a row stride of
`cols + pad` and an offset of off, 2 * off and 3 * off elements for A, B and
C, so strided layouts and offsets are exercised. Arguments whose value is
static in a kernel (see the table in the header) are ignored.

test: the shapes of harness.c (the batch dynamic, as in dlc's models, plus
fully dynamic kernels with dynamic strides); bench / big: the shapes of
bench_contractions.c.

Kernels named zf_* zero C with a linalg.fill just before the product (as
dl's dx and dW products do), which dl-vectorize-contractions folds into the
kernel; the harness then expects C = A * B.

Forms (C[m, n] += sum_k A * B, f32):
  nn  : linalg.matmul        A[m, k], B[k, n]   (dense forward)
  gnn : linalg.generic       A[m, k], B[k, n]
  nt  : linalg.generic       A[m, k], B[n, k]   (dx = dy * W^T)
  tn  : linalg.generic       A[k, m], B[k, n]   (dW = x^T * dy)
  tt  : linalg.generic       A[k, m], B[n, k]
  ct  : linalg.generic       A[m, k], B[k, n] -> C stored [n, m]

Usage: gen_contractions.py test|bench|big OUT.mlir OUT.h [prefix]
"""
import sys

FORMS = {
    # name: (A transposed, B transposed, C transposed, named matmul)
    "nn": (False, False, False, True),
    "gnn": (False, False, False, False),
    "nt": (False, True, False, False),
    "tn": (True, False, False, False),
    "tt": (True, True, False, False),
    "ct": (False, False, True, False),
}


def shape_of(form, which, M, N, K):
    """(rows, cols) of operand `which` in storage order."""
    ta, tb, tc, _ = FORMS[form]
    if which == "a":
        return (K, M) if ta else (M, K)
    if which == "b":
        return (N, K) if tb else (K, N)
    return (N, M) if tc else (M, N)


def dim(v):
    return "?" if v is None else str(v)


class Kernel:
    def __init__(self, name, form, M, N, K, pad, off, zero_fill=False):
        # M/N/K: int (static) or None (dynamic, taken from the argument).
        self.name, self.form, self.zero_fill = name, form, zero_fill
        self.M, self.N, self.K = M, N, K
        self.pad, self.off = pad, off  # pad/off: int (static) or None (dynamic)

    def emit(self):
        lines = []
        ln = lines.append
        ln(f"func.func @{self.name}(%pa: memref<1xf32>, %pb: memref<1xf32>, "
           f"%pc: memref<1xf32>, %m: i64, %n: i64, %k: i64, %pad: i64, "
           f"%off: i64) {{")
        ln("  %c1 = arith.constant 1 : index")
        for v in ("m", "n", "k", "pad", "off"):
            ln(f"  %{v}i = arith.index_cast %{v} : i64 to index")
        sizes = {"M": self.M, "N": self.N, "K": self.K}
        symbolic = {"M": "%mi", "N": "%ni", "K": "%ki"}
        views = {}
        for which in ("a", "b", "c"):
            r, c = shape_of(self.form, which, "M", "N", "K")
            rs, cs = sizes[r], sizes[c]
            # Row stride: static when the column count and pad are static.
            if cs is not None and self.pad is not None:
                ld = cs + self.pad
                ld_s, ld_v = str(ld), str(ld)
            else:
                cv = str(cs) if cs is not None else symbolic[c]
                if cs is not None:
                    ln(f"  %{which}cols = arith.constant {cs} : index")
                    cv = f"%{which}cols"
                ln(f"  %{which}ld = arith.addi {cv}, %padi : index")
                ld_s, ld_v = "?", f"%{which}ld"
            # Offsets differ per operand so that a mix-up shows.
            if self.off is not None:
                o = self.off * (ord(which) - ord("a") + 1)
                off_s, off_v = str(o), str(o)
            else:
                ln(f"  %{which}mul = arith.constant {ord(which) - ord('a') + 1} : index")
                ln(f"  %{which}off = arith.muli %offi, %{which}mul : index")
                off_s, off_v = "?", f"%{which}off"
            rv = str(rs) if rs is not None else symbolic[r]
            cv = str(cs) if cs is not None else symbolic[c]
            ty = (f"memref<{dim(rs)}x{dim(cs)}xf32, strided<[{ld_s}, 1], "
                  f"offset: {off_s}>>")
            ln(f"  %{which.upper()} = memref.reinterpret_cast %p{which} to "
               f"offset: [{off_v}], sizes: [{rv}, {cv}], strides: [{ld_v}, 1] "
               f": memref<1xf32> to {ty}")
            views[which] = ty
        ta, tb, tc, named = FORMS[self.form]
        ins = f"ins(%A, %B : {views['a']}, {views['b']}) outs(%C : {views['c']})"
        if self.zero_fill:
            ln("  %zero = arith.constant 0.0 : f32")
            ln(f"  linalg.fill ins(%zero : f32) outs(%C : {views['c']})")
        if named:
            ln(f"  linalg.matmul {ins}")
        else:
            amap = "(d2, d0)" if ta else "(d0, d2)"
            bmap = "(d1, d2)" if tb else "(d2, d1)"
            cmap = "(d1, d0)" if tc else "(d0, d1)"
            maps = ", ".join(f"affine_map<(d0, d1, d2) -> {x}>"
                             for x in (amap, bmap, cmap))
            ln(f"  linalg.generic {{indexing_maps = [{maps}], iterator_types = "
               f"[\"parallel\", \"parallel\", \"reduction\"]}} {ins} {{")
            ln("  ^bb0(%x: f32, %y: f32, %acc: f32):")
            ln("    %p = arith.mulf %x, %y : f32")
            ln("    %s = arith.addf %acc, %p : f32")
            ln("    linalg.yield %s : f32")
            ln("  }")
        ln("  return")
        ln("}")
        return "\n".join(lines)

    def table_row(self):
        ta, tb, tc, _ = FORMS[self.form]
        z = lambda v: -1 if v is None else v
        return (f"  {{\"{self.name}\", {self.name}, {int(ta)}, {int(tb)}, "
                f"{int(tc)}, {z(self.M)}, {z(self.N)}, {z(self.K)}, "
                f"{z(self.pad)}, {z(self.off)}, {int(self.zero_fill)}}},")


def test_kernels():
    # Every remainder of M modulo 8 and 5 (the two tiles of the test) that
    # takes 4-, 2- and 1-row blocks.
    Ms = [1, 3, 7, 14, 33, 257]
    NKs = [1, 10, 17, 128, 784]
    ks = []
    i = 0
    # The batch is the dynamic dimension, as in dlc's models: M for the
    # forward and data-gradient products, K for the weight gradient.
    for form in ("nn", "gnn", "nt", "tt", "ct"):
        for N in NKs:
            for K in NKs:
                if form in ("gnn", "ct", "tt") and (N, K) not in (
                        (1, 1), (10, 17), (17, 10), (128, 784), (784, 128)):
                    continue
                pad, off = (3, 7) if i % 2 else (0, 0)
                ks.append(Kernel(f"{form}_n{N}_k{K}", form, None, N, K, pad, off))
                i += 1
    for M in Ms:
        for N in NKs:
            pad, off = (3, 7) if i % 2 else (0, 0)
            ks.append(Kernel(f"tn_m{M}_n{N}", "tn", M, N, None, pad, off))
            i += 1
    for form in FORMS:
        ks.append(Kernel(f"{form}_dyn", form, None, None, None, None, None))
    # C zero-filled first: dW (K the batch, dynamic), dx (K static, one or
    # several k blocks), everything dynamic.
    for M in Ms:
        for N in (10, 128):
            pad, off = (3, 7) if i % 2 else (0, 0)
            ks.append(Kernel(f"zf_tn_m{M}_n{N}", "tn", M, N, None, pad, off,
                             True))
            i += 1
    for N, K in ((128, 10), (17, 784), (784, 128)):
        ks.append(Kernel(f"zf_nt_n{N}_k{K}", "nt", None, N, K, 3, 7, True))
    for form in ("nn", "tn"):
        ks.append(Kernel(f"zf_{form}_dyn", form, None, None, None, None, None,
                         True))
    return ks


BIG = [
    ("sq1024_nn", "nn", 1024, 1024, 1024),
    ("sq2048_nn", "nn", 2048, 2048, 2048),
    ("sq1536_nt", "nt", 1536, 1536, 1536),
    ("sq1536_tn", "tn", 1536, 1536, 1536),
    ("b4096_nn", "nn", 4096, 128, 784),
    ("b4096_tn", "tn", 784, 128, 4096),
    ("b4096_nt", "nt", 4096, 784, 128),
]


def bench_kernels(big=False):
    ks = []
    # (M, N, K) products of the MNIST MLP at batch 32 and a square 512.
    for name, form, M, N, K in BIG if big else [
        ("sq512_nn", "nn", 512, 512, 512),
        ("sq512_nt", "nt", 512, 512, 512),
        ("sq512_tn", "tn", 512, 512, 512),
        ("fwd1_nn", "nn", 32, 128, 784),    # x[32x784] * W1[784x128]
        ("fwd2_nn", "nn", 32, 10, 128),     # h[32x128] * W2[128x10]
        ("dx2_nt", "nt", 32, 128, 10),      # dy2[32x10] * W2^T
        ("dx1_nt", "nt", 32, 784, 128),     # dy1[32x128] * W1^T
        ("dw2_tn", "tn", 128, 10, 32),      # h^T * dy2
        ("dw1_tn", "tn", 784, 128, 32),     # x^T * dy1
    ]:
        # Like dlc: the batch dimension dynamic, the rest static, dense rows.
        dynM = form in ("nn", "nt") and not name.startswith("sq")
        dynK = form == "tn" and not name.startswith("sq")
        ks.append(Kernel(name, form, None if dynM else M, N,
                         None if dynK else K, 0, 0))
        ks[-1].bench = (M, N, K)
    return ks


def main():
    mode, out_mlir, out_h = sys.argv[1:4]
    prefix = sys.argv[4] if len(sys.argv) > 4 else ""
    ks = test_kernels() if mode == "test" else bench_kernels(mode == "big")
    for k in ks:
        k.name = prefix + k.name
    with open(out_mlir, "w") as f:
        f.write("// Generated by gen_contractions.py; do not edit.\n")
        f.write("module {\n")
        for k in ks:
            f.write(k.emit() + "\n")
        f.write("}\n")
    with open(out_h, "w") as f:
        f.write("/* Generated by gen_contractions.py; do not edit. */\n")
        f.write("#include <stdint.h>\n#ifndef GEN_CONTRACTIONS_TYPES\n"
                "#define GEN_CONTRACTIONS_TYPES\n")
        f.write("typedef void (*kernel_fn)(float *, float *, float *, int64_t, "
                "int64_t, int64_t, int64_t, int64_t);\n")
        f.write("typedef struct { const char *name; kernel_fn fn; int ta, tb, tc;"
                " int64_t m, n, k, pad, off; int zero_fill; } kernel_info;\n"
                "#endif\n")
        for k in ks:
            f.write(f"void {k.name}(float *, float *, float *, int64_t, int64_t, "
                    "int64_t, int64_t, int64_t);\n")
        f.write(f"static const kernel_info {prefix}kernels[] = {{\n")
        for k in ks:
            f.write(k.table_row() + "\n")
        f.write("};\n")
        if mode != "test":
            f.write(f"static const int64_t {prefix}bench_shapes[][3] = {{\n")
            for k in ks:
                f.write("  {%d, %d, %d},\n" % k.bench)
            f.write("};\n")


if __name__ == "__main__":
    main()
