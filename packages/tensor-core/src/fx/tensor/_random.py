"""Random numbers: `Generator`, seeding, random factories and the in-place samplers.

Every stream is Philox4x32-10 (c_src/fx_random.h): a generator's state is (seed, offset), each
call reads its values from counters offset, offset+1, ... and advances the offset by the number of
counters it used. A value depends only on (seed, counter, element index), so the same seed gives the
same numbers for any thread count (and on every backend); `get_state`/`set_state` restore a stream
exactly. Random primitives fill a tensor in place and are not differentiable.

Example:
    >>> import fx.tensor as ft
    >>> g = ft.Generator().manual_seed(0)
    >>> a = ft.rand(3, generator=g); _ = g.manual_seed(0)
    >>> bool((a == ft.rand(3, generator=g)).all())
    True
"""

from __future__ import annotations


import numpy as np

from . import _dtype, _memory_format
from ._backend import module_for
from ._device import CPU, device as _device
from ._dispatch import define
from ._factory import check_alloc
from ._ops._common import _tname, check_tensor, finish, parse_shape
from ._tensor import Tensor, tensor_method, wrap
from ._generator import (  # noqa: F401  (re-exported)
    Generator, _gen, default_generator, default_generator_for, get_rng_state, initial_seed, manual_seed, seed,
    set_rng_state,
)

__all__ = [
    "Generator", "default_generator", "manual_seed", "seed", "initial_seed", "get_rng_state", "set_rng_state",
    "rand", "randn", "randint", "rand_like", "randn_like", "randint_like", "randperm", "normal", "bernoulli",
    "multinomial", "poisson",
]

_MASK64 = (1 << 64) - 1
_SIGNIFICAND = {"float16": 11, "bfloat16": 8, "float32": 24, "float64": 53}
_FMAX = {d: float(_dtype.finfo(d).max) for d in _dtype.FLOAT_DTYPES}
_CTYPE = {"bool": "bool", "uint8": "unsigned char", "int8": "signed char", "int16": "short", "int32": "int",
          "int64": "long"}

# Each primitive fills input 0 in place; params: seed, offset (the first counter) and its parameters.
P_uniform_ = define("uniform_", inplace=True, differentiable=False)  # low, high
P_normal_ = define("normal_", inplace=True, differentiable=False)  # mean, std
P_normal_tensor_ = define("normal_tensor_", inplace=True, differentiable=False)  # (out, mean, std)
P_random_ = define("random_", inplace=True, differentiable=False)  # low, span (0: 2^64)
P_bernoulli_ = define("bernoulli_", inplace=True, differentiable=False)  # p
P_bernoulli_tensor_ = define("bernoulli_tensor_", inplace=True, differentiable=False)  # (out, p)
P_exponential_ = define("exponential_", inplace=True, differentiable=False)  # lambd
P_geometric_ = define("geometric_", inplace=True, differentiable=False)  # p
P_log_normal_ = define("log_normal_", inplace=True, differentiable=False)  # mean, std
P_cauchy_ = define("cauchy_", inplace=True, differentiable=False)  # median, sigma
P_randperm_ = define("randperm_", inplace=True, differentiable=False)
P_multinomial = define("multinomial", differentiable=False)  # num_samples, replacement
P_poisson = define("poisson", differentiable=False)


# ---- argument checks -------------------------------------------------------------------------
def _number(x, op, name):
    if x.__class__ is float or x.__class__ is int:
        return float(x)
    if isinstance(x, Tensor) and x.numel() == 1:
        x = x.item()
    if isinstance(x, bool) or not isinstance(x, (int, float, np.number)):
        raise TypeError(f"{op}(): argument '{name}' must be a number, not {type(x).__name__}")
    return float(x)


def _integer(x, op, name):
    if isinstance(x, bool) or not isinstance(x, (int, np.integer)):
        raise TypeError(f"{op}(): argument '{name}' must be int, not {type(x).__name__}")
    x = int(x)
    if not -(1 << 63) <= x < 1 << 63:
        raise ValueError(f"{op}(): argument '{name}' = {x} overflows int64")
    return x


def _need_float(dt, op):
    if not dt.is_floating_point:
        raise NotImplementedError(f"{op}: not implemented for '{_tname(dt)}' (it needs a floating point dtype)")


