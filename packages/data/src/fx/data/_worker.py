"""What runs inside a DataLoader worker process: seeding, `get_worker_info`, and the task loop.

Protocol (one task queue in and one result pipe out per worker):
    main -> worker: ("task", tag, seq, index) | ("reset", tag, skip_items, rng) | None (exit)
    worker -> main: (tag, seq, kind, payload, extra), kind "data" (payload: packed batch), "stop"
                    (an IterableDataset ran out) or "error" (payload: what `reraise` needs)
`tag` names the epoch a task belongs to (persistent workers outlive epochs); `packed` is an `_shm.pack`
message (arrays travel through shared memory); `extra` is, for a map-style dataset, the worker's RNG
state after the batch (a resumed run restores it) and for an iterable one the items consumed so far.
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import queue
import random
import signal
import traceback

import numpy as np

import fx.tensor as ft

from . import _shm
from ._fetch import IterFetcher, MapFetcher

__all__ = ["WorkerInfo", "get_worker_info"]

POLL_S = 0.25  # how often an idle worker checks that its parent is alive

_worker_info = None


class WorkerInfo:
    """About the current DataLoader worker: `id`, `num_workers`, `seed` and `dataset` (this worker's copy).

    Read-only; `get_worker_info()` returns the current worker's.

    Example:
        >>> info = data.WorkerInfo(id=0, num_workers=2, seed=7, dataset=None)
        >>> info.id, info.num_workers
        (0, 2)
    """

    __initialized = False

    def __init__(self, **kwargs):
        for k, v in kwargs.items():
            setattr(self, k, v)
        self.__keys = tuple(kwargs)
        self.__initialized = True

    def __setattr__(self, key, val):
        if self.__initialized:
            raise RuntimeError(f"Cannot assign attributes to {self.__class__.__name__} objects")
        return super().__setattr__(key, val)

    def __repr__(self):
        body = ", ".join(f"{k}={getattr(self, k)}" for k in self.__keys)
        return f"{self.__class__.__name__}({body})"


def get_worker_info():
    """The `WorkerInfo` of the current DataLoader worker process, or None in the main process.

    Returns:
        A `WorkerInfo` inside a worker, else None.

    Example:
        >>> data.get_worker_info() is None
        True
        >>> class WhoLoads(data.Dataset):
        ...     def __len__(self):
        ...         return 4
        ...     def __getitem__(self, i):
        ...         return data.get_worker_info().id
        >>> sorted(int(w) for w in data.DataLoader(WhoLoads(), batch_size=None, num_workers=2))
        [0, 0, 1, 1]
    """
    return _worker_info


# ---- seeding ------------------------------------------------------------------------------------
def seed_worker(base_seed, worker_id):
    """Seed Python's `random`, NumPy's global RNG and fx's default generator for one worker."""
    seed = base_seed + worker_id
    random.seed(seed)
    ft.default_generator.manual_seed(seed)
    np.random.seed(np.random.SeedSequence([worker_id, base_seed]).generate_state(4))
    return seed


def rng_snapshot():
    g = ft.default_generator
    return random.getstate(), np.random.get_state(legacy=True), (g.initial_seed(), g.get_offset())


def rng_restore(snap):
    py, npy, (seed, offset) = snap
    random.setstate(py)
    np.random.set_state(npy)
    ft.default_generator.manual_seed(seed).set_offset(offset)


def rng_to_state(snap):
    """A snapshot as tensors and plain numbers (what `fx.tensor.save` stores)."""
    (py_version, py_keys, py_gauss), (_, np_keys, np_pos, np_has_gauss, np_gauss), (seed, offset) = snap
    return {
        "python": ft.from_numpy(np.array(py_keys, dtype=np.int64)), "python_version": int(py_version),
        "python_gauss": py_gauss, "numpy": ft.from_numpy(np.asarray(np_keys, dtype=np.int64)),
        "numpy_pos": int(np_pos), "numpy_has_gauss": int(np_has_gauss), "numpy_gauss": float(np_gauss),
        "fx_seed": int(seed), "fx_offset": int(offset),
    }


def rng_from_state(d):
    py = (d["python_version"], tuple(int(x) for x in d["python"].tolist()), d["python_gauss"])
    npy = ("MT19937", np.asarray(d["numpy"].tolist(), dtype=np.uint32), d["numpy_pos"], d["numpy_has_gauss"],
           d["numpy_gauss"])
    return py, npy, (d["fx_seed"], d["fx_offset"])


def single_threaded():
    """Run fx kernels on one thread: a worker must not oversubscribe the cores, and GNU OpenMP's thread
    pool does not survive fork (the first parallel region in a forked child would hang)."""
    set_threads = getattr(ft, "set_num_threads", None)
    if set_threads is None:
        try:  # no public setter in fx.tensor yet
            from fx.tensor._backend.cpu._c import set_num_threads as set_threads
        except ImportError:
            return
    set_threads(1)


# ---- errors -------------------------------------------------------------------------------------
def error_info(where, index):
    """What the main process needs to re-raise the current exception: (type, name, traceback text, where, index)."""
    import sys

    etype = sys.exc_info()[0]
    text = "".join(traceback.format_exc())
    try:
        pickle.dumps(etype)
        sendable = etype
    except Exception:
        sendable = None
    try:
        pickle.dumps(index)
    except Exception:
        index = repr(index)
    return sendable, etype.__name__, text, where, index


class _KeyErrorMessage(str):
    """KeyError prints the repr of its argument; this keeps the multi-line message readable."""

    def __repr__(self):
        return self


def reraise(info, worker_id):
    etype, name, text, where, index = info
    msg = f"Caught {name} in DataLoader worker process {worker_id} {where}.\nOriginal {text}"
    if etype is KeyError:
        msg = _KeyErrorMessage(msg)
    try:
        exc = etype(msg) if etype is not None else RuntimeError(msg)
    except Exception:
        exc = RuntimeError(msg)
    try:
        exc.worker_id = worker_id
        exc.index = index
    except Exception:
        pass
    try:
        raise exc
    finally:
        del exc  # the traceback holds this frame: a reference here would keep the iterator alive in a cycle


# ---- the loop -----------------------------------------------------------------------------------
class WorkerConfig:
    """Everything a worker needs, in one picklable object (so the spawn start method works too)."""

    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)


