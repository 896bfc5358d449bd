"""A rank killed in the middle of a distributed `dlc train` ends the run:
mpirun exits non-zero within seconds, and its report names the rank.
usage: distributed_kill.py "MPIRUN [FLAGS]" DLC MODEL DATA DIR"""
import os
import shlex
import signal
import subprocess
import sys
import time

mpirun, dlc, model, data, out = sys.argv[1:6]
# Each rank writes its pid before it becomes dlc, so the test can kill one.
cmd = shlex.split(mpirun) + [
    "-np", "2", "sh", "-c",
    'echo $$ > "$0/pid.$OMPI_COMM_WORLD_RANK" && exec "$@"', out,
    dlc, "train", model, "--data", data, "--epochs", "1000000",
    "--batch-size", "1", "--verbose", "0",
    "--history", os.path.join(out, "history.csv")]
log = open(os.path.join(out, "mpirun.log"), "w+")
proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
# Rank 0 writes the history after each epoch: both ranks are training.
deadline = time.time() + 120
while not os.path.exists(os.path.join(out, "history.csv")):
    if proc.poll() is not None or time.time() > deadline:
        proc.kill()
        log.seek(0)
        sys.exit("training did not start:\n" + log.read())
    time.sleep(0.05)
with open(os.path.join(out, "pid.1")) as f:
    victim = int(f.read())
os.kill(victim, signal.SIGKILL)
killed = time.time()
try:
    rc = proc.wait(timeout=30)
except subprocess.TimeoutExpired:
    proc.kill()
    sys.exit("mpirun still running 30 s after rank 1 was killed: a hang")
elapsed = time.time() - killed
log.seek(0)
text = log.read()
print(f"exit status {rc}")
print(f"ended {'within 10 s' if elapsed < 10 else f'after {elapsed:.1f} s'}")
print("\n".join(l for l in text.splitlines() if "rank" in l))
