"""Matrix products on fx's threads: NumPy's OpenBLAS, called one thread at a time by fx_gemm.

NumPy's matmul runs OpenBLAS's own thread pool, whose idle threads spin for ~0.1 s after every
product. Next to fx's OpenMP team (and PyTorch's, in the same process) on a machine with few cores,
those spinning threads took the cores the next kernels needed: a small MLP's training step ran 6x
slower than on one thread. Here the BLAS found in the process (OpenBLAS's cblas_sgemm/dgemm, as
NumPy loaded it) is called from the C kernel fx_gemm_*, which splits a product over fx's team and
runs the BLAS single-threaded meanwhile. Where no OpenBLAS is found (NumPy on MKL or Accelerate),
`matmul` returns None and NumPy computes as before.
"""

from __future__ import annotations

import ctypes
import glob
import os

import numpy as np

from . import _c

# Below this many multiply-adds OpenBLAS runs one thread by itself and NumPy's call is cheaper.
SMALL_MACS = 65536

_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)


def _candidate_libraries():
    """Paths of OpenBLAS libraries loaded in this process (NumPy's first), or shipped with NumPy."""
    paths = []
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.rsplit(None, 1)[-1] if "/" in line else ""
                if "openblas" in os.path.basename(path).lower() and path not in paths:
                    paths.append(path)
    except OSError:
        pass
    np_dir = os.path.dirname(np.__file__)
    for pattern in ("../numpy.libs/*openblas*", ".dylibs/*openblas*", "../scipy_openblas*/lib/*openblas*"):
        for p in sorted(glob.glob(os.path.join(np_dir, pattern))):
            if p not in paths:
                paths.append(p)
    np_root = os.path.dirname(np_dir)
    return sorted(paths, key=lambda p: not p.startswith(np_root))


def _find():
    """(sgemm, dgemm, get_threads, set_threads) as cffi pointers of the first usable OpenBLAS, ilp64, and
    its thread-count getter as a Python function; or None."""
    if not _c.AVAILABLE or not hasattr(_c.lib, "fx_gemm_f32") or os.environ.get("FX_NUMPY_MATMUL"):
        return None  # (no C library, one built before matmul.c, or NumPy's matmul asked for)
    for path in _candidate_libraries():
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix in ("scipy_", ""):
            for suffix in ("64_", "_64", ""):
                names = [f"{prefix}{n}{suffix}" for n in
                         ("cblas_sgemm", "cblas_dgemm", "openblas_get_num_threads", "openblas_set_num_threads")]
                try:
                    fns = [getattr(lib, n) for n in names]
                except AttributeError:
                    continue
                ptrs = [_c.ffi.cast("void *", ctypes.cast(fn, ctypes.c_void_p).value) for fn in fns]
                return (*ptrs, int(suffix != ""), fns[2])
    return None


_found = _find()
AVAILABLE = _found is not None
if AVAILABLE:
    _sgemm, _dgemm, _get_threads, _set_threads, _ilp64, _lib_threads = _found
    _GEMM = {_F32: (_c.lib.fx_gemm_f32, _sgemm, "float"), _F64: (_c.lib.fx_gemm_f64, _dgemm, "double")}
else:
    _GEMM = {}


def _layout(shape, strides, itemsize):
    """(transposed, leading dim) of a (rows, cols) matrix for a row-major gemm, or None."""
    r, c = shape
    s0, s1 = strides
    if s0 % itemsize or s1 % itemsize:
        return None
    s0, s1 = s0 // itemsize, s1 // itemsize
    if (s1 == 1 or c == 1) and (r == 1 or s0 >= c):
        return 0, max(s0 if r > 1 else c, c, 1)
    if (s0 == 1 or r == 1) and (c == 1 or s1 >= r):
        return 1, max(s1 if c > 1 else r, r, 1)
    return None


def _batch_stride(shape, strides, itemsize):
    """The one element stride stepping through the leading (batch) dims, or None if they do not
    collapse into one dim (size-1 dims step anywhere)."""
    stride = None
    expect = None
    for size, st in zip(reversed(shape), reversed(strides)):
        if size == 1:
            continue
        if expect is not None and st != expect:
            return None
        if stride is None:
            stride = st
        expect = st * size
    if stride is None:
        return 0
    if stride % itemsize:
        return None
    return stride // itemsize


def _pointer(x, ctype):
    """A cffi pointer to x's first element (x may be any strided view)."""
    if x.flags.c_contiguous:
        return _c.ffi.from_buffer(ctype + "[]", x)
    if x.flags.f_contiguous:
        return _c.ffi.from_buffer(ctype + "[]", x.T)
    return _c.ffi.cast(ctype + " *", x.ctypes.data)


def matmul(a, b):
    """np.matmul(a, b) for float32/float64 a and b of one dtype, through fx_gemm; None where it
    does not apply (small products, other dtypes, broadcast batches: NumPy does those)."""
    entry = _GEMM.get(a.dtype)
    if entry is None or b.dtype != a.dtype:
        return None
    na, nb = a.ndim, b.ndim
    if not na or not nb:
        return None
    sa, sb = a.shape, b.shape
    k = sa[-1]
    m = sa[-2] if na > 1 else 1
    n = sb[-1] if nb > 1 else 1
    if m * n * k < SMALL_MACS or (sb[-2] if nb > 1 else sb[0]) != k:
        return None
    isz = a.itemsize
    if na == 1:
        a = a.reshape(1, k)
    if nb == 1:
        b = b.reshape(k, 1)
    batch, a_stride, b_stride = 1, 0, 0
    if na > 2 and nb <= 2 and a.flags.c_contiguous:
        lead = sa[:-1]  # fold the batch into the rows: one product
        a = a.reshape(-1, k)
        m = a.shape[0]
        out_shape = lead + ((n,) if nb > 1 else ())
    else:
        if na > 2 or nb > 2:
            ba, bb = sa[:-2], sb[:-2]
            if na > 2 and nb > 2 and ba != bb:
                return None
            bshape = ba if na > 2 else bb
            batch = 1
            for s in bshape:
                batch *= s
            if na > 2:
                a_stride = _batch_stride(ba, a.strides[:-2], isz)
            if nb > 2:
                b_stride = _batch_stride(bb, b.strides[:-2], isz)
            if a_stride is None or b_stride is None:
                return None
        else:
            bshape = ()
        out_shape = bshape + ((m,) if na > 1 else ()) + ((n,) if nb > 1 else ())
    la = _layout(a.shape[-2:], a.strides[-2:], isz)
    lb = _layout(b.shape[-2:], b.strides[-2:], isz)
    if la is None or lb is None or batch == 0:
        return None
    out = np.empty(out_shape, a.dtype)  # its own memory, no view: autograd may hand it on as a .grad
    fn, gemm, ctype = entry
    fn(gemm, _ilp64, _get_threads, _set_threads, _pointer(a, ctype), _pointer(b, ctype),
       _c.ffi.from_buffer(ctype + "[]", out), batch, m, n, k, a_stride, la[1], la[0], b_stride, lb[1], lb[0])
    return out
