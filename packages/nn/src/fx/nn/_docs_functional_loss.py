"""Reference texts of the loss functions (functional/_loss.py would pass its size limit with them);
each replaces the one-line summary written next to the function's code."""

from .functional import _loss as L

_RED = """        reduction: "none" (per-element losses), "mean" (default) or "sum".
        size_average, reduce: deprecated; they map onto reduction as in PyTorch."""

L.cross_entropy.__doc__ = f"""Cross entropy of logits against class indices or class probabilities.

    Class indices: l_n = -w[y_n] log softmax(x_n)[y_n]; class probabilities:
    l_n = -sum_c w_c p_nc log softmax(x_n)_c.

    "mean" divides by the total weight of the non-ignored targets (by the number of samples for
    probability targets).

    Args:
        input: (N, C), (N, C, d1, ...) or (C,) logits.
        target: (N), (N, d1, ...) or () int64 class indices, or probabilities of input's shape.
        weight: (C,) per-class rescaling (default None).
        ignore_index: a target index that contributes nothing, not even to the mean (default -100).
        label_smoothing: mix the target with the uniform distribution by this amount in [0, 1] (default 0.0).
{_RED}

    Returns:
        A 0-d tensor; with reduction "none", the target's shape (N, d1, ...).

    Example:
        >>> F.cross_entropy(ft.zeros(2, 4), ft.tensor([0, 3]))  # log(4)
        tensor(1.3863)
        >>> F.cross_entropy(ft.tensor([[2.0, 0.0, 0.0]]), ft.tensor([[1.0, 0.0, 0.0]]))
        tensor(0.2395)
    """

L.nll_loss.__doc__ = f"""Negative log-likelihood of log-probabilities at class indices: l_n = -w[y_n] input[n, y_n].

    "mean" divides by the total weight of the non-ignored targets. Pair it with log_softmax.

    Args:
        input: (N, C), (N, C, d1, ...) or (C,) log-probabilities.
        target: (N), (N, d1, ...) or () int64 class indices.
        weight: (C,) per-class rescaling (default None).
        ignore_index: a target index that contributes nothing, not even to the mean (default -100).
{_RED}

    Returns:
        A 0-d tensor; with reduction "none", the target's shape.

    Example:
        >>> F.nll_loss(ft.log(ft.tensor([[0.5, 0.25, 0.25]])), ft.tensor([1]))  # -log(0.25)
        tensor(1.3863)
    """

L.mse_loss.__doc__ = f"""Mean squared error: l_i = (input_i - target_i)^2, then reduced.

    Args:
        input: any shape.
        target: input's shape (other shapes broadcast, with a warning).
{_RED}
        weight: input-shaped weights of each element; "mean" then divides by their sum (default None).

    Returns:
        A 0-d tensor; with reduction "none", input's shape.

    Example:
        >>> F.mse_loss(ft.tensor([1.0, 2.0, 3.0]), ft.tensor([1.0, 0.0, 0.0]))
        tensor(4.3333)
    """

L.l1_loss.__doc__ = f"""Mean absolute error: l_i = |input_i - target_i|, then reduced.

    Args:
        input: any shape.
        target: input's shape (other shapes broadcast, with a warning).
{_RED}
        weight: input-shaped weights of each element; "mean" then divides by their sum (default None).

    Returns:
        A 0-d tensor; with reduction "none", input's shape.

    Example:
        >>> F.l1_loss(ft.tensor([1.0, 2.0, 3.0]), ft.tensor([1.0, 0.0, 0.0]), reduction="sum")
        tensor(5.)
    """

L.smooth_l1_loss.__doc__ = f"""Smooth L1: l_i = 0.5 d_i^2 / beta where |d_i| < beta, else |d_i| - 0.5 beta, with d = input - target.

    Args:
        input: any shape.
        target: input's shape.
{_RED}
        beta: where the loss changes from quadratic to linear, >= 0; 0 gives L1 (default 1.0).

    Returns:
        A 0-d tensor; with reduction "none", input's shape.

    Example:
        >>> F.smooth_l1_loss(ft.tensor([0.0, 0.0]), ft.tensor([0.5, 3.0]))
        tensor(1.3125)
    """

L.huber_loss.__doc__ = """Huber loss: l_i = 0.5 d_i^2 where |d_i| < delta, else delta (|d_i| - 0.5 delta), with d = input - target.

    Args:
        input: any shape.
        target: input's shape.
        reduction: "none" (per-element losses), "mean" (default) or "sum".
        delta: where the loss changes from quadratic to linear, > 0 (default 1.0).
        weight: input-shaped weights of each element (default None).

    Returns:
        A 0-d tensor; with reduction "none", input's shape.

    Example:
        >>> F.huber_loss(ft.tensor([0.0, 0.0]), ft.tensor([1.0, 4.0]), delta=2.0)
        tensor(3.2500)
    """

