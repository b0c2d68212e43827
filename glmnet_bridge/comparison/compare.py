"""compare: each neuron beside the statsmodels GLM it claims to be, term by term.

The oracle is refitted tightly (IRLS, then Newton from its answer) so that a
difference in the table is ours, not the oracle's early stop.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..core.activations import get_activation
from ..core.costs import default_cost, get_cost
from ..estimation.fit import fit_neuron
from ..exceptions import ConvergenceWarning, DataError

__all__ = ["compare", "Comparison", "glm_oracle"]

_HC = ("HC0", "HC1", "HC2", "HC3")


def _vcov_hc(model, res, params, bread, cov_type):
    """Return sandwich::vcovHC of a statsmodels GLM: expected-information bread, R's HC rules."""
    u = model.score_obs(params)
    if cov_type in ("HC2", "HC3"):
        h = res.get_hat_matrix_diag(observed=False)
        u = u / (1.0 - h)[:, None] ** (0.5 if cov_type == "HC2" else 1.0)
    n, k = u.shape
    cov = bread @ (u.T @ u) @ bread
    return cov * (n / (n - k) if cov_type == "HC1" else 1.0)


# statsmodels' links overflow in exp on separated data; the neuron's fit warns of the
# separation once, so the oracle's float warnings are only noise.
@np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore")
def glm_oracle(design, activation, cov_type="expected", family="binomial"):
    """Fit the statsmodels model a neuron claims to be, tightly.

    Binomial: ``GLM(Binomial(link))``, IRLS then Newton from its answer (the
    defaults stop ~1e-6 short for non-canonical links); Poisson: ``GLM(Poisson())``;
    Gaussian: ``OLS``.

    Parameters
    ----------
    design : glmnet_bridge.design.Design
    activation : glmnet_bridge.activations.Activation
    cov_type : {"expected", "observed", "HC0", "HC1", "HC2", "HC3"}
        Expected information is what R's ``glm`` and statsmodels ``GLM`` (IRLS)
        report; observed is statsmodels ``Logit``/``Probit``. Equal for canonical links.
        HC0–HC3 are R's ``sandwich::vcovHC`` of a glm, built from statsmodels' per-row
        scores, expected Hessian and leverages (statsmodels' own GLM HC1–HC3 differ).
    family : {"binomial", "poisson", "gaussian"}

    Returns
    -------
    dict
        ``params``, ``bse`` (Series), ``llf``, ``deviance``, ``aic``, ``bic``, ``name``
        and the statsmodels ``results``.
    """
    import statsmodels.api as sm

    names = list(design.names)
    if family == "gaussian":
        res = sm.WLS(design.y - design.offset, design.X, weights=design.freq_weights).fit()
        params, cov = np.asarray(res.params), np.asarray(res.cov_params())
        if cov_type in _HC:
            cov = np.asarray(res.get_robustcov_results(cov_type).cov_params())
        if not np.allclose(design.freq_weights, 1):
            # frequency weights: OLS on repeated rows has df_resid = Σf − k
            df = design.freq_weights.sum() - len(params)
            cov = cov * res.df_resid / df
        llf = float(res.llf) if np.allclose(design.freq_weights, 1) else np.nan
        return {"params": pd.Series(params, index=names),
                "bse": pd.Series(np.sqrt(np.diag(cov)), index=names), "llf": llf,
                "deviance": float(res.ssr), "aic": float(res.aic), "bic": float(res.bic),
                "name": "OLS", "results": res}
    fam = (sm.families.Binomial(link=activation.link) if family == "binomial"
           else sm.families.Poisson())
    model = sm.GLM(design.y, design.X, family=fam, freq_weights=design.freq_weights,
                   offset=design.offset)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        irls = model.fit(tol=1e-12, maxiter=1000)
        res = model.fit(start_params=irls.params, method="newton", tol=1e-14, maxiter=100)
    params = np.asarray(res.params)
    H = model.hessian(params, observed=(cov_type == "observed"))
    cov = np.linalg.inv(-H)
    if cov_type in _HC:
        cov = _vcov_hc(model, res, params, cov, cov_type)
    name = (f"GLM(Binomial({type(activation.link).__name__}))" if family == "binomial"
            else "GLM(Poisson(Log))")
    return {
        "params": pd.Series(params, index=names),
        "bse": pd.Series(np.sqrt(np.diag(cov)), index=names),
        "llf": float(res.llf), "deviance": float(res.deviance),
        "aic": float(res.aic), "bic": float(-2 * res.llf + np.log(res.nobs) * len(params)),
        "name": name, "results": res,
    }


