"""Custom autograd.Function ops (after the PyTorch "defining new autograd functions" tutorial) + gradcheck."""

import json
import math

import torch
from torch.autograd import Function, gradcheck


class LegendrePolynomial3(Function):
    """P3(x) = (5x^3 - 3x) / 2, with its derivative written by hand."""

    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input ** 3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        (input,) = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input ** 2 - 1)


class ScaledBilinear(Function):
    """out = scale * (x @ w) * x.sum(-1, keepdim=True); `scale` is a plain float and gets no gradient."""

    @staticmethod
    def forward(ctx, x, w, scale):
        xw = x.mm(w)
        s = x.sum(-1, keepdim=True)
        ctx.save_for_backward(x, w, xw, s)
        ctx.scale = scale
        return scale * xw * s

    @staticmethod
    def backward(ctx, grad_out):
        x, w, xw, s = ctx.saved_tensors
        grad_x = grad_w = None
        if ctx.needs_input_grad[0]:
            grad_x = ctx.scale * ((grad_out * s).mm(w.t()) + (grad_out * xw).sum(-1, keepdim=True).expand_as(x))
        if ctx.needs_input_grad[1]:
            grad_w = ctx.scale * x.t().mm(grad_out * s)
        return grad_x, grad_w, None


def main():
    torch.manual_seed(0)
    dtype = torch.float
    x = torch.linspace(-math.pi, math.pi, 2000, dtype=dtype)
    y = torch.sin(x)
    a = torch.full((), 0.0, dtype=dtype, requires_grad=True)
    b = torch.full((), -1.0, dtype=dtype, requires_grad=True)
    c = torch.full((), 0.0, dtype=dtype, requires_grad=True)
    d = torch.full((), 0.3, dtype=dtype, requires_grad=True)
    learning_rate = 5e-6
    losses = []
    for _t in range(600):
        P3 = LegendrePolynomial3.apply
        y_pred = a + b * P3(c + d * x)
        loss = (y_pred - y).pow(2).sum()
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            for p in (a, b, c, d):
                p -= learning_rate * p.grad
                p.grad = None
    print(f"Result: y = {a.item():.4f} + {b.item():.4f} * P3({c.item():.4f} + {d.item():.4f} x); loss {losses[-1]:.2f}")

    xs = torch.randn(4, 3, dtype=torch.double, requires_grad=True)
    ws = torch.randn(3, 2, dtype=torch.double, requires_grad=True)
    ok_legendre = gradcheck(LegendrePolynomial3.apply, (xs,), eps=1e-6, atol=1e-4)
    ok_bilinear = gradcheck(lambda x_, w_: ScaledBilinear.apply(x_, w_, 0.7), (xs, ws), eps=1e-6, atol=1e-4)
    # needs_input_grad: with w frozen only x's gradient is computed.
    frozen = ws.detach()
    ScaledBilinear.apply(xs, frozen, 2.0).sum().backward()
    grad_ref = torch.autograd.grad((2.0 * xs.mm(frozen) * xs.sum(-1, keepdim=True)).sum(), xs)[0]
    max_err = (xs.grad - grad_ref).abs().max().item()
    print(f"gradcheck {ok_legendre} {ok_bilinear}; custom vs autograd max error {max_err:.2e}")
    print("RESULT " + json.dumps({"initial_loss": losses[0], "final_loss": losses[-1], "coeffs": [a.item(), b.item(), c.item(), d.item()],
                                  "gradcheck": [bool(ok_legendre), bool(ok_bilinear)], "custom_grad_error": max_err}))


if __name__ == "__main__":
    main()
