"""Wald tests of linear hypotheses Rβ = q, as car::linearHypothesis(test = "Chisq").

statsmodels' string syntax ("x1 = 0, x2 = x3") or a matrix; one joint test per formula term.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..exceptions import DataError

__all__ = ["WaldTestResults", "wald_test", "wald_test_terms", "term_columns"]


@dataclass
class WaldTestResults:
    """A Wald test: the statistic, its degrees of freedom and p-value.

    ``statistic`` is (Rβ − q)'(RVR')⁻¹(Rβ − q), chi-square on ``df`` degrees of freedom;
    with ``use_f=True`` it is that over ``df``, F on (df, df_denom).
    """

    statistic: float
    df: int
    pvalue: float
    distribution: str = "chi2"
    df_denom: float | None = None

    def __str__(self):
        ref = f"F({self.df}, {self.df_denom:g})" if self.distribution == "F" else \
            f"chi2({self.df})"
        return f"<Wald test: {ref} = {self.statistic:.6g}, p-value = {self.pvalue:.4g}>"

    __repr__ = __str__


def _constraint(names, hypothesis):
    """Return (R, q) from a string, a matrix R, or a pair (R, q)."""
    if isinstance(hypothesis, str):
        from patsy import DesignInfo

        try:
            lc = DesignInfo(list(names)).linear_constraint(hypothesis)
        except Exception as err:
            raise DataError(f"cannot read the hypothesis {hypothesis!r}: {err}. Write it as "
                            "statsmodels does, e.g. \"x1 = 0, x2 = x3\", with term names "
                            f"from {list(names)}") from err
        return lc.coefs, lc.constants.ravel()
    if isinstance(hypothesis, tuple) and len(hypothesis) == 2:
        R, q = hypothesis
    else:
        R, q = hypothesis, None
    R = np.atleast_2d(np.asarray(R, dtype=float))
    if R.shape[1] != len(names):
        raise DataError(f"the constraint matrix has {R.shape[1]} columns; the fit has "
                        f"{len(names)} parameters {list(names)}")
    q = np.zeros(R.shape[0]) if q is None else np.asarray(q, dtype=float).ravel()
    return R, q


def wald_test(params, cov, hypothesis, use_f=False, df_resid=None):
    """Return the Wald test of the linear hypothesis Rβ = q.

    Parameters
    ----------
    params : pandas.Series
    cov : pandas.DataFrame or numpy.ndarray
    hypothesis : str, array_like or (R, q)
        statsmodels' syntax ("a = 0, b = c", "a + b = 1"), a matrix R (q = 0) or a pair.
    use_f : bool, default False
        Report F = W/df on (df, df_resid) degrees of freedom instead of chi-square.
    df_resid : float, optional
        The denominator degrees of freedom of the F test.

    Returns
    -------
    WaldTestResults
    """
    from scipy import stats

    R, q = _constraint(params.index, hypothesis)
    diff = R @ params.to_numpy() - q
    V = R @ np.asarray(cov, dtype=float) @ R.T
    try:
        stat = float(diff @ np.linalg.solve(V, diff))
    except np.linalg.LinAlgError as err:
        raise DataError("the hypothesis's rows are linearly dependent (RVR' is singular): "
                        "drop the redundant constraints") from err
    df = R.shape[0]
    if use_f:
        stat /= df
        return WaldTestResults(stat, df, float(stats.f.sf(stat, df, df_resid)), "F", df_resid)
    return WaldTestResults(stat, df, float(stats.chi2.sf(stat, df)))


def term_columns(design):
    """Return {term name: column indices of ``design.X``}, one entry per formula term.

    From patsy's ``term_slices`` for a formula fit (a factor's dummy columns are one term);
    one term per column for X and y.
    """
    info = design.design_info
    if info is None:
        return {name: [j] for j, name in enumerate(design.names)}
    return {name: list(range(sl.start, sl.stop)) for name, sl in zip(
        info.term_names, info.term_slices.values(), strict=True)}


def wald_test_terms(fit, use_f=False):
    """Return one joint Wald test per formula term (its columns all 0), as a frame.

    Parameters
    ----------
    fit : NeuronFit
    use_f : bool, default False

    Returns
    -------
    pandas.DataFrame
        Columns ``statistic``, ``pvalue``, ``df_constraint`` (statsmodels' names).
    """
    params, cov = fit.params, fit.cov_params()
    rows = {}
    for term, cols in term_columns(fit.design).items():
        R = np.zeros((len(cols), len(params)))
        R[np.arange(len(cols)), cols] = 1.0
        res = wald_test(params, cov, R, use_f, fit.df_resid)
        rows[term] = (res.statistic, res.pvalue, res.df)
    return pd.DataFrame.from_dict(rows, orient="index",
                                  columns=["statistic", "pvalue", "df_constraint"])
