"""Docstrings of generators, seeding and the random factories (fx.tensor._generator, fx.tensor._random)."""

from . import add_docstr
from .._generator import Generator, get_rng_state, initial_seed, manual_seed, seed, set_rng_state
from .._random import (
    bernoulli, multinomial, normal, poisson, rand, rand_like, randint, randint_like, randn, randn_like, randperm,
)

add_docstr(Generator, """A random number stream (Philox4x32-10) whose state is a (seed, offset) pair.

    Pass one as `generator=` to a random function to draw from it instead of the default generator.
    The same seed gives the same numbers for any thread count. Methods: `manual_seed(seed)` (returns
    the generator), `seed()`, `initial_seed()`, `get_state()` / `set_state(state)` (a 16-element
    uint8 tensor), `get_offset()` / `set_offset(offset)`, `clone_state()`.

    Args:
        device: the device whose random functions the generator serves (default "cpu").

    Example:
        >>> g = ft.Generator().manual_seed(42)
        >>> state = g.get_state()
        >>> a = ft.randn(3, generator=g)
        >>> _ = g.set_state(state)
        >>> bool((a == ft.randn(3, generator=g)).all())
        True
        >>> g.initial_seed()
        42
    """)

add_docstr(manual_seed, """Seed the default generator of every device, making later random draws reproducible.

    Args:
        seed: an int in [-2**63, 2**64) (negative seeds wrap to 64 bits), or a float with an integral value.

    Returns:
        Generator: the default CPU generator.

    Example:
        >>> _ = ft.manual_seed(0)
        >>> a = ft.rand(2)
        >>> _ = ft.manual_seed(0)
        >>> bool((a == ft.rand(2)).all())
        True
    """)

add_docstr(seed, """Seed every default generator from the operating system's entropy (non-deterministic).

    Returns:
        int: the seed chosen, also returned afterwards by `initial_seed()`.

    Example:
        >>> s = ft.seed()
        >>> ft.initial_seed() == s
        True
    """)

add_docstr(initial_seed, """Return the seed the default CPU generator was last seeded with.

    Returns:
        int: the seed, in [0, 2**64).

    Example:
        >>> _ = ft.manual_seed(7)
        >>> ft.initial_seed()
        7
    """)

add_docstr(get_rng_state, """Return the state of the default CPU generator.

    Returns:
        Tensor: a 16-element uint8 tensor (the seed and the offset as little-endian uint64s) that
        `set_rng_state` accepts.

    Example:
        >>> state = ft.get_rng_state()
        >>> state.shape, state.dtype
        (fx.tensor.Size([16]), fx.tensor.uint8)
    """)

add_docstr(set_rng_state, """Restore the default CPU generator to a state from `get_rng_state`.

    Args:
        new_state: a 16-element uint8 tensor.

    Returns:
        None.

    Example:
        >>> state = ft.get_rng_state()
        >>> a = ft.randn(3)
        >>> ft.set_rng_state(state)
        >>> bool((a == ft.randn(3)).all())
        True
    """)

_FACTORY_ARGS = """
        generator: the Generator to draw from (default: the device's default generator).
        out: an optional tensor to write the result into.
        dtype: a floating element type (default: the default float dtype).
        layout: accepted for compatibility; only strided tensors exist.
        device: where to place the tensor (default CPU).
        requires_grad: whether autograd records operations on the result.
        pin_memory: accepted for compatibility; has no effect."""

add_docstr(rand, f"""Create a tensor of random values drawn uniformly from [0, 1).

    Args:
        size: the shape, as ints (`rand(2, 3)`) or one sequence (`rand((2, 3))`).{_FACTORY_ARGS}

    Returns:
        Tensor: a new tensor of shape `size`.

    Example:
        >>> _ = ft.manual_seed(0)
        >>> x = ft.rand(2, 3)
        >>> x.shape, x.dtype
        (fx.tensor.Size([2, 3]), fx.tensor.float32)
        >>> bool(((x >= 0) & (x < 1)).all())
        True
    """)

