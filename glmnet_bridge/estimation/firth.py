"""Firth's bias-reduced logistic (and Poisson) regression: the Jeffreys-prior penalty.

Maximises l(β) + ½·log det I(β), whose estimates stay finite when the outcomes are separated.
"""

from __future__ import annotations

import numpy as np

from ..solvers.result import SolverResult
from .inference import inverse_information

__all__ = ["fit_firth", "firth_profile_conf_int", "FIRTH_ACTIVATIONS"]

#: Canonical links, where Jeffreys' penalty and mean bias reduction (brglm2 "AS_mean") agree.
FIRTH_ACTIVATIONS = ("logistic", "exp")


def _pieces(model, beta):
    """Return (penalised loglik, modified score, information) at beta."""
    e = model.engine
    X, y, f = model.design.X, e.y, e.f
    z = e.z(beta)
    cost = model.cost
    w = f * cost.d2z(y, z, expected=True)
    info = (X * w[:, None]).T @ X
    chol = np.linalg.cholesky(info)
    inv = inverse_information(info)
    h = w * np.einsum("ij,jk,ik->i", X, inv, X)
    mu = model.activation(z)
    # Firth's modified score for a canonical link: Σ (f(y − μ) + h·κ₃/(2κ₂)) x,
    # κ₃/κ₂ = 1 − 2μ for the binomial, 1 for the Poisson.
    skew = 1.0 - 2.0 * mu if cost.family == "binomial" else np.ones_like(mu)
    score = X.T @ (f * (y - mu) + 0.5 * h * skew)
    loglik = -float(f @ cost.terms(y, z)) + float(np.sum(np.log(np.diag(chol))))
    return loglik, score, info, inv


def fit_firth(model, start, tol=1e-10, maxiter=100):
    """Maximise the Jeffreys-penalised log-likelihood l(β) + ½·log det I(β).

    Fisher scoring on Firth's modified score (brglm2's quasi-Fisher scoring), with step
    halving on the penalised log-likelihood.

    Parameters
    ----------
    model : NeuronModel
        An unpenalised logistic or Poisson (exp) neuron.
    start : numpy.ndarray
    tol : float, default 1e-10
        On the largest step, relative to 1 + |β|.
    maxiter : int, default 100

    Returns
    -------
    glmnet_bridge.solvers.result.SolverResult
    """
    beta = np.asarray(start, dtype=float).copy()
    value, score, info, inv = _pieces(model, beta)
    costs, betas = [-value], [beta.copy()]
    converged, message = False, f"no convergence in {maxiter} iterations"
    for it in range(1, maxiter + 1):
        step = inv @ score
        t = 1.0
        while True:
            trial = beta + t * step
            try:
                new = _pieces(model, trial)
            except np.linalg.LinAlgError:
                new = None
            if new is not None and new[0] >= value - 1e-12 * abs(value):
                break
            t *= 0.5
            if t < 1e-10:
                new = None
                break
        if new is None:
            message = "step halving failed: the penalised likelihood does not increase"
            break
        beta = trial
        value, score, info, inv = new
        costs.append(-value)
        betas.append(beta.copy())
        if np.max(np.abs(t * step) / (1.0 + np.abs(beta))) < tol:
            converged, message = True, f"converged in {it} iterations"
            break
    return SolverResult(beta, converged, len(betas) - 1, message, costs, betas)


def _constrained(model, beta, free, tol=1e-11, maxiter=200):
    """Return (l*, β) maximising the penalised log-likelihood over the ``free`` coordinates."""
    value, score, info, _ = _pieces(model, beta)
    for _ in range(maxiter):
        step = np.zeros_like(beta)
        step[free] = np.linalg.solve(info[np.ix_(free, free)], score[free])
        t = 1.0
        while t > 1e-10:
            try:
                new = _pieces(model, beta + t * step)
            except np.linalg.LinAlgError:
                new = None
            if new is not None and new[0] >= value - 1e-12 * abs(value):
                break
            t *= 0.5
        if new is None or t <= 1e-10:
            break
        beta = beta + t * step
        value, score, info, _ = new
        if np.max(np.abs(t * step) / (1.0 + np.abs(beta))) < tol:
            break
    return value, beta


def firth_profile_conf_int(fit, alpha=0.05):
    """Return logistf's profile penalised-likelihood intervals of a Firth fit.

    The bound b of βⱼ solves 2·(l*(β̂) − max l*(β | βⱼ = b)) = χ²₁(1 − alpha), with l* the
    Jeffreys-penalised log-likelihood (the penalty keeps the full model's information, as
    logistf's ``pl = TRUE`` intervals).

    Parameters
    ----------
    fit : NeuronFit
        Fitted with ``firth=True``.
    alpha : float, default 0.05

    Returns
    -------
    pandas.DataFrame
    """
    import pandas as pd
    from scipy import stats
    from scipy.optimize import brentq

    model, beta = fit.model, fit.params.to_numpy()
    top = _pieces(model, beta)[0]
    crit = stats.chi2.ppf(1.0 - alpha, 1)
    se = fit.bse.to_numpy()
    k = len(beta)
    rows = []
    for j in range(k):
        free = [i for i in range(k) if i != j]
        state = {"beta": beta.copy()}

        def gap(b, j=j, free=free, state=state):
            start = state["beta"].copy()
            start[j] = b
            value, state["beta"] = _constrained(model, start, free)
            return 2.0 * (top - value) - crit

        bounds = []
        for direction in (-1.0, 1.0):
            state["beta"] = beta.copy()
            step, inner = se[j], beta[j]
            outer = beta[j] + direction * step
            while gap(outer) < 0:
                inner, step = outer, 2.0 * step
                outer = beta[j] + direction * step
                if step > 1e4 * max(se[j], 1.0):
                    outer = None
                    break
            if outer is None:
                bounds.append(direction * np.inf)
                continue
            state["beta"] = beta.copy()
            lo, hi = sorted((inner, outer))
            bounds.append(brentq(gap, lo, hi, xtol=1e-12 * max(1.0, abs(beta[j])),
                                 rtol=1e-13))
        rows.append(bounds)
    return pd.DataFrame(rows, index=fit.names, columns=[0, 1])
