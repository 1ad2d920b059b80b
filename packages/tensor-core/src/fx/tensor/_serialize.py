"""save/load: tensors and nested containers as safetensors files; loading never runs code.

File layout (the safetensors format): 8-byte little-endian header length N, N bytes of JSON header
({name: {"dtype", "shape", "data_offsets"}, "__metadata__": {str: str}}), then the data section.
fx puts the container structure and plain scalars, as JSON, in `__metadata__["fx.structure"]`;
tensors are stored under their path in the structure ("model.layer.weight", "opt.state.0.exp_avg"),
so a flat dict of tensors is an ordinary safetensors file that any safetensors reader understands.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import stat
import sys
import tempfile

import numpy as np

from . import _dtype
from ._tensor import Tensor, wrap

__all__ = ["save", "load"]

_ST_NAME = {
    _dtype.bool: "BOOL", _dtype.uint8: "U8", _dtype.int8: "I8", _dtype.int16: "I16", _dtype.int32: "I32",
    _dtype.int64: "I64", _dtype.float16: "F16", _dtype.bfloat16: "BF16", _dtype.float32: "F32",
    _dtype.float64: "F64",
}
_FROM_ST = {v: k for k, v in _ST_NAME.items()}
# safetensors dtypes that fx has no counterpart for: named in a clearer error than "unknown".
_UNSUPPORTED = {"U16", "U32", "U64", "C64", "C128", "F8_E4M3", "F8_E5M2", "F8_E8M0", "F4", "F6_E2M3", "F6_E3M2"}
_STRUCTURE = "fx.structure"
_MAX_HEADER = 100_000_000  # the safetensors reference reader's own limit
_MAX_DEPTH = 100
_MAX_NDIM = 64  # NumPy's limit
_MAX_ARRAY_BYTES = 2**62  # beyond this NumPy cannot even describe the array (zero dims included)


# ---- save ---------------------------------------------------------------------------------------

def save(obj, f) -> None:
    """Save a tensor, or dicts/lists/tuples of tensors and int/float/bool/str/None, to a safetensors file.

    Args:
        obj: what to save. A flat dict of str -> Tensor becomes a plain safetensors file whose
            tensor names are the dict keys (readable by `safetensors.torch.load_file`).
        f: a path (written atomically: temp file, fsync, rename) or a binary file object.

    Example:
        >>> save({"w": fx.tensor.ones(2, 3), "step": 10}, "ckpt.safetensors")
    """
    tensors: list = []
    structure = _encode(obj, [], tensors, set(), 0)
    header, arrays_in_order = _build_header(tensors, structure)
    if isinstance(f, (str, os.PathLike)):
        _atomic_write(os.fspath(f), lambda fh: _write(fh, header, arrays_in_order))
    elif hasattr(f, "write"):
        if isinstance(f, io.TextIOBase):
            raise TypeError("save: f must be a path or a file opened in binary mode ('wb'), got a text file")
        _write(f, header, arrays_in_order)
    else:
        raise TypeError(f"save: f must be a path or a binary file object, got {type(f).__name__}")


def _where(path):
    return "'" + ".".join(path) + "'" if path else "the top level"


def _encode_scalar(x):
    """JSON for a plain scalar, or NotImplemented; non-finite floats are tagged (JSON has no nan/inf)."""
    if x is None:
        return None
    if isinstance(x, bool):
        return bool(x)
    if isinstance(x, str):
        return str(x)
    if isinstance(x, int):
        return int(x)
    if isinstance(x, float):
        x = float(x)
        return x if math.isfinite(x) else {"float": repr(x)}
    if isinstance(x, np.generic) and x.dtype.kind in "biuf":  # NumPy scalars are saved as Python's
        return _encode_scalar(x.item())
    return NotImplemented


def _encode(obj, path, tensors, used, depth):
    if depth > _MAX_DEPTH:
        raise ValueError(f"save: objects nested deeper than {_MAX_DEPTH} levels at {_where(path[:5])}... "
                         "(does a container contain itself?)")
    if isinstance(obj, Tensor):
        key = ".".join(path) if path else "tensor"
        if key in used or key == "__metadata__":
            n = 1
            while f"{key}#{n}" in used:
                n += 1
            key = f"{key}#{n}"
        used.add(key)
        tensors.append((key, obj))
        return {"tensor": key}
    scalar = _encode_scalar(obj)
    if scalar is not NotImplemented:
        return scalar
    if isinstance(obj, dict):
        items = []
        for k, v in obj.items():
            kj = _encode_scalar(k)
            if kj is NotImplemented:
                raise TypeError(f"save: dict key {k!r} of type {type(k).__name__} at {_where(path)} is not "
                                "supported (keys must be str, int, float, bool or None)")
            items.append([kj, _encode(v, path + [str(k)], tensors, used, depth + 1)])
        return {"dict": items}
    if isinstance(obj, (list, tuple)):
        kind = "list" if isinstance(obj, list) else "tuple"
        return {kind: [_encode(v, path + [str(i)], tensors, used, depth + 1) for i, v in enumerate(obj)]}
    raise TypeError(f"save: cannot save an object of type {type(obj).__name__} at {_where(path)}: fx.tensor.save "
                    "stores tensors, dicts, lists, tuples and int/float/bool/str/None (it never pickles)")


def _host_array(t):
    a = t._data
    if a.__class__ is not np.ndarray:
        a = t.detach().cpu()._data
    if not a.flags.c_contiguous:
        a = a.copy(order="C")
    if sys.byteorder == "big" and a.itemsize > 1:
        a = a.byteswap()
    return a


def _build_header(tensors, structure):
    # Widest items first keeps every tensor aligned to its itemsize within the data section.
    order = sorted(range(len(tensors)), key=lambda i: -tensors[i][1].itemsize)
    header = {"__metadata__": {"format": "pt", _STRUCTURE: json.dumps(structure, separators=(",", ":"))}}
    offset = 0
    in_order = []
    for i in order:
        key, t = tensors[i]
        nbytes = t.numel() * t.itemsize
        header[key] = {"dtype": _ST_NAME[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + nbytes]}
        offset += nbytes
        in_order.append(t)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-(8 + len(text)) % 8)
    return text, in_order


def _write(fh, header, tensors):
    fh.write(len(header).to_bytes(8, "little"))
    fh.write(header)
    for t in tensors:
        a = _host_array(t)
        if a.size:
            fh.write(a.reshape(-1).view(np.uint8).data)


def _default_mode():
    try:
        with open("/proc/self/status") as st:
            for line in st:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o644


def _atomic_write(path, write):
    """Write to a temp file beside `path`, fsync, then rename over it: `path` is never half-written."""
    path = os.path.realpath(path)  # write through a symlink, not over it
    directory = os.path.dirname(path)
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mode = _default_mode()
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    try:  # make the rename itself durable
        dfd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass


# ---- load ---------------------------------------------------------------------------------------

def load(f, map_location=None, weights_only=True):
    """Load what `save` wrote, or any safetensors file (then a dict of name -> Tensor).

    Args:
        f: a path or a binary file object positioned at the file's start.
        map_location: None or "cpu" (default), a device or device string to move tensors to, a
            dict {"cpu": device}, or a callable `fn(tensor, "cpu")` returning a tensor (or None to keep it).
        weights_only: accepted for PyTorch compatibility; loading never runs code whatever its value.

    Every header entry is validated before anything is allocated; a damaged file raises RuntimeError.
    """
    place = _placement(map_location)
    if isinstance(f, (str, os.PathLike)):
        name = os.fspath(f)
        with open(name, "rb") as fh:
            structure, values, order = _read(fh, name)
    elif hasattr(f, "read"):
        if isinstance(f, io.TextIOBase):
            raise TypeError("load: f must be a path or a file opened in binary mode ('rb'), got a text file")
        name = str(getattr(f, "name", "<file object>"))
        if not (hasattr(f, "seekable") and f.seekable()):
            f = io.BytesIO(f.read())
        structure, values, order = _read(f, name)
    else:
        raise TypeError(f"load: f must be a path or a binary file object, got {type(f).__name__}")
    if place is not None:
        values = {k: place(v) for k, v in values.items()}
    if structure is None:
        return {k: values[k] for k in order}
    return structure(values)


def _placement(map_location):
    if map_location is None:
        return None
    if callable(map_location):
        def call(t):
            r = map_location(t, "cpu")
            if r is None:
                return t
            if not isinstance(r, Tensor):
                raise TypeError(f"load: map_location returned {type(r).__name__}, expected a Tensor or None")
            return r
        return call
    if isinstance(map_location, dict):
        target = map_location.get("cpu")
        return None if target is None else _placement(target)
    from ._device import device

    try:
        dev = device(map_location)
    except TypeError:
        raise TypeError("load: map_location must be None, a device, a str, a dict or a callable, "
                        f"got {type(map_location).__name__}") from None
    return None if dev.type == "cpu" else (lambda t: t.to(dev))


class _Damaged(Exception):
    pass


def _read(fh, name):
    """(structure builder or None, {key: Tensor}, header key order) from a seekable binary file."""
    base = fh.tell()
    size = fh.seek(0, os.SEEK_END) - base
    fh.seek(base)
    try:
        head = _read_exact(fh, min(size, 8))
        if size < 8:
            raise _Damaged(f"the file is {size} bytes, too short to hold the 8-byte header length")
        if head[:4] == b"PK\x03\x04":
            raise RuntimeError(f"load: {name}: not a safetensors file: it looks like a PyTorch pickle checkpoint "
                               "(torch.save); fx never unpickles, convert it with safetensors.torch.save_file")
        n = int.from_bytes(head, "little")
        if n > size - 8 or n > _MAX_HEADER or n < 2:
            raise _Damaged(f"header length {n} does not fit the file ({size} bytes; at most {_MAX_HEADER}); "
                           "is this a safetensors file?")
        header = _parse_header(_read_exact(fh, n))
        entries, metadata = _check_entries(header, size - 8 - n, name)
        structure = _structure_builder(metadata, entries)
        values = {}
        for key, dt, shape, start, nbytes in sorted(entries, key=lambda e: e[3]):
            fh.seek(base + 8 + n + start)
            values[key] = _read_tensor(fh, key, dt, shape, nbytes)
    except _Damaged as e:
        raise RuntimeError(f"load: {name}: damaged safetensors file: {e}") from None
    return structure, values, [e[0] for e in entries]


def _read_exact(fh, n):
    data = fh.read(n)
    if len(data) != n:
        raise _Damaged(f"unexpected end of file ({len(data)} of {n} bytes read)")
    return data


def _reject_duplicates(pairs):
    d = {}
    for k, v in pairs:
        if k in d:
            raise _Damaged(f"duplicate key {k!r} in the JSON header")
        d[k] = v
    return d


def _parse_json(text, what):
    try:
        return json.loads(text, object_pairs_hook=_reject_duplicates, parse_constant=_no_constant)
    except (ValueError, RecursionError) as e:
        raise _Damaged(f"{what} is not valid JSON ({e.__class__.__name__}: {str(e)[:200]})") from None


def _no_constant(c):
    raise ValueError(f"non-standard JSON constant {c}")


def _parse_header(raw):
    if raw[:1] != b"{":
        raise _Damaged("the header does not start with '{'")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _Damaged("the header is not valid UTF-8") from None
    header = _parse_json(text, "the header")
    if not isinstance(header, dict):
        raise _Damaged("the header is not a JSON object")
    return header


def _is_int(x):
    return x.__class__ is int


def _check_entries(header, data_len, name):
    """Validated (key, dtype, shape, start, nbytes) per tensor, and the metadata dict (or None)."""
    metadata = header.get("__metadata__")
    if metadata is not None and not (isinstance(metadata, dict)
                                     and all(isinstance(v, str) for v in metadata.values())):
        raise _Damaged("__metadata__ is not a map of strings to strings")
    entries = []
    for key, info in header.items():
        if key == "__metadata__":
            continue
        if not isinstance(info, dict):
            raise _Damaged(f"entry {key!r} is not a JSON object")
        st, shape, offsets = info.get("dtype"), info.get("shape"), info.get("data_offsets")
        if not isinstance(st, str):
            raise _Damaged(f"tensor {key!r} has invalid dtype {str(st)[:100]}")
        if st in _UNSUPPORTED:
            raise RuntimeError(f"load: {name}: tensor {key!r} has dtype {st}, which fx.tensor does not support "
                               f"(supported: {', '.join(_FROM_ST)})")
        if st not in _FROM_ST:
            raise _Damaged(f"tensor {key!r} has unknown dtype {st!r}")
        dt = _FROM_ST[st]
        if not (isinstance(shape, list) and len(shape) <= _MAX_NDIM and all(_is_int(d) and d >= 0 for d in shape)):
            raise _Damaged(f"tensor {key!r} has invalid shape {str(shape)[:100]} (expected a list of at most "
                           f"{_MAX_NDIM} non-negative ints)")
        if not (isinstance(offsets, list) and len(offsets) == 2 and all(_is_int(o) for o in offsets)
                and 0 <= offsets[0] <= offsets[1] <= data_len):
            raise _Damaged(f"tensor {key!r} has data_offsets {str(offsets)[:100]} outside the "
                           f"{data_len}-byte data section")
        nbytes = math.prod(shape) * dt.itemsize
        if offsets[1] - offsets[0] != nbytes:
            raise _Damaged(f"tensor {key!r} of shape {shape} and dtype {st} needs {nbytes} bytes but its "
                           f"data_offsets {offsets} span {offsets[1] - offsets[0]}")
        if math.prod(max(d, 1) for d in shape) * dt.itemsize > _MAX_ARRAY_BYTES:
            raise _Damaged(f"tensor {key!r} has shape {shape}, too large for an array")
        entries.append((key, dt, tuple(shape), offsets[0], nbytes))
    end = 0
    for key, _, _, start, nbytes in sorted(entries, key=lambda e: (e[3], e[3] + e[4])):
        if start != end:
            what = "overlaps the previous tensor" if start < end else f"leaves a gap after byte {end}"
            raise _Damaged(f"tensor {key!r} starting at byte {start} {what}")
        end = start + nbytes
    if end != data_len:
        raise _Damaged(f"the tensors cover {end} bytes but the data section has {data_len}")
    return entries, metadata


def _read_tensor(fh, key, dt, shape, nbytes):
    arr = np.empty(shape, dtype=dt.np)
    if nbytes:
        buf = memoryview(arr.reshape(-1).view(np.uint8))
        got = 0
        while got < nbytes:
            k = fh.readinto(buf[got:])
            if not k:
                raise _Damaged(f"unexpected end of file in tensor {key!r}")
            got += k
        if dt is _dtype.bool and buf.obj.max() > 1:
            raise _Damaged(f"BOOL tensor {key!r} holds bytes other than 0 and 1")
        if sys.byteorder == "big" and arr.itemsize > 1:
            arr.byteswap(inplace=True)
    return wrap(arr)


def _structure_builder(metadata, entries):
    """A function {key: Tensor} -> the saved object, or None for a plain safetensors file."""
    if not metadata or _STRUCTURE not in metadata:
        return None
    tree = _parse_json(metadata[_STRUCTURE], _STRUCTURE)
    keys = {e[0] for e in entries}
    referenced = set()
    _check_node(tree, keys, referenced, 0)
    if referenced != keys:
        raise _Damaged(f"tensors {sorted(keys - referenced)[:5]} are not part of {_STRUCTURE}")
    return lambda values: _decode(tree, values)


_FLOATS = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


def _check_node(node, keys, referenced, depth):
    if depth > _MAX_DEPTH:
        raise _Damaged(f"{_STRUCTURE} is nested deeper than {_MAX_DEPTH} levels")
    if node is None or isinstance(node, (bool, int, float, str)):
        return
    if not (isinstance(node, dict) and len(node) == 1):
        raise _Damaged(f"{_STRUCTURE} has an invalid node {str(node)[:100]}")
    (kind, value), = node.items()
    if kind == "tensor":
        if not isinstance(value, str) or value not in keys:
            raise _Damaged(f"{_STRUCTURE} refers to tensor {str(value)[:100]!r}, which the file does not hold")
        referenced.add(value)
    elif kind == "float":
        if not isinstance(value, str) or value not in _FLOATS:
            raise _Damaged(f"{_STRUCTURE} has an invalid float {str(value)[:100]}")
    elif kind in ("list", "tuple") and isinstance(value, list):
        for v in value:
            _check_node(v, keys, referenced, depth + 1)
    elif kind == "dict" and isinstance(value, list):
        for item in value:
            if not (isinstance(item, list) and len(item) == 2 and _is_key(item[0])):
                raise _Damaged(f"{_STRUCTURE} has an invalid dict item {str(item)[:100]}")
            _check_node(item[1], keys, referenced, depth + 1)
    else:
        raise _Damaged(f"{_STRUCTURE} has an invalid node {str(node)[:100]}")


def _is_key(k):
    return k is None or isinstance(k, (bool, int, float, str)) or (
        isinstance(k, dict) and len(k) == 1 and isinstance(k.get("float"), str) and k["float"] in _FLOATS)


def _decode(node, values):
    if node is None or isinstance(node, (bool, int, float, str)):
        return node
    (kind, value), = node.items()
    if kind == "tensor":
        return values[value]
    if kind == "float":
        return _FLOATS[value]
    if kind == "list":
        return [_decode(v, values) for v in value]
    if kind == "tuple":
        return tuple(_decode(v, values) for v in value)
    return {_decode(k, values): _decode(v, values) for k, v in value}
