"""The in-memory engine: one neuron's data and cost, evaluated by passes over row blocks.

Solvers see the data only through an engine: the total cost, gradient and X'WX at β
(:meth:`MemoryEngine.evaluate`), and a few derived views (a subsample, a subset of rows or
columns, the same data under another cost). An engine over a distributed array offers
the same methods, so the solvers run unchanged on it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .rowblocks import block_rows, map_ranges

__all__ = ["MemoryEngine", "column_moments"]

_CHUNK_HESSIAN = 2048  # rows per sub-block of X'WX: the small products run fastest there
_WIDE_HESSIAN = 96     # from this many columns X'WX is left to BLAS's own threads


@dataclass
class MemoryEngine:
    """The data and cost of one neuron: inputs X (n, p), y, frequency weights f, offset.

    With ``intercept=True`` the parameter vector is β = (b, w) and z = b + X·w +
    offset: the bias is handled in the algebra, so X never needs a column of ones.
    A multinomial cost (softmax) has m = K − 1 outputs: β stacks their parameter
    vectors, category by category, and y holds the m indicator columns.
    """

    X: np.ndarray
    y: np.ndarray
    f: np.ndarray
    offset: np.ndarray
    cost: object
    intercept: bool = False

    def __post_init__(self):
        self._has_offset = bool(np.any(self.offset))
        self._unit_weights = bool(np.all(self.f == 1.0))
        self._outputs = int(getattr(self.cost, "outputs", 1))
        # A softmax outcome takes the multinomial pass even with two categories (one output).
        self._multi = getattr(self.cost, "family", None) == "multinomial"

    @property
    def n(self):
        """Return the number of rows."""
        return self.X.shape[0]

    @property
    def k(self):
        """Return the number of parameters (all outputs')."""
        return (self.X.shape[1] + int(self.intercept)) * self._outputs

    @property
    def total_weight(self):
        """Return Σ f: the n of glmnet's mean cost."""
        return float(self.f.sum())

    def full_X(self):
        """Return the design with its column of ones (a copy when there is a bias)."""
        if not self.intercept:
            return self.X
        return np.column_stack([np.ones(self.n), self.X])

    # ------------------------------------------------------------------ views
    def with_cost(self, cost):
        """Return the same data under another cost (e.g. the likelihood of an NLS fit)."""
        return replace(self, cost=cost)

    def columns(self, keep, intercept=None):
        """Return the engine on the input columns ``keep`` (and a bias or not)."""
        keep = np.asarray(keep, dtype=int)
        return replace(self, X=np.ascontiguousarray(self.X[:, keep]),
                       intercept=self.intercept if intercept is None else intercept)

    def subset(self, rows):
        """Return the engine on ``rows``, weights rescaled to the same total."""
        f = self.f.take(rows)
        f *= (self.n if self._unit_weights else self.f.sum()) / f.sum()
        # take() gathers rows faster than fancy indexing and returns them contiguous.
        return replace(self, X=self.X.take(rows, axis=0), y=self.y.take(rows, axis=0), f=f,
                       offset=self.offset.take(rows))

    def rows(self, rows):
        """Return the engine on ``rows`` with their own weights (a mini-batch)."""
        return replace(self, X=self.X.take(rows, axis=0), y=self.y.take(rows, axis=0),
                       f=self.f.take(rows), offset=self.offset.take(rows))

    def subsample(self, m, seed):
        """Return the engine on m rows drawn without replacement (weights rescaled)."""
        rng = np.random.default_rng(seed)
        return self.subset(np.sort(rng.choice(self.n, m, replace=False)))

    def column_moments(self):
        """Return the f-weighted means and population SDs of the input columns."""
        return column_moments(self.X, self.f)

    # ------------------------------------------------------------------ passes
    def _z(self, X, beta, offset):
        if self._multi:
            B = beta.reshape(self._outputs, -1).T
            Z = X @ B[1:] + B[0] if self.intercept else X @ B
            return Z + offset[:, None] if self._has_offset else Z
        z = X @ beta[1:] if self.intercept else X @ beta
        if self.intercept:
            z += beta[0]
        if self._has_offset:
            z += offset
        return z

    def z(self, beta):
        """Return the weighted inputs z = b + X·w + offset (n × m for m outputs)."""
        return self._z(self.X, np.asarray(beta, float), self.offset)

    def _rows(self, lo, hi, chunk, beta, order, expected, value):
        """Sum the cost, gradient and Hessian pieces over rows lo:hi, block by block."""
        if self._multi:
            return self._rows_multi(lo, hi, chunk, beta, order, value)
        acc = {"val": 0.0, "Xr": 0.0, "r": 0.0, "XhX": 0.0, "Xh": 0.0, "h": 0.0}
        unit = self._unit_weights
        for start in range(lo, hi, chunk):
            sl = slice(start, min(start + chunk, hi))
            X, y = self.X[sl], self.y[sl]
            f = None if unit else self.f[sl]
            z = self._z(X, beta, self.offset[sl])
            c, d1, d2 = self.cost.derivatives(y, z, order, expected, value)
            if value:
                # (f·c).sum(), not the BLAS dot f @ c: a dot over many values would run
                # on OpenBLAS's own threads, which keep spinning afterwards (docs/speed.md).
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

    def _rows_multi(self, lo, hi, chunk, beta, order, value):
        """Sum a multinomial pass: K − 1 outputs, Hessian blocks X'diag(f·p_j(δ_jk − p_k))X."""
        m, q = self._outputs, self.X.shape[1] + int(self.intercept)
        acc = {"val": 0.0, "G": np.zeros((q, m)), "H": np.zeros((m * q, m * q))}
        for start in range(lo, hi, chunk):
            sl = slice(start, min(start + chunk, hi))
            X = np.column_stack([np.ones(sl.stop - sl.start), self.X[sl]]) if self.intercept \
                else self.X[sl]
            f = self.f[sl]
            c, D1, P = self.cost.derivatives(self.y[sl], self._z(self.X[sl], beta,
                                                                  self.offset[sl]), order)
            if value:
                acc["val"] += float((f * c).sum())
            if order == 0:
                continue
            acc["G"] += X.T @ (f[:, None] * D1)
            if order == 2:
                for j in range(m):
                    for k in range(j, m):
                        w = f * P[:, j] * ((j == k) - P[:, k])
                        block = (X * w[:, None]).T @ X
                        acc["H"][j * q:(j + 1) * q, k * q:(k + 1) * q] += block
                        if k != j:
                            acc["H"][k * q:(k + 1) * q, j * q:(j + 1) * q] += block.T
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
        # cores; the pool's threads on top of it only compete (docs/speed.md).
        shared = order < 2 or self.X.shape[1] < _WIDE_HESSIAN
        parts = map_ranges(lambda lo, hi: self._rows(lo, hi, block, beta, order, expected, value),
                           n, chunk, self.X.nbytes if shared else 0)
        acc = parts[0]
        for other in parts[1:]:
            for key, v in other.items():
                acc[key] = acc[key] + v
        if self._multi:
            grad = acc["G"].T.ravel() if order else None
            return (acc["val"] if value else None), grad, (acc["H"] if order == 2 else None)
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

    def meat(self, beta):
        """Return B = Σ_i f_i·s_i²·x_i x_i', s_i = ∂c/∂z: the sandwich's middle (one output)."""
        s = self.cost.dz(self.y, self.z(beta))
        Xs = self.full_X() * (np.sqrt(self.f) * s)[:, None]
        return Xs.T @ Xs


def column_moments(X, f):
    """Return the f-weighted means and population SDs (divisor Σf) of the columns of X.

    This is the scale glmnet standardises by. Summed by row blocks: no n-by-p
    temporaries, and each product small enough to stay on the calling thread.
    """
    f = f / f.sum()
    rows = block_rows(X.shape[1])
    starts = range(0, X.shape[0], rows)
    mean = sum(f[start:start + rows] @ X[start:start + rows] for start in starts)
    mean = np.zeros(X.shape[1]) + mean
    var = np.zeros(X.shape[1])
    for start in starts:
        d = X[start:start + rows] - mean
        d *= d
        var += f[start:start + rows] @ d
    return mean, np.sqrt(var)


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
