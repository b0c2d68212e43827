"""Penalised fits say what they are: glmnet's default scaling, lasso df, ridge labels, relaxed."""

import runpy
import warnings
from pathlib import Path

import numpy as np
import pytest
import statsmodels.api as sm

import glmnet_bridge as gb

R = runpy.run_path(str(Path(__file__).parent / "data" / "lasso_spector_r.py"))
F = "GRADE ~ GPA + TUCE + PSI"


def test_fit_neuron_lasso_is_glmnets_by_default(spector):
    # the README's "glmnet's lasso": glmnet standardises unless told not to, and so do we
    fit = gb.fit_neuron(F, data=spector, lam=0.05, alpha=1.0, tol=1e-12)
    np.testing.assert_allclose(fit.params.to_numpy(), R["LASSO_SPECTOR_005"], atol=1e-7)
    raw = gb.fit_neuron(F, data=spector, lam=0.05, alpha=1.0, standardize=False)
    assert abs(raw.params["GPA"] - R["LASSO_SPECTOR_005"][1]) > 0.5


@pytest.fixture(scope="module")
def fair():
    d = sm.datasets.fair.load_pandas().data
    return d.assign(affair=(d["affairs"] > 0).astype(int))


FAIR = "affair ~ C(occupation) + rate_marriage + age + yrs_married"


def test_lasso_summary_counts_the_nonzero_weights(fair):
    fit = gb.fit_neuron(FAIR, data=fair, lam=0.01, alpha=1.0)
    nonzero = int((fit.params.iloc[1:] != 0).sum())
    assert 0 < nonzero < len(fit.params) - 1
    s = fit.summary()
    head = dict(s.header)
    assert head["Df Model"] == f"{nonzero} (non-zero)"
    llf = fit.llf
    assert float(head["AIC"]) == pytest.approx(-2 * llf + 2 * (nonzero + 1), rel=1e-5)
    assert float(head["BIC"]) == pytest.approx(-2 * llf + np.log(len(fair)) * (nonzero + 1),
                                               rel=1e-5)
    assert head["Covariance"] == "none (lasso)"
    text = str(s)
    assert "(MLE)" not in text and "not the MLE" in text and "Zou, Hastie & Tibshirani" in text


def test_ridge_table_says_its_inference_is_for_the_penalised_estimator(spector):
    s = gb.fit_neuron(F, data=spector, lam=0.05, alpha=0.0).summary()
    assert list(s.table.columns)[1:4] == ["pen. std err", "pen. z", "pen. P>|z|"]
    assert "(MLE)" not in str(s)
    plain = gb.fit_neuron(F, data=spector).summary()
    assert list(plain.table.columns)[1] == "std err"


def test_relaxed_keeps_a_factors_dummies_together(fair):
    fit = gb.fit_neuron(FAIR, data=fair, lam=0.01, alpha=1.0)
    occ = [n for n in fit.names if n.startswith("C(occupation)")]
    dropped = [n for n in occ if fit.params[n] == 0]
    assert dropped and len(dropped) < len(occ)  # the lasso split the factor
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        relaxed = fit.relaxed()
    assert set(occ) <= set(relaxed.names)  # every level back, none merged into the reference
    kept = [n for n in fit.names if n != "Intercept" and (fit.params[n] != 0 or n in occ)]
    X = fit.design.X[:, [0] + [fit.names.index(n) for n in kept]]
    ref = sm.Logit(fit.design.y, X).fit(disp=0, method="newton", tol=1e-12)
    np.testing.assert_allclose(relaxed.params.to_numpy(), ref.params, rtol=1e-6, atol=1e-8)
    text = str(relaxed.summary())
    assert "Post-selection inference" in text and "C(occupation)" in text
