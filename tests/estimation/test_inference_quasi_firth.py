"""Quasi families (scale="X2") as R's quasibinomial and quasipoisson, and Firth's bias-reduced
logistic regression as brglm2's type = "AS_mean" (data/inference_r.py, data/inference.R).
"""

import runpy
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import glmnet_bridge as gb

DATA = Path(__file__).parent / "data"
R = runpy.run_path(str(DATA / "inference_r.py"))
RHS = "race + age + lwt + smoke + ht"


@pytest.fixture(scope="module")
def birthwt():
    return pd.read_csv(DATA / "birthwt.csv")


@pytest.mark.parametrize("family, act, y", [("quasibinomial", "logistic", "low"),
                                            ("quasipoisson", "exp", "ftv")])
def test_scale_x2_is_r_quasi_family(birthwt, family, act, y):
    r = R["QUASI"][family]
    fit = gb.fit_neuron(f"{y} ~ {RHS}", birthwt, activation=act, scale="X2")
    np.testing.assert_allclose(fit.params, r["params"], rtol=1e-9)
    assert fit.scale == pytest.approx(r["dispersion"], rel=1e-9)
    np.testing.assert_allclose(fit.bse, r["bse"], rtol=1e-8)
    np.testing.assert_allclose(fit.pvalues, r["pvalues"], rtol=1e-7)  # Student's t, as R
    assert fit.use_t
    table = fit.anova()
    assert "F" in table.columns
    np.testing.assert_allclose(table.to_numpy()[1:], np.asarray(r["anova_F"])[1:], rtol=1e-8)
    infl = fit.get_influence()
    np.testing.assert_allclose(infl.resid_studentized, r["rstandard"], rtol=1e-8)
    np.testing.assert_allclose(infl.cooks_distance, r["cooks"], rtol=1e-8)
    text = str(fit.summary())
    assert "Dispersion" in text and "quasibinomial and quasipoisson" in text


def test_scale_dev_and_fixed_are_statsmodels(birthwt):
    ref = sm.GLM.from_formula(f"ftv ~ {RHS}", birthwt, family=sm.families.Poisson())
    for scale in ("dev", "X2", 1.7):
        fit = gb.fit_neuron(f"ftv ~ {RHS}", birthwt, activation="exp", scale=scale,
                            cov_type="expected")
        res = ref.fit(scale=scale, tol=1e-14)
        assert fit.scale == pytest.approx(res.scale, rel=1e-10)
        np.testing.assert_allclose(fit.bse, res.bse, rtol=1e-8)


@pytest.mark.parametrize("name, formula, source", [
    ("endometrial", "HG ~ NV + PI + EH", "endometrial.csv"),
    ("birthwt", f"low ~ {RHS}", "birthwt.csv")])
def test_firth_is_brglm2_as_mean(name, formula, source):
    r = R["FIRTH"][name]
    data = pd.read_csv(DATA / source)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # finite, converged: no separation warning
        fit = gb.fit_neuron(formula, data, firth=True)
    assert fit.converged and fit.firth
    np.testing.assert_allclose(fit.params, r["params"], rtol=1e-9)
    np.testing.assert_allclose(fit.bse, r["bse"], rtol=1e-8)
    assert fit.deviance == pytest.approx(r["deviance"], rel=1e-10)
    assert "Firth" in str(fit.summary())


def test_firth_modified_score_is_zero_at_the_estimate():
    """Independent check: the Jeffreys-penalised log-likelihood is flat there (differences)."""
    data = pd.read_csv(DATA / "endometrial.csv")
    fit = gb.fit_neuron("HG ~ NV + PI + EH", data, firth=True)
    X = fit.design.X
    y = fit.design.y

    def penalised(beta):
        p = 1 / (1 + np.exp(-X @ beta))
        info = (X * (p * (1 - p))[:, None]).T @ X
        return np.sum(y * np.log(p) + (1 - y) * np.log1p(-p)) + 0.5 * np.linalg.slogdet(info)[1]

    b = fit.params.to_numpy()
    for j in range(len(b)):
        e = np.zeros_like(b)
        e[j] = 1e-5 * max(1.0, abs(b[j]))
        grad = (penalised(b + e) - penalised(b - e)) / (2 * e[j])
        assert abs(grad) < 1e-6


def test_ml_fit_of_endometrial_is_separated_and_firth_is_finite():
    data = pd.read_csv(DATA / "endometrial.csv")
    with pytest.warns(gb.SeparationWarning):
        gb.fit_neuron("HG ~ NV + PI + EH", data)
    fit = gb.fit_neuron("HG ~ NV + PI + EH", data, firth=True)
    assert np.all(np.isfinite(fit.bse)) and fit.params["NV"] < 4


def test_firth_poisson_is_brglm2(birthwt):
    r = R["FIRTH"]["birthwt_poisson"]
    fit = gb.fit_neuron(f"ftv ~ {RHS}", birthwt, activation="exp", firth=True)
    np.testing.assert_allclose(fit.params, r["params"], rtol=1e-9)
    np.testing.assert_allclose(fit.bse, r["bse"], rtol=1e-8)
    # and independently: Firth's Poisson score Σ (y − μ + h/2) x is zero at the estimate
    X, y = fit.design.X, fit.design.y
    mu = np.exp(X @ fit.params.to_numpy())
    h = mu * np.einsum("ij,jk,ik->i", X, np.linalg.inv((X * mu[:, None]).T @ X), X)
    np.testing.assert_allclose(X.T @ (y - mu + h / 2), 0, atol=1e-8)


def test_firth_profile_penalised_likelihood_intervals():
    """logistf's intervals: at each bound the penalised log-likelihood, maximised over the
    other coefficients (here by scipy, from scratch), is χ²₁(0.95)/2 below its maximum."""
    from scipy import optimize, stats

    data = pd.read_csv(DATA / "endometrial.csv")
    fit = gb.fit_neuron("HG ~ NV + PI + EH", data, firth=True)
    ci = fit.conf_int(method="profile")
    X, y = fit.design.X, fit.design.y

    def penalised(beta):
        z = X @ beta
        p = 1 / (1 + np.exp(-z))
        info = (X * (p * (1 - p))[:, None]).T @ X
        return np.sum(y * z - np.logaddexp(0, z)) + 0.5 * np.linalg.slogdet(info)[1]

    top = penalised(fit.params.to_numpy())
    for j, term in enumerate(fit.names):
        lo, hi = ci.loc[term]
        assert lo < fit.params[term] < hi
        for bound in (lo, hi):
            def negative(free, j=j, bound=bound):
                return -penalised(np.insert(free, j, bound))

            start = np.delete(fit.params.to_numpy(), j)
            best = optimize.minimize(negative, start, method="BFGS", options={"gtol": 1e-9})
            assert 2 * (top + best.fun) == pytest.approx(stats.chi2.ppf(0.95, 1), abs=1e-5)
    # NV's Wald interval crosses 0; the profile one does not (the likelihood is skewed)
    assert fit.conf_int().loc["NV", 0] < 0 < ci.loc["NV", 0]
