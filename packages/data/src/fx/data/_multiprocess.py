"""The multi-process DataLoader iterator: worker processes, ordered results, failure detection, shutdown.

Each worker has its own task queue and result pipe. While waiting for a batch the main process blocks in
`multiprocessing.connection.wait` on the result pipes *and* the workers' process sentinels, so a worker
that dies (SIGKILL, OOM killer, segfault) is reported the moment the kernel reaps it, never after a
poll interval and never as a hang. Workers watch their parent's pid and exit (sweeping their shared
memory) if it dies; the main process shuts its workers down on exhaustion, `del`, garbage collection
of an abandoned iterator and interpreter exit, then unlinks every segment file its workers created.
"""

from __future__ import annotations

import collections
import contextlib
import multiprocessing.connection
import os
import secrets
import signal
import time
import weakref

from . import _shm
from ._dataloader import BaseIter, default_context
from ._dataset import Subset, TensorDataset
from ._worker import WorkerConfig, dumps, reraise, worker_loop

JOIN_S = 1.0  # how long a shutdown waits for a worker to finish its batch before terminating it
_HINTS = {
    "SIGKILL": " (the kernel's out-of-memory killer sends SIGKILL: check `dmesg`, and lower batch_size, num_workers or "
               "prefetch_factor if memory is short)",
    "SIGBUS": " (a SIGBUS in a worker usually means shared memory ran out: enlarge /dev/shm)",
    "SIGSEGV": " (a crash in native code called by the dataset or collate_fn)",
}


class WorkerPool:
    """The worker processes with their task queues and result pipes; `close()` is idempotent and safe at exit."""

    def __init__(self, ctx, cfg, num_workers, rngs, skips):
        self.prefix = cfg.prefix
        self.owner = os.getpid()
        self.procs, self.queues, self.conns = [], [], []
        self.closed = False
        fork = ctx.get_start_method() == "fork"
        if not fork:
            try:
                cfg = dumps(cfg)
            except Exception as e:
                raise RuntimeError(f"DataLoader: with the {ctx.get_start_method()!r} start method the dataset, collate_fn "
                                   f"and worker_init_fn are pickled to reach the workers, and that failed: {e} (define "
                                   "them at module level, or use multiprocessing_context='fork' where available)") from e
        try:
            for w in range(num_workers):
                q = ctx.Queue()
                reader, writer = ctx.Pipe(duplex=False)
                # A forked child inherits the main process's ends of every pipe; it closes them so that only
                # the main process holds them (a worker writing to a dead parent then gets EPIPE).
                close_in_child = [*self.conns, reader] if fork else []
                p = ctx.Process(target=worker_loop, args=(cfg, w, q, writer, close_in_child, rngs[w], skips[w]),
                                name=f"fx.data worker {w}", daemon=True)
                self.procs.append(p)
                self.queues.append(q)
                self.conns.append(reader)
                p.start()
                writer.close()
        except BaseException:
            self.close()
            raise
        self.by_object = {c: w for w, c in enumerate(self.conns)}
        self.by_object.update({p.sentinel: w for w, p in enumerate(self.procs)})

    def send(self, w, msg):
        self.queues[w].put(msg)

    def wait(self, timeout):
        return multiprocessing.connection.wait([*self.conns, *(p.sentinel for p in self.procs)], timeout)

    def close(self, grace=JOIN_S):
        """Stop the workers: each gets `grace` seconds to finish its batch and exit, then SIGTERM."""
        if self.closed or os.getpid() != self.owner:  # a forked child sees a copy of the pool: not its to close
            return
        self.closed = True
        for c in self.conns:  # a worker blocked writing a result now gets EPIPE and exits
            c.close()
        for q in self.queues:
            with contextlib.suppress(OSError, ValueError):
                q.put(None)
        deadline = time.monotonic() + grace
        for p in self.procs:
            if p.pid is not None and grace:
                p.join(max(0.0, deadline - time.monotonic()))
        for p in self.procs:
            if p.pid is not None and p.exitcode is None:
                p.terminate()
                p.join(0.5)
                if p.exitcode is None:
                    p.kill()
                    p.join()
        for q in self.queues:
            q.cancel_join_thread()
            q.close()
        _shm.sweep(self.prefix)  # what a killed or terminated worker left behind


