"""The state every solver works on: one neuron's data and cost, and what a solver returns.

Problem evaluates the total cost, gradient and Hessian in cache-sized blocks of rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Problem", "SolverResult", "SingularInformation", "ConvergenceWarning"]

_CHUNK = 2048          # rows per block: keeps a block of X in cache for z, gradient and X'WX


class ConvergenceWarning(UserWarning):
    """A solver stopped before its convergence criterion was met."""


class SingularInformation(np.linalg.LinAlgError):
    """The information matrix is singular: the design is rank deficient or the MLE is at ∞."""


@dataclass
class Problem:
    """The data and cost of one neuron: inputs X (n, p), y, frequency weights f, offset.

    With ``intercept=True`` the parameter vector is β = (b, w) and z = b + X·w +
    offset: the bias is handled in the algebra, so X never needs a column of ones.
    """

    X: np.ndarray
    y: np.ndarray
    f: np.ndarray
    offset: np.ndarray
    cost: object
    intercept: bool = False

    @property
    def n(self):
        """Return the number of rows."""
        return self.X.shape[0]

    @property
    def k(self):
        """Return the number of parameters."""
        return self.X.shape[1] + int(self.intercept)

    def full_X(self):
        """Return the design with its column of ones (a copy when there is a bias)."""
        if not self.intercept:
            return self.X
        return np.column_stack([np.ones(self.n), self.X])

    def __post_init__(self):
        self._has_offset = bool(np.any(self.offset))

    def _z(self, X, beta, offset):
        z = X @ beta[1:] if self.intercept else X @ beta
        if self.intercept:
            z += beta[0]
        if self._has_offset:
            z += offset
        return z

    def z(self, beta):
        """Return the weighted inputs z = b + X·w + offset."""
        return self._z(self.X, np.asarray(beta, float), self.offset)

    def _block(self, sl, beta, order, expected, value, acc):
        X, y, f = self.X[sl], self.y[sl], self.f[sl]
        z = self._z(X, beta, self.offset[sl])
        c, d1, d2 = self.cost.derivatives(y, z, order, expected, value)
        if value:
            acc["val"] += float(f @ c)
        if order == 0:
            return
        r = f * d1
        acc["Xr"] += X.T @ r
        acc["r"] += r.sum()
        if order == 2:
            h = f * d2
            if X.shape[1] >= 64 and h.min() >= 0.0:
                # Wide blocks: Xs'Xs with Xs = √h·X lets BLAS use syrk, half the flops.
                Xs = X * np.sqrt(h)[:, None]
                acc["XhX"] += Xs.T @ Xs
            else:
                acc["XhX"] += (X * h[:, None]).T @ X
            acc["Xh"] += X.T @ h
            acc["h"] += h.sum()

    def evaluate(self, beta, order=2, expected=False, value=True):
        """Return the total cost, its gradient (order ≥ 1) and Hessian (order 2).

        Rows are processed in blocks that stay in cache. With ``expected=True``
        the Hessian is the expected (Fisher) information; with ``value=False``
        the cost itself is skipped (returned as None).
        """
        beta = np.asarray(beta, dtype=float)
        blocks = ([slice(s, s + _CHUNK) for s in range(0, self.n, _CHUNK)]
                  if self.n > 2 * _CHUNK else [slice(None)])
        acc = {"val": 0.0, "Xr": 0.0, "r": 0.0, "XhX": 0.0, "Xh": 0.0, "h": 0.0}
        for sl in blocks:
            self._block(sl, beta, order, expected, value, acc)
        p = self.X.shape[1]
        grad = hess = None
        if order:
            grad = np.zeros(p) + acc["Xr"]
            if self.intercept:
                grad = np.r_[acc["r"], grad]
        if order == 2:
            hess = np.zeros((p, p)) + acc["XhX"]
            if self.intercept:
                col = np.zeros(p) + acc["Xh"]
                hess = np.block([[np.array([[acc["h"]]]), col[None, :]],
                                 [col[:, None], hess]])
        return (acc["val"] if value else None), grad, hess

    def subset(self, rows):
        """Return the problem restricted to ``rows``, weights rescaled to the same total."""
        scale = self.f.sum() / self.f[rows].sum()
        return Problem(np.ascontiguousarray(self.X[rows]), self.y[rows], self.f[rows] * scale,
                       self.offset[rows], self.cost, self.intercept)


@dataclass
class SolverResult:
    """What a solver returns: the estimate and how it got there."""

    beta: np.ndarray
    converged: bool
    n_iter: int
    message: str
    costs: list = field(default_factory=list)      # total cost per iteration (start first)
    betas: list = field(default_factory=list)      # β per iteration (start first)
    hessian: np.ndarray | None = None              # Hessian of the total cost at beta
    value: float | None = None                     # total cost at beta, when computed
