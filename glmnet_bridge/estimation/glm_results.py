"""The R-style inference methods of a fitted GLM, mixed into NeuronFit.

Residuals, influence, predictions with intervals, analysis of deviance, LR and Wald tests.
"""

from __future__ import annotations

import pandas as pd

from .anova import anova_terms, compare_lr_test
from .influence import GLMInfluence, glm_parts
from .prediction import get_prediction
from .wald import wald_test, wald_test_terms

__all__ = ["GLMResultsMixin"]


class GLMResultsMixin:
    """Thin methods over the influence, prediction, anova and wald modules.

    Names are statsmodels' (``resid_pearson``, ``get_influence``, ``get_prediction``, …).
    """

    def get_robustcov_results(self, cov_type="HC1", cov_kwds=None):
        """Return a copy of these results that reports another covariance (statsmodels' name).

        Parameters
        ----------
        cov_type : str, default "HC1"
        cov_kwds : dict, optional

        Returns
        -------
        NeuronFit
        """
        import copy

        new = copy.copy(self)
        new.__dict__.pop("_cov", None)
        new.cov_type, new.cov_kwds = cov_type, cov_kwds
        new._hessians = dict(self._hessians)
        new._cov  # noqa: B018 (refuse a wrong cov_type here, not at the first bse)
        return new

    def _resid(self, values, name):
        return pd.Series(values, index=self.design.rows, name=name)

    @property
    def resid_pearson(self):
        """Return Pearson residuals (y − μ)/√V(μ) (R's ``residuals(fit, "pearson")``)."""
        return self._resid(glm_parts(self).resid_pearson, "resid_pearson")

    @property
    def resid_deviance(self):
        """Return deviance residuals sign(y − μ)·√dᵢ (R's default ``residuals``)."""
        return self._resid(glm_parts(self).resid_deviance, "resid_deviance")

    @property
    def resid_working(self):
        """Return working residuals (y − μ)/(dμ/dz) (R's ``residuals(fit, "working")``)."""
        return self._resid(glm_parts(self).resid_working, "resid_working")

    def get_influence(self):
        """Return leverages, Cook's distances and standardised residuals, as R computes them.

        Returns
        -------
        glmnet_bridge.estimation.influence.GLMInfluence
        """
        return GLMInfluence(self)

    def get_prediction(self, newdata=None, which="mean", offset=None):
        """Return predictions with standard errors; ``.summary_frame(alpha)`` adds intervals.

        Parameters
        ----------
        newdata : pandas.DataFrame or array_like, optional
        which : {"mean", "linear"}, default "mean"
            The response scale σ(z) (delta-method standard errors; the interval is the
            link-scale interval mapped through σ) or the link scale z.
        offset : array_like, optional

        Returns
        -------
        glmnet_bridge.estimation.prediction.PredictionResults
        """
        return get_prediction(self, newdata, which, offset)

    def anova(self, test=None):
        """Return R's sequential analysis of deviance by formula term (``anova(glm)``).

        Parameters
        ----------
        test : {"Chisq", "F"}, optional
            Default: chi-square for binomial and Poisson, F for Gaussian and quasi fits.

        Returns
        -------
        pandas.DataFrame
        """
        return anova_terms(self, test)

    def compare_lr_test(self, restricted):
        """Return (statistic, pvalue, df_diff) of the LR test of a nested ``restricted`` fit."""
        return compare_lr_test(self, restricted)

    def wald_test(self, r_matrix, use_f=False):
        """Return the Wald test of Rβ = q with this fit's covariance.

        Parameters
        ----------
        r_matrix : str, array_like or (R, q)
            statsmodels' syntax, e.g. ``"x1 = 0, x2 = x3"``, or a constraint matrix.
        use_f : bool, default False
            Chi-square, as ``car::linearHypothesis(test = "Chisq")``, or F.

        Returns
        -------
        glmnet_bridge.estimation.wald.WaldTestResults
        """
        return wald_test(self.params, self.cov_params(), r_matrix, use_f, self.df_resid)

    def wald_test_terms(self, use_f=False):
        """Return a joint Wald test for every formula term (its columns all zero)."""
        return wald_test_terms(self, use_f)

    def plot_diagnostics(self, bins=None):
        """Return R's four residual panels for a GLM (binned residuals for a binary outcome).

        Returns
        -------
        matplotlib.figure.Figure
        """
        from ..presentation.plots import plot_glm_diagnostics

        return plot_glm_diagnostics(self, bins=bins)
