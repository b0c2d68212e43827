"""Separation: when a direction in weight space splits y = 1 from y = 0, the MLE does not exist.

Detected by the linear program of Konis (2007), the method of R's detectseparation.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize

from ..exceptions import SeparationError, SeparationWarning

__all__ = ["Separation", "detect_separation", "detect_multinomial_separation",
           "check_separation", "report_separation"]






@dataclass
class Separation:
    """The result of :func:`detect_separation`.

    Attributes
    ----------
    kind : str or None
        "complete", "quasi-complete", or None when the MLE exists.
    direction : pandas.Series or pandas.DataFrame
        A separating direction d (max |d_j| = 1 on columns scaled to max |x| = 1,
        reported on the original scale): z = d·x ≥ 0 for every y = 1 and ≤ 0 for
        every y = 0. The weights with d_j ≠ 0 diverge along it. For a softmax
        outcome a DataFrame, terms × non-reference categories.
    columns : list of str
        The terms whose weights diverge.
    n_separated : int
        Rows predicted perfectly along d (d·x ≠ 0).
    nobs : int
        Rows checked (those with positive weight).
    """

    kind: str | None
    direction: pd.Series
    columns: list
    n_separated: int
    nobs: int

    @property
    def separated(self):
        """Return True when the outcomes are completely or quasi-completely separated."""
        return self.kind is not None

    def message(self):
        """Explain the finding in words."""
        if not self.separated:
            return "no separation: the maximum-likelihood estimate exists"
        if isinstance(self.direction, pd.DataFrame):
            return (f"{self.kind} separation in the multinomial outcome: a direction in the "
                    f"weights of {self.columns} orders the categories perfectly; the MLE does "
                    "not exist and those weights grow without bound (the softmax layer drifts "
                    "toward a hard argmax). Use a penalty, or merge categories.")
        d = self.direction[self.columns]
        combo = " ".join(f"{v:+.3g}·{k}" for k, v in d.items())
        how = ("every row" if self.kind == "complete"
               else f"{self.n_separated} of {self.nobs} rows")
        ge, le = (">", "<") if self.kind == "complete" else ("≥", "≤")
        return (
            f"{self.kind} separation: z = {combo} is {ge} 0 for every y = 1 and {le} 0 for "
            f"every y = 0, and predicts {how} perfectly. The maximum-likelihood estimate does not "
            f"exist: the weights of {self.columns} grow without bound as the fit proceeds, "
            "and the neuron drifts toward a perceptron (σ(c·z) → step as c → ∞). Reported "
            "weights, standard errors and p-values along that direction are meaningless; "
            "use Firth's bias-reduced fit (firth=True: finite estimates and standard errors), "
            "a penalty (lam > 0), or merge or drop the column."
        )


def detect_separation(X, y, names=None, freq_weights=None, tol=1e-7):
    """Detect complete or quasi-complete separation by a linear program.

    Solves max Σ_i s_i·x_i·d subject to s_i·x_i·d ≥ 0 and −1 ≤ d_j ≤ 1, with
    s_i = +1 for y_i = 1 and −1 for y_i = 0 (a row with 0 < y < 1 enters with
    both signs). The optimum is positive exactly when a separating direction
    exists (Konis, 2007).

    Parameters
    ----------
    X : array_like, shape (n, k)
        The design, intercept column included.
    y : array_like, shape (n,)
        Outcomes in [0, 1].
    names : list of str, optional
    freq_weights : array_like, optional
        Rows with weight 0 are ignored.
    tol : float, default 1e-7

    Returns
    -------
    Separation
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n, k = X.shape
    names = list(names) if names is not None else [f"x{j}" for j in range(k)]
    keep = np.ones(n, bool) if freq_weights is None else np.asarray(freq_weights) > 0
    X, y = X[keep], y[keep]
    scale = np.max(np.abs(X), axis=0)
    scale[scale == 0] = 1.0
    Xs = X / scale
    pos, neg = y > 0, y < 1
    A = np.vstack([Xs[pos], -Xs[neg]])
    c = -A.sum(axis=0)
    res = optimize.linprog(c, A_ub=-A, b_ub=np.zeros(A.shape[0]), bounds=[(-1, 1)] * k,
                           method="highs")
    zero = pd.Series(0.0, index=names)
    if res.status != 0 or -res.fun <= tol * max(1.0, A.shape[0]) ** 0.5:
        return Separation(None, zero, [], 0, int(keep.sum()))
    d = res.x.copy()
    d[np.abs(d) < tol] = 0.0
    margin = A @ d
    strict = margin > tol
    if not strict.any():
        return Separation(None, zero, [], 0, int(keep.sum()))
    kind = "quasi-complete"
    # Complete separation: is there a d with every margin strictly positive?
    # max t subject to A·d ≥ t, −1 ≤ d ≤ 1, t ≤ 1.
    comp = optimize.linprog(np.r_[np.zeros(k), -1.0], A_ub=np.hstack([-A, np.ones((len(A), 1))]),
                            b_ub=np.zeros(len(A)), bounds=[(-1, 1)] * k + [(None, 1)],
                            method="highs")
    if comp.status == 0 and -comp.fun > tol:
        kind = "complete"
        d = comp.x[:k].copy()
        d[np.abs(d) < tol] = 0.0
        strict = A @ d > 0
    direction = pd.Series(d / scale, index=names)
    cols = [names[j] for j in np.flatnonzero(d)]
    return Separation(kind, direction, cols, int(strict.sum()), int(A.shape[0]))


