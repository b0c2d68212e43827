"""An exp neuron with the Poisson cost is Poisson regression; an identity neuron is OLS."""

import numpy as np
import pytest
import statsmodels.api as sm

import glmnet_bridge as gb

CP = "EXECUTIONS ~ INCOME + PERPOVERTY + PERBLACK + VC100k96 + SOUTH + DEGREE"


@pytest.fixture(scope="module")
def cpunish():
    return sm.datasets.cpunish.load_pandas().data


def test_poisson_neuron_is_statsmodels_poisson_glm(cpunish):
    fit = gb.fit_neuron(CP, data=cpunish, activation="exp")
    ref = sm.GLM.from_formula(CP, data=cpunish, family=sm.families.Poisson()).fit(tol=1e-14)
    assert fit.cost.name == "poisson" and fit.family == "poisson"
    np.testing.assert_allclose(fit.params, ref.params, atol=1e-8, rtol=0)
    np.testing.assert_allclose(fit.bse, ref.bse, rtol=1e-7)
    np.testing.assert_allclose(fit.pvalues, ref.pvalues, rtol=1e-6)
    for name in ("llf", "llnull", "deviance", "null_deviance", "aic"):
        assert getattr(fit, name) == pytest.approx(getattr(ref, name), rel=1e-10), name
    assert "Poisson GLM with log link" in str(fit.summary())


def test_poisson_exposure_and_offset():
    rng = np.random.default_rng(2)
    n = 800
    X = rng.standard_normal((n, 2))
    exposure = rng.uniform(0.2, 3.0, n)
    off = 0.1 * rng.standard_normal(n)
    y = rng.poisson(exposure * np.exp(0.2 + off + X @ [0.4, -0.3]))
    fit = gb.fit_neuron(X=X, y=y, activation="exp", exposure=exposure, offset=off)
    ref = sm.GLM(y, sm.add_constant(X), family=sm.families.Poisson(), exposure=exposure,
                 offset=off).fit(tol=1e-14)
    np.testing.assert_allclose(fit.params.to_numpy(), ref.params, atol=1e-8)
    assert fit.llf == pytest.approx(ref.llf, rel=1e-12)
    null = sm.GLM(y, np.ones(n), family=sm.families.Poisson(), exposure=exposure,
                  offset=off).fit(tol=1e-14)
    assert fit.llnull == pytest.approx(null.llf, rel=1e-10)
    with pytest.raises(gb.DataError, match="exposure must be positive"):
        gb.fit_neuron(X=X, y=y, activation="exp", exposure=-exposure)


def test_poisson_marginal_effects_equal_statsmodels(cpunish):
    fit = gb.fit_neuron(CP, data=cpunish, activation="exp")
    X = sm.add_constant(cpunish.drop(columns="EXECUTIONS"))
    ref = sm.Poisson(cpunish["EXECUTIONS"], X).fit(disp=0, method="newton", tol=1e-14,
                                                  maxiter=100)
    np.testing.assert_allclose(fit.get_margeff().to_numpy(),
                               ref.get_margeff().summary_frame().to_numpy(), rtol=1e-5)


def test_identity_neuron_is_ols(spector):
    fit = gb.fit_neuron("GPA ~ TUCE + PSI + GRADE", data=spector, activation="identity")
    ref = sm.OLS.from_formula("GPA ~ TUCE + PSI + GRADE", data=spector).fit()
    np.testing.assert_allclose(fit.params, ref.params, atol=1e-12)
    np.testing.assert_allclose(fit.bse, ref.bse, rtol=1e-10)  # σ̂² = RSS/df_resid
    np.testing.assert_allclose(fit.pvalues, ref.pvalues, rtol=1e-9)  # Student's t
    np.testing.assert_allclose(fit.conf_int(), ref.conf_int(), rtol=1e-10)
    for mine, theirs in (("rsquared", "rsquared"), ("llf", "llf"), ("aic", "aic"),
                         ("bic", "bic"), ("deviance", "ssr"), ("df_resid", "df_resid"),
                         ("scale", "scale")):
        assert getattr(fit, mine) == pytest.approx(getattr(ref, theirs), rel=1e-10), mine
    text = str(fit.summary())
    assert "R-squared" in text and "P>|t|" in text and "RSS/df_resid" in text


