"""Residuals and influence of a fitted GLM: R's residuals, hatvalues, cooks.distance, rstandard.

Also the per-row GLM quantities (μ, V(μ), working weights) the other inferences share.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd

from .inference import inverse_information

__all__ = ["GLMParts", "GLMInfluence", "glm_parts"]


class GLMParts:
    """The per-row pieces of a GLM at the estimate: μ, dμ/dz, V(μ), prior and working weights.

    A row of a (successes, trials) outcome is one observation with prior weight ``trials``,
    as R's ``glm(cbind(s, f) ~ ...)``; frequency weights repeat rows.
    """

    def __init__(self, fit):
        d, act = fit.design, fit.activation
        self.family = fit.family
        self.X = d.X
        self.y = d.y
        self.freq = d.freq_weights
        self.prior = np.ones(d.nobs) if d.trials is None else np.asarray(d.trials, float)
        self.z = fit._engine.z(fit._beta)
        self.mu = act(self.z)
        self.mu_eta = act.derivative(self.z)
        if self.family == "binomial":
            self.variance = self.mu * (1.0 - self.mu)
        elif self.family == "poisson":
            self.variance = self.mu
        else:
            self.variance = np.ones_like(self.mu)
        # R's working weights: prior · (dμ/dz)² / V(μ), the IRLS weights at the estimate.
        self.working_weights = self.prior * self.mu_eta ** 2 / self.variance
        self.k = d.n_params

    @property
    def nobs(self):
        """Return Σ frequency weights."""
        return float(self.freq.sum())

    @cached_property
    def bread(self):
        """Return (X'WX)⁻¹ with W the working weights (times frequency weights)."""
        Xw = self.X * np.sqrt(self.freq * self.working_weights)[:, None]
        return inverse_information(Xw.T @ Xw)

    @cached_property
    def hat(self):
        """Return the leverages h_i = w_i·x_i'(X'WX)⁻¹x_i of the weighted fit (R's hatvalues)."""
        return self.working_weights * np.einsum("ij,jk,ik->i", self.X, self.bread, self.X)

    @property
    def score_rows(self):
        """Return u_i: row i's score is u_i·x_i (prior · (y − μ)·(dμ/dz)/V(μ))."""
        return self.prior * (self.y - self.mu) * self.mu_eta / self.variance

    @property
    def resid_pearson(self):
        """Return (y − μ)·√prior / √V(μ)."""
        return (self.y - self.mu) * np.sqrt(self.prior / self.variance)

    @property
    def unit_deviance(self):
        """Return each row's contribution to the deviance (prior weight included)."""
        y, mu = self.y, self.mu
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.family == "binomial":
                dev = 2.0 * (np.where(y > 0, y * np.log(y / mu), 0.0)
                             + np.where(y < 1, (1 - y) * np.log((1 - y) / (1 - mu)), 0.0))
            elif self.family == "poisson":
                dev = 2.0 * (np.where(y > 0, y * np.log(y / mu), 0.0) - (y - mu))
            else:
                dev = (y - mu) ** 2
        return self.prior * np.maximum(dev, 0.0)

    @property
    def resid_deviance(self):
        """Return sign(y − μ)·√(unit deviance)."""
        return np.sign(self.y - self.mu) * np.sqrt(self.unit_deviance)

    @property
    def resid_working(self):
        """Return (y − μ)/(dμ/dz): the IRLS working residuals."""
        return (self.y - self.mu) / self.mu_eta

    @property
    def pearson_chi2(self):
        """Return Pearson's X² = Σ f·r_pearson²."""
        return float(self.freq @ self.resid_pearson ** 2)


def glm_parts(fit):
    """Return the (cached) :class:`GLMParts` of a fit, refusing what is not a plain GLM fit."""
    if fit.penalty is not None:
        raise ValueError("residual diagnostics, leverages and robust covariances here are "
                         "those of an unpenalised GLM fit; this fit has a penalty")
    if not fit.cost.is_likelihood:
        raise ValueError(f"the {fit.cost.name} cost of a {fit.activation.name} neuron is not "
                         "a GLM likelihood: its fit has no GLM residuals, leverages or "
                         "HC covariances (use cov_type='sandwich')")
    parts = fit.__dict__.get("_glm_parts")
    if parts is None:
        parts = fit.__dict__["_glm_parts"] = GLMParts(fit)
    return parts


class GLMInfluence:
    """Leverages, Cook's distances and standardised residuals of a fitted GLM, as R gives them.

    Parameters
    ----------
    fit : NeuronFit
        An unpenalised maximum-likelihood fit.

    Attributes
    ----------
    hat_matrix_diag : pandas.Series
        R's ``hatvalues``: the diagonal of W^½X(X'WX)⁻¹X'W^½, W the working weights.
    cooks_distance : pandas.Series
        R's ``cooks.distance``: (r_P/(1 − h))²·h/(φ·k), r_P Pearson residuals, φ the dispersion.
    resid_studentized : pandas.Series
        R's ``rstandard``: deviance residuals over √(φ(1 − h)).
    """

    def __init__(self, fit):
        self._parts = glm_parts(fit)
        self._index = fit.design.rows
        self._scale = float(fit.scale)
        self._k = len(fit.params)

    def _series(self, values, name):
        return pd.Series(values, index=self._index, name=name)

    @property
    def hat_matrix_diag(self):
        """Return the leverages (R's ``hatvalues``)."""
        return self._series(self._parts.hat, "hat_matrix_diag")

    @property
    def cooks_distance(self):
        """Return Cook's distances (R's ``cooks.distance``)."""
        p = self._parts
        h = p.hat
        d = (p.resid_pearson / (1.0 - h)) ** 2 * h / (self._scale * self._k)
        return self._series(d, "cooks_distance")

    def resid_standardized(self, kind="deviance"):
        """Return residuals over √(φ(1 − h)): R's ``rstandard(fit, type=kind)``.

        Parameters
        ----------
        kind : {"deviance", "pearson"}, default "deviance"

        Returns
        -------
        pandas.Series
        """
        if kind not in ("deviance", "pearson"):
            raise ValueError("kind must be 'deviance' (R's rstandard default) or 'pearson'")
        p = self._parts
        r = p.resid_deviance if kind == "deviance" else p.resid_pearson
        return self._series(r / np.sqrt(self._scale * (1.0 - p.hat)), f"resid_std_{kind}")

    @property
    def resid_studentized(self):
        """Return the deviance-based standardised residuals (R's ``rstandard``)."""
        return self.resid_standardized("deviance")

    def summary_frame(self):
        """Return one row per observation: leverage, Cook's distance, standardised residuals."""
        return pd.DataFrame({"hat_diag": self.hat_matrix_diag,
                             "cooks_d": self.cooks_distance,
                             "standard_resid": self.resid_studentized,
                             "standard_resid_pearson": self.resid_standardized("pearson")})
