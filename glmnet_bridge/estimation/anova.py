"""Analysis of deviance and likelihood-ratio tests between nested fits, as R's anova.glm.

Sequential by formula term (one row per term); chi-square, or F for Gaussian and quasi fits.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..exceptions import DataError
from .wald import term_columns

__all__ = ["anova", "anova_terms", "anova_fits", "compare_lr_test", "check_nested"]


def _default_test(fit):
    return "F" if fit.use_t else "Chisq"


def _refit_deviance(fit, cols):
    """Return the deviance of ``fit``'s model refitted on the columns ``cols`` of X."""
    d, model = fit.design, fit.model
    lik = model.likelihood
    start = int(d.intercept)
    intercept = d.intercept and 0 in cols
    inputs = [c - start for c in cols if c >= start]
    if not inputs and not intercept:
        e = fit._engine
        return lik.deviance(e.y, e.offset.astype(float), e.f)
    names = [d.names[c] for c in cols]
    sub = type(d)(np.ascontiguousarray(d.inputs[:, inputs]), d.y, names, d.yname,
                  d.freq_weights, d.offset, intercept, d.rows, trials=d.trials)
    refit = type(model).from_design(sub, fit.activation, lik, separation="ignore")
    return refit.fit(cov_type="expected").deviance


def _test_columns(table, dev, df, dispersion, df_scale, test):
    from scipy import stats

    if test == "Chisq":
        table["Pr(>Chi)"] = stats.chi2.sf(dev / dispersion, df)
    else:
        F = dev / df / dispersion
        table["F"] = F
        table["Pr(>F)"] = stats.f.sf(F, df, df_scale)
    return table


def anova_terms(fit, test=None):
    """Return R's sequential analysis of deviance, ``anova(glm, test = ...)``.

    Each formula term is added in order (a factor's dummy columns as one term); a row gives
    the deviance it removes and its degrees of freedom. Chi-square for known dispersion
    (binomial, Poisson), F for an estimated one (Gaussian, quasi), as R chooses.

    Parameters
    ----------
    fit : NeuronFit
    test : {"Chisq", "F"}, optional

    Returns
    -------
    pandas.DataFrame
        Columns Df, Deviance, Resid. Df, Resid. Dev and the test's statistic and p-value.
    """
    test = _default_test(fit) if test is None else test
    if test not in ("Chisq", "F"):
        raise ValueError("test must be 'Chisq' or 'F'")
    terms = term_columns(fit.design)
    cols = list(terms.pop("Intercept", []))
    n = fit.nobs
    resid_dev = [_refit_deviance(fit, cols)]
    resid_df = [n - len(cols)]
    names = ["NULL"]
    last = len(terms) - 1
    for i, (term, tcols) in enumerate(terms.items()):
        cols = cols + list(tcols)
        resid_dev.append(fit.deviance if i == last else _refit_deviance(fit, cols))
        resid_df.append(n - len(cols))
        names.append(term)
    resid_dev, resid_df = np.array(resid_dev), np.array(resid_df, dtype=float)
    df = np.r_[np.nan, -np.diff(resid_df)]
    dev = np.r_[np.nan, -np.diff(resid_dev)]
    table = pd.DataFrame({"Df": df, "Deviance": dev, "Resid. Df": resid_df,
                          "Resid. Dev": resid_dev}, index=names)
    return _test_columns(table, dev, df, float(fit.scale), fit.df_resid, test)


