"""A softmax layer with glmnet's elastic-net penalty at one λ: glmnet's multinomial family.

Solved by the compiled multinomial coordinate descent (the same as the multinomial path,
followed down glmnet's λ sequence for warm starts). The coefficients are in the
symmetric parametrisation (one column per class, intercepts centred); ``to_reference()``
gives the reference parametrisation of an unpenalised :func:`fit_softmax`.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import special

from ..exceptions import ConvergenceWarning
from ..solvers.multinomial_path import multinomial_arrays, solve_multinomial_path
from .design import design_matrix_for

__all__ = ["PenalisedMultinomialFit", "fit_penalised_softmax"]

_NO_SE = ("a penalised softmax fit (glmnet's multinomial family) reports no standard "
          "errors: the penalty biases the estimate, and a lasso's selection is part of "
          "the estimator. Refit the selected columns with fit_softmax for inference "
          "(its p-values are optimistic after selection)")


def fit_penalised_softmax(model, tol=None, maxit=None, type_multinomial="ungrouped"):
    """Fit ``model`` (a softmax NeuronModel with an active penalty) at its λ.

    Parameters
    ----------
    model : NeuronModel
    tol : float, optional
        glmnet's ``thresh`` (default 1e-14).
    maxit : int, optional
        Coordinate passes (default 100000).
    type_multinomial : {"ungrouped", "grouped"}

    Returns
    -------
    PenalisedMultinomialFit
    """
    d, pen = model.design, model.penalty
    arr = multinomial_arrays(d.inputs, model.codes, model.levels, d.freq_weights,
                             d.names[int(d.intercept):], d.intercept)
    out = solve_multinomial_path(arr, alpha=pen.alpha, standardize=pen.standardize,
                                 penalty_factor=pen.factors, tol=1e-14 if tol is None else tol,
                                 grouped=type_multinomial == "grouped",
                                 maxit=10_000_000 if maxit is None else maxit, target=pen.lam)
    converged = bool(out["status"][-1] == 0) and out["lambdas"][-1] == pen.lam
    if not converged:
        warnings.warn("the penalised softmax fit did not converge (maxit passes, or fitted "
                      "probabilities saturating before λ was reached)", ConvergenceWarning,
                      stacklevel=4)
    a0, beta = out["a0"][-1], out["beta"][-1]
    B = np.vstack([a0[None, :], beta]) if d.intercept else beta
    return PenalisedMultinomialFit(model, B, converged, out["npasses"], type_multinomial)


class PenalisedMultinomialFit:
    """A softmax layer fitted with glmnet's elastic-net penalty (the multinomial family).

    Attributes
    ----------
    params : pandas.DataFrame
        Terms × classes, symmetric parametrisation: every class has its coefficients,
        the intercepts sum to 0, and each row is the one the penalty picks among those
        with the same likelihood (R's ``coef(glmnet(..., family = "multinomial"), s = λ)``).
    penalty : Penalty
    type_multinomial : str
    converged : bool
    """

    family = "multinomial"

    def __init__(self, model, B, converged, n_iter, type_multinomial):
        self.model, self.design = model, model.design
        self.levels, self.codes = list(model.levels), model.codes
        self.activation, self.cost, self.penalty = model.activation, model.cost, model.penalty
        self._B = np.asarray(B, dtype=float)
        self.converged, self.n_iter = converged, int(n_iter)
        self.type_multinomial = type_multinomial
        self.solver = "glmnet multinomial coordinate descent"

    @property
    def names(self):
        """Return the term names."""
        return list(self.design.names)

    @property
    def params(self):
        """Return the coefficients: one column per class (symmetric parametrisation)."""
        return pd.DataFrame(self._B, index=self.names, columns=self.levels)

    @property
    def weights(self):
        """Return the softmax layer's weights (rows: inputs; columns: classes)."""
        return self.params.iloc[1:] if self.design.intercept else self.params

    @property
    def bias(self):
        """Return the biases per class (they sum to 0)."""
        return self.params.iloc[0] if self.design.intercept else pd.Series(
            0.0, index=self.levels)

    def to_reference(self, reference=None):
        """Return the coefficients against a reference class (its column subtracted).

        The likelihood is the same; this is the parametrisation of :func:`fit_softmax`
        (and statsmodels' MNLogit), where the reference class has z = 0.
        """
        ref = self.levels[0] if reference is None else reference
        P = self.params
        return P.sub(P[ref], axis=0).drop(columns=[ref])

    def _probs(self, X):
        return special.softmax(X @ self._B, axis=1)

    @property
    def llf(self):
        """Return the multinomial log-likelihood at the estimate (frequency-weighted)."""
        P = self._probs(self.design.X)
        p = P[np.arange(len(P)), self.codes]
        return float(np.sum(self.design.freq_weights * np.log(p)))

    @property
    def deviance(self):
        """Return −2·llf."""
        return -2.0 * self.llf

    @property
    def nobs(self):
        """Return Σ frequency weights."""
        return float(self.design.freq_weights.sum())

    @property
    def objective(self):
        """Return the minimised objective: −llf/n plus the penalty (standardised scale)."""
        from .design import column_sd

        pen = self.penalty
        W = self.weights.to_numpy()
        s = column_sd(self.design) if pen.standardize else np.ones(W.shape[0])
        v = np.ones(W.shape[0]) if pen.factors is None else np.asarray(pen.factors)
        Ws = W * s[:, None]
        l1 = np.abs(Ws).sum(axis=1) if self.type_multinomial == "ungrouped" else \
            np.sqrt((Ws ** 2).sum(axis=1))
        ridge = 0.5 * (Ws ** 2).sum(axis=1)
        return -self.llf / self.nobs + pen.lam * float(
            np.sum(v * (pen.alpha * l1 + (1 - pen.alpha) * ridge)))

    def predict(self, newdata=None):
        """Return class probabilities (a DataFrame, one column per class)."""
        X = self.design.X if newdata is None else design_matrix_for(self.design, newdata)
        return pd.DataFrame(self._probs(X), columns=self.levels)

    def cov_params(self, *args, **kwargs):
        """Not available: see :attr:`bse`."""
        raise ValueError(_NO_SE)

    @property
    def bse(self):
        """Not available for a penalised fit (raises ValueError saying why)."""
        raise ValueError(_NO_SE)

    tvalues = pvalues = bse

    def summary(self):
        """Return a text summary: the penalty and the coefficients per class."""
        kind = "grouped" if self.type_multinomial == "grouped" else "ungrouped"
        head = [f"Penalised softmax layer = glmnet's multinomial family ({kind}), "
                f"{self.penalty.describe()}",
                f"No. Observations: {self.nobs:g}   Log-Likelihood: {self.llf:.6g}   "
                f"Converged: {self.converged}",
                "Symmetric parametrisation (one column per class, intercepts sum to 0); "
                "no standard errors for a penalised fit"]
        return "\n".join(head) + "\n\n" + self.params.to_string(float_format="%.6f")

    def __repr__(self):
        return (f"<PenalisedMultinomialFit: {len(self.levels)} classes, "
                f"{self.penalty.describe()}, {self.type_multinomial}>")