class Comparison:
    """Neurons and their GLMs side by side (made by :func:`compare`).

    Attributes
    ----------
    table : pandas.DataFrame
        One row per (activation, cost, term): columns ``activation``, ``cost``,
        ``term``, ``neuron``, ``glm``, ``abs_diff``, ``neuron_se``, ``glm_se``.
    fits : dict
        (activation, cost) → :class:`glmnet_bridge.NeuronFit`.
    oracles : dict
        activation → the statsmodels answer (see :func:`glm_oracle`).
    stats : pandas.DataFrame
        Per fit: log-likelihoods, deviance, AIC, BIC, convergence.
    """

    def __init__(self, table, fits, oracles, stats, cov_type, title):
        self.table, self.fits, self.oracles, self.stats = table, fits, oracles, stats
        self.cov_type, self.title = cov_type, title

    @property
    def max_abs_diff(self):
        """Return the largest |neuron − GLM| over the maximum-likelihood fits."""
        return float(self.table.loc[self.mle_rows(), "abs_diff"].max())

    def mle_rows(self):
        """Return a boolean mask of the table rows whose neuron is a maximum-likelihood fit."""
        mle = {key for key, fit in self.fits.items() if fit.cost.is_likelihood}
        pairs = zip(self.table["activation"], self.table["cost"], strict=True)
        return np.array([pair in mle for pair in pairs], dtype=bool)

    def verdicts(self):
        """Return one plain-language sentence per fit."""
        out = []
        for act, cost in self.fits:
            rows = self.table[(self.table.activation == act) & (self.table.cost == cost)]
            diff = rows["abs_diff"].max()
            if self.fits[(act, cost)].cost.is_likelihood:
                model = {"logistic": "logistic regression", "exp": "Poisson regression",
                         "identity": "ordinary least squares",
                         "softmax": "multinomial logit"}.get(act, f"the {act} GLM")
                out.append(f"the {act} neuron equals {model} to {diff:.1e} "
                           f"(largest |weight − coefficient|)")
            else:
                out.append(f"the {act} neuron with the {cost} cost is not the MLE: its "
                           f"weights differ from the {act} GLM's by up to {diff:.3g} "
                           "(sandwich standard errors)")
        return out

    def link_verdict(self):
        """Return which binary link the data prefer, by AIC (None with fewer than two).

        Links are not nested, so there is no LR test between them; with as many
        parameters each, the AIC difference is the LR statistic 2·(llf₁ − llf₂).
        """
        binary = [(key[0], fit) for key, fit in self.fits.items()
                  if fit.cost.is_likelihood and fit.family == "binomial"]
        if len(binary) < 2:
            return None
        binary.sort(key=lambda pair: pair[1].aic)
        (best, fb), (second, fs) = binary[0], binary[1]
        gap = fs.aic - fb.aic
        strength = ("the data barely tell them apart" if gap < 2 else
                    "some support" if gap < 4 else "clear support" if gap < 10 else
                    "strong support")
        return (f"by AIC the {best} link fits best (AIC {fb.aic:.2f}; next {second} "
                f"{fs.aic:.2f}, ΔAIC = {gap:.2f}: {strength}); the links are not nested, "
                f"so no LR test: 2·Δllf = {2 * (fb.llf - fs.llf):.2f}")

    def summary(self, digits=6):
        """Return the comparison as readable text: the table, fit statistics, verdicts."""
        t = self.table.copy()
        fmt = {c: (lambda v, d=digits: f"{v:.{d}g}") for c in ("neuron", "glm", "neuron_se",
                                                              "glm_se")}
        fmt["abs_diff"] = lambda v: f"{v:.1e}"
        body = t.to_string(index=False, formatters=fmt)
        stats = self.stats.to_string(index=False, float_format=lambda v: f"{v:.6g}")
        oracles = ", ".join(sorted({o["name"] for o in self.oracles.values()}))
        se = f"{self.cov_type} robust (R's sandwich::vcovHC)" if self.cov_type in _HC \
            else f"{self.cov_type} information"
        lines = [self.title,
                 f"neuron = fit_neuron; glm = statsmodels {oracles}, refitted tightly; "
                 f"standard errors: {se} (sandwich for the quadratic "
                 "cost of a sigmoid)", "", body, "", stats, ""]
        lines += [f"- {v}" for v in self.verdicts()]
        link = self.link_verdict()
        if link:
            lines.append(f"- {link}")
        return "\n".join(lines)

    def to_csv(self, path=None, **kwargs):
        """Write the table as CSV (or return the text when ``path`` is None)."""
        return self.table.to_csv(path, index=False, **kwargs)

    def to_latex(self, digits=6, **kwargs):
        """Return the table as a LaTeX tabular (booktabs), ready for a paper."""
        t = self.table.copy()
        t["cost"] = t["cost"].str.replace("_", "-")
        fmt = {c: (lambda v, d=digits: f"{v:.{d}g}") for c in ("neuron", "glm", "neuron_se",
                                                              "glm_se")}
        fmt["abs_diff"] = lambda v: f"{v:.1e}"
        return t.to_latex(index=False, formatters=fmt, escape=True, **kwargs)

    # Presentation lives a layer up (plots, report); these two are conveniences that
    # reach for it, so the import is deferred to the call.
    def plot(self, alpha=0.05):
        """Return a matplotlib Figure of weights beside coefficients, with intervals."""
        from ..presentation.plots import coefficient_plot

        return coefficient_plot(self, alpha=alpha)

    def wide_table(self, fmt="frame", digits=3):
        """Return terms × models, standard errors beneath (R's modelsummary/stargazer layout).

        ``fmt`` is "frame", "html", "markdown" or "latex" (booktabs); see
        :func:`glmnet_bridge.presentation.report.wide_table`.
        """
        from ..presentation.report import wide_table

        return wide_table(self, fmt=fmt, digits=digits)

    def report(self, path, title=None):
        """Write a self-contained report (``.html`` or ``.md``); return its path."""
        from ..presentation.report import write_report

        return write_report(self, path, title=title)

    def __repr__(self):
        return f"<Comparison: {len(self.fits)} fits, max |neuron − GLM| = {self.max_abs_diff:.1e}>"