def check_nested(small, big):
    """Refuse fits on different rows, of different models, or that are not nested."""
    ds, db = small.design, big.design
    same = (ds.nobs == db.nobs and np.array_equal(ds.y, db.y)
            and np.array_equal(ds.freq_weights, db.freq_weights)
            and np.array_equal(ds.offset, db.offset))
    if not same:
        raise DataError("the fits are on different rows (or outcomes, weights or offsets): a "
                        "likelihood-ratio test compares models of the same data; refit both "
                        "on the same frame (drop missing values first)")
    if (small.activation.name, small.family) != (big.activation.name, big.family):
        raise DataError(f"the fits are different models ({small.activation.name} and "
                        f"{big.activation.name} neurons): they are not nested; compare them "
                        "by AIC instead")
    if small.penalty is not None or big.penalty is not None:
        raise DataError("likelihood-ratio tests compare unpenalised fits")
    coef, *_ = np.linalg.lstsq(db.X, ds.X, rcond=None)
    resid = ds.X - db.X @ coef
    if len(small.params) > len(big.params) or \
            np.max(np.abs(resid), initial=0.0) > 1e-8 * max(1.0, float(np.abs(ds.X).max())):
        extra = [n for n in ds.names if n not in db.names]
        raise DataError("the fits are not nested: the smaller model's columns "
                        f"{extra or ds.names} are not in the span of the larger's; an LR "
                        "test needs the smaller model to be a special case of the larger")


def compare_lr_test(big, small):
    """Return (statistic, pvalue, df_diff) of the LR test of ``small`` within ``big``.

    Parameters
    ----------
    big, small : NeuronFit
        Nested fits on the same rows.

    Returns
    -------
    tuple
        2·(llf_big − llf_small), its chi-square p-value and the difference in parameters.
    """
    from scipy import stats

    check_nested(small, big)
    df = len(big.params) - len(small.params)
    stat = 2.0 * (big.llf - small.llf)
    return float(stat), float(stats.chi2.sf(stat, df)), int(df)


def anova_fits(*fits, test=None):
    """Return R's ``anova(m0, m1, ..., test = "LRT")`` table for nested fits.

    Parameters
    ----------
    *fits : NeuronFit
        Two or more nested fits on the same rows, smallest first.
    test : {"Chisq", "LRT", "F"}, optional
        Default: chi-square (LRT) for binomial and Poisson, F for Gaussian and quasi fits.

    Returns
    -------
    pandas.DataFrame
        Columns Resid. Df, Resid. Dev, Df, Deviance and the test's statistic and p-value.
    """
    if len(fits) < 2:
        raise ValueError("anova() of fits compares two or more nested fits; for one fit's "
                         "terms use fit.anova()")
    fits = sorted(fits, key=lambda f: -f.df_resid)
    for small, big in zip(fits[:-1], fits[1:], strict=True):
        check_nested(small, big)
    big = fits[-1]
    test = _default_test(big) if test is None else ("Chisq" if test == "LRT" else test)
    if test not in ("Chisq", "F"):
        raise ValueError("test must be 'Chisq' (or 'LRT') or 'F'")
    resid_df = np.array([f.df_resid for f in fits], dtype=float)
    resid_dev = np.array([f.deviance for f in fits])
    df = np.r_[np.nan, -np.diff(resid_df)]
    dev = np.r_[np.nan, -np.diff(resid_dev)]
    table = pd.DataFrame({"Resid. Df": resid_df, "Resid. Dev": resid_dev, "Df": df,
                          "Deviance": dev}, index=[f"Model {i + 1}" for i in range(len(fits))])
    return _test_columns(table, dev, df, float(big.scale), big.df_resid, test)


def anova(*fits, test=None):
    """Return R's ``anova()``: of one fit, by term; of several nested fits, between them.

    Parameters
    ----------
    *fits : NeuronFit
        One fit (the sequential analysis of deviance of its formula terms) or two or more
        nested fits on the same rows (``anova(m0, m1, test = "LRT")``).
    test : {"Chisq", "LRT", "F"}, optional
        Default: chi-square for binomial and Poisson, F for Gaussian and quasi fits.

    Returns
    -------
    pandas.DataFrame
    """
    if len(fits) == 1:
        return anova_terms(fits[0], "Chisq" if test == "LRT" else test)
    return anova_fits(*fits, test=test)
