"""One λ of a regularisation path, solved from the last λ's answer in few passes over X.

Each step minimises the penalised quadratic model exactly (as
the proximal step of :func:`glmnet_bridge.solvers.newton.newton` does) but keeps the Hessian from
earlier points instead of recomputing X'WX: a secant (BFGS) update after every
step makes it exact along the direction the path moves, and the first step of a
λ adds the second-order term that the previous λ's first step revealed (scaled to
this step's length). A step then costs one gradient pass; the cost rides along on
the pass expected to be the last, since the path needs it there for the deviance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..solvers.newton import newton
from ..solvers.result import SolverResult, secant_update
from ..solvers.steps import ProximalStep

__all__ = ["PathState", "path_point"]

# Recompute the Hessian when a step cuts the KKT violation by less than this factor.
_REFRESH_RATIO = 0.1
# Below this n·k² a step computes the exact Hessian (docs/speed.md, the path section).
_EXACT_WORK = 2e7


@dataclass
class PathState:
    """What one λ hands to the next: its answer and what is known there.

    Attributes
    ----------
    beta, value, grad, hess
        The answer, its total cost (None until computed), gradient and Hessian
        model (secant-updated: not for inference).
    prev_beta, prev_grad
        The answer and gradient of the λ before, for a secant update along the path.
    miss, first_step
        The first step d and the gradient its quadratic model missed (½T[d, d]).
    rate
        How much that first step cut the KKT violation.
    """

    beta: np.ndarray
    value: float | None
    grad: np.ndarray
    hess: np.ndarray
    prev_beta: np.ndarray | None = None
    prev_grad: np.ndarray | None = None
    miss: np.ndarray | None = None
    first_step: np.ndarray | None = None
    rate: float = _REFRESH_RATIO


def path_point(problem, pw, state, *, tol=1e-9, maxiter=200, expected=False):
    """Minimise the penalised mean cost at one λ, starting from the previous λ's state.

    Parameters
    ----------
    problem : glmnet_bridge.engines.memory.MemoryEngine
    pw : glmnet_bridge.core.penalties.PenaltyWeights
        The penalty at this λ.
    state : PathState
        The previous λ's answer (or a first point with its exact Hessian).
    tol : float, default 1e-9
        Converged when the KKT conditions, each divided by √(H_jj/n), hold to
        10·tol·max(1, |∇|) on that scale.
    maxiter : int, default 200
    expected : bool, default False
        Expected instead of observed information (cauchit).

    Returns
    -------
    (SolverResult, PathState)
        The result (its ``value`` is the total cost at β) and the state for the next λ.
    """
    n = problem.total_weight
    step = ProximalStep(pw, n)
    beta, f, g, H = state.beta, state.value, state.grad, state.hess
    # On small data X'WX costs less than the extra steps a secant-updated Hessian takes:
    # take exact Newton steps there (every Hessian handed on is then exact).
    exact = problem.n * problem.k ** 2 <= _EXACT_WORK
    if state.prev_beta is not None and not exact:
        H = secant_update(H, beta - state.prev_beta, g - state.prev_grad)
    costs, betas = [np.nan if f is None else f], [beta.copy()]
    it, last, rate = 0, np.inf, state.rate
    miss = first_step = first_rate = None
    converged, message = False, f"no convergence in {maxiter} iterations"
    # KKT violations in units of the linear predictor (÷ √(H_jj/n)): columns on tiny
    # scales (SD 0.007 in breast cancer) would otherwise stop with errors of 1e-3 in β.
    diag = np.diag(H) / n
    root = np.where(diag > 0, np.sqrt(np.abs(diag)), 1.0)
    kkt = step.optimality(g, beta, root)
    while it < maxiter:
        limit = 10 * tol * max(1.0, float(np.abs(g / n / root).max()))
        if kkt <= limit:
            converged, message = True, "converged"
            break
        if it and not exact and kkt > _REFRESH_RATIO * last:
            _, _, H = problem.evaluate(beta, order=2, expected=expected, value=False)
        gamma = beta + step.direction(H, g, beta)
        if it == 0 and not exact and state.miss is not None and np.any(state.first_step):
            # Add the second-order term the last λ's first step revealed, scaled as
            # the square of this step's length along that one (the term is ½T[d, d]).
            c = float((gamma - beta) @ state.first_step) / float(
                state.first_step @ state.first_step)
            gamma = beta + step.direction(H, g + c * c * state.miss, beta)
        d = gamma - beta
        want_cost = 3.0 * kkt * max(rate, 1e-12) <= limit
        fc, gc, Hc = problem.evaluate(gamma, order=2 if exact else 1, expected=expected,
                                      value=want_cost)
        kc = step.optimality(gc, gamma, root)
        if not kc < kkt:
            # The model misled (a big change of active set, a non-convex link far
            # out): damped proximal Newton with fresh Hessians from here.
            f, _, H = problem.evaluate(beta, order=2, expected=expected)  # one pass for both
            res = newton(problem, beta, step=step, tol=tol, maxiter=maxiter,
                         expected=expected, start=(f, g, H))
            beta, f, g, H = res.beta, res.value, res.gradient, res.hessian
            converged, message = res.converged, res.message
            it += res.n_iter
            costs += res.costs[1:]
            betas += res.betas[1:]
            break
        if it == 0:
            miss = gc - g - H @ d  # what the quadratic model missed, before the update
            first_step, first_rate = d, kc / kkt
        H = Hc if exact else secant_update(H, d, gc - g)
        rate, last, kkt = kc / kkt, kkt, kc
        beta, f, g = gamma, fc, gc
        it += 1
        costs.append(np.nan if f is None else f)
        betas.append(beta.copy())
    if f is None:
        f = problem.evaluate(beta, order=0)[0]  # the deviance along the path needs it
    res = SolverResult(beta, converged, it, message, costs, betas, H, f)
    res.gradient = g
    nxt = PathState(beta, f, g, H, prev_beta=state.beta, prev_grad=state.grad, miss=miss,
                    first_step=first_step,
                    rate=state.rate if first_rate is None else first_rate)
    return res, nxt
