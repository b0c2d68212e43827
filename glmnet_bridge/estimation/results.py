"""NeuronFit: a fitted neuron that reads like a statsmodels results object.

The same numbers in both vocabularies: ``params``/``bse`` and ``weights``/``bias``.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd

from ..exceptions import DataError
from .design import design_matrix_for
from .glm_results import GLMResultsMixin
from .inference import COV_TYPES, ROBUST_TYPES, inverse_information, sandwich, wald_table
from .influence import glm_parts
from .lazy_design import is_lazy
from .lazy_formula import lazy_linear
from .margins import marginal_effects
from .profile import profile_conf_int
from .robust import robust_cov
from .summary import fit_summary

__all__ = ["NeuronFit", "history_frame"]


def _by_rows(engine, what, cost, z):
    """Return cost.loglik/deviance(y, z, f), or Σ f·c ("cost"): one pass on Dask partitions."""
    if hasattr(engine, "reduce_rows"):
        return engine.reduce_rows(what, cost, z)
    if what == "cost":
        return float(engine.f @ cost.terms(engine.y, z))
    return getattr(cost, what)(engine.y, z, engine.f)


def history_frame(result, names, total, label):
    """Return a solver's iterations as a frame: the mean cost and every parameter."""
    frame = pd.DataFrame(np.vstack(result.betas), columns=names) if result.betas else \
        pd.DataFrame(columns=names)
    frame.insert(0, "cost", np.asarray(result.costs, dtype=float) / total)
    frame.index.name = label
    return frame