add_docstr(randn, f"""Create a tensor of random values from the standard normal distribution (mean 0, variance 1).

    Args:
        size: the shape, as ints (`randn(2, 3)`) or one sequence (`randn((2, 3))`).{_FACTORY_ARGS}

    Returns:
        Tensor: a new tensor of shape `size`.

    Example:
        >>> _ = ft.manual_seed(0)
        >>> x = ft.randn(1000, dtype=ft.float64)
        >>> x.shape, x.dtype
        (fx.tensor.Size([1000]), fx.tensor.float64)
        >>> abs(x.mean().item()) < 0.2, abs(x.std().item() - 1) < 0.2
        (True, True)
    """)

add_docstr(randint, """Create a tensor of random integers drawn uniformly from [low, high).

    Called as `randint(high, size)` or `randint(low, high, size)`.

    Args:
        low: the smallest value (default 0).
        high: one above the largest value.
        size: the shape, as a tuple of ints.
        generator: the Generator to draw from (default: the device's default generator).
        out: an optional tensor to write the result into.
        dtype: the element type (default int64).
        layout: accepted for compatibility; only strided tensors exist.
        device: where to place the tensor (default CPU).
        requires_grad: whether autograd records operations on the result (floating dtypes only).
        pin_memory: accepted for compatibility; has no effect.

    Returns:
        Tensor: a new tensor of shape `size`.

    Example:
        >>> _ = ft.manual_seed(0)
        >>> x = ft.randint(3, 10, (2, 4))
        >>> x.shape, x.dtype
        (fx.tensor.Size([2, 4]), fx.tensor.int64)
        >>> bool(((x >= 3) & (x < 10)).all())
        True
    """)

_LIKE_ARGS = """
        generator: the Generator to draw from (default: the device's default generator).
        dtype: the element type (default: input's).
        layout: accepted for compatibility; only strided tensors exist.
        device: where to place the result (default: input's device).
        requires_grad: whether autograd records operations on the result.
        memory_format: preserve_format (default: a channels-last input gives a channels-last result,
            anything else row-major), contiguous_format or channels_last(_3d)."""

add_docstr(rand_like, f"""Create a tensor of uniform values in [0, 1) with the shape (and by default dtype and device) of `input`.

    Args:
        input: the tensor whose shape is used (a floating dtype unless `dtype` is given).{_LIKE_ARGS}

    Returns:
        Tensor: a new tensor of `input.shape`.

    Example:
        >>> _ = ft.manual_seed(0)
        >>> x = ft.rand_like(ft.zeros(2, 2, dtype=ft.float64))
        >>> x.shape, x.dtype
        (fx.tensor.Size([2, 2]), fx.tensor.float64)
    """)

add_docstr(randn_like, f"""Create a tensor of standard normal values with the shape (and by default dtype and device) of `input`.

    Args:
        input: the tensor whose shape is used (a floating dtype unless `dtype` is given).{_LIKE_ARGS}

    Returns:
        Tensor: a new tensor of `input.shape`.

    Example:
        >>> _ = ft.manual_seed(0)
        >>> ft.randn_like(ft.zeros(3, 1)).shape
        fx.tensor.Size([3, 1])
    """)

add_docstr(randint_like, f"""Create a tensor of random integers in [low, high) shaped like `input`.

    Called as `randint_like(input, high)` or `randint_like(input, low, high)`.

    Args:
        input: the tensor whose shape is used.
        low: the smallest value (default 0).
        high: one above the largest value.{_LIKE_ARGS}

    Returns:
        Tensor: a new tensor of `input.shape`, with input's dtype unless `dtype` is given.

    Example:
        >>> _ = ft.manual_seed(0)
        >>> x = ft.randint_like(ft.zeros(5, dtype=ft.int32), 2)
        >>> x.dtype, bool(((x == 0) | (x == 1)).all())
        (fx.tensor.int32, True)
    """)

