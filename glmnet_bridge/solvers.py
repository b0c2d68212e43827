"""Optimisers of one neuron's total cost Σ f_i·c(y_i, x_i·β + offset_i).

Plain functions over a small :class:`Problem`: Newton (observed or expected
information), L-BFGS, and the network way, full-batch and mini-batch gradient descent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import linalg, optimize

__all__ = ["Problem", "SolverResult", "SingularInformation", "ConvergenceWarning", "newton",
           "lbfgs", "gradient_descent", "SOLVERS"]

SOLVERS = ("newton", "lbfgs", "gd", "sgd")
_CHUNK = 4096          # rows per block: keeps a block of X in cache for z, gradient and X'WX
_LARGE = 100_000       # above this many rows Newton starts from a subsample fit
_SUBSAMPLE = 20_000
_SGD_FLOOR = 1e-3    # mini-batch learning rate decays from η to η·_SGD_FLOOR


class ConvergenceWarning(UserWarning):
    """A solver stopped before its convergence criterion was met."""


class SingularInformation(np.linalg.LinAlgError):
    """The information matrix is singular: the design is rank deficient or the MLE is at ∞."""


@dataclass
class Problem:
    """The data and cost of one neuron: X (n, k), y, frequency weights f, offset."""

    X: np.ndarray
    y: np.ndarray
    f: np.ndarray
    offset: np.ndarray
    cost: object

    @property
    def n(self):
        """Return the number of rows."""
        return self.X.shape[0]

    def z(self, beta):
        """Return the weighted inputs z = Xβ + offset."""
        return self.X @ beta + self.offset

    def _block(self, s, beta, order, expected):
        sl = slice(s, s + _CHUNK) if self.n > _CHUNK else slice(None)
        X, y, f = self.X[sl], self.y[sl], self.f[sl]
        z = X @ beta + self.offset[sl]
        val = f @ self.cost.terms(y, z)
        if order == 0:
            return val, None, None
        grad = X.T @ (f * self.cost.dz(y, z))
        if order == 1:
            return val, grad, None
        h = f * self.cost.d2z(y, z, expected=expected)
        return val, grad, (X * h[:, None]).T @ X

    def evaluate(self, beta, order=2, expected=False):
        """Return the total cost, its gradient (order ≥ 1) and Hessian (order 2).

        With ``expected=True`` the Hessian is the expected (Fisher) information.
        """
        starts = range(0, self.n, _CHUNK) if self.n > _CHUNK else (0,)
        val, grad, hess = 0.0, 0.0, 0.0
        for s in starts:
            v, g, h = self._block(s, beta, order, expected)
            val += v
            if order:
                grad = grad + g
            if order == 2:
                hess = hess + h
        return val, (grad if order else None), (hess if order == 2 else None)

    def subset(self, rows):
        """Return the problem restricted to ``rows``, weights rescaled to the same total."""
        scale = self.f.sum() / self.f[rows].sum()
        return Problem(np.ascontiguousarray(self.X[rows]), self.y[rows], self.f[rows] * scale,
                       self.offset[rows], self.cost)


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


def _cho_solve(H, g):
    try:
        c = linalg.cho_factor(H, check_finite=False)
    except linalg.LinAlgError as err:
        raise SingularInformation("the information matrix is not positive definite") from err
    return linalg.cho_solve(c, g, check_finite=False)


def _scaled_step(step, beta):
    return float(np.max(np.abs(step) / np.maximum(1.0, np.abs(beta))))


def _newton_direction(H, g, problem, beta):
    try:
        return -_cho_solve(H, g)
    except SingularInformation:
        # A non-concave likelihood (cauchit far from the optimum): step along the
        # expected information, which is positive semi-definite everywhere.
        _, _, F = problem.evaluate(beta, order=2, expected=True)
        return -_cho_solve(F, g)


def _line_search(problem, beta, step, f0, g):
    t = 1.0
    slope = float(g @ step)
    for _ in range(40):
        cand = beta + t * step
        f1, _, _ = problem.evaluate(cand, order=0)
        if np.isfinite(f1) and f1 <= f0 + 1e-4 * t * slope + 1e-12 * abs(f0):
            return cand, f1, t
        t *= 0.5
    return beta, f0, 0.0


def newton(problem, beta0, *, tol=1e-10, maxiter=100, expected=False, callback=None):
    """Minimise the cost by Newton-Raphson (or Fisher scoring) with step halving.

    For more than 100,000 rows it first fits a 20,000-row subsample, then takes
    chord steps with that subsample's Hessian (each costs one gradient), and
    finishes with full Newton steps; the answer is the full-data optimum all the
    same, only reached with fewer X'WX products.

    Parameters
    ----------
    problem : Problem
    beta0 : numpy.ndarray
        Starting values.
    tol : float, default 1e-10
        Stop when every |Δβ_j| ≤ tol·max(1, |β_j|).
    maxiter : int, default 100
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
    costs, betas = [], []
    it = 0
    if problem.n > _LARGE:
        beta, it = _subsample_start(problem, beta, tol, maxiter, expected, costs, betas)
    f0, g, H = problem.evaluate(beta, order=2, expected=expected)
    costs.append(f0)
    betas.append(beta.copy())
    converged, message = False, f"no convergence in {maxiter} iterations"
    while it < maxiter:
        try:
            step = _newton_direction(H, g, problem, beta)
        except SingularInformation:
            if it == 0:
                raise
            # The information vanished along the way: the weights are running off to
            # infinity (separation). Stop at the last finite iterate.
            message = "the information matrix became singular: the weights diverge"
            break
        size = _scaled_step(step, beta)
        if size <= tol:
            # The Newton step from here is below tolerance: take it and stop; the
            # Hessian at the old point differs from the new one by O(step).
            beta = beta + step
            converged, message = True, "converged"
            it += 1
            f0, g, H = problem.evaluate(beta, order=2, expected=expected)
            costs.append(f0)
            betas.append(beta.copy())
            break
        beta_new, f1, t = _line_search(problem, beta, step, f0, g)
        it += 1
        if t == 0.0:
            # No decrease along a tiny step: the cost is flat to rounding error here.
            converged = size < 1e-7
            message = ("converged (to rounding error)" if converged
                       else "the line search could not decrease the cost")
            break
        beta, f0 = beta_new, f1
        f0, g, H = problem.evaluate(beta, order=2, expected=expected)
        costs.append(f0)
        betas.append(beta.copy())
        if callback is not None:
            callback(it, f0, beta)
    return SolverResult(beta, converged, it, message, costs, betas, H)


def _subsample_start(problem, beta, tol, maxiter, expected, costs, betas):
    """Fit a subsample, then take chord steps with its Hessian on the full data."""
    rng = np.random.default_rng(0)
    rows = np.sort(rng.choice(problem.n, _SUBSAMPLE, replace=False))
    sub = problem.subset(rows)
    try:
        res = newton(sub, beta, tol=1e-6, maxiter=maxiter, expected=expected)
    except SingularInformation:
        return beta, 0  # a subsample can lose a rare level: start over on the full data
    beta, H = res.beta, res.hessian
    it = 0
    last = np.inf
    for _ in range(20):
        f0, g, _ = problem.evaluate(beta, order=1)
        costs.append(f0)
        betas.append(beta.copy())
        try:
            step = -_cho_solve(H, g)
        except SingularInformation:
            break
        size = _scaled_step(step, beta)
        if size > 0.5 * last or size > 1.0:
            break  # the subsample Hessian is too far from the full one: go to Newton
        beta = beta + step
        it += 1
        if size < 1e-4:
            break  # close enough that Newton converges in one or two steps
        last = size
    return beta, it


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
    Xs, to_original, to_standard = _standardise(problem.X, intercept)
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
