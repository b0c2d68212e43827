"""The state every solver works on: one neuron's data and cost, and what a solver returns.

Problem evaluates the total cost, gradient and Hessian in cache-sized blocks of rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .rowblocks import block_rows, map_ranges

__all__ = ["Problem"]

_CHUNK_HESSIAN = 2048  # rows per sub-block of X'WX: the small products run fastest there
_WIDE_HESSIAN = 96     # from this many columns X'WX is left to BLAS's own threads




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
        self._unit_weights = bool(np.all(self.f == 1.0))

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

    def _rows(self, lo, hi, chunk, beta, order, expected, value):
        """Sum the cost, gradient and Hessian pieces over rows lo:hi, block by block."""
        acc = {"val": 0.0, "Xr": 0.0, "r": 0.0, "XhX": 0.0, "Xh": 0.0, "h": 0.0}
        unit = self._unit_weights
        for start in range(lo, hi, chunk):
            sl = slice(start, min(start + chunk, hi))
            X, y = self.X[sl], self.y[sl]
            f = None if unit else self.f[sl]
            z = self._z(X, beta, self.offset[sl])
            c, d1, d2 = self.cost.derivatives(y, z, order, expected, value)
            if value:
                # (f·c).sum(), not the BLAS dot f @ c: OpenBLAS spreads a dot of over
                # 10,000 values across its own threads, which then spin for ~0.1 s.
                acc["val"] += float(c.sum() if unit else (f * c).sum())
            if order == 0:
                continue
            r = d1 if unit else f * d1
            acc["Xr"] += r @ X
            acc["r"] += r.sum()
            if order == 2:
                h = d2 if unit else f * d2
                acc["XhX"] += _weighted_cross(X, h)
                acc["Xh"] += h @ X
                acc["h"] += h.sum()
        return acc

    def evaluate(self, beta, order=2, expected=False, value=True):
        """Return the total cost, its gradient (order ≥ 1) and Hessian (order 2).

        Rows are processed in blocks that stay in cache; on large data the blocks
        are shared among a few threads, each summing a fixed contiguous range, so
        the result does not depend on scheduling. With ``expected=True`` the
        Hessian is the expected (Fisher) information; with ``value=False`` the cost
        itself is skipped (returned as None).
        """
        beta = np.asarray(beta, dtype=float)
        n = self.n
        chunk = block_rows(self.X.shape[1])
        block = chunk if n > 2 * chunk else n
        # X'WX of a wide X is compute-bound work that OpenBLAS already spreads over the
        # cores; the pool's threads on top of it only compete (measured 1e5 rows: at
        # p = 120 and 200 the pool made it 1.2-1.5x slower, at p = 20 and 64 faster).
        shared = order < 2 or self.X.shape[1] < _WIDE_HESSIAN
        parts = map_ranges(lambda lo, hi: self._rows(lo, hi, block, beta, order, expected, value),
                           n, chunk, self.X.nbytes if shared else 0)
        acc = parts[0]
        for other in parts[1:]:
            for key, v in other.items():
                acc[key] = acc[key] + v
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
        f = self.f.take(rows)
        f *= (self.n if self._unit_weights else self.f.sum()) / f.sum()
        # take() gathers rows about twice as fast as fancy indexing and returns them contiguous.
        return Problem(self.X.take(rows, axis=0), self.y.take(rows), f, self.offset.take(rows),
                       self.cost, self.intercept)


def _weighted_cross(X, h):
    """Return X'diag(h)X, summed over sub-blocks of rows small enough to stay in cache.

    The elementwise work of a pass runs on large blocks (fewer numpy calls, and fewer
    hand-overs of the GIL between the pool's threads); these products on small ones,
    where OpenBLAS runs them fastest and on the calling thread.
    """
    wide = X.shape[1] >= 64 and h.min() >= 0.0
    out = 0.0
    for start in range(0, X.shape[0], _CHUNK_HESSIAN):
        Xb, hb = X[start:start + _CHUNK_HESSIAN], h[start:start + _CHUNK_HESSIAN]
        if wide:
            # Wide blocks: Xs'Xs with Xs = √h·X lets BLAS use syrk, half the flops.
            Xs = Xb * np.sqrt(hb)[:, None]
            out = out + Xs.T @ Xs
        else:
            out = out + (Xb * hb[:, None]).T @ Xb
    return out
