"""The one damped Newton driver: a swappable inner step, one line search, one stopping rule.

Plain, penalised (proximal), path-fallback and softmax fits all run through :func:`newton`;
the data are seen only through an engine (cost, gradient and Hessian at β).
"""

from __future__ import annotations

import numpy as np

from . import largen
from .result import SingularInformation, SolverResult, secant_update
from .steps import CholeskyStep

__all__ = ["newton", "line_search", "scaled_step", "ARMIJO", "HALVINGS", "SLACK"]

ARMIJO = 1e-4    # sufficient decrease: F(β + t·d) ≤ F(β) + ARMIJO·t·Δ (+ rounding slack)
HALVINGS = 40    # at most this many halvings of t before the line search fails
SLACK = 1e-12    # relative rounding slack on F in the sufficient-decrease test
FLAT_STEP = 1e-7  # a failed line search is convergence only for steps below this, on a flat F


def scaled_step(step, beta):
    """Return max_j |Δβ_j| / max(1, |β_j|): the size the stopping rule compares with tol."""
    return float(np.max(np.abs(step) / np.maximum(1.0, np.abs(beta)), initial=0.0))


def line_search(engine, step, beta, d, F0, g, expected, order):
    """Halve t until F(β + t·d) decreases enough; F = total cost + the step's penalty.

    The predicted decrease is Δ = g·d + P(β + d) − P(β) (for a proximal step the
    penalty's change, by convexity an upper bound along the segment).

    Returns
    -------
    tuple or None
        (β, cost, gradient, Hessian or None, t, F) at the accepted point; None when no t
        down to 2⁻⁴⁰ decreases F (the caller reports the failure).
    """
    pen0 = step.penalty(beta)
    delta = float(g @ d) + step.penalty(beta + d) - pen0
    # The full step may raise F by its rounding error (the last steps of a quadratically
    # converging Newton decrease it by less); a shortened step must decrease it for real.
    slack = SLACK * abs(F0)
    t = 1.0
    for _ in range(HALVINGS):
        cand = beta + t * d
        f1, g1, H1 = engine.evaluate(cand, order=order, expected=expected)
        F1 = f1 + step.penalty(cand)
        if np.isfinite(F1) and F1 <= F0 + ARMIJO * t * min(delta, 0.0) + slack:
            return cand, f1, g1, H1, t, F1
        t *= 0.5
        slack = 0.0
    return None


def _direction(step, H, g, engine, beta, expected):
    """Return the inner step's direction; along the expected information if the observed fails.

    ``expected`` is None for a stale Hessian (the caller refreshes it instead).
    """
    try:
        return step.direction(H, g, beta)
    except SingularInformation:
        if expected is None or expected:
            raise
        # A non-concave likelihood (cauchit far from the optimum): step along the
        # expected information, which is positive semi-definite everywhere.
        _, _, F = engine.evaluate(beta, order=2, expected=True, value=False)
        return step.direction(F, g, beta)


