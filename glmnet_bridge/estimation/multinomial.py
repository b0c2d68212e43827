"""A softmax output layer is multinomial logit: the results of a fitted softmax layer.

Category 0 (the reference) has z = 0; each other category k has z_k = x·w_k + b_k.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd
from scipy import linalg, special

from .design import design_matrix_for
from .inference import wald_table

__all__ = ["MultinomialFit"]


class MultinomialFit:
    """A softmax neuron layer fitted by maximum likelihood: multinomial logit.

    ``params`` is a DataFrame shaped like statsmodels ``MNLogit``'s (terms × the
    non-reference categories); ``weights`` and ``bias`` are the network view.
    Observed and expected information coincide (softmax is the canonical link).
    """

    family = "multinomial"

    def __init__(self, model, result, *, cov_type="observed", solver="newton", separation=None):
        self.model = model
        self.design, self.codes, self.levels = model.design, model.codes, model.levels
        self.activation, self.cost = model.activation, model.cost
        m = len(self.levels) - 1
        self._B = np.asarray(result.beta, dtype=float).reshape(m, -1).T
        self._H = result.hessian
        self.converged, self.n_iter = bool(result.converged), int(result.n_iter)
        self.message, self.solver, self.separation = result.message, solver, separation
        # Observed and expected information coincide for the canonical softmax link.
        self.cov_type = cov_type
        if result.hessian is None:
            self._H = model.engine.evaluate(result.beta, order=2, value=False)[2]
        if result.value is not None:
            self.__dict__["llf"] = -float(result.value)

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

    @cached_property
    def llf(self):
        """Return the multinomial log-likelihood at the estimate."""
        return -self.model.engine.evaluate(self._B.T.ravel(), order=0)[0]

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
        if self.separation is not None and self.separation.separated:
            parts.append("\n" + self.separation.message())
        return "\n".join(parts)

    def __repr__(self):
        return f"<MultinomialFit: {len(self.levels)} categories, nobs={self.nobs:g}>"
