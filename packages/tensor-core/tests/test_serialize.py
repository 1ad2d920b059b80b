"""fx.tensor.save / load: safetensors round trips, PyTorch interop, atomic writes, damaged files."""

from __future__ import annotations

import io
import json
import math
import os
import struct

import ml_dtypes
import numpy as np
import pytest
import safetensors

import fx.tensor as ft
from fx.tensor._serialize import load, save

NP_TYPES = {
    ft.bool: np.bool_, ft.uint8: np.uint8, ft.int8: np.int8, ft.int16: np.int16, ft.int32: np.int32,
    ft.int64: np.int64, ft.float16: np.float16, ft.bfloat16: ml_dtypes.bfloat16, ft.float32: np.float32,
    ft.float64: np.float64,
}
ST_NAMES = {"BOOL": np.bool_, "U8": np.uint8, "I8": np.int8, "I16": np.int16, "I32": np.int32, "I64": np.int64,
            "F16": np.float16, "BF16": ml_dtypes.bfloat16, "F32": np.float32, "F64": np.float64}


def arr(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    npt = NP_TYPES[dtype]
    if dtype is ft.bool:
        return rng.random(shape) > 0.5
    if dtype.is_floating_point:
        a = (rng.standard_normal(shape) * 100).astype(np.float32).astype(npt)
        if a.size >= 4:
            a.reshape(-1)[:4] = [np.nan, np.inf, -np.inf, -0.0]
        return a
    info = np.iinfo(npt)
    return rng.integers(info.min, info.max, shape, dtype=npt, endpoint=True)


def T(a):
    return ft.from_numpy(np.asarray(a))


def same(t, a):
    """Exactly equal: dtype, shape and every byte (nan payloads and -0.0 included)."""
    got = t.numpy()
    a = np.asarray(a)
    assert got.dtype == a.dtype and got.shape == a.shape
    assert np.ascontiguousarray(got).tobytes() == np.ascontiguousarray(a).tobytes()


def same_tree(x, y):
    if isinstance(y, np.ndarray):
        assert isinstance(x, ft.Tensor)
        same(x, y)
    elif isinstance(y, ft.Tensor):
        same(x, y.numpy())
    elif isinstance(y, dict):
        assert type(x) is dict and list(x) == list(y)
        for k in y:
            same_tree(x[k], y[k])
    elif isinstance(y, (list, tuple)):
        assert type(x) is type(y) and len(x) == len(y)
        for a, b in zip(x, y):
            same_tree(a, b)
    elif isinstance(y, float) and math.isnan(y):
        assert isinstance(x, float) and math.isnan(x)
    else:
        assert type(x) is type(y) and x == y and str(x) == str(y)


def roundtrip(obj, tmp_path):
    p = tmp_path / "x.safetensors"
    save(obj, p)
    return load(p)


# ---- round trips --------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", list(NP_TYPES), ids=lambda d: d.name)
def test_every_dtype_and_shape(dtype, tmp_path):
    shapes = [(), (0,), (3, 0, 2), (7,), (2, 3, 4)]
    obj = {f"t{i}": T(arr(s, dtype, i)) for i, s in enumerate(shapes)}
    base = arr((6, 8), dtype, 9)
    obj["noncontig"] = T(base[:, ::2].T)  # transposed, strided view
    obj["sliced"] = T(base[1:4, 2:5])
    back = roundtrip(obj, tmp_path)
    assert list(back) == list(obj)
    for k in obj:
        same(back[k], obj[k].numpy())
        assert back[k].dtype is dtype
        assert back[k].is_contiguous() and back[k]._data.flags.owndata and back[k]._data.flags.writeable


def test_nested_structure_and_scalars(tmp_path):
    w = T(arr((3, 4), ft.float32))
    obj = {
        "model": {"layer.0": {"weight": w, "bias": T(arr((4,), ft.bfloat16))}},
        "step": 10, "big": 2**70, "lr": 1e-3, "neg0": -0.0, "nan": math.nan, "inf": math.inf, "ninf": -math.inf,
        "name": "adam ü", "empty": "", "none": None, "flag": False,
        "opt": {"state": {0: {"exp_avg": w, "step": T(np.array(3.0, np.float32))}, 1: {}},
                "param_groups": [{"params": [0, 1], "betas": (0.9, 0.999), "amsgrad": False}]},
        "keys": {None: 1, True: 2, 2.5: 3, -7: "x", math.inf: None},
        "nest": [[], (), {}, [[T(arr((2,), ft.int64))]], (1, (2, (3,)))],
    }
    back = roundtrip(obj, tmp_path)
    same_tree(back, obj)
    numpy_scalars = roundtrip({"f": np.float32(0.5), "i": np.int64(3), "b": np.bool_(True), np.int32(4): 1}, tmp_path)
    same_tree(numpy_scalars, {"f": 0.5, "i": 3, "b": True, 4: 1})
    assert isinstance(back["big"], int) and back["opt"]["param_groups"][0]["betas"] == (0.9, 0.999)


@pytest.mark.parametrize("obj", [
    T(arr((2, 3), ft.float64)), T(np.array(5, np.int64)), [T(arr((2,), ft.int8)), 3], (T(arr((1,), ft.bool)),),
    {}, [], 3, "s", None, 1.5,
], ids=lambda o: type(o).__name__)
def test_top_level_objects(obj, tmp_path):
    same_tree(roundtrip(obj, tmp_path), obj)


def test_shared_and_aliased_tensors_are_saved_as_copies(tmp_path):
    base = arr((4, 4), ft.float32)
    t = T(base)
    v = T(base[1:3])
    back = roundtrip({"a": t, "b": t, "view": v, "list": [t, t]}, tmp_path)
    for k in ("a", "b"):
        same(back[k], base)
    same(back["view"], base[1:3])
    assert back["a"]._data is not back["b"]._data
    back["a"]._data[0, 0] = 42
    assert back["b"]._data[0, 0] != 42


def test_requires_grad_tensor_saves_its_data(tmp_path):
    w = ft.from_numpy(np.arange(3, dtype=np.float32)).requires_grad_()
    back = roundtrip({"w": w}, tmp_path)
    same(back["w"], np.arange(3, dtype=np.float32))
    assert not back["w"].requires_grad


def test_key_collisions_get_unique_tensor_names(tmp_path):
    a, b, c = (T(arr((2,), ft.float32, s)) for s in range(3))
    obj = {"a.b": a, "a": {"b": b}, "__metadata__": c}
    p = tmp_path / "x.safetensors"
    save(obj, p)
    same_tree(load(p), obj)
    names = [n for n, _ in safetensors.deserialize(p.read_bytes())]
    assert len(set(names)) == 3 and "__metadata__" not in names


# ---- plain safetensors files --------------------------------------------------------------------

def test_flat_dict_is_a_plain_safetensors_file(tmp_path):
    obj = {"encoder.weight": T(arr((3, 2), ft.float32)), "encoder.bias": T(arr((2,), ft.bfloat16)),
           "mask": T(arr((5,), ft.bool)), "ids": T(arr((4,), ft.int64)), "zero": T(np.zeros((0, 2), np.float16))}
    p = tmp_path / "flat.safetensors"
    save(obj, p)
    raw = p.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    assert (8 + n) % 8 == 0
    header = json.loads(raw[8:8 + n])
    assert set(header) - {"__metadata__"} == set(obj)
    assert header["__metadata__"]["format"] == "pt"
    for name, info in safetensors.deserialize(raw):
        npt = ST_NAMES[info["dtype"]]
        got = np.frombuffer(bytes(info["data"]), dtype=npt).reshape(info["shape"])
        assert got.tobytes() == obj[name].numpy().tobytes() and got.dtype == obj[name].numpy().dtype
    # each tensor starts at a multiple of its itemsize
    for name, info in header.items():
        if name != "__metadata__":
            assert info["data_offsets"][0] % obj[name].itemsize == 0
    assert list(load(p)) == list(obj)  # insertion order survives


def test_plain_file_without_fx_metadata_loads_as_dict(tmp_path):
    from safetensors.numpy import save as st_save  # written independently of fx

    tensors = {f"t_{dt.name}": arr((2, 3), dt, i) for i, dt in enumerate(NP_TYPES) if dt is not ft.bfloat16}
    tensors["scalar"] = np.array(1.5, np.float64)
    p = tmp_path / "plain.safetensors"
    p.write_bytes(st_save(tensors, metadata={"anything": "else"}))
    back = load(p)
    assert set(back) == set(tensors)
    for k, a in tensors.items():
        same(back[k], a)


def test_torch_files_load_in_fx(tmp_path):
    torch = pytest.importorskip("torch")
    st = pytest.importorskip("safetensors.torch")
    g = torch.Generator().manual_seed(0)
    sd = {
        "f32": torch.randn(3, 4, generator=g), "f64": torch.randn(5, dtype=torch.float64, generator=g),
        "f16": torch.randn(2, 2, generator=g).half(), "bf16": torch.randn(7, generator=g).bfloat16(),
        "b": torch.tensor([True, False, True]), "u8": torch.arange(250, 256, dtype=torch.uint8),
        "i8": torch.tensor([-128, 0, 127], dtype=torch.int8), "i16": torch.tensor([-32768, 32767], dtype=torch.int16),
        "i32": torch.tensor([-(2**31), 2**31 - 1], dtype=torch.int32), "i64": torch.tensor([-(2**63), 2**63 - 1]),
        "scalar": torch.tensor(2.5), "empty": torch.zeros(0, 3), "noncontig": torch.randn(4, 6, generator=g).t().contiguous(),
    }
    p = tmp_path / "torch.safetensors"
    st.save_file(sd, str(p))
    back = load(p)
    assert set(back) == set(sd)
    for k, t in sd.items():
        ref = t.view(torch.int16).numpy().view(ml_dtypes.bfloat16) if t.dtype == torch.bfloat16 else t.numpy()
        same(back[k], ref)
        assert back[k].dtype.name == str(t.dtype).removeprefix("torch.")


def test_fx_files_load_in_torch(tmp_path):
    torch = pytest.importorskip("torch")
    st = pytest.importorskip("safetensors.torch")
    obj = {k.name: T(arr((3, 2), k, i)) for i, k in enumerate(NP_TYPES)}
    obj["noncontig"] = T(arr((4, 6), ft.float32)[:, 1::2])
    p = tmp_path / "fx.safetensors"
    save(obj, p)
    back = st.load_file(str(p))
    assert set(back) == set(obj)
    for k, t in obj.items():
        got = back[k]
        raw = got.view(torch.int16).numpy().view(ml_dtypes.bfloat16) if got.dtype == torch.bfloat16 else got.numpy()
        same(t, raw)
        assert str(got.dtype).removeprefix("torch.") == t.dtype.name


@pytest.mark.parametrize("dtype", ["complex64", "float8_e4m3fn", "float8_e5m2", "uint16", "uint32", "uint64"])
def test_unsupported_torch_dtypes_are_rejected(dtype, tmp_path):
    torch = pytest.importorskip("torch")
    st = pytest.importorskip("safetensors.torch")
    p = tmp_path / "x.safetensors"
    st.save_file({"ok": torch.ones(2), "bad": torch.zeros(3).to(getattr(torch, dtype))}, str(p))
    with pytest.raises(RuntimeError, match=r"tensor 'bad' has dtype \w+, which fx.tensor does not support"):
        load(p)


# ---- files, atomic writes, map_location -----------------------------------------------------------

def test_file_objects(tmp_path):
    obj = {"a": T(arr((2, 3), ft.float32)), "n": 3}
    buf = io.BytesIO()
    buf.write(b"junk")
    save(obj, buf)
    buf.seek(4)
    same_tree(load(buf), obj)

    class Stream(io.RawIOBase):  # not seekable: load reads it whole
        def __init__(self, data):
            self.data = io.BytesIO(data)

        def readable(self):
            return True

        def readinto(self, b):
            return self.data.readinto(b)

    buf.seek(4)
    same_tree(load(Stream(buf.read())), obj)
    with open(tmp_path / "f.st", "wb") as fh:
        save(obj, fh)
    with open(tmp_path / "f.st", "rb") as fh:
        same_tree(load(fh), obj)


def test_bad_f_arguments(tmp_path):
    with pytest.raises(TypeError, match="save: f must be a path or a binary file object, got int"):
        save({}, 3)
    with pytest.raises(TypeError, match="load: f must be a path or a binary file object, got list"):
        load([])
    with open(tmp_path / "t.txt", "w") as fh, pytest.raises(TypeError, match="binary mode"):
        save({}, fh)
    (tmp_path / "t.txt").write_text("hello")
    with open(tmp_path / "t.txt") as fh, pytest.raises(TypeError, match="binary mode"):
        load(fh)
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "missing.safetensors")


