"""Writes the broken and mismatched .npy files of train/npy-errors.test into
OUTDIR, each with numpy (then broken where the format must be):

  magic.npy      a text file            fortran.npy  (4, 3) fortran_order
  big_endian.npy '>f4'                  half.npy     '<f2'
  wide.npy       (10, 4): 4 features    truncated.npy (10, 3) less 4 bytes
  nan.npy        (10, 3), NaN at [2, 1] x.npy / y.npy (10, 3) / (10, 2)
  y9.npy         9 samples              y3.npy       (10, 3) targets
  header.npy     a header that is not a dict
  seq50.npy      (4, 50)                seq50x2.npy  (4, 50, 2)
  y4.npy         (4, 1)

usage: make_bad_npy.py OUTDIR
"""
import os
import sys

import numpy as np

out = sys.argv[1]
p = lambda name: os.path.join(out, name)
ones = np.ones((10, 3), np.float32)
open(p("magic.npy"), "w").write("a,b,c\n1,2,3\n")
np.save(p("fortran.npy"), np.asfortranarray(np.ones((4, 3), np.float32)))
np.save(p("big_endian.npy"), ones.astype(">f4"))
np.save(p("half.npy"), ones.astype(np.float16))
np.save(p("wide.npy"), np.ones((10, 4), np.float32))
np.save(p("truncated.npy"), ones)
with open(p("truncated.npy"), "r+b") as f:
    f.truncate(os.path.getsize(p("truncated.npy")) - 4)
nan = ones.copy()
nan[2, 1] = np.nan
np.save(p("nan.npy"), nan)
np.save(p("x.npy"), ones)
np.save(p("y.npy"), np.ones((10, 2), np.float32))
np.save(p("y9.npy"), np.ones((9, 2), np.float32))
np.save(p("y3.npy"), ones)
np.save(p("header.npy"), ones)
with open(p("header.npy"), "r+b") as f:
    f.seek(10)
    f.write(b"[")
np.save(p("seq50.npy"), np.zeros((4, 50), np.float32))
np.save(p("seq50x2.npy"), np.zeros((4, 50, 2), np.float32))
np.save(p("y4.npy"), np.zeros((4, 1), np.float32))
