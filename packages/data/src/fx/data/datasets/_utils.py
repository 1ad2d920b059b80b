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

    Args:
        path: the file's path.

    Returns:
        A NumPy array with the file's dtype and shape; a truncated or malformed file raises RuntimeError.

    Example:
        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "labels-idx1-ubyte")
        >>> with open(path, "wb") as f:
        ...     _ = f.write(bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1]))
        >>> data.datasets.read_idx(path)
        array([7, 2, 1], dtype=uint8)
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
    """Whether `path` exists and matches the given checksum (any existing file passes when none is given).

    Args:
        path: the file's path.
        md5: the expected MD5 hex digest, or None.
        sha256: the expected SHA-256 hex digest (checked instead of md5 when given), or None.

    Returns:
        True or False.

    Example:
        >>> import hashlib, os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "f.bin")
        >>> with open(path, "wb") as f:
        ...     _ = f.write(b"fx")
        >>> data.datasets.check_integrity(path, md5=hashlib.md5(b"fx").hexdigest())
        True
        >>> data.datasets.check_integrity(path, md5="0" * 32)
        False
    """
    if not os.path.isfile(path):
        return False
    algorithm, want = _expected(md5, sha256)
    return want is None or file_digest(path, algorithm) == want


def download_url(url, root, filename=None, md5=None, sha256=None, timeout=60):
    """Download `url` into `root/filename` and verify its checksum.

    The download is atomic (a partial file never takes the final name) and an existing file with the
    right checksum is kept; a checksum mismatch raises RuntimeError.

    Args:
        url: what to fetch (anything urllib opens, including file:// URLs).
        root: the directory to write to (created if missing).
        filename: the file name (default: the URL's last component).
        md5: the expected MD5 hex digest, or None.
        sha256: the expected SHA-256 hex digest, or None.
        timeout: seconds to wait for the server (default 60).

    Returns:
        The path of the downloaded file.

    Example:
        >>> import hashlib, os, pathlib, tempfile
        >>> src = pathlib.Path(tempfile.mkdtemp(), "a.txt")
        >>> _ = src.write_bytes(b"hello")
        >>> path = data.datasets.download_url(src.as_uri(), tempfile.mkdtemp(), md5=hashlib.md5(b"hello").hexdigest())
        >>> os.path.basename(path), open(path, "rb").read()
        ('a.txt', b'hello')
    """
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