def _dir_listing(path):
    return sorted(os.listdir(path))


def test_atomic_write_keeps_old_file_on_unserializable_object(tmp_path):
    p = tmp_path / "ckpt.safetensors"
    save({"w": T(np.ones(3, np.float32))}, p)
    old = p.read_bytes()
    with pytest.raises(TypeError, match=r"save: cannot save an object of type object at 'opt.state.1'"):
        save({"w": T(np.zeros(3, np.float32)), "opt": {"state": [1, object()]}}, p)
    assert p.read_bytes() == old and _dir_listing(tmp_path) == ["ckpt.safetensors"]


def test_atomic_write_keeps_old_file_when_writing_fails_midway(tmp_path, monkeypatch):
    import fx.tensor._serialize as S

    p = tmp_path / "ckpt.safetensors"
    save({"w": T(np.ones(3, np.float32))}, p)
    old = p.read_bytes()
    calls = []
    real = S._host_array

    def failing(t):
        calls.append(t)
        if len(calls) == 2:  # the header and the first tensor are already on disk
            raise OSError("No space left on device")
        return real(t)

    monkeypatch.setattr(S, "_host_array", failing)
    with pytest.raises(OSError, match="No space left"):
        save({"a": T(np.zeros(1000, np.float32)), "b": T(np.zeros(10, np.float32))}, p)
    assert p.read_bytes() == old and _dir_listing(tmp_path) == ["ckpt.safetensors"]
    monkeypatch.setattr(S, "_host_array", real)

    def no_fsync(fd):
        raise OSError("fsync failed")

    monkeypatch.setattr(os, "fsync", no_fsync)
    with pytest.raises(OSError, match="fsync failed"):
        save({"a": T(np.zeros(4, np.float32))}, p)
    assert p.read_bytes() == old and _dir_listing(tmp_path) == ["ckpt.safetensors"]


