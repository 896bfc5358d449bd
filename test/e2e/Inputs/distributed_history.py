"""Two --history CSVs (1 process, N ranks) agree to float rounding, every
column of every epoch; prints one line per epoch.
usage: distributed_history.py ONE.csv MANY.csv"""
import csv
import sys

def rows(path):
    with open(path) as f:
        return list(csv.DictReader(f))

a, b = rows(sys.argv[1]), rows(sys.argv[2])
if len(a) != len(b) or not a or a[0].keys() != b[0].keys():
    sys.exit(f"different histories: {len(a)} and {len(b)} rows")
bad = False
for ra, rb in zip(a, b):
    worst = max(abs(float(ra[k]) - float(rb[k])) for k in ra)
    ok = all(abs(float(ra[k]) - float(rb[k])) <= 1e-5 + 1e-5 * abs(float(ra[k]))
             for k in ra)
    print(f"epoch {ra['epoch']}: max |diff| {worst:.3g} over {', '.join(ra)} "
          f"{'OK' if ok else 'DIFFERENT'}")
    bad |= not ok
sys.exit(1 if bad else 0)
