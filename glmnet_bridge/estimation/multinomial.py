"""A softmax output layer is multinomial logit: its fit, inference and separation check.

Category 0 (the reference) has z = 0; each other category k has z_k = x·w_k + b_k.
"""

from __future__ import annotations

import warnings
from functools import cached_property

import numpy as np
import pandas as pd
from scipy import linalg, optimize, special

from ..exceptions import ConvergenceWarning, DataError, SeparationError, SeparationWarning
from .checks import diagnose_rank
from .design import label_design
from .inference import wald_table

__all__ = ["fit_softmax", "MultinomialFit", "detect_multinomial_separation"]


def _categories(y, reference):
    cat = pd.Categorical(np.asarray(y).ravel())
    levels = list(cat.categories)
    if len(levels) < 2:
        raise DataError("the outcome takes a single value: nothing to fit")
    if reference is not None:
        if reference not in levels:
            raise DataError(f"reference category {reference!r} is not among {levels}")
        levels = [reference] + [c for c in levels if c != reference]
        cat = pd.Categorical(np.asarray(y).ravel(), categories=levels)
    return np.asarray(cat.codes), levels


def _loglik_parts(X, Y, f, B, order):
    """Return −loglik, its gradient (p·(K−1),) and Hessian, B of shape (p, K−1)."""
    Z = X @ B
    lse = np.logaddexp(0.0, special.logsumexp(Z, axis=1)) if Z.shape[1] > 1 else \
        np.logaddexp(0.0, Z[:, 0])
    value = float(f @ (lse - np.sum(Y * Z, axis=1)))
    if order == 0:
        return value, None, None
    P = np.exp(Z - lse[:, None])                      # probabilities of categories 1..K−1
    G = X.T @ (f[:, None] * (P - Y))                  # (p, K−1)
    if order == 1:
        return value, G.T.ravel(), None
    p, m = B.shape
    H = np.empty((p * m, p * m))
    for j in range(m):
        for k in range(j, m):
            w = f * P[:, j] * ((j == k) - P[:, k])
            block = (X * w[:, None]).T @ X
            H[j * p:(j + 1) * p, k * p:(k + 1) * p] = block
            H[k * p:(k + 1) * p, j * p:(j + 1) * p] = block.T
    return value, G.T.ravel(), H


def detect_multinomial_separation(X, codes, n_categories, names=None, tol=1e-7):
    """Detect (quasi-)separation of a multinomial logit by a linear program.

    The MLE fails to exist when some direction (d_1 … d_{K−1}), d_0 = 0, has
    x_i·(d_{c_i} − d_k) ≥ 0 for every row i and category k, not all zero: the
    analogue of Konis' LP for the binary case.

    Parameters
    ----------
    X : numpy.ndarray, shape (n, p)
    codes : numpy.ndarray of int
        Category of each row, 0 the reference.
    n_categories : int
    names : list of str, optional
    tol : float, default 1e-7

    Returns
    -------
    dict
        ``separated`` (bool), ``direction`` (DataFrame p × (K−1)) and ``columns``.
    """
    n, p = X.shape
    m = n_categories - 1
    scale = np.max(np.abs(X), axis=0)
    scale[scale == 0] = 1.0
    Xs = X / scale
    rows = []
    for k in range(n_categories):
        others = np.flatnonzero(codes != k)
        if others.size == 0:
            continue
        # rows i with c_i ≠ k: x_i·(d_{c_i} − d_k) ≥ 0
        A = np.zeros((others.size, p * m))
        for idx, i in enumerate(others):
            ci = codes[i]
            if ci > 0:
                A[idx, (ci - 1) * p:ci * p] += Xs[i]
            if k > 0:
                A[idx, (k - 1) * p:k * p] -= Xs[i]
        rows.append(A)
    A = np.vstack(rows)
    res = optimize.linprog(-A.sum(axis=0), A_ub=-A, b_ub=np.zeros(len(A)),
                           bounds=[(-1, 1)] * (p * m), method="highs")
    names = names or [f"x{j}" for j in range(p)]
    empty = pd.DataFrame(np.zeros((p, m)), index=names)
    if res.status != 0 or -res.fun <= tol * max(1.0, len(A)) ** 0.5:
        return {"separated": False, "direction": empty, "columns": []}
    d = res.x.reshape(m, p).T / scale[:, None]
    d[np.abs(d) < tol] = 0.0
    if not np.any(A @ res.x > tol):
        return {"separated": False, "direction": empty, "columns": []}
    direction = pd.DataFrame(d, index=names)
    cols = [names[j] for j in range(p) if np.any(d[j] != 0)]
    return {"separated": True, "direction": direction, "columns": cols}


