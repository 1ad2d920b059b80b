"""Elementwise ops: activations on 1e7 float32 (ns per element), add/mul on 1e7 float32, and the
per-op overhead of `a + b` on 8 elements (microseconds).

Usage: python benchmarks/bench_elementwise.py [--no-busy] [--quick]
"""

from __future__ import annotations

import math

from harness import Case, ft, machine_info, np, parse_args, run_cases, torch

N = 10_000_000


def _erf_np():
    try:
        from scipy.special import erf
    except ImportError:
        return None
    return erf


def cases(repeat):
    rng = np.random.default_rng(0)
    xn = rng.standard_normal(N, dtype=np.float32) * 3
    yn = rng.standard_normal(N, dtype=np.float32)
    xf, yf = ft.from_numpy(xn), ft.from_numpy(yn)
    xt, yt = (torch.from_numpy(xn), torch.from_numpy(yn)) if torch else (None, None)
    F = torch.nn.functional if torch else None
    erf = _erf_np()
    k = math.sqrt(2 / math.pi)
    per_el = 1e9 / N

    def t(fn):
        return (lambda: fn(xt)) if torch else None

    out = [
        Case("exp 1e7 f32", lambda: ft.exp(xf), t(torch.exp) if torch else None, lambda: np.exp(xn)),
        Case("tanh 1e7 f32", lambda: ft.tanh(xf), t(torch.tanh) if torch else None, lambda: np.tanh(xn)),
        Case("sigmoid 1e7 f32", lambda: ft.sigmoid(xf), t(torch.sigmoid) if torch else None,
             lambda: 1 / (1 + np.exp(-xn))),
        Case("gelu 1e7 f32", lambda: ft.gelu(xf), t(F.gelu) if torch else None,
             (lambda: 0.5 * xn * (1 + erf(xn * np.float32(1 / math.sqrt(2))))) if erf else None),
        Case("gelu tanh 1e7 f32", lambda: ft.gelu(xf, approximate="tanh"),
             (lambda: F.gelu(xt, approximate="tanh")) if torch else None,
             lambda: 0.5 * xn * (1 + np.tanh(np.float32(k) * (xn + np.float32(0.044715) * xn * xn * xn)))),
        Case("silu 1e7 f32", lambda: ft.silu(xf), t(F.silu) if torch else None, lambda: xn / (1 + np.exp(-xn))),
        Case("add 1e7 f32", lambda: xf + yf, (lambda: xt + yt) if torch else None, lambda: xn + yn),
        Case("mul 1e7 f32", lambda: xf * yf, (lambda: xt * yt) if torch else None, lambda: xn * yn),
    ]
    for c in out:
        c.scale, c.unit, c.repeat = per_el, "ns/element", repeat
    sn, sm = np.ones(8, np.float32), np.full(8, 2.0, np.float32)
    sf, sg = ft.from_numpy(sn), ft.from_numpy(sm)
    st, su = (torch.from_numpy(sn), torch.from_numpy(sm)) if torch else (None, None)
    out.append(Case("a + b, 8 f32", lambda: sf + sg, (lambda: st + su) if torch else None, lambda: sn + sm,
                    scale=1e6, unit="us", repeat=repeat, min_round=2e-3))
    return out


def main():
    args = parse_args(__doc__)
    print(f"_{machine_info()}_\n")
    run_cases(cases(7 if args.quick else 21), "Elementwise", with_busy=not args.no_busy)


if __name__ == "__main__":
    main()
