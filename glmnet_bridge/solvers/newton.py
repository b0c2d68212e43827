"""Optimisers of one neuron's total cost Σ f_i·c(y_i, x_i·β + offset_i): Newton and L-BFGS.

Plain functions over a :class:`glmnet_bridge.problem.Problem`; the network's way of fitting
(full-batch and mini-batch gradient descent) lives in :mod:`glmnet_bridge.descent`.
"""

from __future__ import annotations

import numpy as np
from scipy import linalg, optimize

from ..engines.memory import Problem
from ..exceptions import ConvergenceWarning
from .result import SingularInformation, SolverResult, secant_update

__all__ = ["Problem", "SolverResult", "SingularInformation", "ConvergenceWarning", "newton",
           "lbfgs", "SOLVERS"]

SOLVERS = ("newton", "lbfgs", "gd", "sgd")
_LARGE = 100_000       # from this many rows Newton starts from a subsample fit
_SUBSAMPLE = 50_000    # rows of that subsample at most (and a quarter of n at most)
_REFRESH = 1e-2       # on large data, one full Hessian once chord steps are this small
_LAST_STEP = 3.0      # ... and the final one where the next step should be < 3·tol


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


def newton(problem, beta0, *, tol=1e-10, maxiter=100, expected=False, callback=None,
           final_hessian=True):
    """Minimise the cost by Newton-Raphson (or Fisher scoring) with step halving.

    Up to 100,000 rows every step uses the Hessian at the current point. Above
    that, it first fits a subsample of 50,000 rows (a quarter at most), then takes
    chord steps with that Hessian (each costs one gradient, X'r, instead of X'WX),
    secant-updating it after each step, and refreshes it only when the steps stop
    shrinking fast. The answer is the full-data optimum either way, and the
    returned Hessian is evaluated there (at most one step of size ≤ tol away).

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
    final_hessian : bool, default True
        Evaluate the Hessian at the returned β; with False, the last one computed
        (one step of at most ``tol`` away) is returned and that pass is saved.

    Returns
    -------
    SolverResult
        With ``hessian``, the (observed or expected) Hessian at the returned β.
    """
    beta = np.array(beta0, dtype=float)
    H, fresh, sampled = None, False, False
    small = problem.n < _LARGE
    if not small:
        start = _subsample_fit(problem, beta, maxiter, expected)
        if start is not None:
            beta, H = start
            sampled = True
    if H is None:
        f0, g, H = problem.evaluate(beta, order=2, expected=expected)
        fresh = True
    else:
        _, g, _ = problem.evaluate(beta, order=1, value=False)
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
                              and _refresh_pays(size, last, tol, problem.k))):
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
            if last < np.inf and size * size / last <= _LAST_STEP * tol:
                # The next step should be below ~tol: evaluate everything here, so the
                # convergence check and the covariance share one pass.
                # (The cost itself is left to whoever asks for the log-likelihood.)
                _, g, H = problem.evaluate(beta, order=2, expected=expected, value=False)
                f0, fresh = np.nan, True
            else:
                _, g_new, _ = problem.evaluate(beta, order=1, value=False)
                # A secant update makes the reused Hessian exact along this step: the
                # chord steps then shrink ~2x faster (0.04 -> 0.015-0.03 a step at 1e6).
                H = secant_update(H, step, g_new - g)
                g, f0, fresh = g_new, np.nan, False
        it += 1
        last = size
        costs.append(f0)
        betas.append(beta.copy())
        if callback is not None:
            callback(it, f0, beta)
    if converged and not final_hessian and H is not None:
        return SolverResult(beta, converged, it, message, costs, betas, H, None)
    # The covariance needs the Hessian at the answer itself (it may be one step old).
    f0, _, H = problem.evaluate(beta, order=2, expected=expected)
    if converged:
        costs.append(f0)
        betas.append(beta.copy())
    return SolverResult(beta, converged, it, message, costs, betas, H, f0)


def _refresh_pays(size, last, tol, k):
    """Whether one full Hessian costs less than the chord steps it would save.

    Counted in passes over X, not timed, so that the same data always take the same
    steps (and give the same last bits): an X'WX with k parameters costs about
    2 + k/20 gradient passes (measured: 3-4 at k = 21, 6 at 51, 11 at 201).
    """
    rate = min(max(size / last, 1e-6), 0.5) if np.isfinite(last) else 0.1
    chord_steps = np.log(tol / size) / np.log(rate)
    return chord_steps - 2.0 > 2.0 + k / 20.0


def _subsample_fit(problem, beta, maxiter, expected):
    """Fit a random subsample of at most a quarter of the rows.

    Returns its estimate and its Hessian (weights scaled to the full data), or
    None if the subsample's information is singular (it can lose a rare level).
    """
    rng = np.random.default_rng(0)
    m = min(_SUBSAMPLE, problem.n // 4)
    rows = np.sort(rng.choice(problem.n, m, replace=False))
    sub = problem.subset(rows)
    try:
        # A rough optimum is enough: a Newton step below 1e-2 leaves it ~1e-4 from the
        # subsample's optimum, which is itself ~1e-2 (sampling error) from the full
        # data's; the chord steps on the full data refine it.
        res = newton(sub, beta, tol=1e-2, maxiter=maxiter, expected=expected,
                     final_hessian=False)  # a Hessian ≤ 1e-2 away serves the chord steps
    except SingularInformation:
        return None
    return res.beta, res.hessian


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
