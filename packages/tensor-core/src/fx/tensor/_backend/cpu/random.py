"""CPU kernels of the random primitives: Philox4x32-10 streams and the samplers built on them.

The stream layout is c_src/fx_random.h's: block j of (seed, subseq, offset) is Philox4x32-10 of
the counter (offset + j, subseq) under the key seed; element i of a sampler reads words
[i*w, i*w + w) (w = 2 for float64 and 64-bit integers, else 1). The C library computes it with
OpenMP; `philox_words` here is the same function in NumPy (bit-identical), used when the library
is missing and as the tests' reference. The generator offset each call consumes is the
frontend's business (fx/tensor/_random.py).
"""

from __future__ import annotations

import math

import ml_dtypes
import numpy as np

from ._util import register

try:
    from ... import _C
except ImportError:  # a source checkout without the built library still works, slower
    _C = None

_M0, _M1 = np.uint64(0xD2511F53), np.uint64(0xCD9E8D57)
_W0, _W1 = 0x9E3779B9, 0xBB67AE85
_LO32 = np.uint64(0xFFFFFFFF)
_S32, _S11, _S8 = np.uint64(32), np.uint64(11), np.uint32(8)
_F32, _F64, _I64, _U64 = np.dtype(np.float32), np.dtype(np.float64), np.dtype(np.int64), np.dtype(np.uint64)
# Bits of a uniform draw per dtype: its significand, so u * 2^-bits is exact and below 1.
_LOW_BITS = {np.dtype(np.float16): 11, np.dtype(ml_dtypes.bfloat16): 8}


# ---- the Philox stream ------------------------------------------------------------------------
def philox_np(c0, c1, c2, c3, k0, k1):
    """Philox4x32-10 of counters given as uint64 arrays holding 32-bit words; returns 4 arrays."""
    k0, k1 = int(k0), int(k1)
    for _ in range(10):
        p0 = _M0 * c0
        p1 = _M1 * c2
        c0, c1, c2, c3 = (p1 >> _S32) ^ c1 ^ np.uint64(k0), p1 & _LO32, (p0 >> _S32) ^ c3 ^ np.uint64(k1), p0 & _LO32
        k0 = (k0 + _W0) & 0xFFFFFFFF
        k1 = (k1 + _W1) & 0xFFFFFFFF
    return c0, c1, c2, c3


def philox_block(ctr, key):
    """One block: 4 counter words and 2 key words in, 4 words out (Random123's philox4x32-10)."""
    if _C is not None:
        out = _C.ffi.new("uint32_t[4]")
        _C.lib.fx_philox4x32_10(_C.ffi.new("uint32_t[4]", list(ctr)), _C.ffi.new("uint32_t[2]", list(key)), out)
        return list(out)
    words = philox_np(*(np.array([c], np.uint64) for c in ctr), *key)
    return [int(w[0]) for w in words]