class _Pickler(pickle.Pickler):
    """Pickles fx tensors as their NumPy arrays: fx.tensor refuses pickle for files (loading a pickle runs
    code), but handing a dataset to a spawned worker of our own is inter-process copying, not loading."""

    def reducer_override(self, obj):
        if isinstance(obj, ft.Tensor) and obj._data.__class__ is np.ndarray:
            return _rebuild_tensor, (obj._data, obj._rg)
        return NotImplemented


def _rebuild_tensor(array, requires_grad):
    t = ft.from_numpy(array)
    return t.requires_grad_(True) if requires_grad else t


def dumps(obj):
    buf = io.BytesIO()
    _Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
    return buf.getvalue()


def worker_loop(cfg, worker_id, task_q, conn, close_in_child, resume_rng, skip_items):
    global _worker_info
    if isinstance(cfg, bytes):  # spawn: sent pickled by `dumps`
        cfg = pickle.loads(cfg)
    for c in close_in_child:
        with contextlib.suppress(OSError):
            c.close()
    with contextlib.suppress(ValueError, OSError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    single_threaded()
    seed = seed_worker(cfg.base_seed, worker_id)
    _worker_info = WorkerInfo(id=worker_id, num_workers=cfg.num_workers, seed=seed, dataset=cfg.dataset)
    init_error = None
    try:
        if cfg.worker_init_fn is not None:
            cfg.worker_init_fn(worker_id)
    except Exception:
        init_error = error_info("in worker_init_fn", None)
    if resume_rng is not None:
        rng_restore(resume_rng)
    if cfg.iterable:
        fetcher = IterFetcher(cfg.dataset, cfg.auto_collation, cfg.collate_fn, cfg.drop_last, cfg.batch_size)
        fetcher.reset(skip_items)
    else:
        fetcher = MapFetcher(cfg.dataset, cfg.auto_collation, cfg.collate_fn, cfg.drop_last)
    prefix = f"{cfg.prefix}{worker_id}_"
    count = 0
    try:
        while True:
            try:
                msg = task_q.get(timeout=POLL_S)
            except queue.Empty:
                if os.getppid() != cfg.parent_pid:
                    break
                continue
            if msg is None:
                break
            if msg[0] == "reset":
                _, _tag, skip, rng = msg
                if rng is not None:
                    rng_restore(rng)
                if cfg.iterable:
                    fetcher.reset(skip)
                continue
            _, tag, seq, index = msg
            if init_error is not None:
                conn.send((tag, seq, "error", init_error, None))
                continue
            try:
                batch = fetcher.fetch(index)
            except StopIteration:
                reply = (tag, seq, "stop", None, fetcher.items if cfg.iterable else None)
            except Exception:
                reply = (tag, seq, "error", error_info(fetcher.where(), fetcher.failed_key(index)),
                         fetcher.items if cfg.iterable else None)
            else:
                extra = fetcher.items if cfg.iterable else rng_snapshot() if cfg.send_rng else None
                try:
                    packed = _shm.pack(batch, f"{prefix}{count}")
                    count += 1
                    reply = (tag, seq, "data", packed, extra)
                except Exception:
                    reply = (tag, seq, "error", error_info("while passing its batch to the main process", index), extra)
                del batch
            try:
                conn.send(reply)
            except (pickle.PicklingError, TypeError, AttributeError):
                if reply[2] == "data":
                    _shm.discard(reply[3])
                conn.send((tag, seq, "error", error_info("while sending its batch to the main process (the batch "
                                                         "must be picklable apart from its CPU arrays)", index), None))
    except (OSError, EOFError, KeyboardInterrupt):
        pass  # the main process is gone or closed our pipe: nothing left to do
    finally:
        _shm.sweep(prefix)
        with contextlib.suppress(OSError):
            conn.close()
