"""Marginal effects ∂P(y = 1)/∂x_j of a fitted neuron, with delta-method standard errors.

They agree across activations far better than the weights do: the scale of w is the link's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .inference import wald_table

__all__ = ["marginal_effects"]


def marginal_effects(fit, at="overall", alpha=0.05):
    """Return the marginal effects ∂σ(z)/∂x_j = σ'(z)·w_j of a fitted neuron.

    Every input is treated as continuous (statsmodels' ``dummy=False``).

    Parameters
    ----------
    fit : glmnet_bridge.NeuronFit
    at : {"overall", "mean"}
        "overall": the average over the rows of σ'(z_i)·w_j (average marginal
        effect, AME); "mean": σ'(z̄)·w_j at the mean row x̄ (MEM).
    alpha : float, default 0.05
        For the confidence intervals.

    Returns
    -------
    pandas.DataFrame
        Indexed by input, with statsmodels' ``summary_frame`` columns: ``dy/dx``,
        ``Std. Err.``, ``z``, ``Pr(>|z|)``, ``Conf. Int. Low``, ``Cont. Int. Hi.``.
        Standard errors by the delta method, J·Cov(β)·J', with the fit's covariance.
    """
    if at not in ("overall", "mean"):
        raise ValueError("at must be 'overall' or 'mean'")
    design, beta = fit.design, fit.params.to_numpy()
    X = design.X
    f = design.freq_weights / design.freq_weights.sum()
    act = fit.activation
    cols = np.arange(1, len(beta)) if design.intercept else np.arange(len(beta))
    w = beta[cols]
    if at == "overall":
        z = X @ beta + design.offset
        d1, d2 = act.derivative(z), act.second_derivative(z)
        effect = (f @ d1) * w
        # ∂/∂β_k of Σ_i f_i σ'(z_i) w_j = [Σ f σ'] δ_jk + w_j Σ_i f_i σ''(z_i) x_ik
        jac = (f @ d1) * np.eye(len(beta))[cols] + np.outer(w, (f * d2) @ X)
    else:
        xbar = f @ X
        zbar = float(xbar @ beta + f @ design.offset)
        d1, d2 = float(act.derivative(zbar)), float(act.second_derivative(zbar))
        effect = d1 * w
        jac = d1 * np.eye(len(beta))[cols] + np.outer(w, d2 * xbar)
    cov = jac @ fit.cov_params().to_numpy() @ jac.T
    se = np.sqrt(np.diag(cov))
    z, p, lo, hi = wald_table(effect, se, alpha)
    names = [fit.names[j] for j in cols]
    return pd.DataFrame({"dy/dx": effect, "Std. Err.": se, "z": z, "Pr(>|z|)": p,
                         "Conf. Int. Low": lo, "Cont. Int. Hi.": hi}, index=names)