def test_overwrite_keeps_permissions_and_follows_symlinks(tmp_path):
    p = tmp_path / "real.safetensors"
    save({"a": T(np.ones(2, np.float32))}, p)
    os.chmod(p, 0o640)
    link = tmp_path / "link.safetensors"
    link.symlink_to(p)
    save({"a": T(np.zeros(2, np.float32))}, link)
    assert link.is_symlink() and (os.stat(p).st_mode & 0o777) == 0o640
    same(load(p)["a"], np.zeros(2, np.float32))


def test_map_location(tmp_path):
    p = tmp_path / "x.safetensors"
    save({"a": T(np.ones(2, np.float32))}, p)
    for loc in (None, "cpu", ft.device("cpu"), {"cpu": "cpu"}, {"cuda:0": "cpu"}):
        same(load(p, map_location=loc)["a"], np.ones(2, np.float32))
    seen = []
    out = load(p, map_location=lambda t, where: seen.append(where) or t * 2)
    same(out["a"], np.full(2, 2, np.float32))
    assert seen == ["cpu"]
    with pytest.raises(TypeError, match="load: map_location must be"):
        load(p, map_location=1.5)
    with pytest.raises(TypeError, match="map_location returned int"):
        load(p, map_location=lambda t, where: 3)
    assert load(p, weights_only=False)["a"].shape == (2,)


