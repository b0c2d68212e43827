"""Predictions with standard errors and intervals, as statsmodels' get_prediction.

R's predict(se.fit = TRUE): z = x'β on the link scale, σ(z) on the response scale.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .design import design_matrix_for

__all__ = ["PredictionResults", "get_prediction"]


class PredictionResults:
    """Predicted values with their standard errors; :meth:`summary_frame` adds intervals.

    On the link scale (``which="linear"``) the interval is z ± q·se(z). On the response
    scale the standard error is the delta method's |σ'(z)|·se(z) (R's ``predict(type =
    "response", se.fit = TRUE)``), but the interval is the link-scale interval mapped through
    σ: it stays inside the outcome's range (0 to 1 for a probability) and is not symmetric.

    Attributes
    ----------
    predicted : numpy.ndarray
    se : numpy.ndarray
    which : str
    """

    def __init__(self, z, se_z, activation, which, index, df=None):
        self.linpred, self.se_linpred = z, se_z
        self.which, self.index, self.df = which, index, df
        self._act = activation
        if which == "linear":
            self.predicted, self.se = z, se_z
        else:
            self.predicted = activation(z)
            self.se = np.abs(activation.derivative(z)) * se_z

    @property
    def predicted_mean(self):
        """Return the predictions (statsmodels' name)."""
        return self.predicted

    @property
    def se_mean(self):
        """Return the standard errors of the predictions (statsmodels' name)."""
        return self.se

    def conf_int(self, alpha=0.05):
        """Return the (1 − alpha) intervals as an (n, 2) array."""
        from scipy import stats

        ref = stats.norm if self.df is None else stats.t(self.df)
        q = ref.ppf(1.0 - alpha / 2.0)
        lo, hi = self.linpred - q * self.se_linpred, self.linpred + q * self.se_linpred
        if self.which == "mean":
            # every activation here is increasing: σ maps the interval's ends to the ends
            lo, hi = self._act(lo), self._act(hi)
        return np.column_stack([lo, hi])

    def summary_frame(self, alpha=0.05):
        """Return statsmodels' columns: mean, mean_se, mean_ci_lower, mean_ci_upper.

        Parameters
        ----------
        alpha : float, default 0.05

        Returns
        -------
        pandas.DataFrame
        """
        ci = self.conf_int(alpha)
        return pd.DataFrame({"mean": self.predicted, "mean_se": self.se,
                             "mean_ci_lower": ci[:, 0], "mean_ci_upper": ci[:, 1]},
                            index=self.index)


def get_prediction(fit, newdata=None, which="mean", offset=None):
    """Return the :class:`PredictionResults` of ``fit`` at ``newdata`` (the training rows).

    Parameters
    ----------
    fit : NeuronFit
    newdata : pandas.DataFrame or array_like, optional
    which : {"mean", "linear"}, default "mean"
    offset : array_like, optional
        The offset of the new rows (log exposure for Poisson); zeros if not given.

    Returns
    -------
    PredictionResults
    """
    if which not in ("mean", "linear"):
        raise ValueError("which must be 'mean' (the response scale) or 'linear' (the link)")
    if newdata is None:
        X, off, index = fit.design.X, fit.design.offset, fit.design.rows
    else:
        X = design_matrix_for(fit.design, newdata)
        off = np.zeros(len(X)) if offset is None else np.asarray(offset, float)
        index = newdata.index if isinstance(newdata, pd.DataFrame) else None
    cov = fit.cov_params().to_numpy()
    z = X @ fit.params.to_numpy() + off
    se = np.sqrt(np.einsum("ij,jk,ik->i", X, cov, X))
    return PredictionResults(z, se, fit.activation, which, index, fit._t_df)