L.binary_cross_entropy.__doc__ = f"""Binary cross entropy of probabilities: l_i = -w_i (t_i log(x_i) + (1 - t_i) log(1 - x_i)).

    The logs are clamped at -100.

    Args:
        input: probabilities in [0, 1], any shape.
        target: input's shape, values in [0, 1].
        weight: rescaling of each element's loss, broadcast to the input (default None).
{_RED}

    Returns:
        A 0-d tensor; with reduction "none", input's shape.

    Example:
        >>> F.binary_cross_entropy(ft.tensor([0.5, 0.9]), ft.tensor([1.0, 1.0]))
        tensor(0.3993)
    """

L.binary_cross_entropy_with_logits.__doc__ = f"""Sigmoid and binary cross entropy in one numerically stable expression.

    l_i = -w_i (p t_i log(sigmoid(x_i)) + (1 - t_i) log(1 - sigmoid(x_i))), p the pos_weight.

    Args:
        input: logits, any shape.
        target: input's shape, values in [0, 1].
        weight: rescaling of each element's loss, broadcast to the input (default None).
{_RED}
        pos_weight: weight of the positive term per class, broadcast along the last dim (default None).

    Returns:
        A 0-d tensor; with reduction "none", input's shape.

    Example:
        >>> F.binary_cross_entropy_with_logits(ft.tensor([0.0, 2.0]), ft.tensor([1.0, 1.0]))
        tensor(0.4100)
        >>> F.binary_cross_entropy_with_logits(ft.tensor([0.0, 2.0]), ft.tensor([1.0, 0.0]), pos_weight=ft.tensor([2.0]))
        tensor(1.7566)
    """

L.kl_div.__doc__ = """Kullback-Leibler divergence with log-probability input: l_i = t_i (log t_i - x_i).

    Args:
        input: log-probabilities, any shape.
        target: input's shape; probabilities, or log-probabilities with log_target.
        size_average, reduce: deprecated; they map onto reduction as in PyTorch.
        reduction: "none", "batchmean" (the sum divided by the batch size: the mathematical KL
            divergence), "mean" (default; divides by the number of elements, with a warning) or "sum".
        log_target: the target is given as log-probabilities (default False).

    Returns:
        A 0-d tensor; with reduction "none", input's shape.

    Example:
        >>> F.kl_div(ft.log(ft.tensor([[0.5, 0.5]])), ft.tensor([[0.25, 0.75]]), reduction="batchmean")
        tensor(0.1308)
    """

L.cosine_embedding_loss.__doc__ = f"""Cosine embedding loss of pairs labelled similar (y = 1) or dissimilar (y = -1).

    l_n = 1 - cos(x1_n, x2_n) for y_n = 1, max(0, cos(x1_n, x2_n) - margin) for y_n = -1.

    Args:
        input1: (N, D) or (D).
        input2: input1's shape.
        target: (N) or () of 1 / -1.
        margin: in [-1, 1], 0 to 0.5 suggested (default 0.0).
{_RED}

    Returns:
        A 0-d tensor; with reduction "none", target's shape.

    Example:
        >>> x1, x2 = ft.tensor([[1.0, 0.0], [1.0, 0.0]]), ft.tensor([[0.0, 1.0], [1.0, 1.0]])
        >>> F.cosine_embedding_loss(x1, x2, ft.tensor([1, -1]))
        tensor(0.8536)
    """

L.margin_ranking_loss.__doc__ = f"""Margin ranking loss: l_i = max(0, -y_i (x1_i - x2_i) + margin).

    y = 1 when x1 should rank higher and -1 otherwise.

    Args:
        input1: (N) or ().
        input2: input1's shape.
        target: input1's shape, of 1 / -1.
        margin: the required gap (default 0.0).
{_RED}

    Returns:
        A 0-d tensor; with reduction "none", input1's shape.

    Example:
        >>> F.margin_ranking_loss(ft.tensor([1.0, 2.0]), ft.tensor([2.0, 1.0]), ft.tensor([1.0, 1.0]), margin=0.5)
        tensor(0.7500)
    """

L.triplet_margin_loss.__doc__ = f"""Triplet margin loss: l_i = max(0, d(a_i, p_i) - d(a_i, n_i) + margin), d(x, y) = ||x - y + eps||_p.

    Args:
        anchor: (N, D) or (D).
        positive: anchor's shape.
        negative: anchor's shape.
        margin: the required gap, > 0 (default 1.0).
        p: the norm degree of the distance (default 2).
        eps: added to the difference for numerical stability (default 1e-6).
        swap: use min(d(a, n), d(p, n)) as the negative distance (default False).
{_RED}

    Returns:
        A 0-d tensor; with reduction "none", (N).

    Example:
        >>> F.triplet_margin_loss(ft.tensor([[0.0, 0.0]]), ft.tensor([[3.0, 4.0]]), ft.tensor([[0.0, 1.0]]))
        tensor(5.0000)
    """