add_docstr(randperm, """Create a random permutation of the integers 0 .. n-1.

    Args:
        n: how many integers (the length of the result).
        generator: the Generator to draw from (default: the device's default generator).
        out: an optional tensor to write the result into.
        dtype: the element type (default int64).
        layout: accepted for compatibility; only strided tensors exist.
        device: where to place the tensor (default CPU).
        requires_grad: whether autograd records operations on the result.
        pin_memory: accepted for compatibility; has no effect.

    Returns:
        Tensor: a 1-d tensor of length n holding each of 0 .. n-1 once.

    Example:
        >>> _ = ft.manual_seed(0)
        >>> p = ft.randperm(5)
        >>> sorted(p.tolist())
        [0, 1, 2, 3, 4]
    """)

add_docstr(normal, """Draw values from normal distributions with the given means and standard deviations.

    `mean` and `std` are numbers (then `size` gives the shape) or tensors (their broadcast shape
    is the result's shape; no gradient flows to them).

    Args:
        mean: the mean, a number or a tensor of per-element means.
        std: the standard deviation (>= 0), a number or a tensor (default 1.0).
        size: the shape; required when mean and std are both numbers, refused otherwise.
        generator: the Generator to draw from (default: the device's default generator).
        out: an optional tensor to write the result into.
        dtype: the element type when mean and std are numbers (default: the default float dtype).
        layout: accepted for compatibility; only strided tensors exist.
        device: where to place the result when mean and std are numbers (default CPU).
        requires_grad: whether autograd records operations on the result.

    Returns:
        Tensor: the samples; with tensor arguments, their promoted floating dtype.

    Example:
        >>> _ = ft.manual_seed(0)
        >>> ft.normal(2.0, 3.0, size=(2, 3)).shape
        fx.tensor.Size([2, 3])
        >>> x = ft.normal(ft.tensor([0.0, 100.0]), ft.tensor([1.0, 1.0]))
        >>> bool(x[1] > 50)
        True
    """)

add_docstr(bernoulli, """Draw 0/1 values, each 1 with the probability in `input` (or with probability `p`).

    Args:
        input: a tensor of probabilities in [0, 1] (floating dtype); with `p`, only its shape and
            dtype are used.
        p: an optional probability for every element.
        generator: the Generator to draw from (default: the device's default generator).
        out: an optional tensor to write the result into.

    Returns:
        Tensor: 0s and 1s with input's shape and dtype.

    Example:
        >>> _ = ft.manual_seed(0)
        >>> ft.bernoulli(ft.tensor([0.0, 1.0, 1.0, 0.0]))
        tensor([0., 1., 1., 0.])
        >>> x = ft.bernoulli(ft.full((100,), 0.5))
        >>> bool(((x == 0) | (x == 1)).all())
        True
    """)

add_docstr(multinomial, """Draw category indices from the (unnormalised) probability distribution in each row of `input`.

    Args:
        input: a 1-d tensor of k non-negative weights, or a 2-d tensor with one distribution per
            row (floating dtype; each row must have a positive sum).
        num_samples: how many indices to draw per row.
        replacement: whether an index may be drawn more than once (without replacement,
            num_samples must be <= k).
        generator: the Generator to draw from (default: the device's default generator).
        out: an optional tensor to write the result into.

    Returns:
        Tensor: int64 indices of shape (num_samples,) or (rows, num_samples).

    Example:
        >>> _ = ft.manual_seed(0)
        >>> ft.multinomial(ft.tensor([0.0, 0.0, 1.0]), 4, replacement=True)
        tensor([2, 2, 2, 2])
        >>> sorted(ft.multinomial(ft.tensor([1.0, 2.0, 3.0]), 3).tolist())
        [0, 1, 2]
    """)

add_docstr(poisson, """Draw counts from Poisson distributions with the rates in `input`.

    Args:
        input: a floating tensor of non-negative rates.
        generator: the Generator to draw from (default: the device's default generator).

    Returns:
        Tensor: non-negative whole numbers with input's shape and dtype.

    Example:
        >>> _ = ft.manual_seed(0)
        >>> ft.poisson(ft.zeros(3))
        tensor([0., 0., 0.])
        >>> x = ft.poisson(ft.full((100,), 4.0))
        >>> bool((x >= 0).all()), bool((x == x.round()).all())
        (True, True)
    """)
