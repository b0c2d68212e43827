"""Heteroskedasticity-consistent and cluster-robust covariances of a GLM fit, as R's sandwich.

HC0–HC3 are ``sandwich::vcovHC`` on a glm; "cluster" is ``vcovCL`` (HC1 adjustment by default).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..exceptions import DataError
from .influence import glm_parts

__all__ = ["robust_cov", "cluster_groups"]

def cluster_groups(fit, groups):
    """Return integer codes of the cluster of every row, from an array or a column name."""
    d = fit.design
    if isinstance(groups, str):
        frame = getattr(fit.model, "frame", None)
        if frame is None or groups not in getattr(frame, "columns", ()):
            raise DataError(f"groups={groups!r} names no column of the data this model was "
                            "fitted on: pass the column name of a formula fit's data, or an "
                            "array with one group label per row")
        values = frame.loc[d.rows, groups].to_numpy()
    else:
        values = np.asarray(groups)
        if values.ndim != 1 or len(values) != d.nobs:
            raise DataError(f"groups has {len(np.atleast_1d(values))} labels; the fit has "
                            f"{d.nobs} rows: give one cluster label per row")
    if np.asarray(pd.isna(values)).any():
        raise DataError("groups has missing labels: every row needs a cluster")
    _, codes = np.unique(values, return_inverse=True)
    if codes.max() < 1:
        raise DataError("groups has a single cluster: cluster-robust standard errors need "
                        "at least two")
    return codes.ravel()


def robust_cov(fit, kind, cov_kwds=None):
    """Return the robust covariance ``kind`` of an unpenalised GLM fit.

    Parameters
    ----------
    fit : NeuronFit
    kind : {"HC0", "HC1", "HC2", "HC3", "cluster"}
    cov_kwds : dict, optional
        For "cluster": ``groups`` (an array or a column name of the data) and ``type``
        ("HC1", vcovCL's default: G/(G − 1)·(n − 1)/(n − k); or "HC0": G/(G − 1) only).

    Returns
    -------
    numpy.ndarray
    """
    kwds = dict(cov_kwds or {})
    p = glm_parts(fit)
    X, u, f = p.X, p.score_rows, p.freq
    n, k = p.nobs, p.k
    bread = p.bread
    if kind == "cluster":
        if "groups" not in kwds:
            raise ValueError("cov_type='cluster' needs cov_kwds={'groups': ...} (a column "
                             "name of the data or one label per row)")
        ctype = kwds.pop("type", "HC1")
        kwds.pop("groups")
        if ctype not in ("HC0", "HC1"):
            raise ValueError("cov_kwds['type'] of a cluster covariance is 'HC1' (vcovCL's "
                             f"default) or 'HC0', got {ctype!r}")
        if kwds:
            raise ValueError(f"cov_kwds keys {sorted(kwds)} do not apply; a cluster "
                             "covariance takes 'groups' and 'type'")
        codes = cluster_groups(fit, cov_kwds["groups"])
        G = int(codes.max()) + 1
        S = np.zeros((G, k))
        np.add.at(S, codes, (f * u)[:, None] * X)
        meat = S.T @ S
        adj = G / (G - 1.0) * ((n - 1.0) / (n - k) if ctype == "HC1" else 1.0)
    else:
        if kwds:
            raise ValueError(f"cov_kwds applies to cov_type='cluster', not {kind!r}")
        omega = f * u * u
        if kind in ("HC2", "HC3"):
            omega = omega / (1.0 - p.hat) ** (1 if kind == "HC2" else 2)
        meat = (X * omega[:, None]).T @ X
        adj = n / (n - k) if kind == "HC1" else 1.0
    cov = adj * bread @ meat @ bread
    return 0.5 * (cov + cov.T)