def compare(formula=None, data=None, *, X=None, y=None, activations=("logistic", "probit"),
            solver="newton", cov_type="expected", quadratic=False, freq_weights=None,
            offset=None, title=None, **fit_kwargs):
    """Fit a neuron per activation and put each beside its statsmodels GLM.

    Parameters
    ----------
    formula, data, X, y, freq_weights, offset
        As for :func:`glmnet_bridge.fit_neuron`. Without an intercept (``- 1`` or
        ``+ 0`` in the formula, or ``fit_intercept=False`` with X and y) each neuron
        is compared with the GLM on the same design, which has no Intercept row.
    activations : sequence of str, default ("logistic", "probit")
        Any of logistic, probit, cauchit, cloglog, loglog.
    solver : str, default "newton"
        The neuron's solver.
    cov_type : {"expected", "observed", "HC0", "HC1", "HC2", "HC3"}, default "expected"
        Standard errors of both columns (expected: as R's ``glm``; HC0–HC3: robust, as
        R's ``sandwich::vcovHC`` of a glm, in both columns).
    quadratic : bool, default False
        Also fit the sigmoid neuron with chapter 1's quadratic cost (nonlinear
        least squares) and show how far it lands from the logistic MLE.
    title : str, optional
        A heading for the summary and reports.
    **fit_kwargs
        Passed to :func:`glmnet_bridge.fit_neuron`.

    Returns
    -------
    Comparison
    """
    common = dict(formula=formula, data=data, X=X, y=y, freq_weights=freq_weights,
                  offset=offset, solver=solver, **fit_kwargs)
    jobs = [("softmax", "log_likelihood") if str(a).lower() == "softmax"
            else (get_activation(a).name, default_cost(get_activation(a))) for a in activations]
    if quadratic:
        jobs.append(("logistic", "quadratic"))
    if cov_type in _HC and any(a == "softmax" for a, _ in jobs):
        raise ValueError(f"cov_type={cov_type!r} applies to the binary, Poisson and Gaussian "
                         "neurons; a softmax layer reports its information")
    rows, stats, fits, oracles = [], [], {}, {}
    for act, cost in jobs:
        if act == "softmax":
            _compare_softmax(common, cov_type, rows, stats, fits, oracles)
            continue
        likelihood = get_cost(cost, get_activation(act)).is_likelihood
        ct = cov_type if likelihood else "sandwich"
        with warnings.catch_warnings():
            if not likelihood and any(getattr(f, "separation", None) is not None
                                      and f.separation.separated for f in fits.values()):
                # Separation (warned once by the likelihood fit) also stops the NLS fit.
                warnings.simplefilter("ignore", ConvergenceWarning)
            fit = fit_neuron(activation=act, cost=cost, cov_type=ct, **common)
        _check_intercept(formula, fit_kwargs, fit.design)
        name = fit.activation.name
        if name not in oracles:
            oracles[name] = glm_oracle(fit.design, fit.activation, cov_type, fit.family)
        ref = oracles[name]
        fits[(name, cost)] = fit
        for term in fit.names:
            rows.append({"activation": name, "cost": cost, "term": term,
                         "neuron": fit.params[term], "glm": ref["params"][term],
                         "abs_diff": abs(fit.params[term] - ref["params"][term]),
                         "neuron_se": fit.bse[term], "glm_se": ref["bse"][term]})
        stats.append({"activation": name, "cost": cost, "llf_neuron": fit.llf,
                      "llf_glm": ref["llf"], "deviance": fit.deviance, "aic": fit.aic,
                      "bic": fit.bic, "converged": fit.converged, "iterations": fit.n_iter})
    if title is None:
        d = next(iter(fits.values())).design
        xy = f"{d.yname} ~ X" + ("" if d.intercept else " - 1")
        title = f"{d.formula or xy}  ({d.nobs} rows)"
    return Comparison(pd.DataFrame(rows), fits, oracles, pd.DataFrame(stats), cov_type, title)


