"""conv2d and friends, float32, milliseconds: issue 4's kernel targets (forward + input gradient +
weight gradient through autograd, batch 32, 3x3, padding 1: 3->32 channels on 32x32 and 32->64 on
16x16), each pass on its own (torch's through aten.convolution_backward), and other layer shapes.

Usage: python benchmarks/bench_conv.py [--no-busy] [--quick]
"""

from __future__ import annotations

from harness import Case, ft, machine_info, np, parse_args, run_cases, torch

import fx.autograd  # noqa: F401  (records the graph backward() walks)
import fx.nn.functional as F
from fx.tensor._ops.conv import P_conv2d_grad_input, P_conv2d_grad_weight

TARGETS = [  # (batch, c_in, c_out, size), kernel 3x3, padding 1
    (32, 3, 32, 32),
    (32, 32, 64, 16),
]


def _arrays(shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s, dtype=np.float32) for s in shapes]


def _train_case(name, x_shape, w_shape, kw, transposed=False, repeat=15):
    """forward + backward into input, weight and bias (grads reset each call, as zero_grad does)."""
    xn, wn, bn = _arrays([x_shape, w_shape, (w_shape[1] if transposed else w_shape[0],)])
    fx_conv = F.conv_transpose2d if transposed else F.conv2d
    fx_in = [ft.tensor(a, requires_grad=True) for a in (xn, wn, bn)]
    gn = np.ones(fx_conv(*[t.detach() for t in fx_in], **kw).shape, np.float32)
    gf = ft.tensor(gn)

    def fx_step():
        for t in fx_in:
            t.grad = None
        fx_conv(*fx_in, **kw).backward(gf)

    torch_step = None
    if torch:
        t_in = [torch.tensor(a, requires_grad=True) for a in (xn, wn, bn)]
        t_conv = torch.nn.functional.conv_transpose2d if transposed else torch.nn.functional.conv2d
        gt = torch.tensor(gn)

        def torch_step():
            for t in t_in:
                t.grad = None
            t_conv(*t_in, **kw).backward(gt)

    return Case(name, fx_step, torch_step, repeat=repeat)


def _pass_cases(n, cin, cout, size, repeat):
    """The three kernels on their own: forward, input gradient, weight gradient."""
    xn, wn, gn = _arrays([(n, cin, size, size), (cout, cin, 3, 3), (n, cout, size, size)])
    xf, wf, gf = ft.tensor(xn), ft.tensor(wn), ft.tensor(gn)
    p = dict(stride=(1, 1), padding=(1, 1, 1, 1), dilation=(1, 1), groups=1)
    fx_fns = [lambda: F.conv2d(xf, wf, padding=1),
              lambda: P_conv2d_grad_input(gf, wf, input_size=(size, size), **p),
              lambda: P_conv2d_grad_weight(xf, gf, weight_size=(3, 3), **p)]
    t_fns = [None] * 3
    if torch:
        xt, wt, gt = torch.tensor(xn), torch.tensor(wn), torch.tensor(gn)
        back = torch.ops.aten.convolution_backward

        def tb(mask):
            return lambda: back(gt, xt, wt, None, [1, 1], [1, 1], [1, 1], False, [0, 0], 1, mask)

        t_fns = [lambda: torch.nn.functional.conv2d(xt, wt, padding=1), tb([True, False, False]),
                 tb([False, True, False])]
    label = f"({n}, {cin}, {size}, {size}) -> {cout}"
    return [Case(f"{what} {label}", f, t, repeat=repeat)
            for what, f, t in zip(("forward", "input grad", "weight grad"), fx_fns, t_fns)]


def cases(repeat):
    out = [_train_case(f"**target** fwd+grads ({n}, {ci}, {s}, {s}) -> {co}, 3x3 pad 1", (n, ci, s, s),
                       (co, ci, 3, 3), {"padding": 1}, repeat=repeat) for n, ci, co, s in TARGETS]
    for n, ci, co, s in TARGETS:
        out += _pass_cases(n, ci, co, s, repeat)
    out += [
        _train_case("fwd+grads digits conv 1->16 (64, 1, 8, 8) pad 1", (64, 1, 8, 8), (16, 1, 3, 3),
                    {"padding": 1}, repeat=repeat),
        _train_case("fwd+grads digits conv 16->32 (64, 16, 4, 4) pad 1", (64, 16, 4, 4), (32, 16, 3, 3),
                    {"padding": 1}, repeat=repeat),
        _train_case("fwd+grads stride 2 (32, 32, 16, 16) -> 64", (32, 32, 16, 16), (64, 32, 3, 3),
                    {"padding": 1, "stride": 2}, repeat=repeat),
        _train_case("fwd+grads depthwise (32, 64, 16, 16)", (32, 64, 16, 16), (64, 1, 3, 3),
                    {"padding": 1, "groups": 64}, repeat=repeat),
        _train_case("fwd+grads conv_transpose2d stride 2 (32, 64, 8, 8) -> 32", (32, 64, 8, 8), (64, 32, 4, 4),
                    {"padding": 1, "stride": 2}, transposed=True, repeat=repeat),
    ]
    return out


def main():
    args = parse_args(__doc__)
    print(f"_{machine_info()}_\n")
    run_cases(cases(7 if args.quick else 25), "Convolution (float32)", with_busy=not args.no_busy)


if __name__ == "__main__":
    main()
