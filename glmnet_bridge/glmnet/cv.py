"""cv_glmnet: choose λ by K-fold cross-validation, exactly as R's ``cv.glmnet`` does.

Each fold fits its own λ sequence; its predictions at the full data's λ are interpolated.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.activations import get_activation
from ..core.costs import default_cost, get_cost
from ..estimation.lazy_design import is_lazy
from ..exceptions import DataError
from .folds import fold_ids, map_folds
from .multinomial import MULTINOMIAL_TOL
from .path import _fit_path, _lazy_engine, glmnet_path
from .rvocab import coef_at

__all__ = ["CVGlmnet", "cv_glmnet", "MEASURES"]

MEASURES = ("deviance", "class", "auc", "mse", "mae")
_PROB_MIN = 1e-5  # cv.lognet's prob_min: probabilities clamped to [1e-5, 1 − 1e-5]


def _losses(measure, family, y, z, mu, r_conventions):
    """Return each row's loss (rows × λ) as cv.elnet / cv.lognet / cv.fishnet compute it."""
    y = y[:, None]
    if family == "binomial":
        if measure == "class":
            return ((mu > 0.5) != (y > 0.5)).astype(float)
        # R scores the two-column indicator (1 − y, y) against (1 − μ, μ): twice the
        # usual squared or absolute error; the exact alternative is the one-column one.
        both = 2.0 if r_conventions else 1.0
        if measure == "mse":
            return both * (y - mu) ** 2
        if measure == "mae":
            return both * np.abs(y - mu)
        if r_conventions:
            mu = np.clip(mu, _PROB_MIN, 1 - _PROB_MIN)
        with np.errstate(divide="ignore"):
            ly = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0)), 0.0) + \
                np.where(y < 1, (1 - y) * np.log(np.where(y < 1, 1 - y, 1.0)), 0.0)
            return 2.0 * (ly - (y * np.log(mu) + (1 - y) * np.log1p(-mu)))
    if measure == "mae":
        return np.abs(y - mu)
    if family == "poisson" and measure == "deviance":
        with np.errstate(divide="ignore", invalid="ignore"):
            devy = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0)) - y, 0.0)
        return 2.0 * (devy - (y * z - np.exp(z)))
    return (y - mu) ** 2


def _auc(y, score, w):
    """Return the weighted AUC (ties count one half), as R's survival::concordance."""
    pos, neg = y > 0.5, ~(y > 0.5)
    if not pos.any() or not neg.any():
        return np.nan
    sp, wp = score[pos], w[pos]
    sn, wn = score[neg], w[neg]
    order = np.argsort(sn)
    sn, wn = sn[order], wn[order]
    cum = np.r_[0.0, np.cumsum(wn)]
    below = cum[np.searchsorted(sn, sp, side="left")]
    ties = cum[np.searchsorted(sn, sp, side="right")] - below
    return float(np.sum(wp * (below + 0.5 * ties)) / (wp.sum() * wn.sum()))


