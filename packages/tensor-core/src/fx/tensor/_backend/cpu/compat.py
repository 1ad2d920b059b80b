"""CPU kernels of the primitives added for PyTorch programs (_ops/compat_math.py, special.py, compat_reduce.py).

The special functions compute in float64 and round once: i0 is NumPy's, i1 is its power series (an
asymptotic expansion for large |x|), polygamma is (-1)^(n+1) n! zeta(n+1, x) with the Hurwitz zeta
function summed directly up to a shift and finished by the Euler-Maclaurin formula.
"""

from __future__ import annotations

import math

import numpy as np

from ._util import LOW_PRECISION, f32, opmath, register
from .elementwise import _digamma64

_F64 = np.dtype(np.float64)


@register("logaddexp")
@opmath
def logaddexp(a, b, base2):
    return (np.logaddexp2 if base2 else np.logaddexp)(a, b)


@register("logcumsumexp")
@opmath
def logcumsumexp(x, dim):
    if x.ndim == 0:
        return x.copy()
    return np.logaddexp.accumulate(x, axis=dim)


@register("gcd")
def gcd(a, b):
    return np.gcd(a, b)


@register("lcm")
def lcm(a, b):
    return np.lcm(a, b)


@register("heaviside")
def heaviside(x, values):
    # PyTorch: values where x == 0, else (x > 0), so a NaN input gives 0.
    x, values = np.broadcast_arrays(x, values)
    return np.where(x == 0, values, (x > 0).astype(x.dtype))


@register("nextafter")
def nextafter(a, b):
    if a.dtype in LOW_PRECISION and a.dtype != np.float16:
        return _nextafter_bits(a, b)
    return np.nextafter(a, b)


def _nextafter_bits(a, b):
    """nextafter for a float type NumPy has no loop for (bfloat16): step the bit pattern by one."""
    a, b = np.broadcast_arrays(a, b)
    uint = np.dtype(f"uint{8 * a.dtype.itemsize}")
    af, bf = a.astype(np.float32), b.astype(np.float32)
    bits = a.view(uint).astype(np.int64)
    away_from_zero = (bf > af) == (af > 0)
    stepped = np.where(away_from_zero, bits + 1, bits - 1)
    sign = np.int64(1) << (8 * a.dtype.itemsize - 1)
    smallest = np.where(bf < 0, sign | 1, 1)  # from zero: the smallest subnormal toward b
    stepped = np.where(af == 0, smallest, stepped)
    out = stepped.astype(uint).view(a.dtype)
    out = np.where(af == bf, b, out)
    return np.where(np.isnan(af) | np.isnan(bf), np.asarray(np.nan, a.dtype), out)


@register("frexp")
def frexp(x):
    work = x.astype(f32) if x.dtype in LOW_PRECISION else x
    mantissa, exponent = np.frexp(work)
    return mantissa.astype(x.dtype), exponent.astype(np.int32)


# ---- Bessel functions ------------------------------------------------------------------------
@register("i0")
def i0(x):
    return np.i0(x.astype(_F64)).astype(x.dtype)


_I1_SERIES_UP_TO = 30.0


def _i1_64(x):
    ax = np.abs(x)
    small = ax <= _I1_SERIES_UP_TO
    # Power series: sum_k (x/2)^(2k+1) / (k! (k+1)!); terms are positive, so it is accurate.
    half = np.where(small, ax, 0.0) / 2.0
    q = half * half
    term = half.copy()
    total = term.copy()
    k = 0
    while True:
        k += 1
        term = term * q / (k * (k + 1))
        total += term
        if not (term > 1e-17 * total).any():
            break
    # Large |x|: e^x / sqrt(2 pi x) * sum_k (-1)^k prod_j (4 - (2j-1)^2) / (k! (8x)^k), truncated at its
    # smallest term (well below 1e-16 relative for x > 30).
    big = np.where(small, _I1_SERIES_UP_TO + 1.0, ax)
    term_a = np.ones_like(big)
    series = np.ones_like(big)
    for j in range(1, 30):
        term_a = term_a * -(4.0 - (2 * j - 1) ** 2) / (j * 8.0 * big)
        series += term_a
    with np.errstate(over="ignore", invalid="ignore"):
        asym = np.exp(big - 0.5 * np.log(2.0 * np.pi * big)) * series
    asym = np.where(np.isinf(big), np.inf, asym)
    return np.copysign(np.where(small, total, asym), x)


@register("i1")
def i1(x):
    return _i1_64(x.astype(_F64)).astype(x.dtype)


# ---- polygamma -----------------------------------------------------------------------------------
# B_2k / (2k)! for k = 1..12: the Euler-Maclaurin tail of the Hurwitz zeta function.
_BERNOULLI_2K = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510, 43867 / 798,
                 -174611 / 330, 854513 / 138, -236364091 / 2730)
_EM_TERMS = tuple(b / math.factorial(2 * k) for k, b in enumerate(_BERNOULLI_2K, 1))


def hurwitz_zeta(s, q):
    """zeta(s, q) = sum_{i >= 0} (q + i)^-s for an integer s >= 2 (q float64 array; inf at q = 0, -1, ...)."""
    pole = (q <= 0) & (q == np.floor(q))
    q = np.where(pole | ~np.isfinite(q), 1.0, q)
    shift_to = 10.0 + s  # past this the Euler-Maclaurin tail converges fast for every s
    steps = np.maximum(np.ceil(shift_to - q), 0.0)
    total = np.zeros_like(q)
    for i in range(int(steps.max(initial=0.0))):
        total += np.where(i < steps, np.power(q + i, -float(s)), 0.0)
    a = q + steps
    tail = a ** (1.0 - s) / (s - 1) + 0.5 * a ** (-float(s))
    rising = float(s)  # s (s+1) ... (s+2k-2)
    power = a ** (-float(s) - 1.0)
    for k, coef in enumerate(_EM_TERMS, 1):
        tail += coef * rising * power
        rising *= (s + 2 * k - 1) * (s + 2 * k)
        power = power / (a * a)
    return np.where(pole, np.inf, total + tail)


@register("polygamma")
def polygamma(x, n):
    xd = x.astype(_F64)
    if n == 0:
        return _digamma64(xd).astype(x.dtype)
    with np.errstate(over="ignore", invalid="ignore"):
        out = (-1.0) ** (n + 1) * math.factorial(n) * hurwitz_zeta(n + 1, xd)
    # zeta(s, x) -> 0 as x -> inf; -inf gives NaN (as in PyTorch).
    out = np.where(np.isposinf(xd), 0.0, np.where(np.isneginf(xd) | np.isnan(xd), np.nan, out))
    return out.astype(x.dtype)



# ---- markers of in-place view changes (_ops/compat_inplace.py, resize_): the frontend swaps the array ----
def _unchanged(a):
    return a


for _name in ("squeeze_", "unsqueeze_", "t_", "transpose_", "swapdims_", "swapaxes_", "as_strided_", "resize_"):
    register(_name)(_unchanged)
