"""cv_glmnet for glmnet's multinomial family, as R's ``cv.glmnet`` with ``cv.multnet``.

Each fold fits its own λ sequence (R's choice) and its linear predictors at the full
data's λ are interpolated linearly in λ; each held-out row's loss is summed over the K
classes as ``cv.multnet`` does, averaged by fold and then over folds.
"""

from __future__ import annotations

import numpy as np

from ..exceptions import DataError
from ..solvers.multinomial_path import multinomial_arrays
from .folds import fold_ids, map_folds
from .multinomial import MULTINOMIAL_TOL, TYPES, _path_from_arrays, prepare_multinomial
from .rvocab import coef_at

__all__ = ["cv_multinomial", "multinomial_losses"]

_PROB_MIN = 1e-5  # cv.multnet's prob_min
MEASURES = ("deviance", "class", "mse", "mae")


def multinomial_losses(measure, codes, Z, r_conventions=True):
    """Return each row's loss per λ (rows × λ) as ``cv.multnet`` computes it.

    Parameters
    ----------
    measure : {"deviance", "class", "mse", "mae"}
    codes : numpy.ndarray
        The rows' classes, 0..K−1.
    Z : numpy.ndarray
        Linear predictors, rows × classes × λ.
    r_conventions : bool, default True
        Clamp the probabilities to [1e-5, 1 − 1e-5] in the deviance (R); False: unclamped.
    """
    Zc = Z - Z.max(axis=1, keepdims=True)
    E = np.exp(Zc)
    P = E / E.sum(axis=1, keepdims=True)
    n, K, _ = P.shape
    Y = np.zeros((n, K, 1))
    Y[np.arange(n), codes, 0] = 1.0
    if measure == "mse":
        return ((Y - P) ** 2).sum(axis=1)
    if measure == "mae":
        return np.abs(Y - P).sum(axis=1)
    if measure == "class":
        return (np.argmax(P, axis=1) != codes[:, None]).astype(float)
    if r_conventions:
        P = np.clip(P, _PROB_MIN, 1 - _PROB_MIN)
    with np.errstate(divide="ignore"):
        return -2.0 * np.log(P[np.arange(n), codes, :])


def cv_multinomial(X=None, y=None, *, formula=None, data=None, alpha=1.0, nfolds=10,
                   foldid=None, type_measure="deviance", seed=0, nlambda=100,
                   lambda_min_ratio=None, lambdas=None, standardize=True, freq_weights=None,
                   penalty_factor=None, tol=MULTINOMIAL_TOL, fit_intercept=True,
                   fold_lambdas="own", r_conventions=True, offset=None, exposure=None,
                   type_multinomial="ungrouped", make_cv=None, kkt_tol=None):
    """Return cv_glmnet's answer for a softmax outcome (see :func:`glmnet_bridge.cv_glmnet`).

    ``make_cv`` builds the result (cv_glmnet passes its CVGlmnet class); ``kkt_tol``
    (precise mode, see :func:`multinomial_path`) applies to the full fit and every fold.
    """
    if type_measure not in MEASURES:
        raise ValueError(f"type_measure {type_measure!r} is not available for the multinomial "
                         f"family; use one of {', '.join(MEASURES)}")
    if offset is not None or exposure is not None:
        raise DataError("offset= and exposure= are not available for the multinomial family "
                        "(a softmax outcome) here")
    if type_multinomial not in TYPES:
        raise DataError(f"type_multinomial must be 'ungrouped' or 'grouped', got "
                        f"{type_multinomial!r}")
    design, arr = prepare_multinomial(X, y, formula=formula, data=data,
                                      freq_weights=freq_weights, fit_intercept=fit_intercept)
    opts = dict(alpha=alpha, standardize=standardize, penalty_factor=penalty_factor, tol=tol,
                progress=False, type_multinomial=type_multinomial, nlambda=nlambda,
                lambda_min_ratio=lambda_min_ratio, kkt_tol=kkt_tol)
    full = _path_from_arrays(design, arr, lambdas=lambdas, **opts)
    n = arr.inputs.shape[0]
    foldid, folds = fold_ids(foldid, nfolds, n, seed)
    fold_lams = full.lambdas if fold_lambdas == "full" else lambdas

    def fit_fold(k):
        test = foldid == k
        train = ~test
        sub = multinomial_arrays(arr.inputs[train], arr.codes[train], arr.levels,
                                 arr.weights[train], arr.names, arr.intercept)
        # a column constant in a fold's rows is left out there, as R's glmnet does
        fit = _path_from_arrays(design, sub, lambdas=fold_lams, constant="exclude", **opts)
        C = fit._stacked()
        m, t, K = C.shape
        C = coef_at(fit.lambdas, C.reshape(m, t * K), full.lambdas).reshape(-1, t, K)
        Xt = arr.inputs[test]
        if arr.intercept:
            Xt = np.column_stack([np.ones(len(Xt)), Xt])
        Z = np.einsum("nt,mtk->nkm", Xt, C)
        w = arr.weights[test]
        loss = multinomial_losses(type_measure, arr.codes[test], Z, r_conventions)
        return np.average(loss, axis=0, weights=w), w.sum()

    # the precise mode's Newton systems want one BLAS thread whatever the size (set once
    # here: off the main thread a fold's own limit does nothing)
    cells = 0 if kkt_tol is not None else arr.inputs.size
    per_fold, weights = zip(*map_folds(fit_fold, folds, cells), strict=True)
    L, w = np.vstack(per_fold), np.asarray(weights)
    cvm = np.average(L, axis=0, weights=w)
    cvsd = np.sqrt(np.average((L - cvm) ** 2, axis=0, weights=w) / (len(folds) - 1))
    cv = make_cv(full, cvm, cvsd, foldid, type_measure, "multinomial")
    if type_multinomial == "ungrouped":
        # R's cv.glmnet: the median over classes of each class's nonzero count, rounded up
        cv.nzero = np.ceil(np.median(full.dfmat.to_numpy(), axis=0)).astype(int)
    else:
        # R counts the first class's nonzero coefficients, its intercept included
        cv.nzero = (full._stacked()[:, :, 0] != 0).sum(axis=1)
    return cv
