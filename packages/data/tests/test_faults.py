"""Fault cases, each in a subprocess with a timeout (a hang fails the test instead of hanging the suite):
raising and SIGKILLed workers, timeout, and every shutdown path, checking for orphans and leaked shm."""

import json
import os
import signal
import time

import pytest
from fxdata_util import alive, run_script, shm_files, start_script

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")

PRELUDE = """
import json, os, random, signal, sys, threading, time
import numpy as np
import fx.tensor as ft
import fx.data as fd

class Work(fd.Dataset):
    def __init__(self, delay=0.002, n=10**6):
        self.delay, self.n = delay, n
    def __len__(self):
        return self.n
    def __getitem__(self, i):
        time.sleep(self.delay)
        return np.full(64, i, np.float32)

def worker_pids(it):
    return [p.pid for p in it._pool.procs]

def report(**kw):
    print("RESULT " + json.dumps(kw), flush=True)

def running(pids):
    def up(p):
        try:
            return open(f"/proc/{p}/stat").read().rsplit(") ", 1)[1][0] not in "ZX"
        except OSError:
            return False
    return [p for p in pids if up(p)]
"""


def result(proc):
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = [x for x in proc.stdout.splitlines() if x.startswith("RESULT ")][-1]
    return json.loads(line[len("RESULT "):])


def wait_dead(pids, within):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline and any(alive(p) for p in pids):
        time.sleep(0.05)
    return [p for p in pids if alive(p)]


def test_sigkilled_workers_detected_within_a_second():
    """50 kills at random moments (during start-up, loading, or while the main process waits)."""
    proc = run_script(PRELUDE + """
rng = random.Random(0)
latencies, pids, messages = [], [], []
for run in range(50):
    it = iter(fd.DataLoader(Work(), batch_size=4, num_workers=2))
    victims = worker_pids(it)
    pids += victims
    victim = run % 2
    killed = {}
    def kill(delay=rng.uniform(0, 0.04), pid=victims[victim]):
        time.sleep(delay)
        killed["t"] = time.monotonic()
        os.kill(pid, signal.SIGKILL)
    th = threading.Thread(target=kill)
    th.start()
    try:
        for _ in it:
            pass
    except RuntimeError as e:
        seen = time.monotonic()
        th.join()
        latencies.append(seen - killed["t"])
        messages.append((victim, str(e)))
    else:
        sys.exit("the loader ended without noticing the dead worker")
    del it
report(latencies=latencies, pids=pids, messages=messages, pid=os.getpid())
""", timeout=120)
    r = result(proc)
    assert len(r["latencies"]) == 50
    assert max(r["latencies"]) < 1.0, r["latencies"]
    for victim, msg in r["messages"]:
        assert f"DataLoader worker {victim} (pid " in msg and "killed by signal SIGKILL (9)" in msg, msg
    assert not [p for p in r["pids"] if alive(p)], "orphaned workers"
    assert shm_files(r["pid"]) == []


def test_raising_worker_and_timeout_in_subprocess():
    proc = run_script(PRELUDE + """
class Bad(Work):
    def __getitem__(self, i):
        if i == 5:
            raise IndexError(f"no sample {i}")
        return super().__getitem__(i)
it = iter(fd.DataLoader(Bad(n=16), batch_size=4, num_workers=2))
pids = worker_pids(it)
try:
    list(it)
except IndexError as e:
    err = [type(e).__name__, str(e), e.worker_id, e.index]
del it
t = time.monotonic()
it = iter(fd.DataLoader(Work(delay=10.0), num_workers=1, timeout=0.5))
try:
    next(it)
except RuntimeError as e:
    timeout = [str(e), time.monotonic() - t]
pids += worker_pids(it)
del it
report(err=err, timeout=timeout, pids=pids, pid=os.getpid())
""")
    r = result(proc)
    name, msg, wid, index = r["err"]
    assert name == "IndexError" and wid == 1 and index == 5
    assert "Caught IndexError in DataLoader worker process 1 while fetching index 5" in msg
    assert "IndexError: no sample 5" in msg and "Traceback" in msg
    assert r["timeout"][0] == "DataLoader timed out after 0.5 seconds" and r["timeout"][1] < 3.0
    assert wait_dead(r["pids"], 1.0) == [] and shm_files(r["pid"]) == []


def test_shutdown_paths_leave_nothing_behind():
    """Exhaustion, del, an exception in the training loop, garbage collection and interpreter exit."""
    proc = run_script(PRELUDE + """
out = {}
loader = fd.DataLoader(Work(n=40), batch_size=4, num_workers=2)
it = iter(loader); pids = worker_pids(it); list(it)
out["exhausted"] = running(pids)
it = iter(loader); next(it); pids = worker_pids(it); del it
out["deleted"] = running(pids)
def train():
    for batch in loader:
        out.setdefault("loop_pids", [c.pid for c in __import__("multiprocessing").active_children()])
        raise FloatingPointError("nan")
try:
    train()
except FloatingPointError:
    pass
out["after_exception"] = running(out["loop_pids"])
keep = iter(fd.DataLoader(Work(), batch_size=4, num_workers=2))
next(keep)
out["at_exit"] = worker_pids(keep)
out["pid"] = os.getpid()
report(**out)
# the script ends with `keep` alive: interpreter exit must stop its workers
""")
    r = result(proc)
    assert r["exhausted"] == [] and r["deleted"] == [] and r["after_exception"] == []
    assert wait_dead(r["at_exit"], 1.0) == []
    assert shm_files(r["pid"]) == []


def test_main_process_death_stops_workers():
    proc = start_script(PRELUDE + """
it = iter(fd.DataLoader(Work(delay=0.01), batch_size=4, num_workers=2, persistent_workers=True))
next(it)
report(pids=worker_pids(it), pid=os.getpid())
for _ in it:
    time.sleep(0.05)
""")
    try:
        line = proc.stdout.readline()
        assert line.startswith("RESULT "), proc.stderr.read() if proc.poll() is not None else line
        r = json.loads(line[len("RESULT "):])
        time.sleep(0.2)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        assert wait_dead(r["pids"], 5.0) == [], "workers outlived their parent"
        deadline = time.monotonic() + 2.0
        while shm_files(r["pid"]) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert shm_files(r["pid"]) == []
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        proc.stderr.close()


def test_ctrl_c_in_main_process():
    proc = start_script(PRELUDE + """
it = iter(fd.DataLoader(Work(delay=0.01), batch_size=4, num_workers=2))
next(it)
report(pids=worker_pids(it), pid=os.getpid())
for _ in it:
    pass
""")
    try:
        r = json.loads(proc.stdout.readline()[len("RESULT "):])
        os.kill(proc.pid, signal.SIGINT)
        proc.wait(10)
        assert proc.returncode != 0 and "KeyboardInterrupt" in proc.stderr.read()
        assert wait_dead(r["pids"], 2.0) == []
        assert shm_files(r["pid"]) == []
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        proc.stderr.close()


def test_segments_are_unlinked_while_batches_live(no_leaks):
    import fx.data as fd
    import numpy as np

    class Arrays(fd.Dataset):
        def __len__(self):
            return 12

        def __getitem__(self, i):
            return np.full(1000, i, np.float64)

    kept = list(fd.DataLoader(Arrays(), batch_size=3, num_workers=2))
    assert shm_files() == []  # mapped and unlinked: the memory lives exactly as long as the tensors
    assert [b[:, 0].tolist() for b in kept] == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]]
    assert os.getpid() > 0