class MultinomialFit:
    """A softmax neuron layer fitted by maximum likelihood: multinomial logit.

    ``params`` is a DataFrame shaped like statsmodels ``MNLogit``'s (terms × the
    non-reference categories); ``weights`` and ``bias`` are the network view.
    Observed and expected information coincide (softmax is the canonical link).
    """

    family = "multinomial"
    solver = "newton"

    def __init__(self, design, codes, levels, beta, hessian, converged, n_iter, separation):
        from ..core.costs import Cost

        self.design, self.codes, self.levels = design, codes, levels
        self._B = beta
        self._H = hessian
        self.converged, self.n_iter, self.separation = converged, n_iter, separation
        self.cov_type = "observed"
        self.activation = type("Softmax", (), {"name": "softmax"})()
        self.cost = type("LogLikelihood", (Cost,), {"name": "log_likelihood",
                                                     "is_likelihood": True,
                                                     "family": "multinomial"})(None)

    @property
    def deviance(self):
        """Return −2·llf (the saturated multinomial model has log-likelihood 0)."""
        return -2.0 * self.llf

    @property
    def names(self):
        """Return the term names."""
        return list(self.design.names)

    @property
    def reference(self):
        """Return the reference category (z = 0)."""
        return self.levels[0]

    @property
    def params(self):
        """Return the coefficients: one column per non-reference category."""
        return pd.DataFrame(self._B, index=self.names, columns=self.levels[1:])

    @property
    def weights(self):
        """Return the weights of the softmax layer (rows: inputs; columns: categories)."""
        return self.params.iloc[1:] if self.design.intercept else self.params

    @property
    def bias(self):
        """Return the biases per non-reference category."""
        return self.params.iloc[0] if self.design.intercept else pd.Series(
            0.0, index=self.levels[1:])

    @cached_property
    def _cov(self):
        try:
            c = linalg.cho_factor(self._H)
            return linalg.cho_solve(c, np.eye(len(self._H)))
        except linalg.LinAlgError:
            return np.full(self._H.shape, np.nan)

    def cov_params(self):
        """Return the covariance of the stacked parameters (category-major, as statsmodels)."""
        idx = pd.MultiIndex.from_product([self.levels[1:], self.names],
                                         names=["category", "term"])
        return pd.DataFrame(self._cov, index=idx, columns=idx)

    @property
    def bse(self):
        """Return standard errors, shaped like ``params``."""
        p, m = self._B.shape
        se = np.sqrt(np.diag(self._cov)).reshape(m, p).T
        return pd.DataFrame(se, index=self.names, columns=self.levels[1:])

    @property
    def tvalues(self):
        """Return Wald z statistics, shaped like ``params``."""
        return self.params / self.bse

    @property
    def pvalues(self):
        """Return two-sided normal p-values, shaped like ``params``."""
        _, p, _, _ = wald_table(self._B.ravel(), self.bse.to_numpy().ravel())
        return pd.DataFrame(p.reshape(self._B.shape), index=self.names,
                            columns=self.levels[1:])

    def _Y(self):
        K = len(self.levels)
        Y = np.zeros((self.design.nobs, K - 1))
        rows = np.flatnonzero(self.codes > 0)
        Y[rows, self.codes[rows] - 1] = 1.0
        return Y

    @cached_property
    def llf(self):
        """Return the multinomial log-likelihood at the estimate."""
        d = self.design
        return -_loglik_parts(d.X, self._Y(), d.freq_weights, self._B, 0)[0]

    @cached_property
    def llnull(self):
        """Return the log-likelihood with intercepts only: the category shares."""
        f = self.design.freq_weights
        share = np.bincount(self.codes, weights=f, minlength=len(self.levels)) / f.sum()
        counts = share * f.sum()
        return float(np.sum(counts[counts > 0] * np.log(share[counts > 0])))

    @property
    def nobs(self):
        """Return the number of observations (sum of frequency weights)."""
        return float(self.design.freq_weights.sum())

    @property
    def aic(self):
        """Return −2·llf + 2k, k = p·(K − 1)."""
        return -2 * self.llf + 2 * self._B.size

    @property
    def bic(self):
        """Return −2·llf + k·log(nobs)."""
        return -2 * self.llf + np.log(self.nobs) * self._B.size

    @property
    def prsquared(self):
        """Return McFadden's pseudo-R²."""
        return 1 - self.llf / self.llnull

    def predict(self, newdata=None):
        """Return class probabilities (a DataFrame, one column per category)."""
        from .design import design_matrix_for

        X = self.design.X if newdata is None else design_matrix_for(self.design, newdata)
        Z = np.column_stack([np.zeros(len(X)), X @ self._B])
        return pd.DataFrame(special.softmax(Z, axis=1), columns=self.levels)

    def summary(self):
        """Return a text summary: coefficients, standard errors and p-values per category."""
        parts = [f"Softmax layer = multinomial logit (reference category: {self.reference!r})",
                 f"No. Observations: {self.nobs:g}   Log-Likelihood: {self.llf:.6g}   "
                 f"LL-Null: {self.llnull:.6g}   AIC: {self.aic:.6g}   BIC: {self.bic:.6g}",
                 f"Converged: {self.converged} in {self.n_iter} iterations; standard errors: "
                 "inverse information (observed = expected for the softmax)"]
        for cat in self.levels[1:]:
            t = pd.DataFrame({"coef": self.params[cat], "std err": self.bse[cat],
                              "z": self.tvalues[cat], "P>|z|": self.pvalues[cat]})
            parts += [f"\n{self.design.yname} = {cat}", t.to_string(float_format="%.4f")]
        if self.separation and self.separation["separated"]:
            parts.append("\nSeparation: the MLE does not exist; the weights of "
                         f"{self.separation['columns']} diverge.")
        return "\n".join(parts)

    def __repr__(self):
        return f"<MultinomialFit: {len(self.levels)} categories, nobs={self.nobs:g}>"


