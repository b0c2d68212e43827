"""fit_neuron by Newton is the GLM: against statsmodels, refitted tightly."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from conftest import simulate_binary, tight_glm

import glmnet_bridge as gb

LINKS = {"logistic": sm.families.links.Logit(), "probit": sm.families.links.Probit(),
         "cauchit": sm.families.links.Cauchy(), "cloglog": sm.families.links.CLogLog(),
         "loglog": sm.families.links.LogLog()}
FORMULA = "GRADE ~ GPA + TUCE + PSI"


def spector_X(spector):
    return sm.add_constant(spector[["GPA", "TUCE", "PSI"]]).rename(columns={"const": "Intercept"})


@pytest.mark.parametrize("act", list(LINKS))
def test_spector_params_and_llf_equal_statsmodels_glm(spector, act):
    model, ref = tight_glm(spector["GRADE"], spector_X(spector), LINKS[act])
    fit = gb.fit_neuron(FORMULA, data=spector, activation=act)
    assert fit.converged
    assert list(fit.params.index) == ["Intercept", "GPA", "TUCE", "PSI"]
    np.testing.assert_allclose(fit.params.to_numpy(), ref.params.to_numpy(), rtol=0, atol=1e-8)
    assert abs(fit.llf - ref.llf) < 1e-10
    assert fit.deviance == pytest.approx(ref.deviance, abs=1e-9)
    assert fit.aic == pytest.approx(ref.aic, abs=1e-9)
    assert fit.bic == pytest.approx(ref.bic, abs=1e-9)  # statsmodels ≥ 0.14: llf-based BIC
    assert fit.llnull == pytest.approx(ref.llnull, abs=1e-9)
    assert fit.null_deviance == pytest.approx(ref.null_deviance, abs=1e-8)
    assert fit.nobs == ref.nobs and fit.df_resid == ref.df_resid and fit.df_model == ref.df_model


@pytest.mark.parametrize("act", list(LINKS))
def test_spector_standard_errors_observed_and_expected(spector, act):
    X = spector_X(spector)
    model, ref = tight_glm(spector["GRADE"], X, LINKS[act])
    for cov_type, observed in (("observed", True), ("expected", False)):
        fit = gb.fit_neuron(FORMULA, data=spector, activation=act, cov_type=cov_type)
        cov = np.linalg.inv(-model.hessian(ref.params.to_numpy(), observed=observed))
        np.testing.assert_allclose(fit.cov_params().to_numpy(), cov, rtol=1e-7, atol=1e-12)
        np.testing.assert_allclose(fit.bse.to_numpy(), np.sqrt(np.diag(cov)), rtol=1e-8)
        # and the other kind on request, from the same fit
        other = "expected" if cov_type == "observed" else "observed"
        cov2 = np.linalg.inv(-model.hessian(ref.params.to_numpy(), observed=not observed))
        np.testing.assert_allclose(fit.cov_params(other).to_numpy(), cov2, rtol=1e-7,
                                   atol=1e-12)
        assert f"Covariance:{cov_type:>20}"[:11] in str(fit.summary())


def test_probit_observed_is_statsmodels_probit_expected_is_glm(spector):
    X = spector_X(spector)
    probit = sm.Probit(spector["GRADE"], X).fit(disp=0, method="newton", tol=1e-14,
                                                 maxiter=100)
    obs = gb.fit_neuron(FORMULA, data=spector, activation="probit", cov_type="observed")
    np.testing.assert_allclose(obs.params, probit.params, rtol=0, atol=1e-10)
    np.testing.assert_allclose(obs.bse, probit.bse, rtol=1e-8)
    np.testing.assert_allclose(obs.pvalues, probit.pvalues, rtol=1e-7)
    np.testing.assert_allclose(obs.conf_int(), probit.conf_int(), rtol=1e-8)
    np.testing.assert_allclose(obs.tvalues, probit.tvalues, rtol=1e-8)
    assert obs.prsquared == pytest.approx(probit.prsquared, rel=1e-10)
    glm = sm.GLM(spector["GRADE"], X,
                 family=sm.families.Binomial(sm.families.links.Probit())).fit(tol=1e-13)
    exp_fit = gb.fit_neuron(FORMULA, data=spector, activation="probit", cov_type="expected")
    # IRLS stops ~1e-9 short of the optimum, so its SEs agree to about that
    np.testing.assert_allclose(exp_fit.bse, glm.bse, rtol=1e-7)
    assert not np.allclose(exp_fit.bse, obs.bse, rtol=1e-3)  # they differ for probit


def test_logit_everything_against_statsmodels_logit(spector):
    X = spector_X(spector)
    logit = sm.Logit(spector["GRADE"], X).fit(disp=0, method="newton", tol=1e-14)
    fit = gb.fit_neuron(FORMULA, data=spector)
    np.testing.assert_allclose(fit.params, logit.params, atol=1e-10, rtol=0)
    np.testing.assert_allclose(fit.bse, logit.bse, rtol=1e-9)
    np.testing.assert_allclose(fit.cov_params("expected"), logit.cov_params(), rtol=1e-9)
    assert fit.llf == pytest.approx(logit.llf, abs=1e-11)
    k, n = spector["GRADE"].sum(), len(spector)  # closed form: the null fit is ȳ
    assert fit.llnull == pytest.approx(k * np.log(k / n) + (n - k) * np.log(1 - k / n),
                                       abs=1e-11)
    assert fit.llnull == pytest.approx(logit.llnull, abs=1e-9)  # Logit's own tolerance
    assert fit.bic == pytest.approx(logit.bic, abs=1e-9)
    np.testing.assert_allclose(fit.predict(spector), logit.predict(X), rtol=1e-10)
    np.testing.assert_allclose(fit.predict(spector, which="linear"),
                               logit.predict(X, which="linear"), rtol=1e-10)


def test_weights_and_bias_are_params_in_the_network_vocabulary(spector):
    fit = gb.fit_neuron(FORMULA, data=spector)
    assert fit.bias == fit.params["Intercept"]
    pd.testing.assert_series_equal(fit.weights, fit.params.iloc[1:])
    neuron = gb.Neuron(fit.weights.to_numpy(), fit.bias, activation="logistic")
    np.testing.assert_allclose(neuron(spector[["GPA", "TUCE", "PSI"]].to_numpy()),
                               fit.fittedvalues.to_numpy(), rtol=1e-14)


@pytest.mark.parametrize("act", list(LINKS))
def test_simulated_ten_thousand_by_ten(act):
    X, y = simulate_binary(act, n=10_000, p=10)
    model, ref = tight_glm(y, sm.add_constant(X.to_numpy()), LINKS[act])
    fit = gb.fit_neuron(X=X, y=y, activation=act)
    assert fit.converged
    np.testing.assert_allclose(fit.params.to_numpy(), ref.params, rtol=0, atol=1e-8)
    assert abs(fit.llf - ref.llf) < 1e-10 * max(1.0, abs(ref.llf)) * 10
    assert list(fit.params.index) == ["Intercept"] + [f"x{j}" for j in range(1, 11)]


def test_arrays_frames_and_formula_give_the_same_fit(spector):
    by_formula = gb.fit_neuron(FORMULA, data=spector, activation="probit")
    frame = gb.fit_neuron(X=spector[["GPA", "TUCE", "PSI"]], y=spector["GRADE"],
                          activation="probit")
    arrays = gb.fit_neuron(X=spector[["GPA", "TUCE", "PSI"]].to_numpy(),
                           y=spector["GRADE"].to_numpy(), activation="probit")
    np.testing.assert_allclose(frame.params, by_formula.params, rtol=1e-13)
    np.testing.assert_allclose(arrays.params.to_numpy(), by_formula.params.to_numpy(),
                               rtol=1e-13)
    assert list(arrays.params.index) == ["Intercept", "x1", "x2", "x3"]
    assert frame.design.yname == "GRADE"


def test_formula_terms_are_named_as_statsmodels_names_them(spector):
    df = spector.assign(group=np.where(spector.GPA > 3, "high", "low"))
    fit = gb.fit_neuron("GRADE ~ C(group) + np.log(TUCE) + PSI", data=df)
    ref = sm.GLM.from_formula("GRADE ~ C(group) + np.log(TUCE) + PSI", data=df,
                              family=sm.families.Binomial()).fit(tol=1e-13)
    assert list(fit.params.index) == list(ref.params.index)
    np.testing.assert_allclose(fit.params, ref.params, atol=1e-8)
    newdata = df.iloc[:5]
    np.testing.assert_allclose(fit.predict(newdata), ref.predict(newdata), rtol=1e-8)


def test_freq_weights_equal_repeated_rows_and_statsmodels(spector):
    rng = np.random.default_rng(3)
    w = rng.integers(1, 4, size=len(spector)).astype(float)
    fit = gb.fit_neuron(FORMULA, data=spector, activation="cloglog", freq_weights=w)
    long = spector.loc[spector.index.repeat(w.astype(int))].reset_index(drop=True)
    rep = gb.fit_neuron(FORMULA, data=long, activation="cloglog")
    np.testing.assert_allclose(fit.params, rep.params, atol=1e-10)
    assert fit.llf == pytest.approx(rep.llf, abs=1e-10)
    np.testing.assert_allclose(fit.bse, rep.bse, rtol=1e-8)
    model, ref = tight_glm(spector["GRADE"], spector_X(spector), LINKS["cloglog"],
                           freq_weights=w)
    np.testing.assert_allclose(fit.params, ref.params, atol=1e-8)
    assert fit.llf == pytest.approx(ref.llf, abs=1e-10)
    # frequency weights count as repeated rows: nobs is statsmodels' wnobs (Σ f), not its
    # row count, and BIC uses it, as statsmodels' does
    assert fit.nobs == ref.model.wnobs == w.sum()
    assert fit.df_resid == ref.df_resid
    assert fit.aic == pytest.approx(ref.aic, abs=1e-9)
    assert fit.bic == pytest.approx(ref.bic, abs=1e-9)
    cov = np.linalg.inv(-model.hessian(ref.params.to_numpy(), observed=False))
    np.testing.assert_allclose(fit.cov_params("expected"), cov, rtol=1e-7)


def test_freq_weights_by_column_name(spector):
    df = spector.assign(w=np.arange(1, 33) % 3 + 1.0)
    a = gb.fit_neuron(FORMULA, data=df, freq_weights="w")
    b = gb.fit_neuron(FORMULA, data=df, freq_weights=df["w"].to_numpy())
    np.testing.assert_allclose(a.params, b.params, rtol=1e-14)


def test_offset_against_statsmodels(spector):
    off = 0.1 * spector["TUCE"].to_numpy()
    fit = gb.fit_neuron("GRADE ~ GPA + PSI", data=spector, activation="probit", offset=off)
    X = sm.add_constant(spector[["GPA", "PSI"]])
    _, ref = tight_glm(spector["GRADE"], X, LINKS["probit"], offset=off)
    np.testing.assert_allclose(fit.params.to_numpy(), ref.params.to_numpy(), atol=1e-8)
    assert fit.llf == pytest.approx(ref.llf, abs=1e-10)
    # The null model keeps the offset: an intercept-only GLM with the same offset.
    # (statsmodels 0.15's own llnull with an offset is not that model, so refit it here.)
    null = sm.GLM(spector["GRADE"], np.ones(len(spector)), offset=off,
                  family=sm.families.Binomial(LINKS["probit"])).fit(tol=1e-14, maxiter=200)
    assert fit.llnull == pytest.approx(null.llf, abs=1e-9)


def test_fit_is_invariant_to_row_order(spector):
    perm = np.random.default_rng(0).permutation(len(spector))
    a = gb.fit_neuron(FORMULA, data=spector, activation="loglog")
    b = gb.fit_neuron(FORMULA, data=spector.iloc[perm], activation="loglog")
    np.testing.assert_allclose(a.params, b.params, atol=1e-12)


def test_fisher_scoring_reaches_the_same_optimum(spector):
    a = gb.fit_neuron(FORMULA, data=spector, activation="cauchit")
    b = gb.fit_neuron(FORMULA, data=spector, activation="cauchit", fisher_scoring=True,
                      maxiter=500)
    np.testing.assert_allclose(a.params, b.params, atol=1e-8)
    assert b.n_iter > a.n_iter  # scoring is linear for a non-canonical link


@pytest.mark.slow
@pytest.mark.parametrize("act,model", [("logistic", sm.Logit), ("probit", sm.Probit)])
def test_large_n_subsample_start_reaches_the_full_data_optimum(act, model):
    # From 100,000 rows: a subsample fit, then secant-updated chord steps on all rows.
    X, y = simulate_binary(act, n=150_000, p=6, seed=5)
    fit = gb.fit_neuron(X=X, y=y, activation=act)
    # the steps are chosen by counting passes, not by timing them: same data, same bits
    assert np.array_equal(fit.params, gb.fit_neuron(X=X, y=y, activation=act).params)
    Xc = sm.add_constant(X.to_numpy())
    ref = model(y, Xc).fit(disp=0, method="newton", tol=1e-14, maxiter=50)
    np.testing.assert_allclose(fit.params.to_numpy(), ref.params, atol=1e-9, rtol=0)
    np.testing.assert_allclose(fit.bse.to_numpy(), ref.bse, rtol=1e-8)
    assert fit.llf == pytest.approx(ref.llf, abs=1e-8)


def test_summary_reads_like_statsmodels(spector):
    s = gb.fit_neuron(FORMULA, data=spector, activation="probit", cov_type="expected").summary()
    text = str(s)
    for needle in ("Dep. Variable:", "GRADE", "Log-Likelihood:", "P>|z|", "[0.025",
                   "expected (Fisher) information", "Binomial GLM with probit link"):
        assert needle in text
    assert "<table>" in s._repr_html_()


def test_history_records_every_newton_iteration(spector):
    fit = gb.fit_neuron(FORMULA, data=spector)
    h = fit.history
    assert list(h.columns) == ["cost", "Intercept", "GPA", "TUCE", "PSI"]
    assert len(h) == fit.n_iter + 1
    assert np.all(np.diff(h["cost"]) <= 1e-12)
    assert h["cost"].iloc[-1] == pytest.approx(-fit.llf / fit.nobs, rel=1e-12)


@pytest.mark.parametrize("act", ["logistic", "cloglog"])
def test_successes_out_of_trials_equal_statsmodels_two_column_glm(act):
    rng = np.random.default_rng(0)
    n = 60
    x = rng.standard_normal(n)
    m = rng.integers(1, 20, n)
    k = rng.binomial(m, 1 / (1 + np.exp(-(0.3 + 0.8 * x))))
    df = pd.DataFrame({"x": x, "k": k, "m": m})
    fit = gb.fit_neuron("k ~ x", data=df, trials="m", activation=act, cov_type="expected")
    model, ref = tight_glm(np.column_stack([k, m - k]), sm.add_constant(x), LINKS[act])
    np.testing.assert_allclose(fit.params.to_numpy(), ref.params, atol=1e-9)
    for name in ("llf", "llnull", "deviance", "null_deviance", "aic"):
        assert getattr(fit, name) == pytest.approx(getattr(ref, name), rel=1e-10), name
    assert fit.nobs == ref.nobs == n and fit.df_resid == ref.df_resid
    cov = np.linalg.inv(-model.hessian(ref.params, observed=False))
    np.testing.assert_allclose(fit.cov_params().to_numpy(), cov, rtol=1e-7)
    # and it is the same fit as one 0/1 row per trial
    long = pd.DataFrame({"x": np.repeat(x, m),
                         "y": np.concatenate([np.r_[np.ones(a), np.zeros(b - a)]
                                              for a, b in zip(k, m, strict=True)])})
    rows = gb.fit_neuron("y ~ x", data=long, activation=act)
    np.testing.assert_allclose(fit.params.to_numpy(), rows.params.to_numpy(), atol=1e-9)


def test_trials_errors(spector):
    df = spector.assign(m=3.0, k=spector["GRADE"] * 4)
    with pytest.raises(gb.DataError, match="between 0 and the trials"):
        gb.fit_neuron("k ~ GPA", data=df, trials="m")
    with pytest.raises(gb.DataError, match="trials must be positive whole numbers"):
        gb.fit_neuron("GRADE ~ GPA", data=df.assign(m=0.5), trials="m")