def _check_intercept(formula, fit_kwargs, design):
    """Refuse fit_intercept=False beside a formula that keeps its intercept."""
    if formula is not None and fit_kwargs.get("fit_intercept", True) is False \
            and design.intercept:
        raise DataError(f"fit_intercept=False, but the formula {formula!r} has an intercept: "
                        "with a formula, the formula decides; write '- 1' in it "
                        "(e.g. 'y ~ x1 + x2 - 1') to drop the intercept")


@np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore")  # as glm_oracle
def _compare_softmax(common, cov_type, rows, stats, fits, oracles):
    """Fit the softmax layer and statsmodels' MNLogit (Newton, tight) side by side."""
    import statsmodels.api as sm

    keys = ("formula", "data", "X", "y", "freq_weights", "fit_intercept")
    kwargs = {k: common[k] for k in keys if k in common}
    fit = fit_neuron(activation="softmax", **kwargs)
    _check_intercept(common["formula"], common, fit.design)
    d = fit.design
    model = sm.MNLogit(fit.codes, d.X)
    if not np.allclose(d.freq_weights, 1):
        rep = np.repeat(np.arange(d.nobs), d.freq_weights.astype(int))
        model = sm.MNLogit(fit.codes[rep], d.X[rep])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = model.fit(disp=0, method="newton", tol=1e-14, maxiter=200)
    ref_p = np.asarray(res.params)
    ref_se = np.asarray(res.bse)
    oracles["softmax"] = {"params": pd.DataFrame(ref_p, index=d.names,
                                                 columns=fit.levels[1:]),
                          "bse": pd.DataFrame(ref_se, index=d.names, columns=fit.levels[1:]),
                          "llf": float(res.llf), "name": "MNLogit", "results": res}
    fits[("softmax", "log_likelihood")] = fit
    for j, cat in enumerate(fit.levels[1:]):
        for i, term in enumerate(d.names):
            rows.append({"activation": "softmax", "cost": "log_likelihood",
                         "term": f"{term} [{cat}]", "neuron": fit.params.iloc[i, j],
                         "glm": ref_p[i, j], "abs_diff": abs(fit.params.iloc[i, j] - ref_p[i, j]),
                         "neuron_se": fit.bse.iloc[i, j], "glm_se": ref_se[i, j]})
    stats.append({"activation": "softmax", "cost": "log_likelihood", "llf_neuron": fit.llf,
                  "llf_glm": float(res.llf), "deviance": fit.deviance, "aic": fit.aic,
                  "bic": fit.bic, "converged": fit.converged, "iterations": fit.n_iter})