def fit_softmax(formula=None, data=None, *, X=None, y=None, reference=None, freq_weights=None,
                fit_intercept=True, separation="warn", tol=1e-10, maxiter=100):
    """Fit a softmax layer by maximum likelihood: multinomial logistic regression.

    Parameters
    ----------
    formula, data : optional
        ``"Species ~ SepalLength"``: the outcome column holds category labels.
    X, y : array_like, optional
        Inputs and labels instead of a formula.
    reference : optional
        The reference category (z = 0); default the first in sorted order, as
        statsmodels' ``MNLogit``.
    freq_weights : array_like or str, optional
    fit_intercept : bool, default True
    separation : {"warn", "raise", "ignore"}, default "warn"
    tol : float, default 1e-10
    maxiter : int, default 100

    Returns
    -------
    MultinomialFit
    """
    design, yv = label_design(formula, data, X, y, fit_intercept=fit_intercept,
                              freq_weights=freq_weights)
    codes, levels = _categories(yv, reference)
    K = len(levels)
    X = design.X
    f = design.freq_weights
    p, m = X.shape[1], K - 1
    Y = np.zeros((len(codes), m))
    rows = np.flatnonzero(codes > 0)
    Y[rows, codes[rows] - 1] = 1.0
    sep = None
    if separation != "ignore" and X.size * m <= 200_000:
        sep = detect_multinomial_separation(X, codes, K, design.names)
        if sep["separated"]:
            msg = (f"separation in the multinomial outcome: a direction in the weights of "
                   f"{sep['columns']} orders the categories perfectly; the MLE does not exist "
                   "and those weights grow without bound (the softmax layer drifts toward a "
                   "hard argmax). Use a penalty, or merge categories.")
            if separation == "raise":
                raise SeparationError(msg)
            warnings.warn(msg, SeparationWarning, stacklevel=2)
    B = np.zeros((p, m))
    if design.intercept:
        share = np.bincount(codes, weights=f, minlength=K) / f.sum()
        share = np.maximum(share, 1e-8)
        B[0] = np.log(share[1:] / share[0])
    value, g, H = _loglik_parts(X, Y, f, B, 2)
    converged, it = False, 0
    while it < maxiter:
        it += 1
        try:
            step = -linalg.cho_solve(linalg.cho_factor(H), g)
        except linalg.LinAlgError:
            if it == 1:
                diagnose_rank(X, design.names, design.intercept)
            break  # the information vanished: weights diverging (separation)
        t = 1.0
        for _ in range(40):
            cand = B + t * step.reshape(m, p).T
            v1, g1, H1 = _loglik_parts(X, Y, f, cand, 2)
            if v1 <= value + 1e-4 * t * float(g @ step) + 1e-12 * abs(value):
                break
            t *= 0.5
        B, value, g, H = cand, v1, g1, H1
        if np.max(np.abs(t * step) / np.maximum(1.0, np.abs(B.T.ravel()))) <= tol:
            converged = True
            break
    if not converged and not (sep and sep["separated"]):
        warnings.warn("the multinomial fit did not converge", ConvergenceWarning, stacklevel=2)
    return MultinomialFit(design, codes, levels, B, H, converged, it, sep)
