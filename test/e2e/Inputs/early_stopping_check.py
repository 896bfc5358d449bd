"""Checks a `dlc train --early-stopping` history against Keras's rule,
worked out here independently: an epoch improves when the monitored value
beats the best so far by more than min_delta; training stops once
`patience` epochs in a row have not (never at the first epoch).
usage: early_stopping_check.py HISTORY.csv MONITOR MIN_DELTA PATIENCE
                               MAX_EPOCHS [--mode min|max|auto] [-- CMD...]
MODE is Keras's: auto (the default) maximises accuracies only.
Prints the best and the stopping epoch; fails if the history ran longer or
shorter than the rule says. CMD, if given, is run with {best} replaced by
the best epoch (to retrain to it for comparison)."""
import csv
import subprocess
import sys

path, monitor = sys.argv[1], sys.argv[2]
min_delta, patience, max_epochs = float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
cmd = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else []
ours = sys.argv[:sys.argv.index("--")] if "--" in sys.argv else sys.argv
mode = ours[ours.index("--mode") + 1] if "--mode" in ours else "auto"

with open(path) as f:
    rows = list(csv.DictReader(f))
values = [float(r[monitor]) for r in rows]
epochs = [int(float(r["epoch"])) for r in rows]
assert epochs == list(range(1, len(rows) + 1)), epochs
maximize = mode == "max" or (mode == "auto" and "accuracy" in monitor)

best, best_epoch, wait, stop = None, 0, 0, max_epochs
for epoch, v in enumerate(values, 1):
    better = best is None or (v - min_delta > best if maximize else v + min_delta < best)
    if better:
        best, best_epoch, wait = v, epoch, 0
    else:
        wait += 1
        if wait >= patience and epoch > 1:
            stop = epoch
            break
print(f"best epoch {best_epoch}, stop at epoch {stop}")
if len(rows) != stop:
    sys.exit(f"FAIL: the history has {len(rows)} epochs, the rule stops at {stop}")
if cmd:
    sys.exit(subprocess.call([a.replace("{best}", str(best_epoch)) for a in cmd]))