def _words(dt, n):
    """32-bit words one uniform draw per element takes."""
    return 2 * n if dt is _dtype.float64 else n


def _pairs(dt, n):
    """Words a Box-Muller draw of n elements takes (pairs: n rounded up to even)."""
    return _words(dt, n + (n & 1))


def _all_in(t, lo, hi):
    a = t._data
    return bool(((a >= lo) & (a <= hi)).all())


def _finite_nonneg(t):
    a = t._data
    return bool((np.isfinite(a) & (a >= 0)).all())


def _fill(t, prim, generator, op, words, *tensors, **params):
    """Run an in-place random primitive on t with the next counters of the generator."""
    s, o = _gen(generator, t.device, op)._take(words)
    return prim(t, *tensors, seed=s, offset=o, **params)


# ---- in-place samplers -----------------------------------------------------------------------
def _uniform_error(dt, from_, to):
    big = _FMAX[dt]
    for name, v in (("from", from_), ("to", to)):
        if not -big <= v <= big:
            return RuntimeError(f"uniform_: {name} is out of bounds for {dt.name}: {v}")
    if from_ > to:
        return RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={from_:g} > to={to:g}")
    return RuntimeError(f"uniform_ expects to-from <= the largest {dt.name}, but found to={to:g} from={from_:g}")


@tensor_method()
def uniform_(self, from_=0.0, to=1.0, *, generator=None, **kwargs):
    """Fill with values uniform in [from, to)."""
    if kwargs:
        from_ = kwargs.pop("from", from_)
        if kwargs:
            raise TypeError(f"uniform_() got an unexpected keyword argument '{next(iter(kwargs))}'")
    from_ = from_ if from_.__class__ is float else _number(from_, "uniform_", "from")
    to = to if to.__class__ is float else _number(to, "uniform_", "to")
    dt = self.dtype
    big = _FMAX.get(dt)
    if big is None:
        _need_float(dt, "uniform_")
    if not -big <= from_ <= to <= big or to - from_ > big:
        raise _uniform_error(dt, from_, to)
    return _fill(self, P_uniform_, generator, "uniform_", _words(dt, self._data.size), low=from_, high=to)


@tensor_method()
def normal_(self, mean=0.0, std=1.0, *, generator=None):
    """Fill with normal values of the given mean and standard deviation."""
    mean, std = _number(mean, "normal_", "mean"), _number(std, "normal_", "std")
    dt = self.dtype
    if dt not in _FMAX:
        _need_float(dt, "normal_")
    if not std >= 0.0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    return _fill(self, P_normal_, generator, "normal_", _pairs(dt, self._data.size), mean=mean, std=std)


def _int_bounds(dt):
    """(lowest, highest) value random_ may produce for dtype dt."""
    if dt.is_floating_point:
        m = 1 << _SIGNIFICAND[dt.name]
        return -m, m
    if dt is _dtype.bool:
        return 0, 1
    info = np.iinfo(dt.np)
    return int(info.min), int(info.max)


def _random_fill(t, low, high, generator, op):
    """Fill t with integers in [low, high) (high None: up to the dtype's top), checking bounds."""
    lo_ok, hi_ok = _int_bounds(t.dtype)
    if high is None:
        high = hi_ok + 1
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    if not t.dtype.is_floating_point:
        ctype = _CTYPE[t.dtype.name]
        if not lo_ok <= low <= hi_ok:
            raise RuntimeError(f"{op}: from is out of bounds for {ctype} (from={low}, dtype {t.dtype.name})")
        if not lo_ok <= high - 1 <= hi_ok:
            raise RuntimeError(f"{op}: to - 1 is out of bounds for {ctype} (to={high}, dtype {t.dtype.name})")
    span = high - low
    words = t._data.size * (1 if span <= 1 << 32 else 2)
    return _fill(t, P_random_, generator, op, words, low=low, span=span & _MASK64)


@tensor_method()
def random_(self, *args, generator=None, **kwargs):
    """`random_()`, `random_(to)`, `random_(from, to)`: integers uniform in [from, to).

    Without `to` the range runs to the dtype's largest value (2^significand for floats).
    """
    if len(args) > 2:
        raise TypeError(f"random_() takes at most 2 positional arguments ({len(args)} given)")
    if len(args) == 2:
        low, high = args
    elif len(args) == 1 and "to" not in kwargs:
        low, high = 0, args[0]
    else:
        low, high = kwargs.pop("from", args[0] if args else 0), kwargs.pop("to", None)
    low = _integer(low, "random_", "from")
    high = None if high is None else _integer(high, "random_", "to")
    return _random_fill(self, low, high, generator, "random_")


