"""Docstrings of the top-level in-place functions (`ft.relu_(x)` is `x.relu_()`; fx/tensor/_ops/compat_inplace.py).

One template; each row gives the example input, the other arguments and the printed result."""

from . import add_docstr
from .._ops import compat_inplace as _ip

_WHAT = {
    "detach_": "`input` leaves the autograd graph",
    "zero_": "`input` is filled with zeros",
    "fill_": "`input` is filled with `value`",
    "resize_as_": "`input` takes the shape of `the_template`",
    "as_strided_": "`input` becomes a strided view of its own storage",
}
# name: (example input, other arguments, printed result, "|"-separated docs of the other arguments)
_ROWS = {
    'abs_': ('ft.tensor([0.25, 0.5])', '', 'tensor([0.2500, 0.5000])',
               ''),
    'acos_': ('ft.tensor([0.25, 0.5])', '', 'tensor([1.3181, 1.0472])',
               ''),
    'acosh_': ('ft.tensor([1.0, 2.0])', '', 'tensor([0.0000, 1.3170])',
               ''),
    'addmv_': ('ft.tensor([1.0, 2.0])', 'ft.ones(2, 3), ft.tensor([1.0, 2.0, 3.0])', 'tensor([7., 8.])',
               'mat (Tensor): the matrix.|vec (Tensor): the vector.|beta (number): the factor of input (keyword).'
               '|alpha (number): the factor of mat @ vec (keyword).'),
    'arccos_': ('ft.tensor([0.25, 0.5])', '', 'tensor([1.3181, 1.0472])',
               ''),
    'arccosh_': ('ft.tensor([1.0, 2.0])', '', 'tensor([0.0000, 1.3170])',
               ''),
    'arcsin_': ('ft.tensor([0.25, 0.5])', '', 'tensor([0.2527, 0.5236])',
               ''),
    'arcsinh_': ('ft.tensor([0.25, 0.5])', '', 'tensor([0.2475, 0.4812])',
               ''),
    'arctan_': ('ft.tensor([0.25, 0.5])', '', 'tensor([0.2450, 0.4636])',
               ''),
    'arctanh_': ('ft.tensor([0.25, 0.5])', '', 'tensor([0.2554, 0.5493])',
               ''),
    'asin_': ('ft.tensor([0.25, 0.5])', '', 'tensor([0.2527, 0.5236])',
               ''),
    'asinh_': ('ft.tensor([0.25, 0.5])', '', 'tensor([0.2475, 0.4812])',
               ''),
    'atan_': ('ft.tensor([0.25, 0.5])', '', 'tensor([0.2450, 0.4636])',
               ''),
    'atanh_': ('ft.tensor([0.25, 0.5])', '', 'tensor([0.2554, 0.5493])',
               ''),
    'ceil_': ('ft.tensor([0.25, 0.5])', '', 'tensor([1., 1.])',
               ''),
    'clamp_': ('ft.tensor([0.25, 2.0])', '0.5, 1.0', 'tensor([0.5000, 1.0000])',
               'min (number or Tensor, optional): the lower bound.|max (number or Tensor, optional): the upper bound.'),
    'clamp_max_': ('ft.tensor([0.25, 2.0])', '0.5', 'tensor([0.2500, 0.5000])',
               'max (number or Tensor): the upper bound.'),
    'clamp_min_': ('ft.tensor([0.25, 2.0])', '0.5', 'tensor([0.5000, 2.0000])',
               'min (number or Tensor): the lower bound.'),
    'clip_': ('ft.tensor([0.25, 2.0])', '0.5, 1.0', 'tensor([0.5000, 1.0000])',
               'min (number or Tensor, optional): the lower bound.|max (number or Tensor, optional): the upper bound.'),
    'cos_': ('ft.tensor([0.25, 0.5])', '', 'tensor([0.9689, 0.8776])',
               ''),
    'cosh_': ('ft.tensor([0.25, 0.5])', '', 'tensor([1.0314, 1.1276])',
               ''),
    'deg2rad_': ('ft.tensor([0.25, 0.5])', '', 'tensor([0.0044, 0.0087])',
               ''),
    'detach_': ('ft.tensor([0.25, 0.5])', '', 'tensor([0.2500, 0.5000])',
               ''),
    'erf_': ('ft.tensor([0.25, 0.5])', '', 'tensor([0.2763, 0.5205])',
               ''),
    'erfc_': ('ft.tensor([0.25, 0.5])', '', 'tensor([0.7237, 0.4795])',
               ''),
    'exp2_': ('ft.tensor([0.25, 0.5])', '', 'tensor([1.1892, 1.4142])',
               ''),
    'exp_': ('ft.tensor([0.25, 0.5])', '', 'tensor([1.2840, 1.6487])',
               ''),
    'expm1_': ('ft.tensor([0.25, 0.5])', '', 'tensor([0.2840, 0.6487])',
               ''),
    'fill_': ('ft.tensor([0.25, 2.0])', '7.0', 'tensor([7., 7.])',
               'value (number or 0-d Tensor): the fill value.'),
    'fix_': ('ft.tensor([0.25, 0.5])', '', 'tensor([0., 0.])',
               ''),
    'floor_': ('ft.tensor([0.25, 0.5])', '', 'tensor([0., 0.])',
               ''),
    'frac_': ('ft.tensor([0.25, 0.5])', '', 'tensor([0.2500, 0.5000])',
               ''),
    'gcd_': ('ft.tensor([12, 18])', 'ft.tensor([8, 12])', 'tensor([4, 6])',
               'other (Tensor): the other integer operand.'),
    'i0_': ('ft.tensor([0.25, 0.5])', '', 'tensor([1.0157, 1.0635])',
               ''),
    'lcm_': ('ft.tensor([4, 6])', 'ft.tensor([6, 4])', 'tensor([12, 12])',
               'other (Tensor): the other integer operand.'),
    'ldexp_': ('ft.tensor([0.25, 0.5])', 'ft.tensor([2, 3])', 'tensor([1., 4.])',
               'other (Tensor): the exponents.'),
    'log10_': ('ft.tensor([0.25, 0.5])', '', 'tensor([-0.6021, -0.3010])',
               ''),
    'log1p_': ('ft.tensor([0.25, 0.5])', '', 'tensor([0.2231, 0.4055])',
               ''),
    'log2_': ('ft.tensor([0.25, 0.5])', '', 'tensor([-2., -1.])',
               ''),
    'log_': ('ft.tensor([0.25, 0.5])', '', 'tensor([-1.3863, -0.6931])',
               ''),
    'logit_': ('ft.tensor([0.25, 0.5])', '', 'tensor([-1.0986,  0.0000])',
               'eps (float, optional): clamp input to [eps, 1 - eps] first.'),
    'nan_to_num_': ("ft.tensor([float('nan'), 0.5])", '', 'tensor([0.0000, 0.5000])',
               'nan (float): replaces NaN (default 0).|posinf (float, optional): replaces inf.|neginf (float, optional): replaces -inf.'),
    'neg_': ('ft.tensor([0.25, 0.5])', '', 'tensor([-0.2500, -0.5000])',
               ''),
    'negative_': ('ft.tensor([0.25, 0.5])', '', 'tensor([-0.2500, -0.5000])',
               ''),
    'rad2deg_': ('ft.tensor([0.25, 0.5])', '', 'tensor([14.3239, 28.6479])',
               ''),
    'reciprocal_': ('ft.tensor([0.25, 0.5])', '', 'tensor([4., 2.])',
               ''),
    'relu_': ('ft.tensor([0.25, 0.5])', '', 'tensor([0.2500, 0.5000])',
               ''),
    'resize_as_': ('ft.tensor([0.25, 0.5, 1.0, 2.0])', 'ft.zeros(2, 2)', 'tensor([[0.2500, 0.5000],\n        [1.0000, 2.0000]])',
               'the_template (Tensor): the tensor whose shape to take.'),
    'round_': ('ft.tensor([0.25, 1.5])', '', 'tensor([0., 2.])',
               'decimals (int): round to this many decimals (keyword, default 0).'),
    'rsqrt_': ('ft.tensor([0.25, 0.5])', '', 'tensor([2.0000, 1.4142])',
               ''),
    'sigmoid_': ('ft.tensor([0.25, 0.5])', '', 'tensor([0.5622, 0.6225])',
               ''),
    'sin_': ('ft.tensor([0.25, 0.5])', '', 'tensor([0.2474, 0.4794])',
               ''),
    'sinc_': ('ft.tensor([0.25, 0.5])', '', 'tensor([0.9003, 0.6366])',
               ''),
    'sinh_': ('ft.tensor([0.25, 0.5])', '', 'tensor([0.2526, 0.5211])',
               ''),
    'sqrt_': ('ft.tensor([0.25, 0.5])', '', 'tensor([0.5000, 0.7071])',
               ''),
    'square_': ('ft.tensor([0.25, 0.5])', '', 'tensor([0.0625, 0.2500])',
               ''),
    'tan_': ('ft.tensor([0.25, 0.5])', '', 'tensor([0.2553, 0.5463])',
               ''),
    'tanh_': ('ft.tensor([0.25, 0.5])', '', 'tensor([0.2449, 0.4621])',
               ''),
    'trunc_': ('ft.tensor([0.25, 0.5])', '', 'tensor([0., 0.])',
               ''),
    'xlogy_': ('ft.tensor([0.25, 0.5])', 'ft.tensor([1.0, 4.0])', 'tensor([0.0000, 0.6931])',
               "other (Tensor or number): the logarithm's argument."),
    'zero_': ('ft.tensor([0.25, 0.5])', '', 'tensor([0., 0.])',
               ''),
    'as_strided_': ('ft.tensor([0.25, 0.5, 1.0, 2.0])', '(2, 2), (1, 2)', 'tensor([[0.2500, 1.0000],\n        [0.5000, 2.0000]])',
               'size (tuple of ints): the new shape.|stride (tuple of ints): the new strides.'
               '|storage_offset (int, optional): the new storage offset.'),
}


def _doc(name, example_input, extra, printed, arg_docs):
    what = _WHAT.get(name, f"`input` is overwritten by `{name[:-1]}` of itself")
    args = "".join(f"\n        {a}" for a in arg_docs.split("|") if a)
    call = f"ft.{name}(x, {extra})" if extra else f"ft.{name}(x)"
    shown = "\n        ".join(printed.splitlines())
    return f"""
    In place, as a function: `ft.{name}(input, ...)` is `input.{name}(...)`: {what}.

    Args:
        input (Tensor): the tensor, changed in place.{args}

    Returns:
        Tensor: `input` itself.

    Example:
        >>> x = {example_input}
        >>> {call} is x
        True
        >>> x
        {shown}
    """


for _name, _row in _ROWS.items():
    add_docstr(getattr(_ip, _name), _doc(_name, *_row))