class CVGlmnet:
    """Cross-validated path (made by :func:`cv_glmnet`), named as R's ``cv.glmnet``.

    Attributes
    ----------
    lambdas, cvm, cvsd, cvup, cvlo, nzero : numpy.ndarray
        λ, mean CV loss, its standard error, cvm ± cvsd, nonzero weights per λ.
    lambda_min : float
        Largest λ with the smallest cvm (largest for AUC).
    lambda_1se : float
        Largest λ whose cvm is within one standard error of the best.
    index_min, index_1se : int
        Their positions among ``lambdas`` (0-based).
    path : GlmnetPath
        The fit on all the data (R's ``glmnet.fit``).
    foldid : numpy.ndarray
    type_measure, family : str
    """

    def __init__(self, path, cvm, cvsd, foldid, type_measure, family):
        self.path, self.foldid = path, foldid
        self.type_measure, self.family = type_measure, family
        self.lambdas = path.lambdas
        self.cvm, self.cvsd = np.asarray(cvm), np.asarray(cvsd)
        self.cvup, self.cvlo = self.cvm + self.cvsd, self.cvm - self.cvsd
        self.nzero = path.df
        # glmnet:::getOptcv.glmnet, AUC negated so that smaller is better
        score = -self.cvm if type_measure == "auc" else self.cvm
        self.index_min = int(np.flatnonzero(score <= np.nanmin(score))[0])
        semin = score[self.index_min] + self.cvsd[self.index_min]
        self.index_1se = int(np.flatnonzero(score <= semin)[0])
        self.lambda_min = float(self.lambdas[self.index_min])
        self.lambda_1se = float(self.lambdas[self.index_1se])

    def _s(self, s):
        if isinstance(s, str):
            key = s.replace(".", "_")
            if key not in ("lambda_min", "lambda_1se"):
                raise ValueError(f"s must be a number, 'lambda.min' or 'lambda.1se', got {s!r}")
            return getattr(self, key)
        return s

    def coef(self, s="lambda.1se", exact=False):
        """Return the coefficients at s: a λ, "lambda.min" or "lambda.1se" (R's default).

        Between λ of the path they are interpolated as R's ``coef.cv.glmnet`` does;
        ``exact=True`` refits at s (see :meth:`GlmnetPath.coef`).
        """
        return self.path.coef(self._s(s), exact=exact)

    def predict(self, newX, s="lambda.1se", type="response", exact=False, offset=None):
        """Return predictions at s for new rows, as R's ``predict.cv.glmnet``."""
        return self.path.predict(newX, s=self._s(s), type=type, exact=exact, offset=offset)

    def table(self):
        """Return print.cv.glmnet's table: Lambda, Index, Measure, SE, Nonzero at min and 1se."""
        idx = [self.index_min, self.index_1se]
        return pd.DataFrame({"Lambda": self.lambdas[idx], "Index": np.array(idx) + 1,
                             "Measure": self.cvm[idx], "SE": self.cvsd[idx],
                             "Nonzero": self.nzero[idx]}, index=["min", "1se"])

    def __str__(self):
        nfolds = getattr(self, "nfolds", None) or len(np.unique(self.foldid))
        return (f"cv_glmnet, {nfolds} folds, measure: "
                f"{self.type_measure}\n\n{self.table().to_string()}")

    summary = __str__

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
              penalty_factor=None, tol=None, progress=None, fit_intercept=True,
              fold_lambdas="own", r_conventions=True, glmnet_gaussian=True, offset=None,
              exposure=None, type_multinomial="ungrouped", kkt_tol=None):
    """Choose λ by K-fold cross-validation, exactly as R's ``cv.glmnet`` (grouped by fold).

    The path is fitted to all the data, which fixes the λ sequence. As in R, each fold
    then fits its own sequence (from its own λ_max, stopping by glmnet's rules) unless
    ``lambdas`` is given, and its linear predictors at the full sequence are
    interpolated linearly in λ (``predict(s=lambda)``). Each fold's loss is the
    weighted mean over its rows; cvm is their mean weighted by the folds' total
    weights and cvsd = √(Σ w_k (L_k − cvm)² / Σ w_k / (K − 1)).

    Parameters
    ----------
    X, y, formula, data, activation, alpha, nlambda, lambda_min_ratio, lambdas,
    standardize, freq_weights, penalty_factor, fit_intercept, glmnet_gaussian, offset,
    exposure
        As for :func:`glmnet_path`; each fold keeps its rows' offset.
    nfolds : int, default 10
    foldid : array_like, optional
        Fold of each row (1..K or 0..K−1), as glmnet's ``foldid``.
    type_measure : {"deviance", "class", "auc", "mse", "mae"}, default "deviance"
        The family's deviance; class and auc for binary outcomes.
    seed : int, default 0
        Seeds the random folds when ``foldid`` is not given.
    tol : float, optional
        As in :func:`glmnet_path`, for every path fitted (default 1e-9; for the softmax,
        glmnet's ``thresh`` 1e-7).
    progress : bool, optional
    fold_lambdas : {"own", "full"}, default "own"
        "own" is R's choice; "full" refits each fold on the full data's λ, so no
        prediction is interpolated (the exact alternative).
    r_conventions : bool, default True
        R's binomial measures: probabilities clamped to [1e-5, 1 − 1e-5] in the
        deviance, and mse/mae summed over the two columns (1 − y, y), i.e. twice
        the usual. False gives the unclamped deviance and the one-column errors.
    type_multinomial : {"ungrouped", "grouped"}, default "ungrouped"
        With ``activation="softmax"`` (glmnet's multinomial family, see
        :func:`~glmnet_bridge.glmnet.multinomial.multinomial_path`): the penalty per
        coefficient or per variable. The measures are R's ``cv.multnet``: deviance
        (probabilities clamped to [1e-5, 1 − 1e-5]), class (misclassification), mse and
        mae (summed over the K indicator columns); ``path`` is then a MultinomialPath.
    kkt_tol : float, optional
        Softmax only: as in :func:`glmnet_path`, for the full path and every fold.

    Returns
    -------
    CVGlmnet

    Notes
    -----
    Dask data (X and y Dask arrays, or a formula on a Dask frame) are cross-validated by
    passes over the partitions, to the in-memory answer: ``foldid`` is then required, a
    Dask array or series split as the rows (or numpy values), or with a formula the name
    of a column of ``data``. Each fold's path is fitted on all the partitions with the
    held-out rows' weights set to 0 (they drop out of every sum); one last pass scores
    the held-out rows of every fold. ``type_measure="auc"`` is not available there.
    """
    if type_measure not in MEASURES:
        raise ValueError(f"type_measure must be one of {', '.join(MEASURES)}, "
                         f"got {type_measure!r}")
    if fold_lambdas not in ("own", "full"):
        raise ValueError("fold_lambdas must be 'own' (R's choice) or 'full'")
    act = get_activation(activation)
    if act.name == "softmax":
        from .cv_multinomial import cv_multinomial

        return cv_multinomial(
            X, y, formula=formula, data=data, alpha=alpha, nfolds=nfolds, foldid=foldid,
            type_measure=type_measure, seed=seed, nlambda=nlambda,
            lambda_min_ratio=lambda_min_ratio, lambdas=lambdas, standardize=standardize,
            freq_weights=freq_weights, penalty_factor=penalty_factor,
            tol=MULTINOMIAL_TOL if tol is None else tol,
            fit_intercept=fit_intercept, fold_lambdas=fold_lambdas,
            r_conventions=r_conventions, offset=offset, exposure=exposure,
            type_multinomial=type_multinomial, make_cv=CVGlmnet, kkt_tol=kkt_tol)
    if type_multinomial != "ungrouped":
        raise ValueError("type_multinomial applies to activation='softmax' (glmnet's "
                         "multinomial family)")
    if kkt_tol is not None:
        raise ValueError("kkt_tol applies to activation='softmax' only (the other paths' "
                         "tol is a bound on the KKT conditions already)")
    tol = 1e-9 if tol is None else tol
    family = get_cost(default_cost(act), act).family
    if family != "binomial" and type_measure in ("class", "auc"):
        raise ValueError(f"type_measure {type_measure!r} needs a binary outcome")
    common = dict(activation=activation, alpha=alpha, standardize=standardize,
                  penalty_factor=penalty_factor, tol=tol, progress=False, nlambda=nlambda,
                  lambda_min_ratio=lambda_min_ratio, glmnet_gaussian=glmnet_gaussian)
    full = glmnet_path(X, y, formula=formula, data=data, lambdas=lambdas,
                       freq_weights=freq_weights, fit_intercept=fit_intercept, offset=offset,
                       exposure=exposure, **common)
    d = full.design
    if getattr(d, "lazy", False):
        if type_measure == "auc":
            raise ValueError("type_measure='auc' ranks all of a fold's held-out rows together: "
                             "not available on Dask data (use 'deviance', 'class', 'mse' or "
                             "'mae')")
        fold_lams = full.lambdas if fold_lambdas == "full" else lambdas
        return _cv_lazy(full, act, foldid, data, type_measure, family, fold_lams,
                        r_conventions, common)
    n = d.nobs
    foldid, folds = fold_ids(foldid, nfolds, n, seed)
    fold_lams = full.lambdas if fold_lambdas == "full" else lambdas
    Xin = d.inputs
    lead = int(d.intercept)

    def fit_fold(k):
        test = foldid == k
        train = ~test
        fit = glmnet_path(Xin[train], d.y[train], lambdas=fold_lams,
                          freq_weights=d.freq_weights[train], fit_intercept=d.intercept,
                          offset=d.offset[train], **common)
        B = coef_at(fit.lambdas, fit.coefs.to_numpy(), full.lambdas)
        z = Xin[test] @ B[:, lead:].T + (B[:, 0] if lead else 0.0) + d.offset[test][:, None]
        mu = act(z)
        w = d.freq_weights[test]
        yk = d.y[test]
        if type_measure == "auc":
            losses = np.array([_auc(yk, mu[:, j], w) for j in range(mu.shape[1])])
        else:
            losses = np.average(_losses(type_measure, family, yk, z, mu, r_conventions),
                                axis=0, weights=w)
        return losses, w.sum()

    per_fold, weights = zip(*map_folds(fit_fold, folds, Xin.size), strict=True)
    L, w = np.vstack(per_fold), np.asarray(weights)
    cvm = np.average(L, axis=0, weights=w)
    cvsd = np.sqrt(np.average((L - cvm) ** 2, axis=0, weights=w) / (len(folds) - 1))
    return CVGlmnet(full, cvm, cvsd, foldid, type_measure, family)