def _batch_bytes_estimate(dataset, batch_size):
    while isinstance(dataset, Subset):
        dataset = dataset.dataset
    if not isinstance(dataset, TensorDataset) or not batch_size:
        return None
    return batch_size * sum(t._data.nbytes // max(1, t._data.shape[0]) for t in dataset.tensors)


def death_message(w, p):
    code = p.exitcode
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"DataLoader worker {w} (pid {p.pid}) was killed by signal {name} ({-code}){_HINTS.get(name, '')}"
    if code is None:
        return f"DataLoader worker {w} (pid {p.pid}) closed its result pipe unexpectedly"
    return f"DataLoader worker {w} (pid {p.pid}) exited unexpectedly with exit code {code}"


class MultiProcessIter(BaseIter):
    def __init__(self, loader, resume):
        super().__init__(loader, resume)
        self._prefetch = max(1, loader.prefetch_factor)
        self._in_order = loader.in_order
        self._persistent = loader.persistent_workers
        self._fatal = None
        self._tag = 0
        self._start_workers(loader)
        self._new_epoch_tasks()
        self._dispatch()

    # ---- workers --------------------------------------------------------------------------------
    def _start_workers(self, loader):
        W = self._num_workers
        _shm.check_writable()
        est = _batch_bytes_estimate(self._dataset, self._batch_size)
        if est:
            need, free = est * (self._prefetch * W + 1), _shm.free_bytes()
            if free < need:
                raise _shm.shortage_error(need, free, f"batches of {_shm.fmt_bytes(est)}, {self._prefetch * W + 1} in "
                                          f"flight with num_workers={W} and prefetch_factor={self._prefetch},")
        ctx = loader.multiprocessing_context or default_context()
        prefix = f"{_shm.PREFIX}{os.getpid()}_{secrets.token_hex(4)}_"
        cfg = WorkerConfig(dataset=self._dataset, iterable=self._iterable, auto_collation=self._auto_collation,
                           collate_fn=self._collate_fn, drop_last=self._drop_last, batch_size=self._batch_size,
                           base_seed=self._base_seed, worker_init_fn=loader.worker_init_fn, num_workers=W,
                           parent_pid=os.getpid(), prefix=prefix, send_rng=not self._iterable)
        progress = self._progress
        skips = progress.worker_items if self._iterable else [0] * W
        self._pool = WorkerPool(ctx, cfg, W, list(progress.worker_rng), list(skips))
        self._finalizer = weakref.finalize(self, self._pool.close)
        self._checked_space = False

    def _new_epoch_tasks(self):
        W = self._num_workers
        self._results = {}
        self._expect = collections.deque()
        self._outstanding = [0] * W
        self._n_outstanding = 0
        self._task_count = 0
        self._active = [not x for x in self._progress.worker_exhausted] if self._iterable else [True] * W
        self._cycle = self._progress.next_worker if self._iterable else 0

    def _shutdown(self, grace=JOIN_S):
        if self._finalizer.detach() is not None:
            self._pool.close(grace)

    def _reset(self, loader, resume):
        """Next epoch on persistent workers."""
        if self._fatal is not None or self._pool.closed:
            self._shutdown()
            self.__init__(loader, resume)
            return
        loader._progress = self._progress
        self._tag += 1
        self._start_epoch(loader, resume, first=False)
        self._new_epoch_tasks()
        if self._iterable:
            for w in range(self._num_workers):
                self._pool.send(w, ("reset", self._tag, 0, None))
        self._dispatch()

    # ---- tasks ----------------------------------------------------------------------------------
    def _pick_worker(self, start):
        """The next worker to give a task to (None if every worker is exhausted or, unordered, busy)."""
        W = self._num_workers
        active = sum(self._active)
        if not active:
            return None
        limit = self._prefetch * W // active if not self._in_order else None
        for k in range(W):
            w = (start + k) % W
            if self._active[w] and (limit is None or self._outstanding[w] < limit):
                return w
        return None

    def _dispatch(self):
        cap = self._prefetch * self._num_workers
        while self._n_outstanding < cap:
            if self._iterable:
                w = self._pick_worker(self._cycle)
                if w is None:
                    return
                self._cycle = (w + 1) % self._num_workers
                seq, index = self._task_count, None
                self._task_count += 1
            else:
                try:
                    seq, index = self._next_index()
                except StopIteration:
                    return
                w = seq % self._num_workers if self._in_order else self._pick_worker(seq % self._num_workers)
            self._pool.send(w, ("task", self._tag, seq, index))
            self._outstanding[w] += 1
            self._n_outstanding += 1
            self._expect.append(seq)

    def _receive(self, deadline):
        """Wait for at least one message from the workers; raise at once if one of them died."""
        pool = self._pool
        while True:
            timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready = pool.wait(timeout)
            if not ready:
                raise RuntimeError(f"DataLoader timed out after {self._timeout} seconds")
            got, dead = False, None
            for obj in ready:
                w = pool.by_object[obj]
                if obj is pool.conns[w]:
                    try:
                        while obj.poll():
                            self._handle(w, obj.recv())
                            got = True
                    except (EOFError, OSError):
                        dead = w
                else:
                    dead = w
            if dead is not None:
                # The sentinel (or pipe) closes a moment before the kernel lets the parent reap the child.
                pool.procs[dead].join(1.0)
                self._fail(RuntimeError(death_message(dead, pool.procs[dead])))
            if got:
                return

    def _handle(self, w, msg):
        tag, seq, kind, payload, extra = msg
        if tag != self._tag:  # a task of an epoch that ended early (persistent workers)
            if kind == "data":
                _shm.discard(payload)
                if not self._iterable:
                    self._progress.worker_rng[w] = extra
            return
        self._outstanding[w] -= 1
        self._n_outstanding -= 1
        if kind == "data":
            batch = _shm.unpack(payload)
            if not self._checked_space:
                self._check_space(_shm.nbytes(payload))
            self._results[seq] = (w, kind, batch, extra)
        else:
            if kind == "stop":
                self._active[w] = False
            self._results[seq] = (w, kind, payload, extra)

    def _check_space(self, nbytes):
        self._checked_space = True
        if not nbytes:
            return
        in_flight = self._prefetch * self._num_workers + 1
        need = nbytes * in_flight
        have = _shm.free_bytes() + _shm.usage(self._pool.prefix) + nbytes
        if have < need:
            self._fail(_shm.shortage_error(need, have, f"each batch takes {_shm.fmt_bytes(nbytes)} and up to {in_flight} "
                                           f"are in flight (num_workers={self._num_workers}, prefetch_factor="
                                           f"{self._prefetch}), so these workers"))

    def _fail(self, err):
        self._fatal = str(err)  # the message only: the exception's traceback would hold this iterator in a cycle
        self._progress.in_epoch = False
        self._shutdown(grace=0)  # the epoch is lost: no point waiting for the other workers' batches
        try:
            raise err
        finally:
            del err

    # ---- iteration ------------------------------------------------------------------------------
    def _next_ready(self):
        """The seq of the result to yield next, or None; passes over finished (stop) workers."""
        results, expect = self._results, self._expect
        while True:
            if self._in_order:
                if not expect or expect[0] not in results:
                    return None
                seq = expect[0]
            else:
                if not results:
                    return None
                seq = next(iter(results))
            w, kind, _, extra = results[seq]
            if kind != "stop":
                return seq
            del results[seq]
            expect.remove(seq)
            self._progress.worker_exhausted[w] = True
            self._progress.worker_items[w] = extra
            self._dispatch()

    def __next__(self):
        if self._fatal is not None:
            raise RuntimeError(self._fatal)
        progress = self._progress
        if not progress.in_epoch:
            raise StopIteration
        deadline = time.monotonic() + self._timeout if self._timeout else None
        while True:
            seq = self._next_ready()
            if seq is not None:
                break
            if not self._expect:
                progress.in_epoch = False
                if not self._persistent:
                    self._shutdown()
                raise StopIteration
            self._receive(deadline)
        w, kind, payload, extra = self._results.pop(seq)
        if self._in_order:
            self._expect.popleft()
        else:
            self._expect.remove(seq)
        if self._iterable:
            progress.worker_items[w] = extra
            progress.next_worker = (w + 1) % self._num_workers
        else:
            progress.yielded(seq)
            if extra is not None:
                progress.worker_rng[w] = extra
        self._dispatch()
        if kind == "error":
            reraise(payload, w)
        self._count_yield()
        return payload