def test_save_errors(tmp_path):
    p = tmp_path / "x.safetensors"
    with pytest.raises(TypeError, match=r"dict key \(1, 2\) of type tuple at 'a' is not supported"):
        save({"a": {(1, 2): 3}}, p)
    with pytest.raises(TypeError, match="cannot save an object of type ndarray at the top level"):
        save(np.zeros(3), p)
    with pytest.raises(TypeError, match="type set at 'x.0'"):
        save({"x": [{1}]}, p)
    loop = []
    loop.append(loop)
    with pytest.raises(ValueError, match="nested deeper than 100 levels"):
        save(loop, p)
    assert not p.exists() and _dir_listing(tmp_path) == []


# ---- damaged files ------------------------------------------------------------------------------

def _file(header, data=b"", raw_header=None):
    """Bytes of a safetensors file with the given header (dict, or raw bytes) and data section."""
    h = raw_header if raw_header is not None else json.dumps(header).encode()
    return struct.pack("<Q", len(h)) + h + data


GOOD = {"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
        "b": {"dtype": "I64", "shape": [1], "data_offsets": [8, 16]}}


def _with(**changes):
    h = json.loads(json.dumps(GOOD))
    for k, v in changes.items():
        key, field = k.split("__")
        h[key][field] = v
    return h


