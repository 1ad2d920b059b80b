"""Reading IDX files and downloading files with checksum verification."""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import struct
import urllib.request

import numpy as np

__all__ = ["read_idx", "download_url", "check_integrity", "file_digest"]

# IDX type codes (http://yann.lecun.com/exdb/mnist/): data is big-endian.
_IDX_DTYPES = {0x08: np.dtype("u1"), 0x09: np.dtype("i1"), 0x0B: np.dtype(">i2"), 0x0C: np.dtype(">i4"),
               0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}


def _read_maybe_gzip(path):
    with open(path, "rb") as f:
        head = f.read(2)
    opener = gzip.open if head == b"\x1f\x8b" else open
    try:
        with opener(path, "rb") as f:
            return f.read()
    except (OSError, EOFError) as e:
        raise RuntimeError(f"{path}: cannot read the file ({e}); it may be truncated: delete it and download again") from None


def read_idx(path):
    """The array in an IDX file (raw or gzip-compressed), in native byte order.

    Example:
        >>> read_idx("train-labels-idx1-ubyte.gz").shape
        (60000,)
    """
    data = _read_maybe_gzip(path)
    if len(data) < 4 or data[:2] != b"\x00\x00":
        raise RuntimeError(f"{path}: not an IDX file (it must start with two zero bytes, a type code and the number "
                           f"of dimensions; got {data[:4]!r})")
    code, ndim = data[2], data[3]
    dtype = _IDX_DTYPES.get(code)
    if dtype is None:
        raise RuntimeError(f"{path}: unknown IDX type code 0x{code:02x} (expected one of "
                           f"{', '.join(f'0x{c:02x}' for c in _IDX_DTYPES)})")
    start = 4 + 4 * ndim
    if len(data) < start:
        raise RuntimeError(f"{path}: the IDX header announces {ndim} dimensions but the file ends inside it")
    dims = struct.unpack(f">{ndim}I", data[4:start])
    expected = int(np.prod(dims, dtype=np.int64)) * dtype.itemsize
    if len(data) - start != expected:
        raise RuntimeError(f"{path}: the IDX header gives shape {dims} ({expected} bytes of data) but the file has "
                           f"{len(data) - start} bytes of data; it may be truncated: delete it and download again")
    return np.frombuffer(data, dtype, offset=start).reshape(dims).astype(dtype.newbyteorder("="))


def file_digest(path, algorithm="md5", chunk_size=1 << 20):
    h = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(chunk_size), b""):
            h.update(block)
    return h.hexdigest()


def _expected(md5, sha256):
    if sha256:
        return "sha256", sha256.lower()
    if md5:
        return "md5", md5.lower()
    return None, None


def check_integrity(path, md5=None, sha256=None):
    """True if `path` exists and matches the given checksum (any existing file passes when none is given)."""
    if not os.path.isfile(path):
        return False
    algorithm, want = _expected(md5, sha256)
    return want is None or file_digest(path, algorithm) == want


def download_url(url, root, filename=None, md5=None, sha256=None, timeout=60):
    """Download `url` into `root/filename` (atomically: a partial download never takes the final name)
    and verify its checksum; an existing file with the right checksum is kept. Returns the path."""
    os.makedirs(root, exist_ok=True)
    path = os.path.join(root, filename or os.path.basename(url))
    if check_integrity(path, md5, sha256):
        return path
    tmp = f"{path}.part{os.getpid()}"
    try:
        request = urllib.request.Request(url, headers={"User-Agent": "fx-data"})
        with urllib.request.urlopen(request, timeout=timeout) as response, open(tmp, "wb") as f:
            shutil.copyfileobj(response, f)
        algorithm, want = _expected(md5, sha256)
        if want is not None:
            got = file_digest(tmp, algorithm)
            if got != want:
                raise RuntimeError(f"checksum mismatch for {url}: expected {algorithm} {want}, got {got} (the download "
                                   "is corrupt or the mirror serves a different file)")
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path
