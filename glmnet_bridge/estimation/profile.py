"""Profile-likelihood confidence intervals, as MASS's confint() of a glm.

A coefficient is fixed through an offset, the others refitted, until the signed root deviance is ±q.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..solvers.newton import newton
from .firth import firth_profile_conf_int

__all__ = ["profile_conf_int", "signed_root"]


def _fixed_model(fit, j, value):
    """Return the model with coefficient j fixed at ``value`` (its column moved to the offset)."""
    d, model = fit.design, fit.model
    start = int(d.intercept)
    offset = d.offset + d.X[:, j] * value
    if d.intercept and j == 0:
        inputs, intercept = d.inputs, False
    else:
        keep = [c for c in range(d.inputs.shape[1]) if c != j - start]
        inputs, intercept = np.ascontiguousarray(d.inputs[:, keep]), d.intercept
    names = [n for i, n in enumerate(d.names) if i != j]
    sub = type(d)(inputs, d.y, names, d.yname, d.freq_weights, offset, intercept, d.rows,
                  trials=d.trials)
    return type(model).from_design(sub, fit.activation, model.likelihood, separation="ignore")


def signed_root(fit, j, value, start=None):
    """Return (r, β̂₋ⱼ): MASS's signed root sign(b − β̂ⱼ)·√((D(b) − D̂)/φ) at βⱼ = b.

    Parameters
    ----------
    fit : NeuronFit
    j : int
        Position of the coefficient.
    value : float
    start : numpy.ndarray, optional
        Start values of the other coefficients.

    Returns
    -------
    tuple
        The signed root and the refitted other coefficients.
    """
    beta = fit.params.to_numpy()
    if len(beta) == 1:
        e = fit._engine
        dev = fit.model.likelihood.deviance(e.y, e.offset + value * fit.design.X[:, 0], e.f)
        other = np.empty(0)
    else:
        start = np.delete(beta, j) if start is None else start
        model = _fixed_model(fit, j, value)
        # the solver alone: a refit's results object (history, checks) is not needed here
        res = newton(model.engine, start, tol=1e-12, maxiter=200, final_hessian=False)
        e = model.engine
        dev, other = model.likelihood.deviance(e.y, e.z(res.beta), e.f), res.beta
    gap = max(dev - fit.deviance, 0.0) / float(fit.scale)
    return float(np.sign(value - beta[j]) * np.sqrt(gap)), other


def _root(fit, j, target, se):
    """Return the βⱼ where the signed root equals ``target`` (bracketed, then Brent's method)."""
    from scipy.optimize import brentq

    b0 = float(fit.params.iloc[j])
    direction = np.sign(target)
    state = {"start": None}

    def g(b):
        r, other = signed_root(fit, j, b, state["start"])
        state["start"] = other if len(other) else None
        return r - target

    lo, step = b0, se
    hi = b0 + direction * step
    while direction * (g(hi) + target) < abs(target):
        lo, step = hi, 2.0 * step
        hi = b0 + direction * step
        if step > 1e4 * max(se, 1.0):
            return direction * np.inf  # the profile flattens out: no finite bound
    a, b = sorted((lo, hi))
    return brentq(g, a, b, xtol=1e-12 * max(1.0, abs(b0)), rtol=1e-13)


def profile_conf_int(fit, alpha=0.05):
    """Return (1 − alpha) profile-likelihood intervals, columns 0 and 1 as ``conf_int()``.

    The bounds are the exact roots of the signed root deviance at ±Φ⁻¹(1 − alpha/2) (MASS
    interpolates a spline through a grid of refits; its bounds differ in about the 4th digit).

    Parameters
    ----------
    fit : NeuronFit
        An unpenalised maximum-likelihood fit; for a Firth fit, logistf's profile penalised
        likelihood intervals (:func:`glmnet_bridge.estimation.firth.firth_profile_conf_int`).
    alpha : float, default 0.05

    Returns
    -------
    pandas.DataFrame
    """
    from scipy import stats

    if fit.penalty is not None or not fit.cost.is_likelihood:
        raise ValueError("profile-likelihood intervals need an unpenalised likelihood fit")
    if getattr(fit, "firth", False):
        return firth_profile_conf_int(fit, alpha)
    q = stats.norm.ppf(1.0 - alpha / 2.0)
    se = np.sqrt(np.diag(fit.cov_params("expected").to_numpy()))
    rows = [(_root(fit, j, -q, se[j]), _root(fit, j, q, se[j])) for j in range(len(se))]
    return pd.DataFrame(rows, index=fit.names, columns=[0, 1])
