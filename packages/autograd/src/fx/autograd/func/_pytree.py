"""Minimal pytrees for the function transforms: nested tuples, lists, namedtuples (also return
types like sort's (values, indices)) and dicts.

Containers are nodes, None is an empty node (like torch.utils._pytree), anything else is a leaf.
A spec is `None` for a leaf, or `(kind, context, child_specs)`.
"""

from __future__ import annotations

LEAF = None


def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(x, "_fields")


def tree_flatten(tree):
    """(leaves, spec) of `tree`, leaves in depth-first order."""
    leaves = []
    spec = _flatten(tree, leaves)
    return leaves, spec


def _flatten(tree, leaves):
    if tree is None:
        return ("none", None, ())
    cls = tree.__class__
    if cls is tuple or cls is list:
        return (cls, None, tuple(_flatten(c, leaves) for c in tree))
    if cls is dict:
        keys = tuple(tree)
        return (dict, keys, tuple(_flatten(tree[k], leaves) for k in keys))
    if _is_namedtuple(tree):
        return (cls, None, tuple(_flatten(c, leaves) for c in tree))
    leaves.append(tree)
    return LEAF


def tree_unflatten(leaves, spec):
    """Rebuild the tree of `spec` from its leaves."""
    it = iter(leaves)
    return _unflatten(it, spec)


def _unflatten(it, spec):
    if spec is LEAF:
        return next(it)
    kind, ctx, children = spec
    if kind == "none":
        return None
    vals = [_unflatten(it, c) for c in children]
    if kind is dict:
        return dict(zip(ctx, vals))
    if kind is tuple or kind is list:
        return kind(vals)
    if hasattr(kind, "_make"):  # collections.namedtuple
        return kind._make(vals)
    return kind(vals)  # structseq-style return types (values, indices)


def num_leaves(spec) -> int:
    if spec is LEAF:
        return 1
    return sum(num_leaves(c) for c in spec[2])


def tree_map(fn, tree):
    leaves, spec = tree_flatten(tree)
    return tree_unflatten([fn(x) for x in leaves], spec)


def broadcast_prefix(prefix, spec):
    """Flatten `prefix` against the full tree `spec`: a leaf of the prefix covers a whole subtree.

    Returns the flat list (one entry per leaf of `spec`), or None when the structures disagree.
    """
    out = []
    if not _broadcast(prefix, spec, out):
        return None
    return out


def _broadcast(prefix, spec, out):
    if spec is LEAF:
        if _container(prefix):
            return False
        out.append(prefix)
        return True
    kind, ctx, children = spec
    if not _container(prefix):
        out.extend([prefix] * num_leaves(spec))
        return True
    if kind == "none":
        return False
    pcls = prefix.__class__
    if kind is dict:
        if pcls is not dict or set(prefix) != set(ctx):
            return False
        return all(_broadcast(prefix[k], c, out) for k, c in zip(ctx, children))
    if not isinstance(prefix, (tuple, list)) or len(prefix) != len(children):
        return False
    if (kind is list) != (pcls is list):
        return False
    return all(_broadcast(p, c, out) for p, c in zip(prefix, children))


def _container(x):
    return isinstance(x, (tuple, list, dict))


def spec_str(spec) -> str:
    """A short readable form of a spec for error messages."""
    if spec is LEAF:
        return "*"
    kind, ctx, children = spec
    if kind == "none":
        return "None"
    inner = ", ".join(spec_str(c) for c in children)
    if kind is dict:
        return "{" + ", ".join(f"{k!r}: {spec_str(c)}" for k, c in zip(ctx, children)) + "}"
    if kind is list:
        return f"[{inner}]"
    if kind is tuple:
        return f"({inner}{',' if len(children) == 1 else ''})"
    return f"{kind.__name__}({inner})"