def detect_multinomial_separation(X, codes, n_categories, names=None, tol=1e-7):
    """Detect (quasi-)separation of a multinomial logit by a linear program.

    The MLE fails to exist when some direction (d_1 … d_{K−1}), d_0 = 0, has
    x_i·(d_{c_i} − d_k) ≥ 0 for every row i and category k, not all zero: the
    analogue of Konis' LP for the binary case.

    Parameters
    ----------
    X : numpy.ndarray, shape (n, p)
    codes : numpy.ndarray of int
        Category of each row, 0 the reference.
    n_categories : int
    names : list of str, optional
    tol : float, default 1e-7

    Returns
    -------
    Separation
        ``direction`` is a DataFrame, terms × the K − 1 non-reference categories.
    """
    n, p = X.shape
    m = n_categories - 1
    scale = np.max(np.abs(X), axis=0)
    scale[scale == 0] = 1.0
    Xs = X / scale
    rows = []
    for k in range(n_categories):
        others = np.flatnonzero(codes != k)
        if others.size == 0:
            continue
        # rows i with c_i ≠ k: x_i·(d_{c_i} − d_k) ≥ 0
        A = np.zeros((others.size, p * m))
        for idx, i in enumerate(others):
            ci = codes[i]
            if ci > 0:
                A[idx, (ci - 1) * p:ci * p] += Xs[i]
            if k > 0:
                A[idx, (k - 1) * p:k * p] -= Xs[i]
        rows.append(A)
    A = np.vstack(rows)
    res = optimize.linprog(-A.sum(axis=0), A_ub=-A, b_ub=np.zeros(len(A)),
                           bounds=[(-1, 1)] * (p * m), method="highs")
    names = names or [f"x{j}" for j in range(p)]
    empty = pd.DataFrame(np.zeros((p, m)), index=names)
    if res.status != 0 or -res.fun <= tol * max(1.0, len(A)) ** 0.5:
        return Separation(None, empty, [], 0, n)
    d = res.x.reshape(m, p).T / scale[:, None]
    d[np.abs(d) < tol] = 0.0
    margin = A @ res.x
    if not np.any(margin > tol):
        return Separation(None, empty, [], 0, n)
    kind = "complete" if np.all(margin > tol) else "quasi-complete"
    direction = pd.DataFrame(d, index=names)
    cols = [names[j] for j in range(p) if np.any(d[j] != 0)]
    return Separation(kind, direction, cols, int(np.sum(margin > tol)), n)


def check_separation(X, y, names, freq_weights=None, action="warn"):
    """Run :func:`detect_separation` and warn, raise or stay silent.

    Parameters
    ----------
    X, y, names, freq_weights
        As for :func:`detect_separation`.
    action : {"warn", "raise", "ignore"}
        "raise" turns the warning into :class:`SeparationError`.

    Returns
    -------
    Separation
    """
    if action not in ("warn", "raise", "ignore"):
        raise ValueError(f"separation must be 'warn', 'raise' or 'ignore', got {action!r}")
    return report_separation(detect_separation(X, y, names, freq_weights), action,
                             stacklevel=4)


def report_separation(sep, action="warn", stacklevel=2):
    """Warn about, raise on, or pass over a separation found (binary or multinomial).

    Parameters
    ----------
    sep : Separation
    action : {"warn", "raise", "ignore"}
    stacklevel : int, default 2
        As for :func:`warnings.warn`.

    Returns
    -------
    Separation
    """
    if sep.separated:
        if action == "raise":
            raise SeparationError(sep.message())
        if action == "warn":
            warnings.warn(sep.message(), SeparationWarning, stacklevel=stacklevel)
    return sep