def test_ols_frequency_weights_are_repeated_rows(spector):
    w = (np.arange(32) % 3 + 1).astype(float)
    fit = gb.fit_neuron("GPA ~ TUCE + PSI", data=spector, activation="identity",
                        freq_weights=w)
    long = spector.loc[spector.index.repeat(w.astype(int))]
    ref = sm.OLS.from_formula("GPA ~ TUCE + PSI", data=long).fit()
    np.testing.assert_allclose(fit.params, ref.params, atol=1e-12)
    np.testing.assert_allclose(fit.bse, ref.bse, rtol=1e-10)
    assert fit.llf == pytest.approx(ref.llf, rel=1e-12)


def test_compare_pairs_each_neuron_with_its_glm(cpunish, spector):
    cmp = gb.compare(CP, data=cpunish, activations=("exp",))
    assert cmp.oracles["exp"]["name"] == "GLM(Poisson(Log))"
    assert cmp.max_abs_diff < 1e-8
    np.testing.assert_allclose(cmp.table["neuron_se"], cmp.table["glm_se"], rtol=1e-8)
    ols = gb.compare("GPA ~ TUCE + PSI", data=spector, activations=("identity",))
    assert ols.oracles["identity"]["name"] == "OLS"
    assert ols.max_abs_diff < 1e-10
    np.testing.assert_allclose(ols.table["neuron_se"], ols.table["glm_se"], rtol=1e-10)
    assert "equals ordinary least squares" in ols.summary()


def test_penalised_poisson_meets_kkt(cpunish):
    X = cpunish.drop(columns="EXECUTIONS").to_numpy()
    y = cpunish["EXECUTIONS"].to_numpy()
    lam = 0.3
    fit = gb.fit_neuron(X=X, y=y, activation="exp", lam=lam, alpha=1.0, standardize=True)
    b = fit.params.to_numpy()
    Xc = np.column_stack([np.ones(len(y)), X])
    g = Xc.T @ (np.exp(Xc @ b) - y) / len(y)      # gradient of −loglik/n
    s = X.std(axis=0)
    w = b[1:]
    nz = w != 0
    assert abs(g[0]) < 1e-7
    assert np.all(np.abs(g[1:][nz] + lam * s[nz] * np.sign(w[nz])) < 1e-7)
    assert np.all(np.abs(g[1:][~nz]) <= lam * s[~nz] + 1e-7)
    assert np.any(~nz)


def test_glmnet_gaussian_quirk_is_fitting_y_over_its_sd(spector):
    X = spector[["TUCE", "PSI", "GRADE"]].to_numpy()
    y = spector["GPA"].to_numpy()
    sd_y = y.std()
    lam, alpha = 0.05, 0.3
    quirk = gb.fit_neuron(X=X, y=y, activation="identity", lam=lam, alpha=alpha,
                          standardize=True, glmnet_gaussian=True)
    # glmnet's procedure: scale y by its SD, fit with λ/sd(y), scale the answer back
    scaled = gb.fit_neuron(X=X, y=y / sd_y, activation="identity", lam=lam / sd_y,
                           alpha=alpha, standardize=True)
    np.testing.assert_allclose(quirk.params.to_numpy(), sd_y * scaled.params.to_numpy(),
                               atol=1e-9)
    plain = gb.fit_neuron(X=X, y=y, activation="identity", lam=lam, alpha=alpha,
                          standardize=True)
    assert np.max(np.abs(plain.params - quirk.params)) > 1e-4  # it is a different objective
    lasso_q = gb.fit_neuron(X=X, y=y, activation="identity", standardize=False, lam=lam, alpha=1.0,
                            glmnet_gaussian=True)
    lasso = gb.fit_neuron(X=X, y=y, activation="identity", standardize=False, lam=lam, alpha=1.0)
    np.testing.assert_allclose(lasso_q.params, lasso.params, atol=1e-10)  # no ridge part
    with pytest.raises(ValueError, match="identity"):
        gb.fit_neuron(X=X, y=(y > 3).astype(float), lam=lam, glmnet_gaussian=True)
