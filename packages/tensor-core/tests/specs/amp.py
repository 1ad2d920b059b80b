"""Specs: the autocast state functions (is_autocast_enabled, get/set_autocast_dtype, the cache and nesting
switches) and compile. Every sample leaves the thread's state as it found it; autocast itself (the
casts) is tested against torch in test_autocast.py."""

import warnings

import fx.tensor as ft
from opspec import ErrorCase, OpSpec, Sample, add

ONCE = (ft.float32,)


def _returns(value):
    return lambda *a, **k: value


def _dtype_name(fn):
    return lambda *a: str(fn(*a)).replace("torch.", "fx.tensor.")


def _quiet(fn):
    """Call a deprecated function without its DeprecationWarning (fx's and torch's)."""

    def call(*a):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            return fn(*a)

    return call


def _torch(name):
    return lambda *a: getattr(__import__("torch"), name)(*a)


def _device_errors(*prefix):
    return lambda: [ErrorCase(prefix + (3,), exc=TypeError, match=r"argument 'device_type' \(position 1\) must be str, not int"),
                    ErrorCase(prefix + ("tpu",), match="Expected one of cpu, cuda, .* device string: tpu"),
                    ErrorCase(prefix + ("cuda:x",), match="device string: cuda:x")]


def _double(x):
    return x * 2


add(
    OpSpec("is_autocast_enabled", ref=_returns(False), dtypes=ONCE, differentiable=False,
           samples=lambda dt: [Sample(("cpu",)), Sample(("cuda",)), Sample(("cuda:0",)), Sample(())],
           errors=lambda: _device_errors()() + [ErrorCase(("mps",), match="unsupported autocast device_type 'mps'")]),
    OpSpec("set_autocast_enabled", ref=_returns(None), dtypes=ONCE, differentiable=False,
           samples=lambda dt: [Sample(("cpu", False)), Sample(("cuda", False)), Sample((False,))],
           errors=lambda: [ErrorCase(("cpu", 1), exc=TypeError, match=r"argument 'enabled' \(position 2\) must be bool, not int"),
                           ErrorCase(("cpu",), exc=TypeError, match=r"argument 'enabled' \(position 1\) must be bool, not str"),
                           ErrorCase((3, True), exc=TypeError, match="must be str, not int"),
                           ErrorCase(("tpu", True), match="Expected one of cpu, cuda")]),
    OpSpec("get_autocast_dtype", op=lambda *a: str(ft.get_autocast_dtype(*a)), ref=None, dtypes=ONCE,
           torch_ref=_dtype_name(_torch("get_autocast_dtype")), differentiable=False,
           samples=lambda dt: [Sample(("cpu",)), Sample(("cuda",)), Sample(("cuda:1",))], errors=_device_errors()),
    OpSpec("set_autocast_dtype", ref=_returns(None), dtypes=ONCE, differentiable=False,
           samples=lambda dt: [Sample(("cpu", ft.bfloat16)), Sample(("cuda", ft.float16))],
           errors=lambda: [ErrorCase(("cpu", "bfloat16"), exc=TypeError, match="argument 'dtype' .* not str"),
                           ErrorCase((3, ft.float16), exc=TypeError, match="must be str, not int"),
                           ErrorCase(("tpu", ft.float16), match="Expected one of cpu, cuda")]),
    OpSpec("is_autocast_cache_enabled", ref=_returns(True), dtypes=ONCE, differentiable=False,
           samples=lambda dt: [Sample(())]),
    OpSpec("set_autocast_cache_enabled", ref=_returns(None), dtypes=ONCE, differentiable=False,
           samples=lambda dt: [Sample((True,))],
           errors=lambda: [ErrorCase((1,), exc=TypeError, match=r"enabled must be a bool \(got int\)"),
                           ErrorCase((None,), exc=TypeError, match="must be a bool"),
                           ErrorCase(("yes",), exc=TypeError, match="must be a bool")]),
    OpSpec("clear_autocast_cache", ref=_returns(None), dtypes=ONCE, differentiable=False, samples=lambda dt: [Sample(())]),
    # increment and decrement go in pairs so the nesting depth ends where it began
    OpSpec("autocast_increment_nesting", op=lambda: (ft.autocast_increment_nesting(), ft.autocast_decrement_nesting()),
           ref=_returns((1, 0)), torch_ref=lambda: (__import__("torch").autocast_increment_nesting(),
                                                    __import__("torch").autocast_decrement_nesting()),
           dtypes=ONCE, differentiable=False, samples=lambda dt: [Sample(())]),
    OpSpec("autocast_decrement_nesting", op=lambda: (ft.autocast_decrement_nesting(), ft.autocast_increment_nesting()),
           ref=_returns((-1, 0)), torch_ref=lambda: (__import__("torch").autocast_decrement_nesting(),
                                                     __import__("torch").autocast_increment_nesting()),
           dtypes=ONCE, differentiable=False, samples=lambda dt: [Sample(())]),
    OpSpec("is_autocast_cpu_enabled", op=_quiet(ft.is_autocast_cpu_enabled), ref=_returns(False),
           torch_ref=_quiet(_torch("is_autocast_cpu_enabled")), dtypes=ONCE, differentiable=False,
           samples=lambda dt: [Sample(())]),
    OpSpec("get_autocast_cpu_dtype", op=lambda: str(_quiet(ft.get_autocast_cpu_dtype)()), ref=_returns("fx.tensor.bfloat16"),
           torch_ref=_dtype_name(_quiet(_torch("get_autocast_cpu_dtype"))), dtypes=ONCE, differentiable=False,
           samples=lambda dt: [Sample(())]),
    OpSpec("get_autocast_gpu_dtype", op=lambda: str(_quiet(ft.get_autocast_gpu_dtype)()), ref=_returns("fx.tensor.float16"),
           torch_ref=_dtype_name(_quiet(_torch("get_autocast_gpu_dtype"))), dtypes=ONCE, differentiable=False,
           samples=lambda dt: [Sample(())]),
    # torch.compile wraps its input; fx returns it: no torch oracle for the result, the same errors
    OpSpec("compile", ref=lambda model=None, **kw: model, torch_ref=None, dtypes=ONCE, differentiable=False,
           samples=lambda dt: [Sample((_double,)), Sample((_double,), {"mode": "reduce-overhead"}),
                               Sample((_double,), {"backend": "eager", "dynamic": True, "fullgraph": True}),
                               Sample((_double,), {"options": {"trace.enabled": False}}),
                               Sample((_double,), {"disable": True}), Sample((len,), {"backend": lambda gm, ex: gm})],
           errors=lambda: [ErrorCase((3,), exc=AssertionError, match="A callable function is expected, but <class 'int'>"),
                           ErrorCase((_double,), {"mode": "fast"}, match="Unrecognized mode=fast, should be one of: default"),
                           ErrorCase((_double,), {"mode": "default", "options": {}},
                                     match="Either mode or options can be specified"),
                           ErrorCase((_double,), {"backend": "nonexistent"}, match="Invalid backend: 'nonexistent'"),
                           ErrorCase((_double,), {"options": 3}, exc=TypeError, match="options must be a dict"),
                           ErrorCase((_double,), {"dynamic": "yes"}, exc=AssertionError, match="Expected dynamic to be")]),
)
