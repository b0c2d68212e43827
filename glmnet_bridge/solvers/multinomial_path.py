"""glmnet's multinomial path on arrays: standardise, choose the λ, solve each, unstandardise.

The compiled kernels are :mod:`glmnet_bridge.solvers.multinomial_cd`; this module is
glmnet's driver around them (``elnet_driver/binomial.hpp`` and ``elnet_path/base.hpp``
of glmnet 4.1): column standardisation by the weighted population SD, λ_max from the
null model's gradient, the log-spaced sequence built by repeated multiplication as glmnet
builds it, warm starts, its stopping rules, and the coefficients brought back to the
original scale with the intercepts centred over the classes as R's ``coef()`` shows them.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from ..exceptions import ConvergenceWarning, DataError
from . import multinomial_cd as cd
from . import multinomial_newton as mn

__all__ = ["MultinomialArrays", "solve_multinomial_path", "multinomial_arrays"]

_FDEV = 1e-5      # glmnet's fdev: stop when dev.ratio gains less (absolute, as binomial)
_DEVMAX = 0.999   # glmnet's devmax
_MNLAM = 5        # glmnet's mnlam
_LMR_FLOOR = 1e-6  # glmnet.control()$eps: lambda.min.ratio below it is raised to it
_THR_FLOOR = 1e-20  # kkt_tol's tightest kernel threshold, relative to the null deviance
_BUDGET = 200       # kkt_tol: kernel passes per class in one tightened call


@dataclass
class MultinomialArrays:
    """A checked multinomial problem: inputs, class codes, weights, names."""

    inputs: np.ndarray      # n × p, original scale
    codes: np.ndarray       # n, 0..K−1
    levels: list            # the K classes, in order
    weights: np.ndarray     # n, frequency weights
    names: list             # input column names
    intercept: bool


def multinomial_arrays(inputs, codes, levels, weights, names, intercept):
    """Return a :class:`MultinomialArrays` after glmnet's checks on the classes.

    Raises :class:`DataError` when a class has fewer than two rows (glmnet: "one
    multinomial or binomial class has 1 or 0 observations; not allowed").
    """
    codes = np.asarray(codes, dtype=np.int64)
    counts = np.bincount(codes, weights=None, minlength=len(levels))
    few = [lv for lv, c in zip(levels, counts, strict=True) if c <= 1]
    if few:
        raise DataError(f"class {few[0]!r} of the outcome has {int(counts[levels.index(few[0])])} "
                        "row(s): glmnet's multinomial family needs at least 2 per class "
                        "(drop the class or merge it with another)")
    return MultinomialArrays(np.asarray(inputs, dtype=float), codes, list(levels),
                             np.asarray(weights, dtype=float), list(names), bool(intercept))


def _standardise(arr, standardize, constant="raise"):
    """Return (Xs F-ordered, xm, xs, w normalised, sw, xvg) as glmnet's LStandardize1.

    A constant column is refused, or with ``constant="exclude"`` left out as glmnet's
    chkvars does (its column set to 0: its gradient is 0, it never enters).
    """
    X = arr.inputs
    sw = float(arr.weights.sum())
    w = arr.weights / sw
    xm = w @ X if arr.intercept else np.zeros(X.shape[1])
    Xc = np.asfortranarray(X - xm) if arr.intercept else np.asfortranarray(X.copy())
    centred = X - (w @ X)
    sd = np.sqrt(w @ (centred * centred))
    bad = np.flatnonzero(np.all(X == X[:1], axis=0) | ~(sd > 0))  # glmnet's chkvars
    if bad.size and constant == "exclude":
        X = X.copy()
        X[:, bad] = 0.0
        sd[bad] = 1.0
    elif bad.size:
        raise DataError(f"column {arr.names[bad[0]]!r} is constant: it cannot be "
                        "standardised (glmnet would leave it out with a coefficient 0; "
                        "drop it)")
    if bad.size:
        Xc[:, bad] = 0.0
    if standardize:
        xs = np.sqrt(w @ (Xc * Xc)) if arr.intercept else sd
        xs[bad] = 1.0
        Xc /= xs
        xvg = np.ones(X.shape[1]) if arr.intercept else 1.0 + (w @ X) ** 2 / sd ** 2
    else:
        xs = np.ones(X.shape[1])
        xvg = w @ (Xc * Xc)
        xvg[bad] = 1.0
    return np.asfortranarray(Xc), xm, xs, w, sw, np.ascontiguousarray(xvg)


def _factors(penalty_factor, p):
    if penalty_factor is None:
        return np.ones(p)
    v = np.asarray(penalty_factor, dtype=float).ravel()
    if v.shape != (p,):
        raise DataError(f"penalty_factor needs {p} values, one per input column, got {v.size}")
    if not np.all(np.isfinite(v)) or np.any(v < 0) or not np.any(v > 0):
        raise DataError("penalty factors must be finite, non-negative, one at least positive")
    return v * (p / v.sum())   # glmnet's vq·ni/Σvq


def _stops(ratios, nlam):
    mnl = min(_MNLAM, nlam)
    if len(ratios) < mnl:
        return False
    return ratios[-1] > _DEVMAX or ratios[-1] - ratios[-2] < _FDEV


def solve_multinomial_path(arr, *, alpha=1.0, nlambda=100, lambda_min_ratio=None,
                           lambdas=None, standardize=True, penalty_factor=None,
                           early_stop=True, tol=1e-7, grouped=False, maxit=10_000_000,
                           progress=None, target=None, constant="raise", kkt_tol=None):
    """Fit glmnet's multinomial path to a checked problem.

    Parameters
    ----------
    arr : MultinomialArrays
    alpha, nlambda, lambda_min_ratio, lambdas, standardize, penalty_factor, early_stop
        As R's glmnet (``lambda_min_ratio`` defaults to 1e-4 when n > p, else 1e-2).
    tol : float, default 1e-7
        glmnet's ``thresh`` (and its default): each coordinate-descent loop ends when no
        coordinate's change Δ moves x_j'Vx_j·Δ² by tol times the null deviance or more
        (R's answers to 1e-14 need tol=1e-14 here too).
    grouped : bool, default False
        glmnet's ``type.multinomial = "grouped"``.
    maxit : int, default 10_000_000
        glmnet's ``maxit`` (coordinate passes over all λ).
    progress : bool, optional
    constant : {"raise", "exclude"}, default "raise"
        A constant column: refused, or left out with coefficient 0 as glmnet does
        (cross-validation folds, where a rare column can be constant).
    target : float, optional
        One λ to solve (a single penalised fit): glmnet's generated sequence is followed
        down to it for warm starts, cut there, and ``target`` solved last.
    kkt_tol : float, optional
        Precise mode. After the kernel solves a λ, every KKT condition of the objective
        (standardised coordinates) is checked on the full gradient, each violation
        divided by its coordinate's curvature Σ w·p(1 − p)·x² (a Newton step in units of
        the coefficient); above ``kkt_tol`` the λ is finished by an active-set Newton
        method, and zero coefficients that still violate send it back to the kernel at
        a threshold 100 times smaller (:func:`multinomial_newton.polish`). The answer is
        then put in glmnet's form (centred intercepts, rows shifted by ``elc``) and the
        deviance is the exact one. None (default): glmnet's algorithm alone.

    Returns
    -------
    dict
        ``lambdas`` (m), ``a0`` (m × K), ``beta`` (m × p × K) on the original scale (the
        intercepts centred over classes, as R's coef()), ``dev_ratio`` (m),
        ``null_deviance``, ``status`` (m: the kernel's codes, 4 ``kkt_tol`` not met), ``npasses``;
        with ``kkt_tol`` also ``kkt`` (m, the final violations) and ``polish`` (m dicts:
        Newton steps, rounds, kernel calls, largest system, seconds).
    """
    if not 0 <= alpha <= 1:
        raise DataError(f"alpha must satisfy 0 ≤ alpha ≤ 1, got {alpha!r}")
    X, xm, xs, w, sw, xvg = _standardise(arr, standardize, constant)
    n, p = X.shape
    K = len(arr.levels)
    Y = np.zeros((n, K), order="F")
    Y[np.arange(n), arr.codes] = 1.0
    vp = _factors(penalty_factor, p)
    B = np.zeros((p, K), order="F")
    a0 = np.zeros(K)
    Q = np.zeros((n, K), order="F")
    sxp = np.zeros(n)
    dev1, dev0 = cd.null_start(Y, w, a0, Q, sxp, arr.intercept)
    if dev0 < 0:
        k = int(-dev0 - 1)
        raise DataError(f"class {arr.levels[k]!r} has a weighted share within 1e-9 of 0 or 1: "
                        "glmnet's multinomial family cannot fit it")
    thr = tol * dev0
    strong = np.zeros(p, dtype=np.int64)
    active = np.zeros(p, dtype=np.int64)
    nact = np.zeros(1, dtype=np.int64)
    npass = np.zeros(1, dtype=np.int64)
    ga = np.zeros(p)
    xv = np.zeros((p, K), order="F")
    r = np.empty(n)
    cd.abs_grad(X, Y, w, Q, sxp, strong, ga, r, grouped)
    given = lambdas is not None
    if given:
        ulam = np.sort(np.asarray(lambdas, dtype=float).ravel())[::-1]
        if ulam.size == 0 or np.any(ulam < 0) or not np.all(np.isfinite(ulam)):
            raise DataError("lambdas must be finite and non-negative")
        nlam = ulam.size
    else:
        nlam = int(nlambda)
        if nlam < 1:
            raise DataError("nlambda must be at least 1")
        ratio = (1e-4 if n > p else 1e-2) if lambda_min_ratio is None else \
            float(lambda_min_ratio)
        if not 0 < ratio < 1:
            raise DataError("lambda_min_ratio must be between 0 and 1 (R: 'lambda.min.ratio "
                            "should be less than 1')")
        alf = max(_LMR_FLOOR, ratio) ** (1.0 / (nlam - 1.0)) if nlam > 1 else 1.0
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=nlam, desc="glmnet multinomial path", leave=False)
    if kkt_tol is not None and not kkt_tol > 0:
        raise DataError(f"kkt_tol must be positive, got {kkt_tol!r}")
    kkts, stats = [], []
    unmet = False
    lams, a0s, betas, ratios, status = [], [], [], [], []
    lam, prev = 0.0, 0.0
    try:
        for m in range(nlam):
            prev = lam
            if given:
                lam = float(ulam[m])
            elif m == 0:
                lam = cd.BIG
            elif m == 1:
                pen = (vp > 0)
                prev = float(np.max(ga[pen] / vp[pen])) / max(alpha, 1e-3) if pen.any() \
                    else 0.0
                lam = prev * alf
            else:
                lam = lam * alf
            last = m == nlam - 1
            if target is not None and m > 0 and (lam <= target or last):
                lam, last = float(target), True
            args = (X, Y, w, vp)
            if grouped:
                st = cd.grouped_point(*args, xvg, B, a0, Q, sxp, strong, active, nact, ga,
                                      float(alpha), lam, prev, thr, int(maxit),
                                      bool(arr.intercept), npass)
            else:
                st = cd.ungrouped_point(*args, B, a0, Q, sxp, strong, active, nact, ga, xv,
                                        float(alpha), lam, prev, thr, int(maxit),
                                        bool(arr.intercept), npass)
            info = None
            if kkt_tol is not None and st == 0:
                st, info = _polish_point(X, Y, w, vp, xvg, B, a0, Q, sxp, strong, active, nact,
                                         ga, xv, float(alpha), lam, thr, thr_floor=_THR_FLOOR
                                         * dev0, maxit=int(maxit), intr=bool(arr.intercept),
                                         npass=npass, grouped=grouped, kkt_tol=kkt_tol)
            if info is not None and st in (0, 4):
                devi = info.pop("loss")
            elif st in (0, 2):
                devi = cd.deviance_terms(Y, w, Q, sxp)
            if st == 2 and ratios and (dev1 - devi) / dev0 < ratios[-1]:
                st = 5   # "every probability 0 or 1" at a worse fit than the last λ: ran off
            if st in (1, 3, 5):
                why = {1: "maxit passes reached",
                       3: "the fitted probabilities saturate (glmnet's error 7777)",
                       5: "the coordinate descent diverged (its linear predictors ran off; "
                          "nearly separable data and a long step in λ: a finer sequence, "
                          "more nlambda, may get further)"}[st]
                if m == 0:
                    raise DataError(f"the multinomial fit did not converge at the first λ: {why}")
                warnings.warn(f"the multinomial path stopped at λ number {m + 1}: {why}",
                              ConvergenceWarning, stacklevel=3)
                break
            if kkt_tol is not None:
                kkts.append(info.pop("kkt") if info is not None else np.nan)
                stats.append(info if info is not None else {})  # status 2: unchecked
                if st == 4 and not unmet:
                    unmet = True
                    warnings.warn(f"kkt_tol={kkt_tol:g} not met at λ number {m + 1} (largest "
                                  f"violation {kkts[-1]:.2g}); its status is 4",
                                  ConvergenceWarning, stacklevel=3)
            ratios.append((dev1 - devi) / dev0)
            lams.append(lam)
            beta = B / xs[:, None]
            inter = a0 - (xm @ beta if arr.intercept else 0.0)
            if arr.intercept:
                inter = inter - inter.mean()
            a0s.append(inter)
            betas.append(beta)
            status.append(st)
            if bar is not None:
                bar.update()
            if st == 2 or (target is not None and last):
                break
            if target is None and not given and early_stop and _stops(ratios, nlam):
                break
    finally:
        if bar is not None:
            bar.close()
    lams = np.array(lams)
    if target is None and not given and lams.size > 2:
        # R's fix.lam: the first λ (solved at ∞) reported as λ_max
        lams[0] = np.exp(2 * np.log(lams[1]) - np.log(lams[2]))
    out = {"lambdas": lams, "a0": np.array(a0s), "beta": np.array(betas),
           "dev_ratio": np.array(ratios), "null_deviance": 2.0 * sw * dev0,
           "status": np.array(status), "npasses": int(npass[0])}
    if kkt_tol is not None:
        out["kkt"], out["polish"] = np.array(kkts), stats
    return out


def _polish_point(X, Y, w, vp, xvg, B, a0, Q, sxp, strong, active, nact, ga, xv, alpha, lam,
                  thr, *, thr_floor, maxit, intr, npass, grouped, kkt_tol):
    """Finish the kernel's solution of one λ to ``kkt_tol`` and leave its state in step.

    Returns (status, info): info holds the final violation ``kkt``, the penalised
    problem's ``loss`` and the counts of :func:`multinomial_newton.polish`, with
    ``seconds``. A status other than 0 or 4 is the kernel's, failed inside the finish.
    """
    import time

    t0 = time.perf_counter()
    K = Y.shape[1]

    def kernel(t):
        mn.sync_state(X, Y, w, B, a0, Q, sxp, strong, active, nact, ga, grouped)
        limit = min(maxit, int(npass[0]) + _BUDGET * K)   # a pass budget: Newton follows
        if grouped:
            st = cd.grouped_point(X, Y, w, vp, xvg, B, a0, Q, sxp, strong, active, nact, ga,
                                  alpha, lam, lam, t, limit, intr, npass)
        else:
            st = cd.ungrouped_point(X, Y, w, vp, B, a0, Q, sxp, strong, active, nact, ga, xv,
                                    alpha, lam, lam, t, limit, intr, npass)
        return 0 if st == 1 and npass[0] <= maxit else st

    info = {}
    st, viol = mn.polish(X, Y, w, vp, alpha, lam, B, a0, intr, grouped, kkt_tol, thr,
                         thr_floor, kernel, info)
    if st in (0, 4):   # else the kernel failed inside: its state is left for the caller
        mn.canonical(B, a0, vp, alpha, intr, grouped)
        mn.sync_state(X, Y, w, B, a0, Q, sxp, strong, active, nact, ga, grouped)
    info["kkt"] = viol
    info["seconds"] = time.perf_counter() - t0
    return st, info