DAMAGED = [
    (b"", "too short to hold the 8-byte header length"),
    (b"\x05\x00\x00", "too short"),
    (struct.pack("<Q", 10**12) + b"{}", r"header length 1000000000000 does not fit the file"),
    (struct.pack("<Q", 0), "header length 0 does not fit"),
    (_file(None, raw_header=b"[1, 2]"), "does not start with"),
    (_file(None, raw_header=b"{\"a\": "), "the header is not valid JSON"),
    (_file(None, raw_header=b"{\"a\": \xff}"), "not valid UTF-8"),
    (_file(None, raw_header=b"{\"a\": NaN}"), "not valid JSON"),
    (_file(None, raw_header=b"{" * 100000), "not valid JSON"),
    (_file(None, raw_header=b'{"a": 1, "a": 2}'), "duplicate key 'a'"),
    (_file({"a": [1]}), "entry 'a' is not a JSON object"),
    (_file(_with(a__dtype="F33"), bytes(16)), "unknown dtype 'F33'"),
    (_file(_with(a__dtype=None), bytes(16)), "invalid dtype None"),
    (_file(_with(a__dtype=["F32"]), bytes(16)), r"invalid dtype \[.F32.\]"),
    (_file({"a": {"dtype": "F32", "shape": [0, 2**62], "data_offsets": [0, 0]}}), "too large for an array"),
    (_file(_with(a__shape=[-2]), bytes(16)), r"invalid shape \[-2\]"),
    (_file(_with(a__shape=[2.0]), bytes(16)), "invalid shape"),
    (_file(_with(a__shape=[True, 2]), bytes(16)), "invalid shape"),
    (_file(_with(a__shape="2"), bytes(16)), "invalid shape"),
    (_file(_with(a__shape=[1] * 65), bytes(16)), "at most 64"),
    (_file(_with(a__shape=[2**40, 2**40]), bytes(16)), "needs 4835703278458516698824704 bytes"),
    (_file(_with(a__shape=[0, 2**62]), bytes(16)), "needs 0 bytes but"),
    (_file(_with(a__data_offsets=[0, 9]), bytes(16)), "needs 8 bytes but its data_offsets"),
    (_file(_with(a__data_offsets=[-8, 0]), bytes(16)), "outside the 16-byte data section"),
    (_file(_with(b__data_offsets=[8, 24]), bytes(16)), "outside the 16-byte data section"),
    (_file(_with(a__data_offsets=[8, 0]), bytes(16)), "outside"),
    (_file(_with(a__data_offsets=[0]), bytes(16)), "outside"),
    (_file(_with(a__data_offsets=[4, 12]), bytes(16)), "overlaps|gap"),
    (_file(_with(b__data_offsets=[4, 12]), bytes(16)), "overlaps"),
    (_file(GOOD, bytes(24)), "the tensors cover 16 bytes but the data section has 24"),
    (_file(_with(a__data_offsets=[8, 16], b__data_offsets=[16, 24]), bytes(24)), "leaves a gap after byte 0"),
    (_file({"__metadata__": {"x": 1}}), "__metadata__ is not a map of strings"),
    (_file({"__metadata__": []}), "__metadata__ is not a map"),
    (_file({"__metadata__": {"fx.structure": "{"}}), "fx.structure is not valid JSON"),
    (_file({"__metadata__": {"fx.structure": '{"tensor": "zz"}'}}), "refers to tensor 'zz'"),
    (_file({"__metadata__": {"fx.structure": '{"eval": "x"}'}}), "invalid node"),
    (_file({"__metadata__": {"fx.structure": '{"float": "1e999"}'}}), "invalid float"),
    (_file({"__metadata__": {"fx.structure": '{"dict": [[[1], 2]]}'}}), "invalid dict item"),
    (_file({"__metadata__": {"fx.structure": '{"list": 3}'}}), "invalid node"),
    (_file({"__metadata__": {"fx.structure": '{"list": [' * 150 + ']}' * 150}}), "nested deeper than 100"),
    (_file(dict(GOOD, __metadata__={"fx.structure": '{"tensor": "a"}'}), bytes(16)), r"\['b'\] are not part of"),
    (_file({"m": {"dtype": "BOOL", "shape": [3], "data_offsets": [0, 3]}}, b"\x00\x01\x02"), "bytes other than 0 and 1"),
    (b"PK\x03\x04" + bytes(100), "looks like a PyTorch pickle checkpoint"),
]


