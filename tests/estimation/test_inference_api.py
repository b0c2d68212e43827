"""The inference API beside statsmodels' own answers, and the options it refuses.

statsmodels' GLM gives the residuals, leverages and predictions independently of this
package; the refusals name the option and what it applies to.
"""

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import glmnet_bridge as gb

DATA = Path(__file__).parent / "data"
F = "low ~ race + age + lwt + smoke + ht"


@pytest.fixture(scope="module")
def birthwt():
    return pd.read_csv(DATA / "birthwt.csv")


@pytest.mark.parametrize("act, link", [("logistic", sm.families.links.Logit()),
                                       ("probit", sm.families.links.Probit()),
                                       ("cloglog", sm.families.links.CLogLog())])
def test_residuals_leverage_predictions_are_statsmodels_glm(birthwt, act, link):
    fit = gb.fit_neuron(F, birthwt, activation=act, cov_type="expected")
    model = sm.GLM.from_formula(F, birthwt, family=sm.families.Binomial(link=link))
    irls = model.fit(tol=1e-14, maxiter=500)
    newton = model.fit(start_params=irls.params, method="newton", tol=1e-14)
    # IRLS again from Newton's optimum: its covariance is the expected information's
    res = model.fit(start_params=newton.params, tol=1e-14, maxiter=100)
    for kind in ("response", "pearson", "deviance", "working"):
        np.testing.assert_allclose(getattr(fit, f"resid_{kind}"),
                                   getattr(res, f"resid_{kind}"), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(fit.get_influence().hat_matrix_diag,
                               res.get_hat_matrix_diag(observed=False), rtol=1e-6)
    new = birthwt.head(5)
    ours = fit.get_prediction(new).summary_frame(alpha=0.1)
    theirs = res.get_prediction(new).summary_frame(alpha=0.1)
    np.testing.assert_allclose(ours.to_numpy(), theirs[list(ours.columns)].to_numpy(),
                               rtol=1e-5)


def test_cov_type_at_fit_time_equals_afterwards(birthwt):
    hc3 = gb.fit_neuron(F, birthwt, cov_type="HC3")
    plain = gb.fit_neuron(F, birthwt)
    np.testing.assert_allclose(hc3.bse, np.sqrt(np.diag(plain.cov_params("HC3"))), rtol=1e-12)
    relabelled = plain.get_robustcov_results("HC1")
    assert relabelled.cov_type == "HC1" and plain.cov_type == "observed"
    np.testing.assert_allclose(relabelled.bse, np.sqrt(np.diag(plain.cov_params("HC1"))))
    assert not np.allclose(relabelled.bse, plain.bse)
    assert "sandwich::vcovHC" in str(relabelled.summary())
    # for the canonical link the observed-Hessian sandwich is HC0
    np.testing.assert_allclose(plain.cov_params("sandwich"), plain.cov_params("HC0"),
                               rtol=1e-10)
    cl = gb.fit_neuron(F, birthwt, cov_type="cluster", cov_kwds={"groups": "grp"})
    np.testing.assert_allclose(cl.cov_params(), plain.cov_params(
        "cluster", {"groups": birthwt["grp"].to_numpy()}), rtol=1e-12)
    assert "32 groups" in str(cl.summary())


def test_anova_of_one_fit_and_of_arrays(birthwt):
    fit = gb.fit_neuron(F, birthwt)
    pd.testing.assert_frame_equal(gb.anova(fit), fit.anova())
    X = birthwt[["age", "lwt", "smoke"]]
    arr = gb.fit_neuron(X=X, y=birthwt["low"])
    table = arr.anova()
    assert list(table.index) == ["NULL", "age", "lwt", "smoke"]
    assert table["Resid. Dev"].iloc[-1] == pytest.approx(arr.deviance)
    assert table["Resid. Dev"].iloc[0] == pytest.approx(arr.null_deviance)


def test_anova_refuses_what_is_not_nested(birthwt):
    big = gb.fit_neuron(F, birthwt)
    other = gb.fit_neuron("low ~ ptl + ui", birthwt)
    with pytest.raises(gb.DataError, match="not nested"):
        gb.anova(other, big)
    with pytest.raises(gb.DataError, match="different rows"):
        gb.anova(gb.fit_neuron("low ~ age", birthwt.iloc[:150]), big)
    with pytest.raises(gb.DataError, match="different models"):
        gb.anova(gb.fit_neuron("low ~ age", birthwt, activation="probit"), big)
    with pytest.raises(gb.DataError, match="not nested"):
        big.compare_lr_test(other)


def test_wald_test_syntax_and_errors(birthwt):
    fit = gb.fit_neuron(F, birthwt)
    one = fit.wald_test("smoke = 0")
    assert one.statistic == pytest.approx(fit.tvalues["smoke"] ** 2, rel=1e-12)
    f = fit.wald_test("age = 0, smoke = ht", use_f=True)
    assert f.distribution == "F" and f.df_denom == fit.df_resid
    with pytest.raises(gb.DataError, match="cannot read the hypothesis"):
        fit.wald_test("weight = 0")
    with pytest.raises(gb.DataError, match="columns"):
        fit.wald_test(np.eye(2))


@pytest.mark.parametrize("kwargs, match", [
    ({"firth": True, "activation": "probit"}, "firth=True"),
    ({"firth": True, "lam": 0.1}, "firth=True"),
    ({"firth": True, "solver": "lbfgs"}, "solver='newton'"),
    ({"scale": "pearson"}, "scale must be"),
    ({"scale": "X2", "lam": 0.1}, "scale= estimates"),
    ({"cov_kwds": {"groups": "grp"}}, "cov_kwds= goes with"),
    ({"cov_type": "cluster"}, "needs cov_kwds"),
    ({"cov_type": "HC1", "cost": "quadratic"}, "robust covariance"),
    ({"cov_type": "HC1", "lam": 0.1}, "robust covariance"),
])
def test_options_that_do_not_apply_are_refused(birthwt, kwargs, match):
    with pytest.raises(ValueError, match=match):
        gb.fit_neuron("low ~ age + smoke", birthwt, **kwargs)


def test_bad_cluster_groups_are_named(birthwt):
    with pytest.raises(gb.DataError, match="names no column"):
        gb.fit_neuron(F, birthwt, cov_type="cluster", cov_kwds={"groups": "clinic"})
    with pytest.raises(gb.DataError, match="one cluster label per row"):
        gb.fit_neuron(F, birthwt, cov_type="cluster", cov_kwds={"groups": [1, 2, 3]})
    with pytest.raises(ValueError, match="'HC1'"):
        gb.fit_neuron(F, birthwt, cov_type="cluster", cov_kwds={"groups": "grp", "type": "HC3"})
    with pytest.raises(ValueError, match="softmax"):
        iris = gb.datasets.load_iris()
        gb.fit_neuron(X=iris.iloc[:, :2], y=iris["Species"], activation="softmax",
                      cov_type="HC0")


def test_compare_with_robust_standard_errors_and_link_verdict(birthwt):
    cmp = gb.compare(F, birthwt, activations=("logistic", "probit"), cov_type="HC1")
    np.testing.assert_allclose(cmp.table["neuron_se"], cmp.table["glm_se"], rtol=1e-7)
    fit = gb.fit_neuron(F, birthwt, activation="probit")
    np.testing.assert_allclose(cmp.table.loc[cmp.table.activation == "probit", "neuron_se"],
                               np.sqrt(np.diag(fit.cov_params("HC1"))), rtol=1e-10)
    verdict = cmp.link_verdict()
    assert verdict.startswith("by AIC the probit link") and verdict in cmp.summary()
    assert "HC1 robust" in cmp.summary()


def test_plot_diagnostics_draws_four_panels(birthwt):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = gb.fit_neuron(F, birthwt).plot_diagnostics()
    assert len(fig.axes) == 4 and fig.axes[0].get_title().startswith("Binned residuals")
    fig = gb.fit_neuron("ftv ~ age + smoke", birthwt, activation="exp").plot_diagnostics()
    assert fig.axes[0].get_title() == "Residuals vs fitted"


@pytest.mark.parametrize("act", ["probit", "cauchit", "cloglog"])
def test_sandwich_is_an_alias_of_hc0_for_every_link(birthwt, act):
    fit = gb.fit_neuron(F, birthwt, activation=act)
    np.testing.assert_allclose(fit.cov_params("sandwich"), fit.cov_params("HC0"), rtol=1e-10)
    # HC0 by hand: expected-information bread, the score's outer product as meat
    X = fit.design.X
    z = X @ fit.params.to_numpy()
    a = fit.activation
    mu, d = a(z), a.derivative(z)
    y = fit.design.y
    score = X * ((y - mu) * d / (mu * (1 - mu)))[:, None]
    bread = np.linalg.inv((X * (d * d / (mu * (1 - mu)))[:, None]).T @ X)
    np.testing.assert_allclose(fit.cov_params("sandwich"), bread @ score.T @ score @ bread,
                               rtol=1e-8)
