"""Checks a `dlc train --history` CSV's learning_rate column against Keras
3's ReduceLROnPlateau rule, written out here from the monitored column.

usage: plateau_check.py HISTORY.csv MONITOR INITIAL FACTOR PATIENCE MIN_DELTA COOLDOWN MIN_LR [MODE]
MODE is Keras's min, max or auto (the default: max when "acc" is in MONITOR).
Prints the epochs after which the rate was reduced; exit 1 on a mismatch.
"""
import csv
import sys

import numpy as np

path, monitor = sys.argv[1], sys.argv[2]
initial, factor = float(sys.argv[3]), float(sys.argv[4])
patience, min_delta = int(sys.argv[5]), float(sys.argv[6])
cooldown, min_lr = int(sys.argv[7]), float(sys.argv[8])
rows = list(csv.DictReader(open(path)))
mode = sys.argv[9] if len(sys.argv) > 9 else "auto"
maximize = mode == "max" or (mode == "auto" and "acc" in monitor)
best = -np.inf if maximize else np.inf
wait, counter = 0, 0
lr = np.float32(initial)
reduced = []
ok = True
for row in rows:
    epoch = int(float(row["epoch"]))
    logged = float(row["learning_rate"])
    if not np.isclose(logged, lr, rtol=1e-6):
        print(f"epoch {epoch}: learning_rate {logged}, expected {lr} FAIL")
        ok = False
    value = float(row[monitor])
    if counter > 0:
        counter -= 1
        wait = 0
    better = value > best + min_delta if maximize else value < best - min_delta
    if better:
        best, wait = value, 0
    elif counter == 0:
        wait += 1
        if wait >= patience and lr > np.float32(min_lr):
            lr = np.float32(max(float(lr) * factor, min_lr))
            counter, wait = cooldown, 0
            reduced.append(epoch)
print("reduced after epochs:", " ".join(map(str, reduced)) or "none")
print("PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
