"""Summary: a printable fit summary, text in a terminal and HTML in a notebook.

A header of (label, value) pairs, a coefficient table and numbered notes, as statsmodels prints.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .inference import COV_TYPES

__all__ = ["Summary", "fit_summary"]


class Summary:
    """A printable summary: a header of (label, value) pairs, a coefficient table, notes."""

    def __init__(self, title, header, table, notes):
        self.title, self.header, self.table, self.notes = title, header, table, notes

    def as_text(self):
        """Return the summary as fixed-width text."""
        half = (len(self.header) + 1) // 2
        left, right = self.header[:half], self.header[half:]
        rows = []
        for i in range(half):
            lk, lv = left[i]
            cell = f"{lk + ':':<22}{lv:>16}"
            if i < len(right):
                rk, rv = right[i]
                cell += f"   {rk + ':':<20}{rv:>16}"
            rows.append(cell)
        body = self.table.to_string(float_format=lambda v: f"{v:.4f}")
        width = max(len(r) for r in rows + body.splitlines())
        line = "=" * width
        out = [self.title.center(width), line, *rows, line, body, line]
        out += [f"[{i + 1}] {n}" for i, n in enumerate(self.notes)]
        return "\n".join(out)

    def as_html(self):
        """Return the summary as an HTML fragment."""
        head = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in self.header)
        notes = "".join(f"<li>{n}</li>" for n in self.notes)
        return (f"<h4>{self.title}</h4><table>{head}</table>"
                + self.table.to_html(float_format=lambda v: f"{v:.4f}")
                + f"<ol>{notes}</ol>")

    def __str__(self):
        return self.as_text()

    __repr__ = __str__

    def _repr_html_(self):
        return self.as_html()


def fit_summary(fit, alpha=0.05, method="wald"):
    """Return the :class:`Summary` of a :class:`glmnet_bridge.results.NeuronFit`.

    Parameters
    ----------
    fit : NeuronFit
    alpha : float, default 0.05
        For the confidence intervals.
    method : {"wald", "profile"}, default "wald"
        How the intervals are computed (see ``NeuronFit.conf_int``).

    Returns
    -------
    Summary
    """
    lasso = fit.penalty is not None and fit.penalty.alpha > 0
    stat = "t" if fit.use_t else "z"
    if lasso:
        table = pd.DataFrame({"coef": fit.params})
    else:
        ci = fit.conf_int(alpha, method=method)
        # ridge: the inference is the penalised (biased) estimator's, said in the table
        pen = "pen. " if fit.penalty is not None else ""
        table = pd.DataFrame({
            "coef": fit.params, f"{pen}std err": fit.bse, f"{pen}{stat}": fit.tvalues,
            f"{pen}P>|{stat}|": fit.pvalues, f"{pen}[{alpha / 2:g}": ci[0],
            f"{pen}{1 - alpha / 2:g}]": ci[1],
        })
    header = [
        ("Dep. Variable", fit.design.yname),
        ("Activation", fit.activation.name),
        ("Cost", fit.cost.name),
        ("Solver", fit.solver),
        ("Converged", str(fit.converged)),
        ("Iterations", str(fit.n_iter)),
        ("Covariance", fit.cov_type),
        ("No. Observations", f"{fit.nobs:g}"),
        ("Df Model", str(fit.df_model)),
        ("Df Residuals", f"{fit.df_resid:g}"),
        ("Log-Likelihood", f"{fit.llf:.6g}"),
        ("LL-Null", f"{fit.llnull:.6g}"),
        ("Deviance", f"{fit.deviance:.6g}"),
        ("R-squared" if fit.use_t else "Pseudo R-squ.",
         f"{fit.rsquared if fit.use_t else fit.prsquared:.4f}"),
        ("AIC", f"{fit.aic:.6g}"),
        ("BIC", f"{fit.bic:.6g}"),
    ]
    if lasso:
        # Zou, Hastie & Tibshirani (2007): the lasso's degrees of freedom are its non-zero
        # weights, and AIC/BIC count those, not every column
        nonzero = int((fit.params.to_numpy()[int(fit.design.intercept):] != 0).sum())
        k = nonzero + int(fit.design.intercept)
        values = {"Covariance": "none (lasso)",
                  "Df Model": f"{nonzero} (non-zero)",
                  "Df Residuals": f"{fit.nobs - k:g}",
                  "AIC": f"{-2 * fit.llf + 2 * k:.6g}",
                  "BIC": f"{-2 * fit.llf + np.log(fit.nobs) * k:.6g}"}
        header = [(key, values.get(key, v)) for key, v in header]
    else:
        header.append(("Intervals", "profile likelihood" if method == "profile" else "Wald"))
    if fit.scale_method is not None or fit.family == "gaussian":
        header.append(("Dispersion", f"{fit.scale:.6g}"))
    model = fit.describe_model()
    if fit.penalty is not None:
        model = model.replace("(MLE)", "(penalised likelihood, glmnet's elastic net: "
                                       "not the MLE)")
    notes = [f"Model: {model}."]
    post = getattr(fit, "post_selection", None)
    if post is not None:
        notes.append(f"Relaxed lasso: unpenalised refit on the {len(post['selected'])} "
                     "weights the lasso selected. Post-selection inference: the standard "
                     "errors, p-values and intervals treat that selection as fixed and are "
                     "optimistic.")
        if post["completed_terms"]:
            notes.append("A factor's dummies are kept together: all levels of "
                         + ", ".join(post["completed_terms"]) + " refitted, as the lasso "
                         "kept some of them.")
    if getattr(fit.design, "outcome_levels", None) is not None:
        lv = fit.design.outcome_levels
        notes.append(f"Outcome {fit.design.yname!r} coded {lv[1]!r} = 1, {lv[0]!r} = 0 "
                     "(R's rule: the first level is 0).")
    if fit.penalty is not None:
        pen = fit.penalty
        header.insert(7, ("Penalty", f"lam={pen.lam:.4g}, alpha={pen.alpha:g}"))
        cols = "standardised" if pen.standardize else "raw"
        notes.append(f"Penalised fit (glmnet's objective, {cols} columns): the estimate "
                     "is biased toward 0 by design.")
        if lasso:
            notes.append("No standard errors or p-values for a lasso fit: selection is part "
                         "of the estimator. Df Model, AIC and BIC count the non-zero weights "
                         "(the lasso's degrees of freedom, Zou, Hastie & Tibshirani 2007). "
                         "fit.relaxed() refits the selected weights (optimistic p-values).")
        else:
            notes.append("Standard errors: sandwich of the penalised estimator, "
                         "(H + nΛ)⁻¹ B (H + nΛ)⁻¹ with H the observed information and Λ "
                         "the ridge weights; they describe the spread of the biased "
                         "estimator, not a confidence interval for the unpenalised one.")
    elif fit.family == "gaussian" and fit.cov_type in ("observed", "expected"):
        notes.append("Standard errors: σ̂²·(X'X)⁻¹ with σ̂² = RSS/df_resid, as OLS; "
                     "p-values and intervals from Student's t.")
    else:
        notes.append(f"Standard errors: {COV_TYPES[fit.cov_type]}.")
    notes += _inference_notes(fit, method, lasso)
    if not fit.cost.is_likelihood:
        notes.append("Log-likelihood, deviance, AIC and BIC are the Bernoulli likelihood "
                     "evaluated at the least-squares estimate, for comparison with the MLE.")
    if fit.separation is not None and fit.separation.separated:
        notes.append(fit.separation.message())
    elif fit.separation is None and fit.family == "binomial" and fit.converged \
            and fit.penalty is None and fit.cost.is_likelihood:
        notes.append("Separation: not checked by linear program (a large design); the "
                     "fit converged to a finite optimum, which certifies there is none.")
    if not fit.converged:
        notes.append(f"The solver did not converge: {fit.message}.")
    return Summary("Neuron fit results", header, table, notes)


def _inference_notes(fit, method, lasso):
    """Return notes on the clusters, the dispersion, the interval method and Firth's fit."""
    notes = []
    kwds = getattr(fit, "cov_kwds", None) or {}
    if fit.cov_type == "cluster":
        from .robust import cluster_groups

        groups = kwds.get("groups")
        what = f"column {groups!r}" if isinstance(groups, str) else "the labels given"
        count = int(cluster_groups(fit, groups).max()) + 1
        notes.append(f"Clusters: {what}, {count} groups; small-sample adjustment "
                     f"{kwds.get('type', 'HC1')} as sandwich::vcovCL.")
    if fit.scale_method is not None:
        rule = {"X2": "Pearson χ²/df_resid, as R's quasibinomial and quasipoisson",
                "dev": "deviance/df_resid"}.get(fit.scale_method, "fixed by the user")
        scaled = "standard errors are scaled by √φ" if fit.cov_type in (
            "observed", "expected") else f"the {fit.cov_type} covariance does not use it"
        notes.append(f"Dispersion φ = {fit.scale:.6g} ({rule}); {scaled}"
                     + ("; p-values and intervals use Student's t(df_resid)."
                        if fit.use_t else "."))
    if not lasso:
        profile = ("profile penalised likelihood, as logistf" if getattr(fit, "firth", False)
                   else "profile likelihood (the signed root deviance at ±z, as R's "
                   "confint() of a glm)")
        notes.append(f"Intervals: {profile}." if method == "profile" else
                     "Intervals: Wald, estimate ± quantile · std err "
                     "(summary(method='profile') for profile likelihood).")
    if getattr(fit, "firth", False):
        notes.append("Firth's bias-reduced estimate: the likelihood penalised by ½·log det "
                     "I(β) (Jeffreys prior), as brglm2 type = 'AS_mean' and logistf; "
                     "standard errors from the inverse Fisher information at it.")
    return notes
