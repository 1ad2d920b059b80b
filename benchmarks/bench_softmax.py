"""softmax / log_softmax over the last dim of a (4096, 1024) float32 tensor, and sum / max over the
same dim (milliseconds).

Usage: python benchmarks/bench_softmax.py [--no-busy] [--quick]
"""

from __future__ import annotations

from harness import Case, ft, machine_info, np, parse_args, run_cases, torch

SHAPE = (4096, 1024)


def _np_softmax(x, log):
    s = x - x.max(-1, keepdims=True)
    e = np.exp(s)
    t = e.sum(-1, keepdims=True)
    return s - np.log(t) if log else e / t


def cases(repeat):
    xn = np.random.default_rng(0).standard_normal(SHAPE, dtype=np.float32) * 3
    xf = ft.from_numpy(xn)
    xt = torch.from_numpy(xn) if torch else None

    def tc(fn):
        return (lambda: fn(xt)) if torch else None

    out = [
        Case("softmax (4096, 1024) dim=-1", lambda: ft.softmax(xf, -1),
             tc(lambda a: torch.softmax(a, -1)), lambda: _np_softmax(xn, False)),
        Case("log_softmax (4096, 1024) dim=-1", lambda: ft.log_softmax(xf, -1),
             tc(lambda a: torch.log_softmax(a, -1)), lambda: _np_softmax(xn, True)),
        Case("sum (4096, 1024) dim=-1", lambda: xf.sum(-1), tc(lambda a: a.sum(-1)), lambda: xn.sum(-1)),
        Case("max (4096, 1024) dim=-1 (values, indices)", lambda: xf.max(-1), tc(lambda a: a.max(-1)),
             lambda: (xn.max(-1), xn.argmax(-1))),
        Case("amax (4096, 1024) dim=-1", lambda: xf.amax(-1), tc(lambda a: a.amax(-1)), lambda: xn.max(-1)),
    ]
    for c in out:
        c.repeat = repeat
    return out


def main():
    args = parse_args(__doc__)
    print(f"_{machine_info()}_\n")
    run_cases(cases(9 if args.quick else 31), "Softmax and last-dim reductions", with_busy=not args.no_busy)


if __name__ == "__main__":
    main()
