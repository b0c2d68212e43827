"""A path's λ after λ by glmnet's compiled coordinate descent, for the canonical families.

The in-memory path of a logistic, Poisson (exp) or Gaussian (identity) neuron is
solved as R's glmnet solves it: on standardised columns, by coordinate descent with
strong rules and warm starts (:mod:`glmnet_bridge.solvers.coordinate`); each λ is one
call of the compiled kernel. Other links and Dask data take
:class:`~glmnet_bridge.glmnet.screen.PathSolver`.
"""

from __future__ import annotations

import numpy as np

from ..engines.rowblocks import PARALLEL_BYTES, get_num_threads
from ..solvers.coordinate import (
    BINOMIAL,
    GAUSSIAN,
    POISSON,
    solve_lambda,
    start_lambda,
    working,
)
from ..solvers.result import SolverResult

__all__ = ["CompiledPath", "compiled_family"]

_FAMILY = {("logistic", "binomial"): BINOMIAL, ("exp", "poisson"): POISSON,
           ("identity", "gaussian"): GAUSSIAN}
_MAXIT = 100_000  # sweeps per λ, glmnet's maxit


def compiled_family(act, cost, design):
    """Return the kernel's family code for this neuron, or None when it has none.

    The canonical links only (glmnet's own families), dense in-memory data below
    ``PARALLEL_BYTES`` (100 MB), and the cost the activation's default (cross-entropy,
    Poisson, least squares). From 100 MB the engine shares each pass over X among
    threads and its Newton steps win: the (1e6, 20) path took 11.4 s there against the
    kernel's 39.8 s (one thread, sweeps over 1e6 rows); at (1e5, 20) the kernel wins.
    """
    if getattr(design, "lazy", False) or not isinstance(design.inputs, np.ndarray):
        return None
    if design.inputs.nbytes >= PARALLEL_BYTES and get_num_threads() > 1:
        return None
    return _FAMILY.get((act.name, getattr(cost, "family", None)))


class CompiledPath:
    """Solve λ after λ from the last answer with the compiled coordinate descent.

    Parameters
    ----------
    design : glmnet_bridge.estimation.design.Design
        The checked in-memory design.
    fam : int
        The kernel's family code (:func:`compiled_family`).
    unit : glmnet_bridge.core.penalties.PenaltyWeights
        The penalty weights at λ = 1 on the original scale (bias first, if any).
    scale : numpy.ndarray
        The column SDs the penalty standardises by (ones without).
    beta : numpy.ndarray
        The start (the null model), original scale.
    tol : float
        As the path's: KKT conditions to 10·tol·max(1, |∇|), in units of the
        linear predictor.
    """

    def __init__(self, design, fam, unit, scale, beta, tol):
        X = design.inputs
        self.intercept = lead = int(design.intercept)
        f = design.freq_weights
        self.total = float(f.sum())
        self.wn = f / self.total
        self.xm = self.wn @ X if lead else np.zeros(X.shape[1])
        self.scale = scale
        self.Xs = np.asfortranarray((X - self.xm) / scale)
        self.y = np.ascontiguousarray(design.y, dtype=float)
        self.off = np.ascontiguousarray(design.offset, dtype=float)
        self.fam = fam
        self.l1u = np.ascontiguousarray(unit.l1[lead:] / scale)
        self.l2u = np.ascontiguousarray(unit.l2[lead:] / scale ** 2)
        self.b = beta[lead:] * scale
        self.b0 = np.array([beta[0] + self.xm @ beta[lead:] if lead else 0.0])
        self.eta = self.off + self.b0[0] + self.Xs @ self.b
        v, r = np.empty_like(self.y), np.empty_like(self.y)
        working(fam, self.y, self.wn, self.eta, v, r, False)
        self.grad = self.Xs.T @ r
        # the largest |∇_j| in units of the linear predictor at the start sets the scale
        xv = np.einsum("i,ij,ij->j", v, self.Xs, self.Xs)
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = np.where(xv > 0, np.abs(self.grad) / np.sqrt(xv), 0.0)
        self.limit = 10.0 * tol * max(1.0, float(rel.max(initial=0.0)))
        self.ever = self.b != 0
        self.lam = None
        self.before = None  # the λ before the last, its answer and bias
        # X'VX of the columns nonzero since the weights were taken (the Gaussian's never
        # change; the others' are renewed as the linear predictor moves)
        n, p = X.shape
        c = min(p, 2 * n, 1000)
        self.cache = np.zeros((c + 1, c))
        self.meta = np.full(p + c + 1, -1, dtype=np.int64)
        self.meta[-1] = 0
        self.vref = np.append(self.wn, self.wn.sum()) if fam == GAUSSIAN else np.zeros(n + 1)
        self.etaref = np.full(n, np.inf)

    def solve(self, pw, lam):
        """Return the :class:`~glmnet_bridge.solvers.result.SolverResult` at λ (original scale).

        ``pw`` (the penalty weights at λ) is implied by the unit weights and λ here; it
        is taken for the interface :class:`~glmnet_bridge.glmnet.screen.PathSolver` has.
        """
        l1, l2 = lam * self.l1u, lam * self.l2u
        ratio = 1.0 if self.lam is None else self.lam / lam
        t = 0.0
        if self.before is not None and self.before[0] is not None:
            t = np.log(lam / self.lam) / np.log(self.lam / self.before[0])
        before_b = self.b.copy()
        before = (self.lam, before_b, self.b0[0])
        strong = np.empty(len(self.b), dtype=np.bool_)
        prev_b, prev_b0 = (self.before[1], self.before[2]) if t else (before_b, self.b0[0])
        start_lambda(self.Xs, self.off, self.b, self.b0, self.eta, prev_b, prev_b0, t,
                     self.grad, l1, 2.0 - ratio, self.ever, strong)
        cost, sweeps, converged = solve_lambda(
            self.Xs, self.y, self.wn, self.off, self.fam, bool(self.intercept), self.b,
            self.b0, self.eta, l1, l2, strong, self.grad, self.limit, _MAXIT, self.cache,
            self.meta, self.vref, self.etaref)
        self.ever |= self.b != 0
        self.lam = lam
        self.before = before
        w = self.b / self.scale
        if self.intercept:
            beta = np.empty(len(w) + 1)
            beta[0], beta[1:] = self.b0[0] - self.xm @ w, w
        else:
            beta = w.copy()
        message = "converged" if converged else \
            f"coordinate descent did not converge in {_MAXIT} sweeps"
        return SolverResult(beta, bool(converged), int(sweeps), message,
                            value=float(cost) * self.total)