@pytest.mark.parametrize("raw,match", DAMAGED, ids=range(len(DAMAGED)))
def test_damaged_files_raise_clear_errors(raw, match, tmp_path):
    p = tmp_path / "bad.safetensors"
    p.write_bytes(raw)
    with pytest.raises(RuntimeError, match=rf"load: .*bad.safetensors: .*({match})"):
        load(p)


def test_good_reference_file_loads():
    data = np.array([1.5, -2], np.float32).tobytes() + np.array([7], np.int64).tobytes()
    out = load(io.BytesIO(_file(GOOD, data)))
    same(out["a"], np.array([1.5, -2], np.float32))
    same(out["b"], np.array([7], np.int64))


def test_truncated_while_reading():
    raw = _file(GOOD, bytes(16))

    class Shrinking(io.BytesIO):  # reports the full size, then the file is cut short
        def readinto(self, b):
            return 0

    with pytest.raises(RuntimeError, match="unexpected end of file in tensor 'a'"):
        load(Shrinking(raw))


def test_pickle_checkpoint_is_refused_without_unpickling(tmp_path):
    torch = pytest.importorskip("torch")
    p = tmp_path / "model.pt"
    torch.save({"w": torch.ones(2)}, str(p))
    with pytest.raises(RuntimeError, match="not a safetensors file: it looks like a PyTorch pickle checkpoint"):
        load(p)


# ---- fuzz: a damaged file raises cleanly; a file that loads holds exactly what its bytes say -------

def _fuzz_bases():
    nested = {"model": {"w": T(arr((3, 4), ft.float32)), "b": T(arr((4,), ft.bfloat16))}, "step": 7,
              "opt": [{"m": T(arr((2, 2), ft.float64)), "lr": 0.5, "nan": math.nan}, (None, "x")],
              "mask": T(arr((5,), ft.bool)), "ids": T(arr((3,), ft.int16)), "s": T(np.array(-1, np.int8))}
    flat = {"a": T(arr((4,), ft.float32)), "b": T(arr((2, 2), ft.int32)), "c": T(arr((6,), ft.uint8)),
            "d": T(arr((3,), ft.float16)), "e": T(np.zeros((0, 5), np.int64)), "f": T(arr((2,), ft.bool))}
    out = []
    for obj in (nested, flat):
        buf = io.BytesIO()
        save(obj, buf)
        out.append(buf.getvalue())
    return out


BASES = _fuzz_bases()


def _reference_tree(node, tensors):
    """Decode fx.structure independently of fx (trusting it: only called on files fx accepted)."""
    if not isinstance(node, dict):
        return node
    (kind, v), = node.items()
    if kind == "tensor":
        return tensors[v]
    if kind == "float":
        return float(v)
    if kind == "dict":
        return {_reference_tree(k, tensors): _reference_tree(x, tensors) for k, x in v}
    items = [_reference_tree(x, tensors) for x in v]
    return items if kind == "list" else tuple(items)


def _check_load(raw):
    """load(raw) either raises RuntimeError/ValueError or returns exactly what the bytes encode."""
    import tracemalloc

    tracemalloc.start()
    try:
        got = load(io.BytesIO(raw))
    except (RuntimeError, ValueError):
        return False
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peak < 2**20 + 8 * len(raw), f"load allocated {peak} bytes for a {len(raw)}-byte file"
    # The reference reader (safetensors, in Rust) must accept the file and agree on every byte.
    ref = {name: np.frombuffer(bytes(info["data"]), ST_NAMES[info["dtype"]]).reshape(info["shape"])
           for name, info in safetensors.deserialize(raw)}
    (n,) = struct.unpack("<Q", raw[:8])
    meta = json.loads(raw[8:8 + n]).get("__metadata__") or {}
    if "fx.structure" in meta:
        same_tree(got, _reference_tree(json.loads(meta["fx.structure"]), ref))
    else:
        assert set(got) == set(ref)
        for k in ref:
            same(got[k], ref[k])
    return True


def _split(raw):
    (n,) = struct.unpack("<Q", raw[:8])
    return json.loads(raw[8:8 + n]), raw[8 + n:]