class NeuronFit(GLMResultsMixin):
    """A neuron fitted to data: estimates, inference and fit statistics.

    Made by :meth:`glmnet_bridge.NeuronModel.fit` (and so by :func:`glmnet_bridge.fit_neuron`).
    Names follow statsmodels (``params``, ``bse``, ``llf`` …); ``weights`` and
    ``bias`` are the same numbers in the network's words.

    Attributes
    ----------
    model : glmnet_bridge.NeuronModel
        The model fitted; everything that refits goes through it.
    design : glmnet_bridge.estimation.design.Design
    activation : glmnet_bridge.activations.Activation
    cost : glmnet_bridge.costs.Cost
    solver : str
    cov_type : str
        "observed", "expected" or "sandwich" (see :data:`glmnet_bridge.inference.COV_TYPES`).
    converged : bool
    n_iter : int
        Iterations (Newton, L-BFGS) or epochs (gd, sgd).
    message : str
        The solver's last word.
    history : pandas.DataFrame
        One row per iteration or epoch: the mean cost and every weight.
    separation : glmnet_bridge.separation.Separation or None
        The separation check, when it was run.
    """

    def __init__(self, model, result, *, cov_type, solver, label="iteration", separation=None,
                 hessian_kind="observed", penalty_weights=None):
        self.model = model
        self.design, self.activation, self.cost = model.design, model.activation, model.cost
        self._engine = model.engine
        self.solver = solver
        self._beta = np.asarray(result.beta, dtype=float)
        self.cov_type = cov_type
        self.converged = bool(result.converged)
        self.n_iter = int(result.n_iter)
        self.message = result.message
        self.history = history_frame(result, self.design.names, model.nobs, label)
        self.separation = separation
        self.cov_kwds, self.scale_method, self.firth = None, None, False
        self._hessians = {} if result.hessian is None else {hessian_kind: result.hessian}
        self.penalty = model.penalty if model.penalty.active else None
        self._pw = penalty_weights
        if result.value is not None and self.cost.family == "binomial" \
                and self.design.trials is None:
            # the solver's last pass was at the estimate: its cost is −llf
            self.__dict__["llf"] = -float(result.value)

    @cached_property
    def _likelihood(self):
        """The cost whose likelihood the fit statistics report (Bernoulli for NLS)."""
        return self.model.likelihood

    @property
    def family(self):
        """Return the GLM family whose likelihood is reported: binomial, poisson, gaussian."""
        return self._likelihood.family

    @property
    def use_t(self):
        """Return True when inference uses Student's t: Gaussian, or an estimated dispersion."""
        return self.family == "gaussian" or self.scale_method in ("X2", "dev")

    def set_inference(self, cov_kwds=None, scale=None, firth=False):
        """Set the cluster groups, the dispersion rule and the Firth flag; return self."""
        self.cov_kwds, self.scale_method, self.firth = cov_kwds, scale, firth
        for key in ("scale", "_cov"):
            self.__dict__.pop(key, None)
        if self.cov_type in ROBUST_TYPES:
            self._cov  # noqa: B018 (bad groups are reported at fit time, not later)
        return self

    # ------------------------------------------------------------------ estimates
    @property
    def names(self):
        """Return the term names."""
        return list(self.design.names)

    @property
    def params(self):
        """Return the estimates as a Series indexed by term (the GLM coefficients β)."""
        return pd.Series(self._beta, index=self.names, name="params")

    @property
    def weights(self):
        """Return the weights w: every estimate but the bias."""
        p = self.params
        return p.iloc[1:] if self.design.intercept else p

    @property
    def bias(self):
        """Return the bias b (the intercept), or 0.0 for a model without one."""
        return float(self._beta[0]) if self.design.intercept else 0.0

    # ------------------------------------------------------------------ inference
    def information(self, kind="observed"):
        """Return the information matrix at the estimate: the Hessian of the total cost.

        Parameters
        ----------
        kind : {"observed", "expected"}

        Returns
        -------
        pandas.DataFrame
        """
        if kind not in ("observed", "expected"):
            raise ValueError("kind must be 'observed' or 'expected'")
        if kind not in self._hessians:
            _, _, H = self._engine.evaluate(self._beta, order=2, expected=kind == "expected")
            self._hessians[kind] = H
        return pd.DataFrame(self._hessians[kind], index=self.names, columns=self.names)

    def cov_params(self, cov_type=None, cov_kwds=None):
        """Return the estimated covariance of ``params``.

        Parameters
        ----------
        cov_type : str, optional
            A key of :data:`glmnet_bridge.estimation.inference.COV_TYPES`: "observed",
            "expected", "sandwich", "HC0"–"HC3" (R's ``vcovHC``), "cluster" (``vcovCL``).
            Defaults to the fit's ``cov_type``.
        cov_kwds : dict, optional
            For "cluster": ``{"groups": column name or labels, "type": "HC1" | "HC0"}``;
            defaults to the fit's when ``cov_type`` is the fit's.

        Returns
        -------
        pandas.DataFrame
        """
        kind = self.cov_type if cov_type is None else cov_type
        if kind not in COV_TYPES:
            raise ValueError(f"cov_type must be one of {list(COV_TYPES)}, got {kind!r}")
        if self.penalty is not None:
            return self._penalised_cov(kind)
        if kind in ROBUST_TYPES:
            if cov_kwds is None and kind == self.cov_type:
                cov_kwds = self.cov_kwds
            if kind == "cluster" and cov_kwds is None:
                raise ValueError("cov_type='cluster' needs cov_kwds={'groups': ...}")
            cov = robust_cov(self, kind, cov_kwds)
        elif kind == "sandwich":
            # HC0: for a likelihood the bread is the expected information, as R's
            # sandwich::vcovHC on a glm (the observed one differs for non-canonical links);
            # least squares on a sigmoid (NLS) has only its Hessian.
            bread = "expected" if self.cost.is_likelihood else "observed"
            A = self.information(bread).to_numpy()
            cov = sandwich(self._engine, self._beta, A)
        else:
            if not self.cost.is_likelihood:
                raise ValueError(
                    f"the {self.cost.name} cost is not a likelihood: its inverse Hessian is "
                    "not a covariance; use cov_type='sandwich'"
                )
            try:
                cov = inverse_information(self.information(kind).to_numpy()) * self.scale
            except np.linalg.LinAlgError:
                # Only after separation or a failed fit: there is no finite covariance.
                cov = np.full((len(self._beta),) * 2, np.nan)
        return pd.DataFrame(cov, index=self.names, columns=self.names)

    def _penalised_cov(self, kind):
        if self.penalty.alpha > 0:
            raise ValueError(
                "a lasso (alpha > 0) fit has no honest standard errors: the selection is part "
                "of the estimator. Use fit.relaxed() for a refit on the selected weights "
                "(its p-values are optimistic after selection)"
            )
        if kind != "sandwich":
            raise ValueError("a ridge fit reports the sandwich covariance of the penalised "
                             "estimator only (cov_type='sandwich')")
        n = float(self.design.freq_weights.sum())
        A = self.information("observed").to_numpy() + n * np.diag(self._pw.l2)
        cov = sandwich(self._engine, self._beta, A)
        return pd.DataFrame(cov, index=self.names, columns=self.names)

    @property
    def objective(self):
        """Return the minimised objective: −loglik/n plus the penalty (if any)."""
        value = -self.llf / self.nobs
        if self.penalty is not None:
            value += self._pw.value(self._beta)
        return value

    def relaxed(self, **kwargs):
        """Refit without penalty on the weights a lasso selected ("relaxed lasso").

        A factor's dummies (every column of a multi-column term) stay together: if the
        lasso kept any level, all of the term's columns are refitted, so no level is
        silently merged into the reference. Warns, and says in the refit's summary, that
        its p-values ignore the selection and are optimistic.

        Parameters
        ----------
        **kwargs
            Passed to :meth:`glmnet_bridge.NeuronModel.fit` (e.g. ``cov_type``).

        Returns
        -------
        NeuronFit
            With ``post_selection``: the selection it was refitted on.
        """
        import warnings

        if self.penalty is None:
            raise ValueError("relaxed() refits a penalised fit; this one has no penalty")
        start = int(self.design.intercept)
        chosen = self._beta[start:] != 0
        info = getattr(self.design, "design_info", None)
        completed = []
        if info is not None:
            for term, cols in info.term_slices.items():
                idx = np.arange(cols.start, cols.stop) - start
                idx = idx[idx >= 0]
                if len(idx) > 1 and chosen[idx].any() and not chosen[idx].all():
                    chosen[idx] = True
                    completed.append(term.name())
        keep = np.flatnonzero(chosen)
        warnings.warn(
            f"relaxed refit on the {keep.size} selected weights: its standard errors and "
            "p-values treat the selection as fixed and are optimistic (post-selection "
            "inference)", UserWarning, stacklevel=2)
        refit = self.model.restrict(keep).fit(**kwargs)
        refit.post_selection = {"selected": [self.names[start + j] for j in keep],
                                "completed_terms": completed,
                                "penalty": self.penalty}
        return refit

    @cached_property
    def _cov(self):
        return self.cov_params().to_numpy()

    @property
    def bse(self):
        """Return the standard errors of ``params`` (see ``cov_type``)."""
        return pd.Series(np.sqrt(np.diag(self._cov)), index=self.names, name="bse")

    @property
    def tvalues(self):
        """Return the Wald z statistics params / bse."""
        return pd.Series(self._beta / self.bse.to_numpy(), index=self.names, name="tvalues")

    @property
    def pvalues(self):
        """Return two-sided p-values: normal reference, Student's t(df_resid) for OLS."""
        _, p, _, _ = wald_table(self._beta, self.bse.to_numpy(), df=self._t_df)
        return pd.Series(p, index=self.names, name="pvalues")

    @property
    def _t_df(self):
        return self.df_resid if self.use_t else None

    def conf_int(self, alpha=0.05, method="wald"):
        """Return (1 − alpha) confidence intervals, columns 0 and 1 as statsmodels.

        Parameters
        ----------
        alpha : float, default 0.05
        method : {"wald", "profile"}, default "wald"
            "wald": β ± q·se with the fit's covariance; "profile": profile-likelihood
            intervals, as R's ``confint()`` of a glm (MASS), by refits with the
            coefficient fixed (see :func:`glmnet_bridge.estimation.profile.profile_conf_int`);
            for a Firth fit, logistf's profile penalised-likelihood intervals.

        Returns
        -------
        pandas.DataFrame
        """
        if method == "profile":
            return profile_conf_int(self, alpha)
        if method != "wald":
            raise ValueError(f"method must be 'wald' or 'profile', got {method!r}")
        _, _, lo, hi = wald_table(self._beta, self.bse.to_numpy(), alpha, df=self._t_df)
        return pd.DataFrame({0: lo, 1: hi}, index=self.names)

    # ------------------------------------------------------------------ fit statistics
    @cached_property
    def scale(self):
        """Return the dispersion φ: RSS/df_resid for the Gaussian family, 1 otherwise.

        With ``scale="X2"`` Pearson's χ²/df_resid (R's quasi families), with ``"dev"`` the
        deviance/df_resid, with a number that number.
        """
        method = self.scale_method
        if method == "X2":
            return glm_parts(self).pearson_chi2 / self.df_resid
        if method == "dev":
            return self.deviance / self.df_resid
        if method is not None:
            return float(method)
        if self.family != "gaussian":
            return 1.0
        return self.deviance / self.df_resid

    @cached_property
    def llf(self):
        """Return the log-likelihood at the estimate, constants included as statsmodels.

        Bernoulli for binary fits (also for the quadratic cost, for comparison),
        Poisson for the exp neuron, Gaussian (σ² profiled out) for the identity neuron.
        """
        p = self._engine
        return _by_rows(p, "loglik", self._likelihood, p.z(self._beta)) + self._log_binomial

    @cached_property
    def _log_binomial(self):
        """Σ f·log C(trials, successes): the constant a (successes, trials) likelihood adds."""
        from scipy.special import gammaln

        m = self.design.trials
        if m is None:
            return 0.0
        k = np.round(self.design.y * m)
        return float(self.design.freq_weights
                     @ (gammaln(m + 1) - gammaln(k + 1) - gammaln(m - k + 1)))

    @cached_property
    def _null_z(self):
        e = self._engine
        if not np.any(e.offset):
            # Without an offset the null MLE is σ(b) = ȳ exactly, for every family here.
            ybar = float(np.average(e.y, weights=e.f))
            if self.family == "binomial":
                ybar = min(max(ybar, 1e-10), 1 - 1e-10)
            return float(self.activation.link(ybar)) + e.offset
        null = self.model.null_model().fit(tol=1e-12)
        return null.params.iloc[0] + e.offset

    @cached_property
    def llnull(self):
        """Return the log-likelihood of the model with only an intercept (and offset)."""
        p = self._engine
        return _by_rows(p, "loglik", self._likelihood, self._null_z) + self._log_binomial

    @property
    def deviance(self):
        """Return the deviance: −2·llf for binary data, the RSS for the Gaussian family."""
        p = self._engine
        return _by_rows(p, "deviance", self._likelihood, p.z(self._beta))

    @property
    def null_deviance(self):
        """Return the deviance of the intercept-only model."""
        p = self._engine
        return _by_rows(p, "deviance", self._likelihood, self._null_z)

    @property
    def rsquared(self):
        """Return R² = 1 − deviance/null deviance (for OLS: 1 − RSS/TSS)."""
        return 1.0 - self.deviance / self.null_deviance

    @property
    def nobs(self):
        """Return the number of observations: the sum of the frequency weights.

        Frequency weights count as repeated rows, so this is statsmodels GLM's
        ``wnobs`` (its ``nobs`` counts rows); BIC and ``df_resid`` use it, as there.
        """
        # a Dask design counted its weights when it checked them: no pass here
        known = getattr(self.design, "weight_sum", None)
        return float(self.design.freq_weights.sum()) if known is None else known

    @property
    def df_model(self):
        """Return the model degrees of freedom: parameters less the intercept."""
        return len(self._beta) - int(self.design.intercept)

    @property
    def df_resid(self):
        """Return the residual degrees of freedom: nobs less the number of parameters."""
        return self.nobs - len(self._beta)

    @property
    def aic(self):
        """Return Akaike's criterion, −2·llf + 2k."""
        return -2.0 * self.llf + 2.0 * len(self._beta)

    @property
    def bic(self):
        """Return Schwarz's criterion, −2·llf + k·log(nobs) (as R's BIC and statsmodels' Logit)."""
        return -2.0 * self.llf + np.log(self.nobs) * len(self._beta)

    @property
    def prsquared(self):
        """Return McFadden's pseudo-R², 1 − llf/llnull."""
        return 1.0 - self.llf / self.llnull

    @property
    def cost_value(self):
        """Return the mean cost C at the estimate (cross-entropy: −llf/nobs)."""
        p = self._engine
        return _by_rows(p, "cost", self.cost, p.z(self._beta)) / self.nobs

    # ------------------------------------------------------------------ prediction
    def predict(self, newdata=None, which="mean", offset=None, exposure=None):
        """Predict from the fitted neuron.

        Parameters
        ----------
        newdata : pandas.DataFrame or array_like, optional
            New rows (a frame for formula fits; X columns otherwise). Defaults
            to the data the neuron was fitted to.
        which : {"mean", "linear"}
            "mean": the output σ(z) = P(y = 1); "linear": z = w·x + b (+ offset).
        offset, exposure : array_like or str, optional
            The new rows' offset and exposure (values or a column of ``newdata``). A model
            fitted with ``offset="col"``/``exposure="col"`` reads that column of ``newdata``
            when these are not given; one fitted with values needs them given: they are
            never dropped silently.

        Returns
        -------
        pandas.Series or numpy.ndarray
            A Series indexed like ``newdata`` when it is a frame.
        """
        if which not in ("mean", "linear"):
            raise ValueError("which must be 'mean' or 'linear'")
        if newdata is None:
            if offset is not None or exposure is not None:
                raise DataError("offset= and exposure= go with newdata; without newdata the "
                                "fit's own rows (and their offsets) are predicted")
            z = self._engine.z(self._beta)
            index = self.design.rows
        elif is_lazy(newdata):
            # Dask rows in, a lazy Dask array out: nothing is computed here
            specs = {k: getattr(self.model, f"{k}_spec", None) if v is None else v
                     for k, v in (("offset", offset), ("exposure", exposure))}
            for kind, given in (("offset", offset), ("exposure", exposure)):
                if given is None and specs[kind] is not None \
                        and not isinstance(specs[kind], str):
                    raise DataError(f"the model was fitted with an {kind} given as values; "
                                    f"pass {kind}= for the new rows")
            z, index = lazy_linear(self.design, self._beta, newdata, specs), None
        else:
            X = design_matrix_for(self.design, newdata)
            z = X @ self._beta
            frame = newdata if isinstance(newdata, pd.DataFrame) else None
            for kind, given in (("offset", offset), ("exposure", exposure)):
                spec = getattr(self.model, f"{kind}_spec", None) if given is None else given
                if spec is None:
                    continue
                if isinstance(spec, str):
                    if frame is None or spec not in frame.columns:
                        raise DataError(
                            f"the model has {kind}={spec!r}, but newdata has no column {spec!r}:"
                            f" add it, or pass {kind}= (values) to predict")
                    spec = frame[spec]
                elif given is None:
                    raise DataError(f"the model was fitted with an {kind} given as values; pass "
                                    f"{kind}= for the new rows (1 for exposure, 0 for offset "
                                    "predicts per unit)")
                v = np.asarray(spec, dtype=float).ravel()
                v = np.full(X.shape[0], v[0]) if v.size == 1 else v  # one value for all rows
                if v.shape != (X.shape[0],):
                    raise DataError(f"{kind} has {v.size} values for {X.shape[0]} new rows")
                if kind == "exposure" and not (np.isfinite(v).all() and (v > 0).all()):
                    raise DataError("exposure must be positive and finite for every new row")
                z = z + (np.log(v) if kind == "exposure" else v)
            index = newdata.index if isinstance(newdata, pd.DataFrame) else None
        if which == "linear":
            out = z
        else:
            out = z.map_blocks(self.activation, dtype=float) if is_lazy(z) else self.activation(z)
        return pd.Series(out, index=index, name=which) if index is not None else out

    @property
    def fittedvalues(self):
        """Return the fitted outputs σ(z) on the training rows."""
        return self.predict()

    @property
    def resid_response(self):
        """Return y − σ(z) on the training rows."""
        if is_lazy(self.design.y):
            return self.design.y - self.fittedvalues
        return pd.Series(self.design.y, index=self.design.rows) - self.fittedvalues

    def get_margeff(self, at="overall", alpha=0.05, dummy=False, count=False):
        """Return marginal effects on the mean, one per variable, with delta-method SEs.

        Derivatives through every term of the formula a variable enters; factors as
        discrete changes from their reference level (see
        :func:`glmnet_bridge.estimation.margins.marginal_effects`).

        Parameters
        ----------
        at : {"overall", "mean", "median"}
            Average marginal effects, or effects at the mean (median) row.
        alpha : float, default 0.05
        dummy, count : bool, default False
            statsmodels' names: 0/1 variables as the change 0 → 1, integer variables by
            half the change from x − 1 to x + 1, instead of derivatives.

        Returns
        -------
        pandas.DataFrame
            As statsmodels' ``get_margeff(...).summary_frame()``.
        """
        return marginal_effects(self, at=at, alpha=alpha, dummy=dummy, count=count)

    # ------------------------------------------------------------------ display
    def describe_model(self):
        """Return one line naming the model in both vocabularies."""
        a = self.activation.name
        if self.family == "poisson" and self.cost.is_likelihood:
            return f"{a} neuron, Poisson cost = Poisson GLM with log link (MLE)"
        if self.family == "gaussian":
            return f"{a} neuron, quadratic cost = ordinary least squares (Gaussian MLE)"
        if self.cost.is_likelihood:
            return f"{a} neuron, cross-entropy cost = Binomial GLM with {a} link (MLE)"
        return f"{a} neuron, {self.cost.name} cost = nonlinear least squares (not the MLE)"

    def summary(self, alpha=0.05, method="wald"):
        """Return a statsmodels-like summary of the fit.

        It says which covariance (``cov_type``) and which intervals it shows; for another
        covariance, summarise ``fit.get_robustcov_results(cov_type)``.

        Parameters
        ----------
        alpha : float, default 0.05
            For the confidence intervals.
        method : {"wald", "profile"}, default "wald"
            Wald or profile-likelihood intervals.

        Returns
        -------
        Summary
            Prints as text; renders as HTML in a notebook.
        """
        return fit_summary(self, alpha, method)

    def __repr__(self):
        return f"<NeuronFit: {self.describe_model()}, nobs={self.nobs:g}>"