L.hinge_embedding_loss.__doc__ = f"""Hinge embedding loss: l_i = x_i for y_i = 1, max(0, margin - x_i) for y_i = -1 (x often a distance).

    Args:
        input: any shape.
        target: input's shape, of 1 / -1.
        margin: the margin for the -1 targets (default 1.0).
{_RED}

    Returns:
        A 0-d tensor; with reduction "none", input's shape.

    Example:
        >>> F.hinge_embedding_loss(ft.tensor([0.3, 2.0]), ft.tensor([1.0, -1.0]))
        tensor(0.1500)
    """

L.soft_margin_loss.__doc__ = f"""Two-class logistic loss: l_i = log(1 + exp(-y_i x_i)) for targets y_i of 1 / -1.

    Args:
        input: any shape.
        target: input's shape, of 1 / -1.
{_RED}

    Returns:
        A 0-d tensor; with reduction "none", input's shape.

    Example:
        >>> F.soft_margin_loss(ft.tensor([0.0, 0.0]), ft.tensor([1.0, -1.0]))  # log(2)
        tensor(0.6931)
    """

L.multilabel_soft_margin_loss.__doc__ = f"""Multi-label one-versus-all loss on logits, averaged over the C classes.

    l_n = -(1/C) sum_c w_c (y_nc log sigmoid(x_nc) + (1 - y_nc) log sigmoid(-x_nc)).

    Args:
        input: (N, C) logits.
        target: (N, C) of 0 / 1.
        weight: (C,) per-class rescaling (default None).
{_RED}

    Returns:
        A 0-d tensor; with reduction "none", (N).

    Example:
        >>> F.multilabel_soft_margin_loss(ft.tensor([[0.0, 0.0]]), ft.tensor([[1.0, 0.0]]))  # log(2)
        tensor(0.6931)
    """

L.poisson_nll_loss.__doc__ = """Poisson negative log-likelihood of target t with rate exp(x) (log_input) or x.

    Rate exp(x): l_i = exp(x_i) - t_i x_i; rate x: l_i = x_i - t_i log(x_i + eps).

    Args:
        input: any shape.
        target: input's shape.
        log_input: the input is the log of the rate (default True).
        full: add Stirling's approximation t log t - t + 0.5 log(2 pi t) of log(t!) where t > 1 (default False).
        size_average, reduce: deprecated; they map onto reduction as in PyTorch.
        eps: keeps log away from 0 when log_input=False (default 1e-8).
        reduction: "none" (per-element losses), "mean" (default) or "sum".

    Returns:
        A 0-d tensor; with reduction "none", input's shape.

    Example:
        >>> F.poisson_nll_loss(ft.tensor([0.0, 1.0]), ft.tensor([1.0, 2.0]))
        tensor(0.8591)
    """

L.gaussian_nll_loss.__doc__ = """Gaussian negative log-likelihood of target t with mean x and variance v.

    l_i = 0.5 (log(max(v_i, eps)) + (x_i - t_i)^2 / max(v_i, eps)) (+ 0.5 log(2 pi) when full).

    Args:
        input: the means, (N, *) or (*).
        target: input's shape.
        var: the variances: input's shape, one dim fewer, size 1 in the last dim (one variance per
            sample), or a float; no entry may be negative.
        full: add the constant 0.5 log(2 pi) (default False).
        eps: the smallest variance used, for stability (default 1e-6).
        reduction: "none" (per-element losses), "mean" (default) or "sum".

    Returns:
        A 0-d tensor; with reduction "none", input's shape.

    Example:
        >>> F.gaussian_nll_loss(ft.tensor([0.0, 1.0]), ft.tensor([1.0, 1.0]), ft.tensor([1.0, 1.0]))
        tensor(0.2500)
    """

L.ctc_loss.__doc__ = """Connectionist temporal classification loss: -log of the summed probability of all alignments.

    An alignment maps a target sequence onto its input sequence (with blanks and repeats).

    Args:
        log_probs: (T, N, C) or (T, C) log-softmax outputs over C classes (blank included).
        targets: (N, S) padded targets, or the (sum of target_lengths,) concatenation of them.
        input_lengths: (N) lengths of the inputs, each <= T (a tensor, a sequence of ints or an int).
        target_lengths: (N) lengths of the targets.
        blank: the blank label's index (default 0).
        reduction: "none" (per-sequence losses), "mean" (default: each loss divided by its target
            length, then averaged over the batch) or "sum".
        zero_infinity: replace infinite losses (impossible alignments) and their gradients by 0 (default False).

    Returns:
        A 0-d tensor; with reduction "none", (N) (or () for unbatched input).

    Example:
        >>> log_probs = ft.zeros(3, 1, 2).log_softmax(2)  # T=3 steps, classes {blank, 1}
        >>> F.ctc_loss(log_probs, ft.tensor([[1]]), ft.tensor([3]), ft.tensor([1]), reduction="none")  # -log(6/8)
        tensor([0.2877])
    """
