"""Training steps of issue 4's small models, fx vs PyTorch with the same initial weights and data
(milliseconds per step; a step is zero_grad + forward + cross_entropy + backward + Adam step).

Models (batch 64, Adam lr 1e-3, float32), on scikit-learn's bundled digits (`load_digits`, pixels
scaled to [0, 1]):
- MLP 64-256-256-10 with ReLU on the flattened 8x8 images;
- CNN: conv 1->16 3x3, relu, maxpool 2, conv 16->32 3x3, relu, maxpool 2, linear -> 10. The convs use
  padding=1, so 8x8 images survive the two 2x2 pools (8 -> 4 -> 2); the same CNN also runs on the
  digits upsampled to 32x32 (nearest neighbour, each pixel repeated 4x4).

Before timing, both libraries train a few steps from the same weights on the same batches, and their
losses must agree (the comparison is like for like).

Usage: python benchmarks/bench_train.py [--no-busy] [--quick]
"""

from __future__ import annotations

from harness import Case, ft, machine_info, np, parse_args, run_cases, torch

import fx.autograd  # noqa: F401  (installs the recorder)
import fx.nn as fnn
import fx.nn.functional as F
from fx import optim as foptim

BATCH, N_BATCHES, LR = 64, 8, 1e-3


def _digits(size):
    """`N_BATCHES` fixed batches of (images, labels): images (B, 1, size, size) in [0, 1], labels int64."""
    from sklearn.datasets import load_digits

    d = load_digits()
    x = (d.data / 16.0).astype(np.float32).reshape(-1, 1, 8, 8)
    if size != 8:
        r = size // 8
        x = np.repeat(np.repeat(x, r, axis=2), r, axis=3)
    order = np.random.default_rng(0).permutation(len(x))[: BATCH * N_BATCHES]
    xb, yb = x[order], d.target[order].astype(np.int64)
    return [(np.ascontiguousarray(xb[i * BATCH:(i + 1) * BATCH]), yb[i * BATCH:(i + 1) * BATCH])
            for i in range(N_BATCHES)]


def _mlp(nn):
    return nn.Sequential(nn.Flatten(), nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(),
                         nn.Linear(256, 10))


def _cnn(nn, size):
    side = size // 4
    return nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(32 * side * side, 10))


MODELS = {  # name -> (builder(nn module), image side)
    "MLP 64-256-256-10": (_mlp, 8),
    "CNN on 8x8 digits": (lambda nn: _cnn(nn, 8), 8),
    "CNN on 32x32 digits": (lambda nn: _cnn(nn, 32), 32),
}


def _models(build):
    torch.manual_seed(0)
    tm = build(torch.nn)
    fm = build(fnn)
    fm.load_state_dict({k: ft.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})
    return fm, tm


def _stepper(lib, model, batches):
    """A function running the next training step (cycling over the fixed batches); returns the loss."""
    if lib == "fx":
        data = [(ft.tensor(x), ft.tensor(y)) for x, y in batches]
        opt, loss_fn = foptim.Adam(model.parameters(), lr=LR), F.cross_entropy
    else:
        data = [(torch.tensor(x), torch.tensor(y)) for x, y in batches]
        opt, loss_fn = torch.optim.Adam(model.parameters(), lr=LR), torch.nn.functional.cross_entropy
    i = [0]

    def step():
        x, y = data[i[0] % len(data)]
        i[0] += 1
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss

    return step


def check_same_loss(build, size, steps=5):
    """Losses of `steps` training steps from the same weights: they agree within float32 rounding."""
    batches = _digits(size)
    fm, tm = _models(build)
    fstep, tstep = _stepper("fx", fm, batches), _stepper("torch", tm, batches)
    fl = [float(fstep().item()) for _ in range(steps)]
    tl = [float(tstep().item()) for _ in range(steps)]
    if not np.allclose(fl, tl, rtol=1e-4, atol=1e-5):
        raise AssertionError(f"fx and torch losses differ: fx {fl}, torch {tl}")
    return fl, tl


def cases(repeat):
    out = []
    for name, (build, size) in MODELS.items():
        batches = _digits(size)
        fm, tm = _models(build)
        out.append(Case(f"{name}, batch {BATCH}, Adam: training step", _stepper("fx", fm, batches),
                        _stepper("torch", tm, batches), repeat=repeat, min_round=0.02))
    return out


def main():
    args = parse_args(__doc__)
    print(f"_{machine_info()}_\n")
    if torch is None:
        print("torch is not installed: nothing to compare with")
        return
    for name, (build, size) in MODELS.items():
        fl, tl = check_same_loss(build, size)
        print(f"{name}: loss after {len(fl)} steps fx {fl[-1]:.6f}, torch {tl[-1]:.6f}")
    print()
    run_cases(cases(7 if args.quick else 21), "Training step (targets: MLP fx/torch <= 0.8, CNNs <= 1.0)",
              with_busy=not args.no_busy)


if __name__ == "__main__":
    main()