def _json_mutation(rng, raw):
    header, data = _split(raw)
    names = [k for k in header if k != "__metadata__"]
    key = rng.choice(names)
    info = header[key]
    s, e = info["data_offsets"]
    other = header[rng.choice(names)]["data_offsets"]
    meta = header.setdefault("__metadata__", {})
    choice = rng.randrange(12)
    if choice == 0:
        info["shape"] = rng.choice([[-1], [10**18], [2**64], [1.5], ["3"], None, [], info["shape"] + [1], [0],
                                    [1] * 70, [2**31] * 3, [0, 2**63], {"a": 1}])
    elif choice == 1:
        info["data_offsets"] = rng.choice([[s, e + 1], [s - 1, e - 1], [e, s], [0, 10**15], [-8, 0], [s], "x",
                                           list(other), [s, s], [s + 1, e + 1], [float(s), float(e)], None])
    elif choice == 2:
        info["dtype"] = rng.choice(list(ST_NAMES) + ["F8_E4M3", "C64", "U16", "XX", 5, None, "f32"])
    elif choice == 3:
        del info[rng.choice(["dtype", "shape", "data_offsets"])]
    elif choice == 4:
        info["extra"] = rng.choice([1, "x", [1, 2], None])
    elif choice == 5:
        del header[key]
    elif choice == 6:
        header[key + "_dup"] = dict(info)
    elif choice == 7:
        header["renamed." + key] = header.pop(key)
    elif choice == 8:
        meta["fx.structure"] = rng.choice([
            "", "{", "[]", "3", '{"tensor": 1}', '{"tensor": "nope"}', json.dumps({"list": [{"tensor": key}]}),
            json.dumps({"dict": [[{"tensor": key}, 1]]}), '{"float": "nan"}', '{"tuple": "ab"}',
            '{"list": [' * 300 + "]}" * 300, '{"dict": [[1, 2, 3]]}', "null", '{"a": 1, "b": 2}'])
    elif choice == 9:
        header["__metadata__"] = rng.choice([None, [], "x", {"fx.structure": 5}, {"format": "pt"}])
    elif choice == 10:
        data = data + bytes(rng.randrange(1, 9)) if rng.random() < 0.5 else data[:-1]
    else:
        info["shape"], info["dtype"] = [(e - s) // 2], "I16" if (e - s) % 2 == 0 else "U8"
        info["shape"] = [e - s] if info["dtype"] == "U8" else info["shape"]
    h = json.dumps(header).encode()
    return struct.pack("<Q", len(h)) + h + data


def _byte_mutation(rng, raw):
    (n,) = struct.unpack("<Q", raw[:8])
    b = bytearray(raw)
    choice = rng.randrange(6)
    if choice in (0, 1, 2):  # flip a few bytes: anywhere, in the header, in the data
        lo, hi = [(0, len(b)), (8, 8 + n), (8 + n, len(b))][choice]
        for _ in range(rng.randrange(1, 5)):
            b[rng.randrange(lo, hi)] ^= rng.randrange(1, 256)
    elif choice == 3:
        del b[rng.randrange(len(b)):]
    elif choice == 4:
        b[:8] = struct.pack("<Q", rng.choice([0, 1, n - 1, n + 1, n + 8, n - 8, len(raw), 2**63, 2**64 - 1,
                                              rng.randrange(2**64), 10**8, 99_999_999]))
    else:
        b += bytes(rng.randrange(256) for _ in range(rng.randrange(1, 16)))
    return bytes(b)


def test_bases_load():
    for raw in BASES:
        assert _check_load(raw)


@pytest.mark.parametrize("base", range(len(BASES)))
def test_fuzz_mutations(base):
    import random

    loaded = 0
    for seed in range(200):
        rng = random.Random(1000 * base + seed)
        mutate = _json_mutation if seed % 2 else _byte_mutation
        raw = mutate(rng, BASES[base])
        loaded += _check_load(raw)
    assert 0 < loaded < 200  # both outcomes were exercised


def test_fuzz_bytes_hypothesis():
    hypothesis = pytest.importorskip("hypothesis")
    st = hypothesis.strategies

    @hypothesis.settings(max_examples=150, derandomize=True, deadline=None, database=None)
    @hypothesis.given(base=st.sampled_from(range(len(BASES))),
                      flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(1, 255)), max_size=4),
                      cut=st.one_of(st.none(), st.integers(0, 10**6)))
    def run(base, flips, cut):
        b = bytearray(BASES[base])
        for pos, x in flips:
            b[pos % len(b)] ^= x
        if cut is not None:
            del b[cut % (len(b) + 1):]
        _check_load(bytes(b))

    run()
