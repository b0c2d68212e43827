"""R's glmnet vocabulary on a path: coefficients between λ as coef.glmnet interpolates them.

Also the Df / %Dev / Lambda table that print.glmnet shows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..exceptions import DataError

__all__ = ["lambda_interp", "coef_at", "path_table"]


def lambda_interp(lambdas, s):
    """Return (left, right, frac) as R's ``glmnet:::lambda.interp``: where s falls among λ.

    The coefficients at s are frac·β[left] + (1 − frac)·β[right]: linear in λ (not
    log λ) between the two neighbouring λ; s beyond the ends takes the end's value.

    Parameters
    ----------
    lambdas : array_like
        The path's decreasing λ.
    s : array_like
        The λ values asked for.

    Returns
    -------
    tuple of numpy.ndarray
    """
    lam = np.asarray(lambdas, dtype=float)
    if isinstance(s, str) or np.asarray(s).dtype.kind not in "fiu":
        raise DataError(f"s={s!r}: a path takes numbers for s; 'lambda.min' and 'lambda.1se' "
                        "are chosen by cross-validation: use cv_glmnet(...).coef(s=...) or "
                        ".predict(newx, s=...)")
    s = np.atleast_1d(np.asarray(s, dtype=float))
    if lam.size == 1:
        zeros = np.zeros(s.size, dtype=int)
        return zeros, zeros, np.ones(s.size)
    span = lam[0] - lam[-1]
    sfrac = (lam[0] - s) / span
    lamf = (lam[0] - lam) / span
    sfrac = np.clip(sfrac, lamf.min(), lamf.max())
    coord = np.interp(sfrac, lamf, np.arange(lam.size))
    left, right = np.floor(coord).astype(int), np.ceil(coord).astype(int)
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = (sfrac - lamf[right]) / (lamf[left] - lamf[right])
    frac[left == right] = 1.0
    frac[np.abs(lamf[left] - lamf[right]) < np.finfo(float).eps] = 1.0
    return left, right, frac


def coef_at(lambdas, coefs, s):
    """Return the coefficients at each s (rows), interpolated as ``coef.glmnet(s=)`` does.

    Parameters
    ----------
    lambdas : array_like
    coefs : numpy.ndarray
        One row per λ.
    s : float or array_like

    Returns
    -------
    numpy.ndarray
        Shape (len(s), coefs.shape[1]).
    """
    left, right, frac = lambda_interp(lambdas, s)
    coefs = np.asarray(coefs, dtype=float)
    return coefs[left] * frac[:, None] + coefs[right] * (1.0 - frac[:, None])


def path_table(df, dev_ratio, lambdas):
    """Return print.glmnet's table: Df, %Dev (rounded to 2 places) and Lambda (4 digits)."""
    lam = np.array([float(f"{v:.4g}") for v in lambdas])
    return pd.DataFrame({"Df": np.asarray(df, dtype=int),
                         "%Dev": np.round(100 * np.asarray(dev_ratio), 2),
                         "Lambda": lam}, index=pd.RangeIndex(1, len(lam) + 1))