def _lazy_foldid(d, foldid, data):
    """Return the fold of each row of a Dask design as a Dask array split as its rows."""
    import dask.array as da

    if foldid is None:
        raise DataError("cv_glmnet on Dask data needs foldid=: each row's fold, as a Dask "
                        "array or series split as the rows (with a formula, a column name "
                        "of data)")
    if isinstance(foldid, str):
        if data is None or not hasattr(data, "map_partitions"):
            raise DataError(f"foldid={foldid!r} names a column, but there is no Dask frame")
        foldid = data[foldid]
    if hasattr(foldid, "to_dask_array"):
        foldid = foldid.to_dask_array(lengths=True)
    elif not is_lazy(foldid):
        foldid = da.from_array(np.asarray(foldid), chunks=(d.y.chunks[0],))
    if foldid.ndim != 1 or foldid.shape[0] != d.nobs:
        raise DataError(f"foldid needs one fold per row ({d.nobs})")
    return foldid.rechunk({0: d.y.chunks[0]})


def _mask_block(block, fold, k):
    X, y, f, offset = block
    return X, y, np.asarray(f, dtype=float) * (np.asarray(fold) != k), offset


def _score_block(block, fold, folds, coefs, act, family, measure, r_conventions, lead):
    # Σ f·loss (per fold and λ) and Σ f over the held-out rows of every fold in one partition
    X, y, f, off = (np.asarray(a, dtype=float) for a in block)
    fold = np.asarray(fold)
    loss, weight = np.zeros((len(folds), coefs[0].shape[0])), np.zeros(len(folds))
    for i, k in enumerate(folds):
        test = fold == k
        if not test.any():
            continue
        B = coefs[i]
        z = X[test] @ B[:, lead:].T + (B[:, 0] if lead else 0.0) + off[test][:, None]
        w = f[test]
        loss[i] = w @ _losses(measure, family, y[test], z, act(z), r_conventions)
        weight[i] = w.sum()
    return loss, weight


