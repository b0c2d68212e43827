"""cv_glmnet: choose λ by K-fold cross-validation, as R's ``cv.glmnet`` does.

Each fold refits the full data's λ sequence without its rows and scores them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.activations import get_activation
from ..core.costs import default_cost, get_cost
from .path import glmnet_path

__all__ = ["CVGlmnet", "cv_glmnet"]


def _loss(measure, y, mu, w, family="binomial"):
    if measure == "deviance" and family == "poisson":
        mu = np.maximum(mu, 1e-300)
        with np.errstate(divide="ignore", invalid="ignore"):
            ylog = np.where(y > 0, y * np.log(y / mu), 0.0)
        return 2.0 * (ylog - (y - mu))
    if measure == "deviance" and family == "gaussian":
        return (y - mu) ** 2
    mu = np.clip(mu, 1e-300, 1 - 1e-16) if family == "binomial" else mu
    if measure == "deviance":
        return -2.0 * (y * np.log(mu) + (1 - y) * np.log1p(-mu))
    if measure == "class":
        return ((mu > 0.5) != (y > 0.5)).astype(float)
    if measure == "mse":
        return (y - mu) ** 2
    raise ValueError(measure)


def _auc(y, score, w):
    from scipy.stats import rankdata

    pos, neg = y > 0.5, y <= 0.5
    if not pos.any() or not neg.any():
        return np.nan
    ranks = rankdata(score)
    wp, wn = w[pos].sum(), w[neg].sum()
    return float((np.sum(w[pos] * ranks[pos]) - wp * (wp + 1) / 2) / (wp * wn)) \
        if np.allclose(w, 1) else _weighted_auc(y, score, w)


def _weighted_auc(y, score, w):
    order = np.argsort(-score, kind="mergesort")
    y, w = y[order], w[order]
    tp = np.cumsum(w * (y > 0.5))
    fp = np.cumsum(w * (y <= 0.5))
    tpr, fpr = np.r_[0, tp / tp[-1]], np.r_[0, fp / fp[-1]]
    return float(np.trapezoid(tpr, fpr))


class CVGlmnet:
    """Cross-validated path (made by :func:`cv_glmnet`), named as R's ``cv.glmnet``.

    Attributes
    ----------
    lambdas, cvm, cvsd, cvup, cvlo : numpy.ndarray
        λ, mean CV loss, its standard error, and cvm ± cvsd.
    lambda_min : float
        λ of the smallest cvm (largest for AUC).
    lambda_1se : float
        Largest λ whose cvm is within one standard error of the best.
    path : GlmnetPath
        The fit on all the data.
    foldid : numpy.ndarray
    type_measure : str
    """

    def __init__(self, path, cvm, cvsd, foldid, type_measure):
        self.path, self.foldid, self.type_measure = path, foldid, type_measure
        self.lambdas = path.lambdas
        self.cvm, self.cvsd = np.asarray(cvm), np.asarray(cvsd)
        self.cvup, self.cvlo = self.cvm + self.cvsd, self.cvm - self.cvsd
        sign = -1.0 if type_measure == "auc" else 1.0
        score = sign * self.cvm
        best = int(np.nanargmin(score))
        self.lambda_min = float(self.lambdas[best])
        limit = score[best] + self.cvsd[best]
        ok = np.flatnonzero(score <= limit)
        self.lambda_1se = float(self.lambdas[ok.min()])

    def coef(self, s="lambda_1se"):
        """Return the coefficients at ``lambda_min`` or ``lambda_1se`` (glmnet's default)."""
        lam = getattr(self, s) if isinstance(s, str) else float(s)
        i = int(np.argmin(np.abs(self.lambdas - lam)))
        return self.path.coefs.iloc[i]

    def plot(self):
        """Plot the CV curve with error bars and the two chosen λ, like ``plot.cv.glmnet``."""
        from ..presentation.plots import cv_plot

        return cv_plot(self)

    def __repr__(self):
        return (f"<CVGlmnet ({self.type_measure}): lambda_min={self.lambda_min:.4g}, "
                f"lambda_1se={self.lambda_1se:.4g}>")


def cv_glmnet(X=None, y=None, *, formula=None, data=None, activation="logistic", alpha=1.0,
              nfolds=10, foldid=None, type_measure="deviance", seed=0, nlambda=100,
              lambda_min_ratio=None, lambdas=None, standardize=True, freq_weights=None,
              penalty_factor=None, tol=1e-9, progress=None, fit_intercept=True):
    """Choose λ by K-fold cross-validation, as R's ``cv.glmnet`` (grouped by fold).

    The path is first fitted to all the data (which fixes the λ sequence); each
    fold then refits that sequence without its rows and scores them. cvm is the
    fold-size-weighted mean of the folds' mean losses; cvsd the standard error
    √(Σ w_k (L_k − cvm)² / Σ w_k / (K − 1)).

    Parameters
    ----------
    X, y, formula, data, activation, alpha, nlambda, lambda_min_ratio, lambdas,
    standardize, freq_weights, penalty_factor, fit_intercept
        As for :func:`glmnet_path` (the folds are refitted with the full fit's
        intercept, or without one).
    nfolds : int, default 10
    foldid : array_like, optional
        Fold of each row (1..K or 0..K−1), as glmnet's ``foldid``.
    type_measure : {"deviance", "class", "auc", "mse"}, default "deviance"
        The deviance of the activation's family; class and auc for binary outcomes.
    seed : int, default 0
        Seeds the random folds when ``foldid`` is not given.
    tol : float, default 1e-9
        As in :func:`glmnet_path`, for every path fitted.
    progress : bool, optional

    Returns
    -------
    CVGlmnet
    """
    if type_measure not in ("deviance", "class", "auc", "mse"):
        raise ValueError("type_measure must be 'deviance', 'class', 'auc' or 'mse'")
    common = dict(activation=activation, alpha=alpha, standardize=standardize,
                  penalty_factor=penalty_factor, tol=tol, progress=False)
    full = glmnet_path(X, y, formula=formula, data=data, nlambda=nlambda,
                       lambda_min_ratio=lambda_min_ratio, lambdas=lambdas,
                       freq_weights=freq_weights, fit_intercept=fit_intercept, **common)
    d = full.design
    n = d.nobs
    family = get_cost(default_cost(get_activation(activation)),
                      get_activation(activation)).family
    if family != "binomial" and type_measure in ("class", "auc"):
        raise ValueError(f"type_measure {type_measure!r} needs a binary outcome")
    if foldid is None:
        rng = np.random.default_rng(seed)
        foldid = rng.permutation(np.arange(n) % nfolds)
    foldid = np.asarray(foldid)
    if foldid.shape != (n,):
        raise ValueError(f"foldid needs one fold per row ({n})")
    folds = np.unique(foldid)
    if len(folds) < 3:
        raise ValueError("cross-validation needs at least 3 folds")
    Xin = pd.DataFrame(d.inputs, columns=d.names[int(d.intercept):])
    per_fold, weights = [], []
    for k in folds:
        test = foldid == k
        train = ~test
        fit = glmnet_path(Xin[train], d.y[train], lambdas=full.lambdas,
                          freq_weights=d.freq_weights[train], fit_intercept=d.intercept,
                          **common)
        mu = fit.predict(Xin[test])
        w = d.freq_weights[test]
        if type_measure == "auc":
            losses = np.array([_auc(d.y[test], mu[:, j], w) for j in range(mu.shape[1])])
        else:
            losses = np.average(_loss(type_measure, d.y[test][:, None], mu, w, family),
                                axis=0, weights=w)
        per_fold.append(losses)
        weights.append(w.sum())
    L, w = np.vstack(per_fold), np.asarray(weights)
    cvm = np.average(L, axis=0, weights=w)
    cvsd = np.sqrt(np.average((L - cvm) ** 2, axis=0, weights=w) / (len(folds) - 1))
    return CVGlmnet(full, cvm, cvsd, foldid, type_measure)
