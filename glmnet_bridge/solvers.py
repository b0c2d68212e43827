"""Optimisers of one neuron's total cost Σ f_i·c(y_i, x_i·β + offset_i).

Plain functions over a small :class:`Problem`: Newton (observed or expected
information), L-BFGS, and the network way, full-batch and mini-batch gradient descent.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from scipy import linalg, optimize

__all__ = ["Problem", "SolverResult", "SingularInformation", "ConvergenceWarning", "newton",
           "lbfgs", "gradient_descent", "SOLVERS"]

SOLVERS = ("newton", "lbfgs", "gd", "sgd")
_CHUNK = 2048          # rows per block: keeps a block of X in cache for z, gradient and X'WX
_LARGE = 100_000       # from this many rows Newton starts from a subsample fit
_SUBSAMPLE = 50_000    # rows of that subsample at most (and a quarter of n at most)
_REFRESH = 1e-2       # on large data, one full Hessian once chord steps are this small
_SGD_FLOOR = 1e-3    # mini-batch learning rate decays from η to η·_SGD_FLOOR


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


def _cho_solve(H, g):
    try:
        c = linalg.cho_factor(H, check_finite=False)
    except linalg.LinAlgError as err:
        raise SingularInformation("the information matrix is not positive definite") from err
    return linalg.cho_solve(c, g, check_finite=False)


def _scaled_step(step, beta):
    return float(np.max(np.abs(step) / np.maximum(1.0, np.abs(beta))))


def _newton_direction(H, g, problem, beta, expected):
    try:
        return -_cho_solve(H, g)
    except SingularInformation:
        if expected is None or expected:
            raise
        # A non-concave likelihood (cauchit far from the optimum): step along the
        # expected information, which is positive semi-definite everywhere.
        _, _, F = problem.evaluate(beta, order=2, expected=True, value=False)
        return -_cho_solve(F, g)


def _line_search(problem, beta, step, f0, g, expected, order):
    """Halve the step until the cost decreases enough; return β, cost, gradient, H, t.

    The Hessian at the accepted point comes with it when ``order`` is 2.
    """
    t = 1.0
    slope = float(g @ step)
    for _ in range(40):
        cand = beta + t * step
        f1, g1, H1 = problem.evaluate(cand, order=order, expected=expected)
        if np.isfinite(f1) and f1 <= f0 + 1e-4 * t * slope + 1e-12 * abs(f0):
            return cand, f1, g1, H1, t
        t *= 0.5
    return beta, f0, g, None, 0.0


def newton(problem, beta0, *, tol=1e-10, maxiter=100, expected=False, callback=None):
    """Minimise the cost by Newton-Raphson (or Fisher scoring) with step halving.

    Up to 100,000 rows every step uses the Hessian at the current point. Above
    that, it first fits a 20,000-row subsample, then takes chord steps with that
    Hessian (each costs one gradient, X'r, instead of X'WX) and refreshes the
    Hessian only when the steps stop shrinking fast. The answer is the full-data
    optimum either way, and the returned Hessian is evaluated there.

    Parameters
    ----------
    problem : Problem
        The data and cost.
    beta0 : numpy.ndarray
        Starting values.
    tol : float, default 1e-10
        Stop when every |Δβ_j| ≤ tol·max(1, |β_j|).
    maxiter : int, default 100
        At most this many steps.
    expected : bool, default False
        Use the expected information (Fisher scoring) instead of the observed.
    callback : callable, optional
        Called as ``callback(iteration, cost, beta)``.

    Returns
    -------
    SolverResult
        With ``hessian``, the (observed or expected) Hessian at the returned β.
    """
    beta = np.array(beta0, dtype=float)
    H, fresh, sampled = None, False, False
    small = problem.n < _LARGE
    grad_seconds = hess_seconds = 0.0
    if not small:
        start = _subsample_fit(problem, beta, maxiter, expected)
        if start is not None:
            beta, H, hess_seconds = start
            sampled = True
    if H is None:
        f0, g, H = problem.evaluate(beta, order=2, expected=expected)
        fresh = True
    else:
        clock = time.perf_counter()
        f0, g, _ = problem.evaluate(beta, order=1, value=False)
        grad_seconds = time.perf_counter() - clock
        f0 = np.nan
    costs, betas = [f0], [beta.copy()]
    it, last = 0, np.inf
    converged, message = False, f"no convergence in {maxiter} iterations"
    while it < maxiter:
        try:
            step = _newton_direction(H, g, problem, beta, expected if fresh else None)
        except SingularInformation:
            if not fresh:  # a stale Hessian: refresh it here and try again
                f0, g, H = problem.evaluate(beta, order=2, expected=expected)
                fresh = True
                continue
            if it == 0:
                raise
            # The information vanished along the way: the weights are running off to
            # infinity (separation). Stop at the last finite iterate.
            message = "the information matrix became singular: the weights diverge"
            break
        size = _scaled_step(step, beta)
        if size <= tol:
            beta = beta + step
            it += 1
            converged, message = True, "converged"
            if fresh and not small:
                # H was computed one step (≤ tol) away: close enough for the covariance
                # (relative error ~tol), and it saves a pass over X.
                costs.append(np.nan)
                betas.append(beta.copy())
                return SolverResult(beta, converged, it, message, costs, betas, H, None)
            break
        if not fresh and (size > 0.25 * last
                          or (sampled and size < _REFRESH
                              and _refresh_pays(size, last, tol, grad_seconds, hess_seconds))):
            # Refresh the Hessian here when the stale one contracts too slowly, or once
            # close in when that is cheaper than the chord steps it saves: a subsample's
            # Hessian contracts by ~√(k/m) a step, the full one this near the optimum
            # by ~size.
            _, g, H = problem.evaluate(beta, order=2, expected=expected, value=False)
            f0 = np.nan
            fresh, sampled = True, False
            continue
        if fresh and (small or size > 1e-2):
            # A Newton step, with step halving. On large data the Hessian is not
            # recomputed at the new point: it serves the chord steps that follow.
            beta_new, f1, g1, H1, t = _line_search(problem, beta, step, f0, g, expected,
                                                   order=2 if small else 1)
            if t == 0.0:
                # No decrease along a tiny step: the cost is flat to rounding error here.
                converged = size < 1e-7
                message = ("converged (to rounding error)" if converged
                           else "the line search could not decrease the cost")
                break
            beta, f0, g = beta_new, f1, g1
            if small:
                H = H1
            fresh = small
        else:
            # A chord step, or a Newton step this close to the optimum, needs no line
            # search and so no cost: skip that pass over the data.
            beta = beta + step
            if last < np.inf and size * size / last <= tol:
                # The next step should be below tol: evaluate everything here, so the
                # convergence check and the covariance share one pass.
                # (The cost itself is left to whoever asks for the log-likelihood.)
                _, g, H = problem.evaluate(beta, order=2, expected=expected, value=False)
                f0, fresh = np.nan, True
            else:
                clock = time.perf_counter()
                _, g, _ = problem.evaluate(beta, order=1, value=False)
                grad_seconds = time.perf_counter() - clock
                f0, fresh = np.nan, False
        it += 1
        last = size
        costs.append(f0)
        betas.append(beta.copy())
        if callback is not None:
            callback(it, f0, beta)
    # The covariance needs the Hessian at the answer itself (it may be one step old).
    f0, _, H = problem.evaluate(beta, order=2, expected=expected)
    if converged:
        costs.append(f0)
        betas.append(beta.copy())
    return SolverResult(beta, converged, it, message, costs, betas, H, f0)


def _refresh_pays(size, last, tol, grad_seconds, hess_seconds):
    """Whether one full Hessian costs less than the chord steps it would save."""
    rate = min(max(size / last, 1e-6), 0.5) if np.isfinite(last) else 0.1
    chord_steps = np.log(tol / size) / np.log(rate)
    return (chord_steps - 2.0) * grad_seconds > hess_seconds


def _subsample_fit(problem, beta, maxiter, expected):
    """Fit a random subsample of at most a quarter of the rows.

    Returns its estimate, its Hessian (weights scaled to the full data) and the
    estimated seconds of one full-data Hessian, or None if the subsample's
    information is singular (it can lose a rare level).
    """
    rng = np.random.default_rng(0)
    m = min(_SUBSAMPLE, problem.n // 4)
    rows = np.sort(rng.choice(problem.n, m, replace=False))
    sub = problem.subset(rows)
    clock = time.perf_counter()
    try:
        # A rough optimum is enough: the chord steps on the full data refine it.
        res = newton(sub, beta, tol=1e-4, maxiter=maxiter, expected=expected)
    except SingularInformation:
        return None
    passes = max(len(res.betas), 1)  # each iteration evaluated the Hessian once
    hess_seconds = (time.perf_counter() - clock) / passes * problem.n / m
    return res.beta, res.hessian, hess_seconds


def lbfgs(problem, beta0, *, tol=1e-10, maxiter=1000, callback=None):
    """Minimise the mean cost with scipy's L-BFGS-B.

    Parameters
    ----------
    problem : Problem
    beta0 : numpy.ndarray
    tol : float, default 1e-10
        Projected-gradient tolerance on the mean cost.
    maxiter : int, default 1000
    callback : callable, optional
        Called as ``callback(iteration, cost, beta)``.

    Returns
    -------
    SolverResult
    """
    total = problem.f.sum()
    costs, betas = [], []

    def fun(b):
        v, g, _ = problem.evaluate(b, order=1)
        return v / total, g / total

    def record(intermediate_result):
        b = intermediate_result.x
        costs.append(intermediate_result.fun * total)
        betas.append(b.copy())
        if callback is not None:
            callback(len(costs), costs[-1], b)

    res = optimize.minimize(fun, np.asarray(beta0, float), jac=True, method="L-BFGS-B",
                            callback=record,
                            options={"maxiter": maxiter, "gtol": tol, "ftol": 1e-15,
                                     "maxcor": 20})
    return SolverResult(res.x, bool(res.success), int(res.nit), str(res.message),
                        costs, betas)


def _standardise(X, intercept):
    """Centre and scale non-intercept columns; return Xs and the back-transform."""
    k = X.shape[1]
    cols = np.arange(1 if intercept else 0, k)
    center = np.zeros(k)
    scale = np.ones(k)
    if cols.size:
        sd = X[:, cols].std(axis=0)
        scale[cols] = np.where(sd > 0, sd, 1.0)
        if intercept:
            center[cols] = X[:, cols].mean(axis=0)
    Xs = (X - center) / scale

    def to_original(b):
        w = b / scale
        if intercept:
            w[0] = b[0] - np.sum(w[1:] * center[1:])
        return w

    def to_standard(w):
        b = w * scale
        if intercept:
            b[0] = w[0] + np.sum(w[1:] * center[1:])
        return b

    return Xs, to_original, to_standard


def gradient_descent(problem, beta0, *, intercept=True, epochs=5000, eta=None, batch_size=None,
                     tol=1e-9, seed=0, progress=None):
    """Fit by gradient descent, the network way: w ← w − η·∇C, C the mean cost.

    Full-batch (``batch_size=None``, "gd") or mini-batch ("sgd", Nielsen's
    ``SGD``): each epoch shuffles the rows with the seeded generator and steps
    once per mini-batch of m rows, w ← w − (η/m)·Σ_batch ∇c. A short last batch
    is still divided by m, so one epoch moves by η·∇C whatever n mod m is (dividing
    by its own size, as network.py does, would weight its rows more and move the
    fixed point). Inputs are centred and scaled internally (weights are returned
    on the original scale), which changes the path, not the optimum.

    Mini-batch steps decay geometrically from η to η/1000 over the epochs: early
    epochs travel, late ones average the mini-batch noise away.

    Parameters
    ----------
    problem : Problem
        The data and cost.
    beta0 : numpy.ndarray
        Starting values.
    intercept : bool, default True
        Whether column 0 is the bias (so other columns may be centred).
    epochs : int, default 5000
        Passes over the data.
    eta : float, optional
        Learning rate η; by default 1/L for full batches and 0.3/L for mini-batches,
        L the largest eigenvalue of the expected Hessian of C at the start (on the
        standardised scale).
    batch_size : int, optional
        Mini-batch size m; None for full-batch gradient descent.
    tol : float, default 1e-9
        Full batch: stop when max |∂C/∂w_j| ≤ tol (standardised scale).
    seed : int or numpy.random.Generator, default 0
        Seeds the shuffling.
    progress : callable, optional
        Called once per epoch with no arguments (e.g. a tqdm ``update``).

    Returns
    -------
    SolverResult
        ``costs`` and ``betas`` hold the total cost and β after every epoch.
    """
    Xs, to_original, to_standard = _standardise(problem.full_X(), intercept)
    p = Problem(Xs, problem.y, problem.f, problem.offset, problem.cost)
    total = p.f.sum()
    b = to_standard(np.array(beta0, dtype=float))
    if eta is None:
        _, _, F = p.evaluate(b, order=2, expected=True)
        L = max(np.linalg.eigvalsh(F / total)[-1], 1e-12)
        eta = (1.0 if batch_size is None else 0.3) / L
    rng = np.random.default_rng(seed)
    # Mini-batches are drawn as rows; a frequency weight multiplies a row's gradient.
    step_scale = total / p.n
    c0, _, _ = p.evaluate(b, order=0)
    costs, betas = [c0], [to_original(b.copy())]
    converged = False
    message = (f"stopped after {epochs} epochs" if batch_size is None
               else f"ran the fixed schedule of {epochs} epochs")
    epoch = 0
    for epoch in range(1, epochs + 1):
        if batch_size is None:
            c, g, _ = p.evaluate(b, order=1)
            if np.max(np.abs(g)) / total <= tol:
                converged, message = True, "gradient below tolerance"
                epoch -= 1
                break
            b = b - eta * g / total
        else:
            rate = eta * _SGD_FLOOR ** ((epoch - 1) / max(epochs - 1, 1))
            rate /= batch_size * step_scale
            order = rng.permutation(p.n)
            # A learning rate that is too large sends b to ±inf within an epoch; that
            # is reported once, below, instead of as a flood of overflow warnings.
            with np.errstate(over="ignore", invalid="ignore"):
                for s in range(0, p.n, batch_size):
                    rows = order[s:s + batch_size]
                    zb = Xs[rows] @ b + p.offset[rows]
                    b = b - rate * (Xs[rows].T @ (p.f[rows] * p.cost.dz(p.y[rows], zb)))
            if not np.all(np.isfinite(b)):
                raise FloatingPointError(
                    f"gradient descent diverged at epoch {epoch} (learning rate η = {eta:.3g});"
                    " pass a smaller eta"
                )
        c, _, _ = p.evaluate(b, order=0)
        costs.append(c)
        betas.append(to_original(b.copy()))
        if progress is not None:
            progress()
        if not np.isfinite(c) or not np.all(np.isfinite(b)):
            raise FloatingPointError(
                f"gradient descent diverged at epoch {epoch} (learning rate η = {eta:.3g}); "
                "pass a smaller eta"
            )
    return SolverResult(to_original(b), converged, epoch, message, costs, betas)
