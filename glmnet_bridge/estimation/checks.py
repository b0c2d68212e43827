"""Checks of a built design against a model: outcomes its cost allows, identifiable columns.

Each raises :class:`glmnet_bridge.design.DataError` naming the rows or columns at fault.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..exceptions import DataError
from .design import check_lengths, list_rows

__all__ = ["check_binary", "check_outcome", "diagnose_rank", "set_trials", "log_exposure",
           "categories"]


def categories(labels, reference=None):
    """Return integer codes (0 the reference) and the levels of a categorical outcome.

    Parameters
    ----------
    labels : array_like
        One category per row.
    reference : optional
        The reference category; default the first level (a Categorical's own first
        category, else the first in sorted order, as statsmodels' ``MNLogit``).

    Returns
    -------
    (numpy.ndarray, list)
    """
    if isinstance(labels, pd.Series) and isinstance(labels.dtype, pd.CategoricalDtype):
        labels = pd.Categorical(labels)
    cat = labels.remove_unused_categories() if isinstance(labels, pd.Categorical) else \
        pd.Categorical(np.asarray(labels).ravel())
    levels = list(cat.categories)
    if len(levels) < 2:
        raise DataError("the outcome takes a single value: nothing to fit")
    if reference is not None:
        if reference not in levels:
            raise DataError(f"reference category {reference!r} is not among {levels}")
        levels = [reference] + [c for c in levels if c != reference]
        cat = pd.Categorical(np.asarray(cat), categories=levels)
    return np.asarray(cat.codes), levels


def log_exposure(exposure, design):
    """Return log(exposure), checked row by row: a Poisson model's offset for time at risk."""
    e = np.asarray(exposure, dtype=float).ravel()
    if e.shape != (design.nobs,):
        raise DataError(f"exposure has {e.size} rows but the design has {design.nobs}")
    bad = ~np.isfinite(e) | (e <= 0)
    if bad.any():
        raise DataError(f"exposure must be positive and finite ({list_rows(design.rows, bad)})")
    return np.log(e)

def set_trials(design, trials):
    """Turn a count of successes into a proportion of ``trials`` (checked, row by row).

    Parameters
    ----------
    design : Design
        Its ``y`` holds successes; it is replaced by successes/trials.
    trials : array_like
        Trials per row (positive integers).
    """
    m = np.asarray(trials, dtype=float).ravel()
    check_lengths(design.nobs, trials=m)
    bad = ~np.isfinite(m) | (m <= 0) | (m != np.round(m))
    if bad.any():
        raise DataError(f"trials must be positive whole numbers ({list_rows(design.rows, bad)})")
    k = design.y
    bad = (k < 0) | (k > m) | (k != np.round(k))
    if bad.any():
        raise DataError(f"outcome {design.yname!r} counts successes: it must be a whole number "
                        f"between 0 and the trials ({list_rows(design.rows, bad)})")
    design.y = k / m
    design.trials = m


def check_binary(design, cost_name="cross-entropy"):
    """Raise :class:`DataError` unless every outcome is 0 or 1 (naming the first bad rows).

    With ``design.trials`` the outcome is a proportion: only "not constant" is checked.
    """
    y = design.y
    if design.trials is not None:
        if np.all(y == y[0]) and y[0] in (0.0, 1.0):
            raise DataError(f"outcome {design.yname!r} is {y[0]:g} in every trial: "
                            "there is nothing to fit")
        return
    # Counting the non-zeros and the ones is faster than a mask of the bad values (NaN
    # was refused before); the mask is built only to name the rows.
    ones = np.count_nonzero(y)
    if ones != np.count_nonzero(y == 1.0):
        bad = y * (1.0 - y) != 0.0  # neither 0 nor 1
        first = y[bad][0]
        raise DataError(
            f"outcome {design.yname!r} must be 0 or 1 for the {cost_name} cost: "
            f"{list_rows(design.rows, bad)} hold{'s' if bad.sum() == 1 else ''} "
            f"values such as {first:g}"
        )
    w = design.freq_weights
    used = y if w.min() > 0 else y[w > 0]
    if not 0 < ones < len(y) if used is y else used.min() == used.max():
        raise DataError(f"outcome {design.yname!r} takes only the value {used[0]:g}: "
                        "there is nothing to fit (the MLE of the bias is infinite)")


def check_outcome(design, cost):
    """Raise :class:`DataError` if some outcome is impossible for ``cost`` (naming rows).

    A binary model (a cross-entropy or the quadratic cost of a sigmoid) needs 0/1 outcomes
    (:func:`check_binary`); Poisson needs counts; the Gaussian anything finite.
    """
    if cost.family in ("binomial", None):
        check_binary(design, cost.name.replace("_", "-"))
        return
    levels = design.outcome_levels
    if levels is not None and levels != [False, True]:
        raise DataError(f"outcome {design.yname!r} is a factor (levels {levels}): the "
                        f"{cost.name} cost needs numbers; a two-level outcome goes with a "
                        "binary activation (e.g. activation=\"logistic\")")
    bad = ~cost.valid_outcome(design.y)
    if bad.any():
        raise DataError(f"outcome {design.yname!r} {cost.outcome_rule} for the {cost.name} "
                        f"cost: {list_rows(design.rows, bad)} hold values such as "
                        f"{design.y[bad][0]:g}")


def diagnose_rank(X, names, intercept=True):
    """Raise :class:`DataError` if the columns of X are linearly dependent.

    Names the cause: a constant column, two identical columns, or the set of
    columns in an exact linear relation (with the relation itself).

    Parameters
    ----------
    X : numpy.ndarray, shape (n, k)
    names : list of str
    intercept : bool
        Whether column 0 is the intercept.
    """
    k = X.shape[1]
    start = 1 if intercept else 0
    for j in range(start, k):
        col = X[:, j]
        if intercept and np.all(col == col[0]):
            raise DataError(f"column {names[j]!r} is constant (every value is {col[0]:g}): "
                            "it cannot be told apart from the intercept (the bias)")
        if not np.any(col):
            raise DataError(f"column {names[j]!r} is all zeros")
    for j in range(k):
        for m in range(j + 1, k):
            if np.array_equal(X[:, j], X[:, m]):
                raise DataError(f"columns {names[j]!r} and {names[m]!r} are identical; drop one")
    # Scale by the largest entry first: a sum of squares over- or underflows at 1e±155.
    top = np.abs(X).max(axis=0)
    unit = X / top
    scale = top * np.sqrt((unit * unit).sum(axis=0))
    if not np.all(np.isfinite(scale) & (scale > 0)):
        return
    _, s, vt = np.linalg.svd(X / scale, full_matrices=False)
    tol = s[0] * max(X.shape) * np.finfo(float).eps * 10
    null = vt[s <= tol]
    if null.size == 0:
        return
    v = null[-1] / scale
    v = v / np.abs(v).max()
    involved = [names[j] for j in np.flatnonzero(np.abs(v) > 1e-8)]
    # Express the last column of the relation (usually the one added last) by the others.
    j = int(np.flatnonzero(np.abs(v) > 1e-8)[-1])
    terms = [f"{-v[m] / v[j]:+.4g}·{names[m]}" for m in np.flatnonzero(np.abs(v) > 1e-8) if m != j]
    raise DataError(
        f"the design is rank deficient (rank {k - len(null)} < {k} columns): columns "
        f"{involved} are linearly dependent, {names[j]} = {' '.join(terms)}; drop one of them"
    )