def _cv_lazy(full, act, foldid, data, type_measure, family, fold_lams, r_conventions,
             common):
    """Return cv_glmnet's answer on Dask data: folds masked by weight, scored by one pass."""
    import copy

    import dask
    import dask.array as da
    from dask import delayed

    from ..engines.dask import tree_sum

    d = full.design
    cost = get_cost(default_cost(act), act)
    fold = _lazy_foldid(d, foldid, data)
    folds = np.sort(np.asarray(da.unique(fold).compute()))
    if len(folds) < 3:
        raise ValueError("cross-validation needs at least 3 folds")
    # one pass: each fold's training weight, weighted outcome and rows
    train = [fold != k for k in folds]
    sums = dask.compute(*[((d.freq_weights * t).sum(), (d.freq_weights * t * d.y).sum(),
                           t.sum()) for t in train])
    fold_blocks = list(fold.to_delayed(optimize_graph=False).ravel())
    full_blocks = _lazy_engine(d, cost).partitions()
    opts = {k: v for k, v in common.items() if k != "activation"}
    coefs = []
    for k, t, (w, wy, rows) in zip(folds, train, sums, strict=True):
        dk = copy.copy(d)
        dk.freq_weights = d.freq_weights * t
        blocks = [delayed(_mask_block, pure=True)(b, fb, k)
                  for b, fb in zip(full_blocks, fold_blocks, strict=True)]
        dk.blocks = blocks
        dk.weight_sum, dk.y_mean, dk.counted_rows = float(w), float(wy) / float(w), int(rows)
        fit = _fit_path(act, dk, _lazy_engine(dk, cost), lambdas=fold_lams, **opts)
        coefs.append(coef_at(fit.lambdas, fit.coefs.to_numpy(), full.lambdas))
    parts = [delayed(_score_block, pure=True)(b, fb, folds, coefs, act, family, type_measure,
                                              r_conventions, int(d.intercept))
             for b, fb in zip(full_blocks, fold_blocks, strict=True)]
    loss, weight = tree_sum(parts).compute()
    L, w = loss / weight[:, None], weight
    cvm = np.average(L, axis=0, weights=w)
    cvsd = np.sqrt(np.average((L - cvm) ** 2, axis=0, weights=w) / (len(folds) - 1))
    cv = CVGlmnet(full, cvm, cvsd, fold, type_measure, family)
    cv.nfolds = len(folds)
    return cv
