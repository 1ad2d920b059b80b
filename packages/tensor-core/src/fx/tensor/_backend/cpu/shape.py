"""CPU kernels of the shape primitives: cat, flip, roll, tril/triu, diag_embed, pad, pad_backward,
repeat_interleave (the index form). Each returns a new C-contiguous array."""

from __future__ import annotations

import numpy as np

from ._util import opmath, register

@register("cat")
def cat(*arrays, dim):
    # NumPy keeps Fortran order for Fortran inputs; torch.cat's result is contiguous.
    shape = list(arrays[0].shape)
    shape[dim] = sum(a.shape[dim] for a in arrays)
    return np.concatenate(arrays, axis=dim, out=np.empty(shape, arrays[0].dtype))


@register("flip")
def flip(x, dims):
    # np.flip is a negative-stride view: copy, since torch.flip returns new storage.
    return np.flip(x, axis=dims).copy()


@register("roll")
def roll(x, shifts, dims):
    total = {}
    for s, d in zip(shifts, dims):
        total[d] = total.get(d, 0) + s
    out = x
    for d, s in total.items():
        n = x.shape[d]
        s = s % n if n else 0
        if s:
            # Two block copies per rolled dim (np.roll does the same with more overhead).
            src, out = out, np.empty(x.shape, x.dtype)
            lead = (slice(None),) * d
            out[lead + (slice(s, None),)] = src[lead + (slice(None, n - s),)]
            out[lead + (slice(None, s),)] = src[lead + (slice(n - s, None),)]
    return out if out is not x else x.copy()


@register("tril")
def tril(x, diagonal):
    return np.ascontiguousarray(np.tril(x, diagonal))


@register("triu")
def triu(x, diagonal):
    return np.ascontiguousarray(np.triu(x, diagonal))


@register("diag_embed")
def diag_embed(x, offset, dim1, dim2):
    n = x.shape[-1]
    m = n + abs(offset)
    shape = list(x.shape[:-1])
    for d in sorted((dim1, dim2)):
        shape.insert(d, m)
    out = np.zeros(shape, dtype=x.dtype)
    planes = np.moveaxis(out, (dim1, dim2), (-2, -1))
    i = np.arange(n)
    planes[..., i + max(-offset, 0), i + max(offset, 0)] = x
    return out


@register("repeat_interleave")
def repeat_interleave(repeats, output_size):
    if repeats.size and repeats.min() < 0:
        raise ValueError("repeats can not be negative")
    index = np.repeat(np.arange(repeats.size, dtype=repeats.dtype), repeats.reshape(-1))
    if output_size is not None and index.size != output_size:
        raise ValueError(f"allocated size does not match required size ({output_size} vs {index.size})")
    return index


def _widths(pads, ndim):
    """torch's pad tuple (last dim first, (left, right) pairs) as one (left, right) per dim."""
    widths = [(0, 0)] * ndim
    for i in range(len(pads) // 2):
        widths[ndim - 1 - i] = (pads[2 * i], pads[2 * i + 1])
    return widths


def _crop(widths):
    return tuple(slice(max(-l, 0), r if r < 0 else None) for l, r in widths)


@register("pad")
def pad(x, pads, mode, value):
    widths = _widths(pads, x.ndim)
    # Negative padding crops first (every mode), then the positive part pads the cropped input.
    if any(l < 0 or r < 0 for l, r in widths):
        x = x[_crop(widths)]
    grow = [(max(l, 0), max(r, 0)) for l, r in widths]
    shape = tuple(n + l + r for n, (l, r) in zip(x.shape, grow))
    out = np.full(shape, value, dtype=x.dtype) if mode == "constant" else np.empty(shape, dtype=x.dtype)
    out[tuple(slice(l, l + n) for n, (l, _) in zip(x.shape, grow))] = x
    if mode != "constant":
        # Dim by dim, each border is copied from the already complete interior along that dim,
        # so corners come out right (np.pad's scheme, without its Fortran-order results).
        for d, (l, r) in enumerate(grow):
            if l or r:
                _fill_border(np.moveaxis(out, d, -1), l, r, x.shape[d], mode)
    return out


def _fill_border(o, left, right, n, mode):
    end = left + n
    if mode == "reflect":
        o[..., :left] = o[..., left + 1:2 * left + 1][..., ::-1]
        o[..., end:] = o[..., end - 1 - right:end - 1][..., ::-1]
    elif mode == "replicate":
        o[..., :left] = o[..., left:left + 1]
        o[..., end:] = o[..., end - 1:end]
    else:
        o[..., :left] = o[..., n:n + left]
        o[..., end:] = o[..., left:left + right]


def _fold(g, d, left, right, mode):
    """Sum the padded border of `g` along dim d back onto the elements it was copied from."""
    g = np.moveaxis(g, d, -1)
    n = g.shape[-1] - left - right
    out = g[..., left:left + n].copy()
    lo, hi = g[..., :left], g[..., left + n:]
    if mode == "constant":
        pass
    elif mode == "reflect":
        out[..., 1:left + 1] += lo[..., ::-1]
        out[..., n - 1 - right:n - 1] += hi[..., ::-1]
    elif mode == "replicate":
        out[..., :1] += lo.sum(axis=-1, keepdims=True, dtype=out.dtype)
        out[..., n - 1:] += hi.sum(axis=-1, keepdims=True, dtype=out.dtype)
    else:
        out[..., n - left:] += lo
        out[..., :right] += hi
    return np.moveaxis(out, -1, d)


@register("pad_backward")
@opmath
def pad_backward(g, pads, mode):
    widths = _widths(pads, g.ndim)
    for d, (l, r) in enumerate(widths):
        if l > 0 or r > 0:
            g = _fold(g, d, max(l, 0), max(r, 0), mode)
    if any(l < 0 or r < 0 for l, r in widths):
        full = np.zeros(tuple(n - min(l, 0) - min(r, 0) for n, (l, r) in zip(g.shape, widths)), dtype=g.dtype)
        full[_crop(widths)] = g
        return full
    return np.ascontiguousarray(g)
