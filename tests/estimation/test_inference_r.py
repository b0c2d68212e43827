"""R's inference of a fitted GLM, item by item, for every link: sandwich's vcovHC and vcovCL,
predict(se.fit = TRUE), residuals(), hatvalues(), cooks.distance(), rstandard(), anova() and
car::linearHypothesis. The numbers are in data/inference_r.py, made by data/inference.R.
"""

import runpy
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import glmnet_bridge as gb

DATA = Path(__file__).parent / "data"
R = runpy.run_path(str(DATA / "inference_r.py"))
MODELS = R["MODELS"]
ACTIVATIONS = list(MODELS)
# R's IRLS reaches the canonical links' optimum to rounding; for the others it crawls
# (linear convergence) and its last digits are the oracle's, not ours.
CANONICAL = ("logistic", "exp", "identity")
NEWDATA = pd.DataFrame({"age": [20, 30, 25, 35], "lwt": [120, 160, 100, 140],
                        "race": ["white", "black", "other", "white"], "smoke": [0, 1, 1, 0],
                        "ht": [0, 0, 1, 0]})


def rtol(act):
    return 1e-8 if act in CANONICAL else 1e-6


def close(actual, desired, tol):
    """Compare to R with a relative tolerance and an absolute one at the scale of R's numbers."""
    desired = np.asarray(desired, dtype=float)
    np.testing.assert_allclose(np.asarray(actual, dtype=float), desired, rtol=tol,
                               atol=tol * np.nanmax(np.abs(desired)))


@pytest.fixture(scope="module")
def birthwt():
    return pd.read_csv(DATA / "birthwt.csv")


@pytest.fixture(scope="module")
def fits(birthwt):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return {act: gb.fit_neuron(r["formula"], birthwt, activation=act, cov_type="expected")
                for act, r in MODELS.items()}


@pytest.mark.parametrize("act", ACTIVATIONS)
def test_fit_is_r_glm(fits, act):
    fit, r = fits[act], MODELS[act]
    assert len(fit.names) == len(r["names"])
    close(fit.params, r["params"], rtol(act) / 10)
    close(fit.cov_params(), r["vcov"], rtol(act))
    assert fit.deviance == pytest.approx(r["deviance"], rel=1e-12)
    assert fit.scale == pytest.approx(r["dispersion"], rel=1e-12)


@pytest.mark.parametrize("act", ACTIVATIONS)
def test_hc_covariances_are_sandwich_vcovhc(fits, act):
    fit, r = fits[act], MODELS[act]
    for kind in ("HC0", "HC1", "HC2", "HC3"):
        close(fit.cov_params(kind), r[kind], rtol(act))


@pytest.mark.parametrize("act", ACTIVATIONS)
def test_cluster_covariance_is_vcovcl(fits, birthwt, act):
    fit, r = fits[act], MODELS[act]
    close(fit.cov_params("cluster", {"groups": "grp"}), r["cluster_HC1"], 10 * rtol(act))
    close(fit.cov_params("cluster", {"groups": birthwt["grp"].to_numpy(), "type": "HC0"}),
          r["cluster_HC0"], 10 * rtol(act))


@pytest.mark.parametrize("act", ACTIVATIONS)
def test_predictions_are_r_predict_se_fit(fits, act):
    fit, r = fits[act], MODELS[act]
    link = fit.get_prediction(NEWDATA, which="linear").summary_frame()
    resp = fit.get_prediction(NEWDATA).summary_frame(alpha=0.1)
    assert list(resp.columns) == ["mean", "mean_se", "mean_ci_lower", "mean_ci_upper"]
    close(link["mean"], r["pred_link"], rtol(act))
    close(link["mean_se"], r["pred_link_se"], rtol(act))
    close(resp["mean"], r["pred_response"], rtol(act))
    close(resp["mean_se"], r["pred_response_se"], rtol(act))
    # the response interval is the link interval mapped through σ (t for the Gaussian)
    from scipy import stats

    q = stats.t(fit.df_resid).ppf(0.95) if act == "identity" else stats.norm.ppf(0.95)
    lo = np.asarray(r["pred_link"]) - q * np.asarray(r["pred_link_se"])
    close(resp["mean_ci_lower"], fit.activation(lo), rtol(act))
    assert np.all(resp["mean_ci_lower"] < resp["mean"]) and \
        np.all(resp["mean"] < resp["mean_ci_upper"])


@pytest.mark.parametrize("act", ACTIVATIONS)
def test_residuals_and_influence_are_r(fits, act):
    fit, r = fits[act], MODELS[act]
    tol = 10 * rtol(act)
    for kind in ("response", "pearson", "deviance", "working"):
        close(getattr(fit, f"resid_{kind}"), r[f"resid_{kind}"], tol)
    infl = fit.get_influence()
    close(infl.hat_matrix_diag, r["hatvalues"], tol)
    close(infl.cooks_distance, r["cooks"], tol)
    close(infl.resid_studentized, r["rstandard"], tol)
    close(infl.resid_standardized("pearson"), r["rstandard_pearson"], tol)
    assert infl.summary_frame().shape == (fit.nobs, 4)


@pytest.mark.parametrize("act", ACTIVATIONS)
def test_wald_test_is_linear_hypothesis(fits, act):
    fit, r = fits[act], MODELS[act]
    res = fit.wald_test("age = 0, smoke = ht")
    assert res.df == r["wald_df"] == 2
    assert res.statistic == pytest.approx(r["wald_chisq"], rel=rtol(act))
    assert res.pvalue == pytest.approx(r["wald_pvalue"], rel=100 * rtol(act))
    R_race = np.zeros((2, len(fit.params)))
    R_race[0, fit.names.index("race[T.other]")] = R_race[1, fit.names.index("race[T.white]")] = 1
    assert fit.wald_test(R_race).statistic == pytest.approx(r["wald_race_chisq"], rel=rtol(act))
    terms = fit.wald_test_terms()
    assert terms.loc["race", "statistic"] == pytest.approx(r["wald_race_chisq"], rel=rtol(act))
    assert terms.loc["race", "df_constraint"] == 2


@pytest.mark.parametrize("act", ACTIVATIONS)
def test_anova_is_r_sequential_analysis_of_deviance(fits, act):
    fit, r = fits[act], MODELS[act]
    table = fit.anova()
    assert list(table.index) == r["anova_terms"]
    assert list(table.columns) == r["anova_columns"]
    close(table.to_numpy()[1:], np.asarray(r["anova"])[1:], 1e-9)
    close(table.iloc[0, 2:4], np.asarray(r["anova"])[0, 2:4], 1e-9)
    if act == "identity":
        chisq = fit.anova(test="Chisq")
        close(chisq.to_numpy()[1:], np.asarray(r["anova_chisq"])[1:], 1e-9)


@pytest.mark.parametrize("act", ACTIVATIONS)
def test_nested_anova_and_lr_test(fits, birthwt, act):
    fit, r = fits[act], MODELS[act]
    small = gb.fit_neuron(r["formula"].split("~")[0] + "~ age + lwt", birthwt, activation=act)
    table = gb.anova(small, fit)
    close(table.to_numpy()[1:], np.asarray(r["lrt"])[1:], 1e-9)
    stat, p, df = fit.compare_lr_test(small)
    assert df == 4
    assert stat == pytest.approx(2 * (fit.llf - small.llf), rel=1e-12)
    if act != "identity":
        # known dispersion: the LR statistic is the drop in deviance
        assert stat == pytest.approx(r["lrt"][1][3], rel=1e-9)
        assert p == pytest.approx(r["lrt"][1][4], rel=1e-7)