@tensor_method()
def bernoulli_(self, p=0.5, *, generator=None):
    """Fill with 1 with probability p (a number or a tensor broadcastable to self), else 0."""
    _gen(generator, self.device, "bernoulli_")
    if isinstance(p, Tensor):
        _need_float(p.dtype, "bernoulli_")
        try:
            ok = np.broadcast_shapes(p._data.shape, self._data.shape) == self._data.shape
        except ValueError:
            ok = False
        if not ok:
            raise RuntimeError(f"bernoulli_: p of shape {list(p.shape)} does not broadcast to {list(self.shape)}")
        if not _all_in(p, 0, 1):
            raise RuntimeError("bernoulli_: Expected p_in >= 0 && p_in <= 1 (p has elements outside [0, 1])")
        return _fill(self, P_bernoulli_tensor_, generator, "bernoulli_", self._data.size, p.detach())
    p = _number(p, "bernoulli_", "p")
    if not 0.0 <= p <= 1.0:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p:g}")
    return _fill(self, P_bernoulli_, generator, "bernoulli_", self._data.size, p=p)


def _continuous(t, op, dist):
    if not t.dtype.is_floating_point:
        raise RuntimeError(f"{op}: {dist} distribution is a continuous probability distribution. dtype must be a "
                           f"floating point but you specified {_tname(t.dtype)}")


@tensor_method()
def exponential_(self, lambd=1.0, *, generator=None):
    """Fill with exponential values of rate `lambd`."""
    lambd = _number(lambd, "exponential_", "lambd")
    _continuous(self, "exponential_", "Exponential")
    if not lambd > 0.0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd:g}")
    return _fill(self, P_exponential_, generator, "exponential_", _words(self.dtype, self._data.size), lambd=lambd)


@tensor_method()
def geometric_(self, p, *, generator=None):
    """Fill with the number of Bernoulli(p) trials up to and including the first success (>= 1)."""
    p = _number(p, "geometric_", "p")
    if not 0.0 < p < 1.0:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p:g}")
    return _fill(self, P_geometric_, generator, "geometric_", _words(self.dtype, self._data.size), p=p)


@tensor_method()
def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    """Fill with exp(N(mean, std^2)) values."""
    mean, std = _number(mean, "log_normal_", "mean"), _number(std, "log_normal_", "std")
    _need_float(self.dtype, "log_normal_")
    if not std > 0.0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std:g}")
    return _fill(self, P_log_normal_, generator, "log_normal_", _pairs(self.dtype, self._data.size), mean=mean, std=std)


@tensor_method()
def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    """Fill with Cauchy values: median + sigma * tan(pi * (u - 1/2))."""
    median, sigma = _number(median, "cauchy_", "median"), _number(sigma, "cauchy_", "sigma")
    _continuous(self, "cauchy_", "Cauchy")
    if not sigma > 0.0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={sigma:g}")
    words = _words(self.dtype, self._data.size)
    return _fill(self, P_cauchy_, generator, "cauchy_", words, median=median, sigma=sigma)


# ---- factories -------------------------------------------------------------------------------
def _shape(size, op):
    """parse_shape, refusing non-integer sizes like PyTorch (TypeError)."""
    items = size[0] if len(size) == 1 and isinstance(size[0], (tuple, list)) else size
    for s in items if isinstance(items, (tuple, list)) else ():
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)):
            raise TypeError(f"{op}(): argument 'size' must be tuple of ints, but found element of type "
                            f"{type(s).__name__}")
    return parse_shape(size, op)


def _new(shape, dtype, device, op, out=None, default=None):
    if dtype is not None:
        dt = _dtype.to_dtype(dtype)
    else:
        dt = out.dtype if out is not None else default or _dtype.get_default_dtype()
    dev = _device(device) if device is not None else (out.device if out is not None else CPU)
    check_alloc(shape, dt, op)
    return wrap(module_for(dev).empty(shape, dt.np))


def _done(t, requires_grad, out, op):
    t._vc = None  # a fresh tensor starts at version 0, the fill is part of making it
    if requires_grad:
        t.requires_grad_(True)
    return finish(t, out, op) if out is not None else t