def newton(engine, beta0, *, step=None, tol=1e-10, maxiter=100, expected=False, callback=None,
           final_hessian=True, start=None, seed=0):
    """Minimise an engine's total cost (plus the step's penalty) by damped Newton.

    Each iteration takes the inner step's direction from the quadratic model at β
    (a Cholesky solve, or the proximal step of an elastic net) and halves it until
    the penalised cost decreases enough (one line search, constants ``ARMIJO``,
    ``HALVINGS``, ``SLACK``). It stops when a full step is below ``tol`` (relative,
    :func:`scaled_step`), taking that step; a line search that cannot decrease the
    cost stops it unconverged, unless the step is below ``FLAT_STEP`` and its predicted
    decrease below the cost's rounding error (the gradient is zero to working precision).

    On 100,000 rows or more an unpenalised fit first fits a seeded subsample, then takes
    chord steps with that Hessian (each costs one gradient, X'r, instead of X'WX),
    secant-updating it after each step, and refreshes it only when the steps stop
    shrinking fast (:mod:`glmnet_bridge.solvers.largen`).

    Parameters
    ----------
    engine
        The data and cost (:class:`glmnet_bridge.engines.memory.MemoryEngine` or another
        engine with the same methods).
    beta0 : numpy.ndarray
        Starting values.
    step : CholeskyStep or ProximalStep, optional
        The inner step (default: Cholesky, no penalty).
    tol : float, default 1e-10
        Stop when every |Δβ_j| ≤ tol·max(1, |β_j|).
    maxiter : int, default 100
    expected : bool, default False
        Use the expected information (Fisher scoring) instead of the observed.
    callback : callable, optional
        Called as ``callback(iteration, cost, beta)``.
    final_hessian : bool, default True
        Evaluate the Hessian at the returned β; with False, the last one computed
        (one step of at most ``tol`` away) is returned and that pass is saved.
    start : tuple, optional
        (cost, gradient, Hessian) already computed at ``beta0``.
    seed : int or numpy.random.Generator, default 0
        Seeds the subsample of a large fit.

    Returns
    -------
    SolverResult
        With ``hessian`` and ``gradient`` of the total (unpenalised) cost at β.
    """
    step = CholeskyStep() if step is None else step
    beta = np.array(beta0, dtype=float)
    H, fresh, sampled = None, False, False
    # Penalised fits (and fits handed a start) keep fresh Hessians throughout.
    small = engine.n < largen.ROWS or start is not None or not isinstance(step, CholeskyStep)
    if not small:
        got = largen.subsample_start(engine, beta, solve=newton, maxiter=maxiter,
                                     expected=expected, seed=seed)
        if got is not None:
            beta, H = got
            sampled = True
    if H is None:
        f0, g, H = start if start is not None else engine.evaluate(beta, order=2,
                                                                   expected=expected)
        fresh = True
    else:
        _, g, _ = engine.evaluate(beta, order=1, value=False)
        f0 = np.nan
    F0 = f0 + step.penalty(beta)
    costs, betas = [f0], [beta.copy()]
    it, last = 0, np.inf
    converged, message = False, f"no convergence in {maxiter} iterations"
    while it < maxiter:
        try:
            d = _direction(step, H, g, engine, beta, expected if fresh else None)
        except SingularInformation:
            if not fresh:  # a stale Hessian: refresh it here and try again
                f0, g, H = engine.evaluate(beta, order=2, expected=expected)
                F0, fresh = f0 + step.penalty(beta), True
                continue
            if it == 0:
                raise
            # The information vanished along the way: the weights are running off to
            # infinity (separation). Stop at the last finite iterate.
            message = "the information matrix became singular: the weights diverge"
            break
        size = scaled_step(d, beta)
        if size <= tol:
            beta = beta + d
            it += 1
            converged, message = True, "converged"
            if fresh and not small:
                # H was computed one step (≤ tol) away: close enough for the covariance
                # (relative error ~tol), and it saves a pass over X.
                costs.append(np.nan)
                betas.append(beta.copy())
                return SolverResult(beta, converged, it, message, costs, betas, H, None, g)
            break
        if not fresh and (size > 0.25 * last
                          or (sampled and size < largen.REFRESH
                              and largen.refresh_pays(size, last, tol, engine.k))):
            # Refresh the Hessian here when the stale one contracts too slowly, or once
            # close in when that is cheaper than the chord steps it saves.
            _, g, H = engine.evaluate(beta, order=2, expected=expected, value=False)
            f0 = F0 = np.nan
            fresh, sampled = True, False
            continue
        if fresh and (small or size > 1e-2):
            # A Newton step, with step halving. On large data the Hessian is not
            # recomputed at the new point: it serves the chord steps that follow.
            if not np.isfinite(F0):
                f0 = engine.evaluate(beta, order=0)[0]
                F0 = f0 + step.penalty(beta)
            found = line_search(engine, step, beta, d, F0, g, expected, 2 if small else 1)
            if found is None:
                # Only a small step along which the cost is flat to rounding error (a zero
                # gradient to working precision) counts as converged; anything else, such
                # as weights running off to infinity, is a failure.
                delta = float(g @ d) + step.penalty(beta + d) - step.penalty(beta)
                converged = size < FLAT_STEP and -delta <= SLACK * max(1.0, abs(F0))
                message = ("converged (the cost is flat to rounding error)" if converged
                           else "the line search could not decrease the cost")
                break
            beta, f0, g, H1, _, F0 = found
            if small:
                H = H1
            fresh = small
        else:
            # A chord step, or a Newton step this close to the optimum, needs no line
            # search and so no cost: skip that pass over the data.
            beta = beta + d
            if last < np.inf and size * size / last <= largen.LAST_STEP * tol:
                # The next step should be below ~tol: evaluate everything here, so the
                # convergence check and the covariance share one pass.
                _, g, H = engine.evaluate(beta, order=2, expected=expected, value=False)
                f0 = F0 = np.nan
                fresh = True
            else:
                _, g_new, _ = engine.evaluate(beta, order=1, value=False)
                # A secant update makes the reused Hessian exact along this step, where a
                # stale one errs most: the chord steps then shrink faster (docs/speed.md).
                H = secant_update(H, d, g_new - g)
                g, f0, F0, fresh = g_new, np.nan, np.nan, False
        it += 1
        last = size
        costs.append(f0)
        betas.append(beta.copy())
        if callback is not None:
            callback(it, f0, beta)
    if converged and not final_hessian and H is not None:
        return SolverResult(beta, converged, it, message, costs, betas, H, None, g)
    # The covariance needs the Hessian at the answer itself (it may be one step old).
    f0, g, H = engine.evaluate(beta, order=2, expected=expected)
    if converged:
        costs.append(f0)
        betas.append(beta.copy())
    return SolverResult(beta, converged, it, message, costs, betas, H, f0, g)
