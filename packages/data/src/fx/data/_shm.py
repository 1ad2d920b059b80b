"""Moving batches from worker processes through shared memory, without pickling array payloads.

A worker pickles a batch with every NumPy array and CPU tensor set aside (pickle's `persistent_id`),
and writes the arrays into one file in the shared-memory directory (/dev/shm: tmpfs). Only that
*skeleton* (containers, strings, numbers, references to the arrays) and each array's (dtype, shape,
offset) go through the result pipe. The main process maps the file, unlinks it at once (the mapping keeps the
pages alive until the last tensor viewing them is freed) and rebuilds the batch from zero-copy views.

Files are named `fxdata_<main pid>_<iterator>_<worker>_<n>`, so the main process can sweep whatever
a killed worker left behind, and a worker whose parent died can sweep its own.
"""

from __future__ import annotations

import contextlib
import errno
import io
import mmap
import os
import pickle
import tempfile

import numpy as np

import fx.tensor as ft

PREFIX = "fxdata_"
_ALIGN = 64
_ZEROS = bytes(_ALIGN)
_IOV_MAX = 512
_POPULATE = getattr(mmap, "MAP_POPULATE", 0)


def shm_dir():
    """Where segments live: $FX_DATA_SHM_DIR, else /dev/shm, else the temp directory."""
    d = os.environ.get("FX_DATA_SHM_DIR")
    if d:
        return d
    if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
        return "/dev/shm"
    return tempfile.gettempdir()


def free_bytes(directory=None):
    st = os.statvfs(directory or shm_dir())
    return st.f_bavail * st.f_frsize


def usage(prefix, directory=None):
    """Bytes held by the segment files whose names start with `prefix`."""
    directory = directory or shm_dir()
    total = 0
    try:
        with os.scandir(directory) as it:
            for e in it:
                if e.name.startswith(prefix):
                    with contextlib.suppress(OSError):
                        total += e.stat().st_size
    except OSError:
        pass
    return total


def sweep(prefix, directory=None):
    """Unlink every segment file whose name starts with `prefix`."""
    directory = directory or shm_dir()
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for n in names:
        if n.startswith(prefix):
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(directory, n))


def fmt_bytes(n):
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.1f} {unit}" if unit != "B" else f"{n} B"
        n /= 1024
    return f"{n:.1f} GiB"


REMEDY = ("Enlarge it (e.g. `docker run --shm-size=8g ...`, or `mount -o remount,size=8G /dev/shm`), set "
          "FX_DATA_SHM_DIR to a larger tmpfs, lower batch_size, num_workers or prefetch_factor, or load in the main "
          "process with num_workers=0.")


def shortage_error(need, free, detail):
    return RuntimeError(f"DataLoader: not enough shared memory in {shm_dir()}: {detail} need about {fmt_bytes(need)} "
                        f"but only {fmt_bytes(free)} is available. {REMEDY}")


def check_writable():
    """Raise a clear error if the shared-memory directory is missing or read-only."""
    d = shm_dir()
    if not os.path.isdir(d) or not os.access(d, os.W_OK):
        raise RuntimeError(f"DataLoader: the shared-memory directory {d} is missing or not writable; worker processes "
                           "need it to return batches. Set FX_DATA_SHM_DIR to a writable tmpfs directory or use "
                           "num_workers=0.")


class _Pickler(pickle.Pickler):
    """Pickles a batch's structure, setting aside each NumPy array and CPU fx tensor (`persistent_id`):
    what goes through the pipe is the structure, whatever its types; the arrays go to shared memory."""

    def __init__(self, file, arrays):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.arrays = arrays

    def persistent_id(self, obj):
        cls = obj.__class__
        if cls is np.ndarray:
            if obj.dtype.hasobject:
                return None
            self.arrays.append(obj)
            return (len(self.arrays) - 1, False, False)
        if (cls is ft.Tensor or isinstance(obj, ft.Tensor)) and obj._data.__class__ is np.ndarray:
            self.arrays.append(obj._data)
            return (len(self.arrays) - 1, True, obj._rg)
        return None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, arrays):
        super().__init__(file)
        self.arrays = arrays

    def persistent_load(self, pid):
        i, is_tensor, requires_grad = pid
        a = self.arrays[i]
        if not is_tensor:
            return a
        t = ft.from_numpy(a)
        return t.requires_grad_(True) if requires_grad else t


def _write_all(fd, bufs, total):
    """writev every buffer (tmpfs refuses with ENOSPC instead of a later SIGBUS, unlike a mapped write)."""
    views = [memoryview(b).cast("B") for b in bufs]
    done = 0
    while views:
        n = os.writev(fd, views[:_IOV_MAX])
        done += n
        while views and n >= len(views[0]):
            n -= len(views[0])
            views.pop(0)
        if n:
            views[0] = views[0][n:]
    if done != total:
        raise OSError(errno.EIO, f"short write to a shared-memory segment ({done} of {total} bytes)")


def pack(obj, name):
    """Write the arrays of `obj` into segment `name`; returns the message for `unpack` (no array payloads)."""
    arrays = []
    buf = io.BytesIO()
    _Pickler(buf, arrays).dump(obj)
    skeleton = buf.getvalue()
    if not arrays:
        return (skeleton, (), None, 0)
    metas, bufs, offset = [], [], 0
    for a in arrays:
        if not a.flags.c_contiguous:
            a = np.ascontiguousarray(a)
        pad = -offset % _ALIGN
        if pad:
            bufs.append(_ZEROS[:pad])
            offset += pad
        metas.append((a.dtype, a.shape, offset))
        if a.nbytes:
            bufs.append(a.reshape(-1).view(np.uint8))
            offset += a.nbytes
    if offset == 0:
        return (skeleton, tuple(metas), None, 0)
    path = os.path.join(shm_dir(), name)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        _write_all(fd, bufs, offset)
    except OSError as e:
        os.close(fd)
        os.unlink(path)
        if e.errno in (errno.ENOSPC, errno.ENOMEM, errno.EDQUOT):
            free = free_bytes()
            raise shortage_error(offset, free, f"a batch of {fmt_bytes(offset)} did not fit (writing it failed "
                                 f"with '{os.strerror(e.errno)}'):") from None
        raise
    os.close(fd)
    return (skeleton, tuple(metas), name, offset)


def unpack(msg):
    """The batch of a `pack` message: maps the segment, unlinks it, and rebuilds the containers."""
    skeleton, metas, name, total = msg
    mm = None
    if name is not None:
        path = os.path.join(shm_dir(), name)
        fd = os.open(path, os.O_RDWR)
        try:
            mm = mmap.mmap(fd, total, flags=mmap.MAP_SHARED | _POPULATE, prot=mmap.PROT_READ | mmap.PROT_WRITE)
        finally:
            os.close(fd)
            os.unlink(path)
    arrays = []
    for dtype, shape, offset in metas:
        count = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
        if count == 0:
            arrays.append(np.empty(shape, dtype))
        else:
            arrays.append(np.frombuffer(mm, np.uint8, count, offset).view(dtype).reshape(shape))
    return _Unpickler(io.BytesIO(skeleton), arrays).load()


def discard(msg):
    """Drop a `pack` message that will not be used (its segment is unlinked)."""
    name = msg[2]
    if name is not None:
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(shm_dir(), name))


def nbytes(msg):
    return msg[3]