def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False):
    """A tensor of values uniform in [0, 1) (default float dtype)."""
    shape = _shape(size, "rand")
    t = _new(shape, dtype, device, "rand", out)
    _need_float(t.dtype, "rand")
    return _done(uniform_(t, generator=generator), requires_grad, out, "rand")


def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False):
    """A tensor of standard normal values (default float dtype)."""
    shape = _shape(size, "randn")
    t = _new(shape, dtype, device, "randn", out)
    _need_float(t.dtype, "randn")
    return _done(normal_(t, generator=generator), requires_grad, out, "randn")


def _like_args(input, dtype, device, op):
    check_tensor(input, op)
    return input._data.shape, input.dtype if dtype is None else dtype, input.device if device is None else device


def rand_like(input, *, generator=None, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    shape, dtype, device = _like_args(input, dtype, device, "rand_like")
    t = rand(shape, generator=generator, dtype=dtype, device=device, requires_grad=requires_grad)
    return _memory_format.layout_like(t, input, memory_format, "rand_like")


def randn_like(input, *, generator=None, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    shape, dtype, device = _like_args(input, dtype, device, "randn_like")
    t = randn(shape, generator=generator, dtype=dtype, device=device, requires_grad=requires_grad)
    return _memory_format.layout_like(t, input, memory_format, "randn_like")


def randint(*args, size=None, low=None, high=None, generator=None, out=None, dtype=None, layout=None, device=None,
            requires_grad=False, pin_memory=False):
    """`randint(high, size)` / `randint(low, high, size)`: integers uniform in [low, high) (int64)."""
    args = list(args)
    if size is None:
        if not args:
            raise TypeError("randint(): missing required argument 'size'")
        size = args.pop()
    if isinstance(size, (int, np.integer)) or not hasattr(size, "__iter__"):
        raise TypeError(f"randint(): argument 'size' must be tuple of ints, not {type(size).__name__}")
    if len(args) > 2:
        raise TypeError(f"randint() takes at most 3 positional arguments ({len(args) + 1} given)")
    if len(args) == 2:
        low, high = args
    elif len(args) == 1:
        low, high = (args[0], high) if high is not None else (low if low is not None else 0, args[0])
    if high is None:
        raise TypeError("randint(): missing required argument 'high'")
    low = _integer(0 if low is None else low, "randint", "low")
    high = _integer(high, "randint", "high")
    shape = _shape((size,), "randint")
    t = _new(shape, dtype, device, "randint", out, default=_dtype.int64)
    if requires_grad and not t.dtype.is_floating_point:
        raise RuntimeError(f"randint: only Tensors of floating point dtype can require gradients, got {t.dtype}")
    return _done(_random_fill(t, low, high, generator, "randint"), requires_grad, out, "randint")


def randint_like(input, low=0, high=None, *, generator=None, dtype=None, layout=None, device=None,
                 requires_grad=False, memory_format=None):
    """`randint_like(input, high)` / `randint_like(input, low, high)`: shaped like input, its dtype."""
    if high is None:
        low, high = 0, low
    shape, dtype, device = _like_args(input, dtype, device, "randint_like")
    t = randint(low, high, shape, generator=generator, dtype=dtype, device=device, requires_grad=requires_grad)
    return _memory_format.layout_like(t, input, memory_format, "randint_like")


def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
             pin_memory=False):
    """A random permutation of 0..n-1 (int64): the order of n random 64-bit keys."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"randperm(): argument 'n' must be int, not {type(n).__name__}")
    n = int(n)
    t = _new(parse_shape((n,), "randperm"), dtype, device, "randperm", out, default=_dtype.int64)
    if t.dtype is _dtype.bool or n - 1 > _int_bounds(t.dtype)[1]:
        raise RuntimeError(f"randperm: n={n} values cannot be converted to type {t.dtype.name} without overflow")
    return _done(_fill(t, P_randperm_, generator, "randperm", 2 * n), requires_grad, out, "randperm")


def normal(mean, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
           requires_grad=False):
    """Normal values; mean and std are numbers (then `size` is required) or tensors (broadcast).

    The tensor forms give no gradient to mean/std (PyTorch's gradient there is zero).
    """
    mt, st = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not mt and not st:
        if size is None:
            raise TypeError("normal(): with a number mean and std, 'size' is required")
        m, sd = _number(mean, "normal", "mean"), _number(std, "normal", "std")
        if not sd >= 0.0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {sd:g}")
        t = _new(_shape((size,), "normal"), dtype, device, "normal", out)
        _need_float(t.dtype, "normal")
        return _done(normal_(t, m, sd, generator=generator), requires_grad, out, "normal")
    if size is not None:
        raise TypeError("normal(): 'size' is only accepted when mean and std are numbers")
    ref = mean if mt else std
    dt = _dtype.promote_types(mean.dtype, std.dtype) if mt and st else ref.dtype
    _need_float(dt, "normal")
    if st:
        if not _all_in(std, 0, np.inf):
            raise RuntimeError("normal expects all elements of std >= 0.0")
    else:
        std = _number(std, "normal", "std")
        if not std >= 0.0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    if not mt:
        mean = _number(mean, "normal", "mean")
    shapes = [x._data.shape for x in (mean, std) if isinstance(x, Tensor)]
    try:
        shape = np.broadcast_shapes(*shapes)
    except ValueError:
        raise RuntimeError(f"normal: mean and std shapes {' and '.join(str(list(s)) for s in shapes)} "
                           "do not broadcast") from None
    t = _new(shape, dt, ref.device, "normal")
    m = mean.detach() if mt else wrap(np.asarray(mean, dt.np))
    sd = std.detach() if st else wrap(np.asarray(std, dt.np))
    _fill(t, P_normal_tensor_, generator, "normal", _pairs(dt, t._data.size), m.to(t.device), sd.to(t.device))
    return _done(t, requires_grad, out, "normal")


@tensor_method()
def bernoulli(input, p=None, *, generator=None, out=None):
    """0/1 draws: with probabilities `input`, or (with p) each 1 with probability p; input's dtype."""
    check_tensor(input, "bernoulli")
    if p is None:
        if not input.dtype.is_floating_point:
            raise NotImplementedError(f"bernoulli: not implemented for '{_tname(input.dtype)}' probabilities "
                                      "(they need a floating point dtype)")
        p = input
    t = _new(input._data.shape, input.dtype, input.device, "bernoulli")
    return _done(bernoulli_(t, p, generator=generator), False, out, "bernoulli")


@tensor_method()
def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """Category indices drawn from the (unnormalised) probability rows of a 1-d or 2-d input."""
    check_tensor(input, "multinomial")
    if input.ndim not in (1, 2):
        raise RuntimeError(f"multinomial: prob_dist must be 1 or 2 dim, got {input.ndim} dims")
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: {_tname(input.dtype)}")
    num_samples = _integer(num_samples, "multinomial", "num_samples")
    if num_samples <= 0:
        raise RuntimeError(f"multinomial: cannot sample n_sample <= 0 samples (got {num_samples})")
    k = input._data.shape[-1]
    if not replacement and num_samples > k:
        raise RuntimeError(f"multinomial: cannot sample n_sample > prob_dist.size(-1) samples without replacement "
                           f"({num_samples} > {k})")
    if k > 1 << 24:
        raise RuntimeError(f"multinomial: number of categories cannot exceed 2^24 (got {k})")
    rows = input._data.shape[0] if input.ndim == 2 else 1
    if input.numel():
        if not _finite_nonneg(input):
            raise RuntimeError("multinomial: probability tensor contains either `inf`, `nan` or element < 0")
        if not bool((input._data.astype(np.float64).sum(axis=-1) > 0).all()):
            raise RuntimeError("multinomial: invalid multinomial distribution (sum of probabilities <= 0)")
    words = 2 * rows * (num_samples if replacement else k)
    s, o = _gen(generator, input.device, "multinomial")._take(words)
    result = P_multinomial(input.detach(), seed=s, offset=o, num_samples=num_samples, replacement=bool(replacement))
    return finish(result, out, "multinomial")


def poisson(input, generator=None):
    """Poisson counts with the rates in `input` (same dtype)."""
    check_tensor(input, "poisson")
    _need_float(input.dtype, "poisson")
    if input.numel() and not _all_in(input, 0, np.inf):
        raise RuntimeError("poisson: invalid Poisson rate, expected rate to be non-negative")
    s, o = _gen(generator, input.device, "poisson")._take(4 * input.numel())
    return P_poisson(input.detach(), seed=s, offset=o)

