"""The Dask engine: the in-memory engine's passes, run on each partition and summed.

Each pass is one Dask computation: every partition evaluates its own cost, gradient and X'WX
(by :class:`~glmnet_bridge.engines.memory.MemoryEngine`), and the pieces are tree-reduced.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from .memory import MemoryEngine

__all__ = ["DaskEngine", "FAN_IN", "tree_sum"]

FAN_IN = 8  # partial sums combined per task of the reduction tree


def _delayed():
    # Dask is an optional extra: imported only when a Dask collection is in use.
    from dask import delayed

    return delayed


def _block_engine(X, y, f, offset, cost, intercept):
    # Partitions may hold float32: the sums are float64 whatever the storage.
    return MemoryEngine(np.asarray(X, dtype=float), np.asarray(y, dtype=float),
                        np.asarray(f, dtype=float), np.asarray(offset, dtype=float), cost,
                        intercept)


def _evaluate_block(block, cost, intercept, beta, order, expected, value):
    X, y, f, offset = block
    if X.shape[0] == 0:
        return None
    return _block_engine(X, y, f, offset, cost, intercept).evaluate(beta, order, expected, value)


def _meat_block(block, cost, intercept, beta):
    X, y, f, offset = block
    if X.shape[0] == 0:
        return None
    return (_block_engine(X, y, f, offset, cost, intercept).meat(beta),)


def _moments_block(block):
    # A partition's (Σf, weighted mean, Σf·(x − mean)²): combined exactly by _add_moments.
    X, f = np.asarray(block[0], dtype=float), np.asarray(block[2], dtype=float)
    w = float(f.sum())
    if w == 0.0:
        return None
    mean = (f @ X) / w
    d = X - mean
    return w, mean, f @ (d * d)


def _rows_block(block, z, cost, what):
    y, f = np.asarray(block[1], float), np.asarray(block[2], float)
    z = np.asarray(z, float)
    if what == "cost":
        return (float(f @ cost.terms(y, z)),)
    if what == "rss":
        r = y - z
        return (float(f @ (r * r)),)
    return (float(getattr(cost, what)(y, z, f)),)


def _add(*parts):
    """Sum tuples of partial results elementwise (None: an empty partition, or not asked)."""
    parts = [p for p in parts if p is not None]
    if not parts:
        return None
    out = list(parts[0])
    for p in parts[1:]:
        out = [a if b is None else (b if a is None else a + b) for a, b in zip(out, p,
                                                                              strict=True)]
    return tuple(out)


def _add_moments(*parts):
    """Combine (Σf, mean, M2) of disjoint row sets (Chan, Golub and LeVeque's update)."""
    parts = [p for p in parts if p is not None]
    if not parts:
        return None
    w, mean, m2 = parts[0]
    for wb, mb, m2b in parts[1:]:
        total = w + wb
        delta = mb - mean
        mean = mean + delta * (wb / total)
        m2 = m2 + m2b + delta * delta * (w * wb / total)
        w = total
    return w, mean, m2


def tree_sum(parts, combine=_add):
    """Return one delayed result: ``parts`` combined FAN_IN at a time, as a tree.

    A tree keeps each task's inputs few (no single task, nor the client, gathers one
    partial result per partition) and the order of the sums fixed.
    """
    delayed = _delayed()
    parts = list(parts)
    if not parts:
        raise ValueError("the data have no partitions")
    while len(parts) > 1:
        parts = [delayed(combine, pure=True)(*parts[i:i + FAN_IN])
                 for i in range(0, len(parts), FAN_IN)]
    return parts[0]


@dataclass
class DaskEngine:
    """The data and cost of one neuron held as Dask arrays partitioned by rows.

    X (n, p) is split by rows only; y, f and offset have the same row chunks. The
    methods are :class:`~glmnet_bridge.engines.memory.MemoryEngine`'s, so the solvers run
    unchanged; each pass is one ``dask.compute`` (on a ``distributed.Client`` when one
    is active, else Dask's default scheduler). Nothing is persisted: every pass reads
    the partitions again.

    Attributes
    ----------
    passes : list of int
        One counter shared by the views of the same data: computations over all rows.
    blocks : list of dask.delayed.Delayed, optional
        One (X, y, f, offset) tuple of numpy arrays per partition, built by one task
        (a formula's design); by default the arrays' own blocks.
    """

    X: object
    y: object
    f: object
    offset: object
    cost: object
    intercept: bool = False
    passes: list = field(default_factory=lambda: [0])
    blocks: list | None = None
    weight: float | None = None  # Σ f when already known (no pass to count it)
    nrows: int | None = None  # the rows that count (weight > 0), when some are masked out

    def __post_init__(self):
        if self.X.ndim != 2:
            raise ValueError("X must be a 2-d Dask array")
        if len(self.X.chunks[1]) != 1:
            self.X = self.X.rechunk({1: -1})
        rows = self.X.chunks[0]
        for name in ("y", "f", "offset"):
            v = getattr(self, name)
            if v.chunks[0] != rows:
                setattr(self, name, v.rechunk({0: rows}))
        self._outputs = int(getattr(self.cost, "outputs", 1))
        if self._outputs > 1:
            raise ValueError("the Dask engine fits one output (not a softmax layer)")

    # ------------------------------------------------------------------ sizes
    @property
    def n(self):
        """Return the number of rows (those that count, when rows are masked out)."""
        return int(self.X.shape[0]) if self.nrows is None else self.nrows

    @property
    def k(self):
        """Return the number of parameters."""
        return self.X.shape[1] + int(self.intercept)

    @property
    def lengths(self):
        """Return the rows of each partition."""
        return tuple(int(c) for c in self.X.chunks[0])

    @property
    def total_weight(self):
        """Return Σ f (one pass over f, unless known)."""
        if self.weight is not None:
            return self.weight
        self.passes[0] += 1
        return float(self.f.sum().compute())

    # ------------------------------------------------------------------ views
    def with_cost(self, cost):
        """Return the same data under another cost."""
        return replace(self, cost=cost)

    def columns(self, keep, intercept=None):
        """Return the engine on the input columns ``keep`` (and a bias or not)."""
        keep = np.asarray(keep, dtype=int)
        blocks = None if self.blocks is None else \
            [_delayed()(_select, pure=True)(b, keep) for b in self.blocks]
        return replace(self, X=self.X[:, keep], blocks=blocks,
                       intercept=self.intercept if intercept is None else intercept)

    def _gather(self, rows):
        """Return rows (sorted global indices) of X, y, f, offset as numpy arrays."""
        import dask

        starts = np.cumsum((0,) + self.lengths)
        which = np.searchsorted(starts, rows, side="right") - 1
        blocks = self.partitions()
        picks = []
        for b in np.unique(which):
            local = rows[which == b] - starts[b]
            picks.append(_delayed()(_take, pure=True)(blocks[b], local))
        got = dask.compute(*picks)
        return tuple(np.concatenate([g[i] for g in got]) for i in range(4))

    def subset(self, rows):
        """Return a :class:`MemoryEngine` on ``rows``, weights rescaled to the same total."""
        rows = np.sort(np.asarray(rows, dtype=int))
        X, y, f, off = self._gather(rows)
        f = f * (self.total_weight / f.sum())
        return MemoryEngine(np.ascontiguousarray(X, dtype=float), y.astype(float), f,
                            off.astype(float), self.cost, self.intercept)

    def rows(self, rows):
        """Refuse: a mini-batch solver would read the partitions once per batch."""
        raise NotImplementedError("mini-batches of Dask data are not supported: fit with "
                                  "solver='newton' or 'lbfgs' (one pass per iteration)")

    def subsample(self, m, seed):
        """Return a :class:`MemoryEngine` on m rows drawn from random whole partitions.

        Partitions are drawn (seeded) until they hold at least 4·m rows, then m of
        their rows; only those partitions are read. The subsample only starts Newton
        off: the answer is the full data's optimum whatever rows it holds.
        """
        rng = np.random.default_rng(seed)
        lengths = np.asarray(self.lengths)
        starts = np.cumsum(np.r_[0, lengths])
        order = rng.permutation(len(lengths))
        held = np.cumsum(lengths[order])
        chosen = np.sort(order[:int(np.searchsorted(held, min(4 * m, self.n))) + 1])
        pool = np.concatenate([np.arange(starts[b], starts[b + 1]) for b in chosen])
        rows = np.sort(rng.choice(pool, min(m, pool.size), replace=False))
        return self.subset(rows)

    # ------------------------------------------------------------------ passes
    def partitions(self):
        """Return one delayed (X, y, f, offset) tuple of numpy arrays per partition."""
        if self.blocks is not None:
            return list(self.blocks)
        return [_delayed()(_tuple, pure=True)(*b) for b in zip(
            *(_blocks_of(a) for a in (self.X, self.y, self.f, self.offset)), strict=True)]

    def _pass(self, fn, *args, combine=_add):
        """Run ``fn(X, y, f, offset, *args)`` on every partition, tree-sum, compute."""
        delayed = _delayed()
        parts = [delayed(fn, pure=True)(b, *args) for b in self.partitions()]
        self.passes[0] += 1
        return tree_sum(parts, combine).compute()

    def evaluate(self, beta, order=2, expected=False, value=True):
        """Return the total cost, its gradient (order ≥ 1) and Hessian (order 2): one pass."""
        beta = np.asarray(beta, dtype=float)
        out = self._pass(_evaluate_block, self.cost, self.intercept, beta, order, expected,
                         value)
        if out is None:
            raise ValueError("the data have no rows")
        return out

    def z(self, beta):
        """Return the weighted inputs z = b + X·w + offset, lazily (a Dask array)."""
        beta = np.asarray(beta, dtype=float)
        if self.intercept:
            return self.X.astype(float) @ beta[1:] + beta[0] + self.offset
        return self.X.astype(float) @ beta + self.offset

    def column_moments(self):
        """Return the f-weighted means and population SDs of the input columns: one pass."""
        delayed = _delayed()
        parts = [delayed(_moments_block, pure=True)(b) for b in self.partitions()]
        self.passes[0] += 1
        w, mean, m2 = tree_sum(parts, _add_moments).compute()
        return mean, np.sqrt(m2 / w)

    def meat(self, beta):
        """Return B = Σ_i f_i·s_i²·x_i x_i' (the sandwich's middle): one pass."""
        return self._pass(_meat_block, self.cost, self.intercept,
                          np.asarray(beta, dtype=float))[0]

    def reduce_rows(self, what, cost, z):
        """Return a statistic of (y, z, f) summed over the partitions: one pass.

        Parameters
        ----------
        what : {"loglik", "deviance", "cost"}
            ``cost.loglik`` or ``cost.deviance`` (sums over rows), or Σ f·c(y, z).
        cost : Cost
        z : dask.array.Array or float
            The weighted inputs, row-chunked as y (a number: the same z on every row).
        """
        if np.ndim(z) == 0:
            z = self.y * 0.0 + float(z)
        z = z.rechunk({0: self.y.chunks[0]})
        if what == "loglik" and cost.family == "gaussian":
            # σ² profiled out: −n/2·(log(2π·RSS/n) + 1), from the sums RSS and n.
            rss = self._rows_pass(cost, z, "rss")
            n = self.total_weight
            return -0.5 * n * (np.log(2.0 * np.pi * rss / n) + 1.0)
        return self._rows_pass(cost, z, what)

    def _rows_pass(self, cost, z, what):
        delayed = _delayed()
        parts = [delayed(_rows_block, pure=True)(b, zb, cost, what) for b, zb in
                 zip(self.partitions(), _blocks_of(z), strict=True)]
        self.passes[0] += 1
        return tree_sum(parts).compute()[0]


def _take(block, local):
    return tuple(np.asarray(a)[local] for a in block)


def _tuple(*arrays):
    return arrays


def _select(block, keep):
    X, y, f, offset = block
    return np.asarray(X)[:, keep], y, f, offset


def _blocks_of(a):
    # optimize_graph=False keeps a task shared by several arrays (a partition's read)
    # one task: optimised, each array's blocks would inline, and so repeat, it.
    return a.to_delayed(optimize_graph=False).ravel()