def philox_words_np(seed, subseq, offset, n, blocks=None):
    """The first n words of the stream (or, with `blocks`, all words of those block indices)."""
    if blocks is None:
        blocks = np.arange((n + 3) // 4, dtype=np.uint64)
    ctr = blocks + np.uint64(offset)  # wraps mod 2^64 like the C counter
    sub = np.full(ctr.shape, subseq & 0xFFFFFFFF, np.uint64)
    sub_hi = np.full(ctr.shape, subseq >> 32, np.uint64)
    words = philox_np(ctr & _LO32, ctr >> _S32, sub, sub_hi, seed & 0xFFFFFFFF, seed >> 32)
    out = np.stack(words, axis=-1).astype(np.uint32).reshape(-1)
    return out if n is None else out[:n]


def philox_words(seed, subseq, offset, n):
    """The first n uint32 words of the stream at (seed, subseq, offset)."""
    if _C is None:
        return philox_words_np(seed, subseq, offset, n)
    out = np.empty(n, np.uint32)
    _C.lib.fx_philox_u32(seed, subseq, offset, _C.ffi.from_buffer("uint32_t[]", out), n)
    return out


def _u64(words):
    return words.view(np.uint64) if words.flags.c_contiguous else np.ascontiguousarray(words).view(np.uint64)


# ---- flat samplers: n values from (seed, offset), one meaning on every path --------------------
def _c_into(out):
    """The C library's (lib, ffi) when it can write `out` (contiguous, writable) directly, else None."""
    if _C is not None and out.flags.c_contiguous and out.flags.writeable:
        return _C.lib, _C.ffi
    return None


def uniform(n, dtype, seed, offset, low=0.0, high=1.0):
    """n values low + u * (high - low), u uniform in [0, 1) with `dtype`'s significand bits."""
    dtype = np.dtype(dtype)
    scale = high - low
    if dtype in _LOW_BITS:  # computed in float32 from as many bits as the dtype holds: never rounds to 1
        bits = _LOW_BITS[dtype]
        u = (philox_words(seed, 0, offset, n) >> np.uint32(32 - bits)).astype(_F32) * np.float32(2.0**-bits)
        return (u * np.float32(scale) + np.float32(low)).astype(dtype)
    wide = dtype == _F64
    buf = np.empty(n, _F64 if wide else _F32)
    if _C is not None:
        fill = _C.lib.fx_uniform_f64 if wide else _C.lib.fx_uniform_f32
        fill(seed, 0, offset, _C.ffi.from_buffer("double[]" if wide else "float[]", buf), n, low, scale)
    elif wide:
        u = (_u64(philox_words_np(seed, 0, offset, 2 * n)) >> _S11).astype(_F64) * 2.0**-53
        buf[...] = u * scale + low
    else:
        u = (philox_words_np(seed, 0, offset, n) >> _S8).astype(_F32) * np.float32(2.0**-24)
        buf[...] = u * np.float32(scale) + np.float32(low)
    return buf


def normal(n, dtype, seed, offset, mean=0.0, std=1.0):
    """n values z * std + mean, z standard normal (Box-Muller; float16/bfloat16 via float32)."""
    dtype = np.dtype(dtype)
    wide = dtype == _F64
    buf = np.empty(n, _F64 if wide else _F32)
    if _C is not None:
        fill = _C.lib.fx_normal_f64 if wide else _C.lib.fx_normal_f32
        fill(seed, 0, offset, _C.ffi.from_buffer("double[]" if wide else "float[]", buf), n, mean, std)
    elif wide:
        u = (_u64(philox_words_np(seed, 0, offset, 2 * (n + (n & 1)))) >> _S11).astype(_F64) * 2.0**-53
        r = np.sqrt(-2.0 * np.log(u[0::2] + 2.0**-53))
        t = 6.283185307179586 * u[1::2]
        buf[...] = np.stack([r * np.cos(t), r * np.sin(t)], axis=-1).reshape(-1)[:n] * std + mean
    else:
        w = philox_words_np(seed, 0, offset, n + (n & 1))
        r = np.sqrt(np.float32(-2.0) * np.log(((w[0::2] >> _S8) + np.uint32(1)).astype(_F32) * np.float32(2.0**-24)))
        t = np.float32(6.2831855) * ((w[1::2] >> _S8).astype(_F32) * np.float32(2.0**-24))
        z = np.stack([r * np.cos(t), r * np.sin(t)], axis=-1).reshape(-1)[:n]
        buf[...] = z * np.float32(std) + np.float32(mean)
    return buf if wide or dtype == _F32 else buf.astype(dtype)


def randint(n, seed, offset, low, span):
    """n int64 values low + (r mod span) (span 0 means 2^64); r is 32 bits when span <= 2^32."""
    buf = np.empty(n, _I64)
    if _C is not None:
        _C.lib.fx_randint_i64(seed, 0, offset, _C.ffi.from_buffer("int64_t[]", buf), n, low, span)
        return buf
    if 0 < span <= 1 << 32:
        r = philox_words_np(seed, 0, offset, n).astype(_U64) % np.uint64(span)
    else:
        r = _u64(philox_words_np(seed, 0, offset, 2 * n))
        r = r % np.uint64(span) if span else r
    buf[...] = (r + np.uint64(low & 0xFFFFFFFFFFFFFFFF)).view(_I64)
    return buf


def _write(out, flat):
    """Store flat values (C order) into out, casting."""
    if out.ndim == 0:
        out[()] = flat[0]
    else:
        np.copyto(out, flat.reshape(out.shape), casting="unsafe")
    return out


def _compute_dtype(dt):
    return _F64 if dt == _F64 else _F32


# ---- kernels -------------------------------------------------------------------------------
@register("uniform_")
def uniform_(out, seed, offset, low, high):
    c = _c_into(out)
    if c is not None and out.dtype == _F32:
        c[0].fx_uniform_f32(seed, 0, offset, c[1].from_buffer("float[]", out), out.size, low, high - low)
        return out
    if c is not None and out.dtype == _F64:
        c[0].fx_uniform_f64(seed, 0, offset, c[1].from_buffer("double[]", out), out.size, low, high - low)
        return out
    return _write(out, uniform(out.size, out.dtype, seed, offset, low, high))


@register("normal_")
def normal_(out, seed, offset, mean, std):
    c = _c_into(out)
    if c is not None and out.dtype == _F32:
        c[0].fx_normal_f32(seed, 0, offset, c[1].from_buffer("float[]", out), out.size, mean, std)
        return out
    if c is not None and out.dtype == _F64:
        c[0].fx_normal_f64(seed, 0, offset, c[1].from_buffer("double[]", out), out.size, mean, std)
        return out
    return _write(out, normal(out.size, out.dtype, seed, offset, mean, std))


@register("normal_tensor_")
def normal_tensor_(out, mean, std, seed, offset):
    z = normal(out.size, _compute_dtype(out.dtype), seed, offset).reshape(out.shape)
    cd = z.dtype
    return _write(out, (z * std.astype(cd, copy=False) + mean.astype(cd, copy=False)).reshape(-1))


@register("random_")
def random_(out, seed, offset, low, span):
    c = _c_into(out)
    if c is not None and out.dtype == _I64:
        c[0].fx_randint_i64(seed, 0, offset, c[1].from_buffer("int64_t[]", out), out.size, low, span)
        return out
    return _write(out, randint(out.size, seed, offset, low, span))


@register("bernoulli_")
def bernoulli_(out, seed, offset, p):
    u = uniform(out.size, _F32, seed, offset)
    return _write(out, u < p)


@register("bernoulli_tensor_")
def bernoulli_tensor_(out, p, seed, offset):
    u = uniform(out.size, _F32, seed, offset).reshape(out.shape)
    if p.dtype != _F64:
        p = p.astype(_F32, copy=False)
    return _write(out, (u < p).reshape(-1))


def _open_uniform(out, seed, offset):
    """u in (0, 1] in the compute dtype of `out` (1 - a [0, 1) draw, exact)."""
    cd = _compute_dtype(out.dtype)
    return cd.type(1) - uniform(out.size, cd, seed, offset)


@register("exponential_")
def exponential_(out, seed, offset, lambd):
    u = _open_uniform(out, seed, offset)
    return _write(out, -np.log(u) / u.dtype.type(lambd))


@register("geometric_")
def geometric_(out, seed, offset, p):
    u = _open_uniform(out, seed, offset).astype(_F64)
    return _write(out, np.maximum(np.ceil(np.log(u) / math.log1p(-p)), 1.0))


@register("log_normal_")
def log_normal_(out, seed, offset, mean, std):
    return _write(out, np.exp(normal(out.size, _compute_dtype(out.dtype), seed, offset, mean, std)))


@register("cauchy_")
def cauchy_(out, seed, offset, median, sigma):
    u = uniform(out.size, _compute_dtype(out.dtype), seed, offset)
    cd = u.dtype.type
    return _write(out, cd(median) + cd(sigma) * np.tan(cd(math.pi) * (u - cd(0.5))))


@register("randperm_")
def randperm_(out, seed, offset):
    keys = _u64(philox_words(seed, 0, offset, 2 * out.size))
    return _write(out, np.argsort(keys, kind="stable"))


@register("multinomial")
def multinomial(probs, seed, offset, num_samples, replacement):
    p = np.atleast_2d(probs).astype(_F64)
    rows, k = p.shape
    if replacement:
        cdf = np.cumsum(p, axis=1)
        cdf /= cdf[:, -1:]  # the last entry is exactly 1, so u < 1 never runs past the end
        u = uniform(rows * num_samples, _F64, seed, offset).reshape(rows, num_samples)
        out = np.empty((rows, num_samples), _I64)
        per_row = num_samples * k
        if rows > 8 and per_row <= 1 << 16:  # many small rows: count cdf <= u, a block of rows at a time
            step = (1 << 22) // per_row
            for r in range(0, rows, step):
                out[r:r + step] = (u[r:r + step, :, None] >= cdf[r:r + step, None, :]).sum(-1)
        else:
            for r in range(rows):
                out[r] = np.searchsorted(cdf[r], u[r], side="right")
    else:
        # Exponential race: category i wins at time E_i / p_i; the first num_samples arrivals are a
        # draw without replacement. Zero-probability categories arrive last, in index order.
        e = -np.log(1.0 - uniform(rows * k, _F64, seed, offset).reshape(rows, k))
        with np.errstate(divide="ignore", invalid="ignore"):
            keys = np.where(p > 0, e / p, np.inf)
        out = np.argsort(keys, axis=1, kind="stable")[:, :num_samples]
    return out if probs.ndim == 2 else out[0]


# ---- Poisson ---------------------------------------------------------------------------------
_LOG_FACT = np.array([math.lgamma(k + 1.0) for k in range(10)])


def _log_factorial(k):
    """log(k!) for non-negative float k: a table below 10, Stirling's series above (error < 1e-12)."""
    small = k < 10
    kk = np.where(small, 10.0, k)
    inv = 1.0 / kk
    stirling = ((kk + 0.5) * np.log(kk) - kk + 0.9189385332046727
                + inv * (1 / 12 - inv * inv * (1 / 360 - inv * inv / 1260)))
    return np.where(small, _LOG_FACT[np.clip(k, 0, 9).astype(np.int64)], stirling)


def _words_at(seed, subseq, offset, idx):
    """The 4 words of block `offset + i` of stream `subseq` for each i in idx, as (len(idx), 4)."""
    return philox_words_np(seed, subseq, offset, None, blocks=idx.astype(np.uint64)).reshape(-1, 4)


def _u53(w, a):
    return ((w[:, a].astype(_U64) | (w[:, a + 1].astype(_U64) << _S32)) >> _S11).astype(_F64) * 2.0**-53


@register("poisson")
def poisson(rates, seed, offset):
    lam = rates.astype(_F64).reshape(-1)
    n = lam.size
    out = np.zeros(n, _F64)
    w0 = philox_words(seed, 0, offset, 4 * n).reshape(n, 4) if n else np.zeros((0, 4), np.uint32)
    # Inversion (sequential search of the CDF) for small rates: one uniform per element.
    small = np.flatnonzero((lam > 0) & (lam < 10))
    if small.size:
        lm, u = lam[small], _u53(w0[small], 0)
        pk = np.exp(-lm)
        cdf = pk.copy()
        k = np.zeros(small.size)
        active = u > cdf
        for step in range(1, 200):  # P(X >= 200 | lambda < 10) is far below 2^-53
            if not active.any():
                break
            pk = pk * lm / step
            cdf += pk
            k += active
            active &= u > cdf
        out[small] = k
    # PTRS (Hormann 1993) for large rates: round r draws (u, v) from stream subseq r.
    big = np.flatnonzero((lam >= 10) & np.isfinite(lam))
    w, rnd = w0[big], 0
    while big.size:
        lm = lam[big]
        slam, loglam = np.sqrt(lm), np.log(lm)
        b = 0.931 + 2.53 * slam
        a = -0.059 + 0.02483 * b
        inv_alpha = 1.1239 + 1.1328 / (b - 3.4)
        vr = 0.9277 - 3.6224 / (b - 2)
        uu, v = _u53(w, 0) - 0.5, _u53(w, 2)
        us = 0.5 - np.abs(uu)
        k = np.floor((2 * a / us + b) * uu + lm + 0.43)
        quick = (us >= 0.07) & (v <= vr)
        with np.errstate(divide="ignore", invalid="ignore"):
            slow = ((k >= 0) & ~((us < 0.013) & (v > us))
                    & (np.log(v) + np.log(inv_alpha) - np.log(a / (us * us) + b)
                       <= -lm + k * loglam - _log_factorial(np.maximum(k, 0))))
        done = quick | slow
        out[big[done]] = k[done]
        big = big[~done]
        rnd += 1
        w = _words_at(seed, rnd, offset, big)
    out[np.isinf(lam)] = np.inf
    return out.reshape(rates.shape).astype(rates.dtype)
