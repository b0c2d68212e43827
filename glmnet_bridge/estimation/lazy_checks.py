"""Checks of a fit on Dask data that the in-memory checks make on rows: by passes instead.

The rank from X'X, and separation along the direction the weights ran off to.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..exceptions import DataError, SeparationError, SeparationWarning
from .separation import Separation

__all__ = ["lazy_rank_check", "lazy_separation_check"]


def lazy_rank_check(design, engine):
    """Raise :class:`DataError` naming the dependent columns, from X'X (one pass).

    The Dask version of :func:`glmnet_bridge.estimation.checks.diagnose_rank`: the Gram
    matrix of the weighted design instead of the rows themselves.
    """
    from ..core.activations import get_activation
    from ..core.costs import Gaussian

    gram = engine.with_cost(Gaussian(get_activation("identity"))).evaluate(
        np.zeros(engine.k), order=2, value=False)[2]
    names, k = design.names, gram.shape[0]
    d = np.sqrt(np.diag(gram))
    start = int(design.intercept)
    for j in range(start, k):
        if d[j] == 0:
            raise DataError(f"column {names[j]!r} is all zeros")
        if design.intercept and gram[j, j] * gram[0, 0] - gram[0, j] ** 2 \
                <= 1e-12 * gram[j, j] * gram[0, 0]:
            raise DataError(f"column {names[j]!r} is constant: it cannot be told apart from "
                            "the intercept (the bias)")
    corr = gram / np.outer(d, d)
    vals, vecs = np.linalg.eigh(corr)
    null = vecs[:, vals <= vals[-1] * k * 1e-12]
    if null.shape[1] == 0:
        return
    v = null[:, 0] / d
    v = v / np.abs(v).max()
    involved = np.flatnonzero(np.abs(v) > 1e-8)
    j = int(involved[-1])
    terms = " ".join(f"{-v[m] / v[j]:+.4g}·{names[m]}" for m in involved if m != j)
    raise DataError(f"the design is rank deficient (rank {k - null.shape[1]} < {k} columns): "
                    f"columns {[names[m] for m in involved]} are linearly dependent, "
                    f"{names[j]} = {terms}; drop one of them")


def _direction_block(block, D):
    X, y, f, _ = block
    # per direction: min and max of z = X·d over the y = 1 rows, max and min over y = 0
    keep = np.asarray(f) > 0
    s = np.asarray(X, float)[keep] @ D
    y = np.asarray(y)[keep]
    one, zero = s[y == 1], s[y == 0]
    inf = np.full(D.shape[1], np.inf)
    return (one.min(axis=0) if one.size else inf, one.max(axis=0) if one.size else -inf,
            zero.max(axis=0) if zero.size else -inf, zero.min(axis=0) if zero.size else inf)


def _min_max(*parts):
    parts = [p for p in parts if p is not None]
    pick = (np.minimum, np.maximum, np.maximum, np.minimum)
    return tuple(pick[i].reduce([p[i] for p in parts]) for i in range(4))


def _count_block(block, d, lo, hi):
    X, y, f, _ = block
    # rows predicted perfectly along d: y = 1 above every y = 0 row, y = 0 below every y = 1
    keep = np.asarray(f) > 0
    s = np.asarray(X, float)[keep] @ d
    y = np.asarray(y)[keep]
    return (int(np.count_nonzero((y == 1) & (s > hi)) + np.count_nonzero((y == 0) & (s < lo))),)


def lazy_separation_check(engine, design, result, action):
    """Check the direction the weights ran along for separation: one pass.

    The linear program needs every row in memory; instead, after a fit that did not
    converge (or whose information is singular), the directions d of the last step and
    of the estimate itself (weights only) are tested: separation along d means z = d·x
    puts every y = 1 row at or above every y = 0 row (rows of positive weight, ties to
    1e-9 of the range of z). A direction that passes is a certificate; one that fails
    proves nothing (the data may be separated along another direction).

    Returns
    -------
    Separation
    """
    import dask

    from ..engines.dask import tree_sum

    start = int(design.intercept)
    betas = result.betas
    cands = [np.asarray(result.beta, float)[start:]]
    if len(betas) >= 2:
        cands.append(np.asarray(betas[-1], float)[start:] - np.asarray(betas[-2], float)[start:])
    D = np.column_stack([c / max(np.abs(c).max(), 1e-300) for c in cands])
    parts = [dask.delayed(_direction_block, pure=True)(b, D) for b in engine.partitions()]
    engine.passes[0] += 1
    min1, max1, max0, min0 = tree_sum(parts, _min_max).compute()
    spread = np.maximum(max1, max0) - np.minimum(min1, min0)
    names = design.names
    for c in range(D.shape[1]):
        tol = 1e-9 * max(spread[c], 1e-300)
        if not (np.isfinite(min1[c]) and np.isfinite(max0[c]) and min1[c] >= max0[c] - tol):
            continue
        if min1[c] > max0[c] + tol:
            kind, count = "complete", design.nobs
        else:
            kind = "quasi-complete"
            parts = [dask.delayed(_count_block, pure=True)(b, D[:, c], max0[c] - tol,
                                                          max0[c] + tol)
                     for b in engine.partitions()]
            engine.passes[0] += 1
            count = tree_sum(parts).compute()[0]
        d = pd.Series(np.r_[[0.0] * start, D[:, c]], index=names, name="direction")
        sep = Separation(kind, d, [n for n, v in d.items() if abs(v) > 1e-6], count,
                         design.nobs)
        if action == "raise":
            raise SeparationError(sep.message())
        if action == "warn":
            warnings.warn(sep.message(), SeparationWarning, stacklevel=4)
        return sep
    return Separation(None, pd.Series(0.0, index=names, name="direction"), [], 0, design.nobs)
