"""fx.autograd overhead and an MLP training step, against PyTorch (and NumPy with manual backprop).

Usage: python benchmarks/bench_autograd.py [--no-busy] [--quick]
"""

from __future__ import annotations

from harness import Case, ft, machine_info, np, parse_args, run_cases, torch

import fx.autograd  # noqa: F401,E402  (installs the recorder)


def tiny_cases(repeat):
    a = ft.ones(8, requires_grad=True)
    b = ft.ones(8)
    ta = torch.ones(8, requires_grad=True) if torch else None
    tb = torch.ones(8) if torch else None

    def fx_three():
        ((a * b).exp() + a).sum().backward()

    def torch_three():
        ((ta * tb).exp() + ta).sum().backward()

    return [
        Case("a + b, 8 f32, a requires grad (forward only)", lambda: a + b, (lambda: ta + tb) if torch else None,
             scale=1e6, unit="us", repeat=repeat, min_round=0.02),
        Case("3-op expression fwd+bwd, 8 f32", fx_three, torch_three if torch else None, scale=1e6, unit="us",
             repeat=repeat, min_round=0.02),
    ]


def _mlp_params(rng, sizes):
    ws = [(rng.standard_normal((i, o)) / np.sqrt(i)).astype(np.float32) for i, o in zip(sizes[:-1], sizes[1:])]
    bs = [np.zeros(o, np.float32) for o in sizes[1:]]
    return ws, bs


def mlp_cases(repeat):
    sizes = (64, 256, 256, 10)
    rng = np.random.default_rng(0)
    ws, bs = _mlp_params(rng, sizes)
    x = rng.standard_normal((64, 64)).astype(np.float32)
    y = rng.integers(0, 10, 64)
    onehot = np.eye(10, dtype=np.float32)[y]

    fw = [ft.from_numpy(w.copy()).requires_grad_() for w in ws]
    fb = [ft.from_numpy(b.copy()).requires_grad_() for b in bs]
    fx_x, fx_t = ft.from_numpy(x), ft.from_numpy(onehot)

    def fx_step():
        h = fx_x
        for i, (w, b) in enumerate(zip(fw, fb)):
            h = h @ w + b
            if i < len(fw) - 1:
                h = h.relu()
        loss = -(ft.log_softmax(h, -1) * fx_t).sum() / 64
        loss.backward()
        for p in fw + fb:
            p.grad = None

    torch_step = None
    if torch:
        tw = [torch.from_numpy(w.copy()).requires_grad_() for w in ws]
        tbs = [torch.from_numpy(b.copy()).requires_grad_() for b in bs]
        tx, tt = torch.from_numpy(x), torch.from_numpy(onehot)

        def torch_step():
            h = tx
            for i, (w, b) in enumerate(zip(tw, tbs)):
                h = h @ w + b
                if i < len(tw) - 1:
                    h = h.relu()
            loss = -(torch.log_softmax(h, -1) * tt).sum() / 64
            loss.backward()
            for p in tw + tbs:
                p.grad = None

    def numpy_step():
        hs = [x]
        for i, (w, b) in enumerate(zip(ws, bs)):
            z = hs[-1] @ w + b
            hs.append(np.maximum(z, 0) if i < len(ws) - 1 else z)
        z = hs[-1]
        e = np.exp(z - z.max(1, keepdims=True))
        g = (e / e.sum(1, keepdims=True) - onehot) / 64
        for i in range(len(ws) - 1, -1, -1):
            _ = hs[i].T @ g, g.sum(0)
            if i:
                g = (g @ ws[i].T) * (hs[i] > 0)

    return [Case("MLP 64-256-256-10, batch 64, fwd+bwd", fx_step, torch_step, numpy_step, repeat=repeat,
                 min_round=0.05)]


def main():
    args = parse_args(__doc__)
    print(f"_{machine_info()}_\n")
    repeat = 7 if args.quick else 21
    run_cases(tiny_cases(repeat) + mlp_cases(repeat), "Autograd", with_busy=not args.no_busy)


if __name__ == "__main__":
    main()
