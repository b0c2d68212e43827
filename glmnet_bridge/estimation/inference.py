"""Standard errors: the inverse information (observed or expected) and the sandwich.

Wald statistics and normal-theory intervals, as statsmodels' Logit, Probit and GLM give them.
"""

from __future__ import annotations

import numpy as np
from scipy import linalg

__all__ = ["inverse_information", "sandwich", "wald_table", "COV_TYPES", "ROBUST_TYPES"]

#: The covariance estimators a fit can report, and what each is.
COV_TYPES = {
    "observed": "inverse observed information (−Hessian of the log-likelihood), "
                "as statsmodels Logit/Probit",
    "expected": "inverse expected (Fisher) information, as R's glm and statsmodels GLM",
    "sandwich": "sandwich A⁻¹BA⁻¹ (HC0), B the outer product of the per-example gradients "
                "and A the expected information of a likelihood (R's sandwich::vcovHC on a "
                "glm; statsmodels Logit/Probit's HC0 uses the observed one, which differs for "
                "non-canonical links), the Hessian of least squares on a sigmoid (NLS)",
    "HC0": "robust HC0, (X'WX)⁻¹ Σ u_i² x_i x_i' (X'WX)⁻¹ with the GLM's working weights W "
           "(the expected information), as R's sandwich::vcovHC(type = \"HC0\") on a glm",
    "HC1": "robust HC1: HC0 times n/(n − k), as sandwich::vcovHC(type = \"HC1\")",
    "HC2": "robust HC2: u_i² over 1 − h_i (h the GLM leverages), as "
           "sandwich::vcovHC(type = \"HC2\")",
    "HC3": "robust HC3: u_i² over (1 − h_i)², as sandwich::vcovHC(type = \"HC3\")",
    "cluster": "cluster-robust: scores summed within groups, as sandwich::vcovCL",
}

#: The covariance types computed from the GLM's per-row scores and leverages.
ROBUST_TYPES = ("HC0", "HC1", "HC2", "HC3", "cluster")


def inverse_information(H):
    """Return H⁻¹ for a symmetric positive-definite information matrix H.

    Parameters
    ----------
    H : numpy.ndarray, shape (k, k)

    Returns
    -------
    numpy.ndarray, shape (k, k)
    """
    c = linalg.cho_factor(H, check_finite=False)
    inv = linalg.cho_solve(c, np.eye(H.shape[0]), check_finite=False)
    return 0.5 * (inv + inv.T)


def sandwich(engine, beta, A):
    """Return the HC0 sandwich covariance A⁻¹ B A⁻¹ of an M-estimator.

    Parameters
    ----------
    engine : glmnet_bridge.engines.memory.MemoryEngine
        The data and cost; B = Σ f_i s_i² x_i x_i' comes from its ``meat``.
    beta : numpy.ndarray
        The estimate.
    A : numpy.ndarray
        The Hessian of the total cost at ``beta``.

    Returns
    -------
    numpy.ndarray
    """
    B = engine.meat(beta)
    Ainv = inverse_information(A)
    cov = Ainv @ B @ Ainv
    return 0.5 * (cov + cov.T)


def wald_table(params, bse, alpha=0.05, df=None):
    """Return z statistics, two-sided p-values and (1 − alpha) intervals.

    Parameters
    ----------
    params, bse : numpy.ndarray
    alpha : float, default 0.05
    df : float, optional
        Degrees of freedom of a Student t reference (OLS); normal when None.

    Returns
    -------
    tuple of numpy.ndarray
        ``(z, p, lower, upper)``.
    """
    from scipy import stats  # loaded on first use: a third of a second

    z = params / bse
    ref = stats.norm if df is None else stats.t(df)
    p = 2.0 * ref.sf(np.abs(z))
    q = ref.ppf(1.0 - alpha / 2.0)
    return z, p, params - q * bse, params + q * bse
