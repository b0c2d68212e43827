"""cv_glmnet and glmnet's conventions against R's glmnet 4.1-6 (fixture made by data/cv.R)."""

import runpy
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

import glmnet_bridge as gb

cv_r = SimpleNamespace(**runpy.run_path(str(Path(__file__).parent / "data" / "cv_r.py")))

X = np.array(cv_r.X)
ACT = {"binomial": "logistic", "gaussian": "identity", "poisson": "exp"}
CASES = [(fam, m) for fam, ms in cv_r.CV.items() for m in ms]


@pytest.fixture(scope="module")
def fits():
    # One cv_glmnet per case; computed once for the module.
    return {(fam, m): gb.cv_glmnet(X, np.array(cv_r.Y[fam]), activation=ACT[fam],
                                   foldid=np.array(cv_r.FOLDID), type_measure=m)
            for fam, m in CASES}


@pytest.mark.parametrize(("family", "measure"), CASES)
def test_cv_matches_r_exactly(fits, family, measure):
    r = cv_r.CV[family][measure]
    cv = fits[family, measure]
    np.testing.assert_allclose(cv.lambdas, r["lambda"], rtol=1e-12)
    np.testing.assert_allclose(cv.cvm, r["cvm"], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(cv.cvsd, r["cvsd"], rtol=1e-6, atol=1e-7)
    # the same λ of the sequence (the λ themselves agree to rounding)
    lam = np.array(r["lambda"])
    assert cv.index_min == np.flatnonzero(lam == r["lambda_min"])[0]
    assert cv.index_1se == np.flatnonzero(lam == r["lambda_1se"])[0]
    assert cv.lambda_min == pytest.approx(r["lambda_min"], rel=1e-13)


def test_penalty_factors_are_rescaled_as_glmnet_does():
    r = cv_r.FACTOR
    path = gb.glmnet_path(X, np.array(cv_r.Y["binomial"]), penalty_factor=r["factors"],
                          tol=1e-12)
    # λ_max comes from the gradient at the fit of the unpenalised column x1: both fits
    # are iterative, so the λ agree to 1e-9, not to rounding
    np.testing.assert_allclose(path.lambdas, r["lambda"], rtol=1e-9)
    got = path.coefs.to_numpy()[r["index"]]
    np.testing.assert_allclose(got, r["coef"], rtol=1e-6, atol=1e-7)


def test_a_ridge_path_starts_at_the_null_model_as_glmnet_reports_it():
    y = np.array(cv_r.Y["gaussian"])
    path = gb.glmnet_path(X, y, activation="identity", alpha=0.0, tol=1e-12)
    np.testing.assert_allclose(path.lambdas[:3], cv_r.RIDGE["lambda"], rtol=1e-12)
    first = path.coefs.to_numpy()[0]
    assert first[0] == pytest.approx(y.mean(), rel=1e-14) and not first[1:].any()
    np.testing.assert_allclose(first, cv_r.RIDGE["coef"][0], atol=1e-12)


def test_coef_between_lambdas_interpolates_as_coef_glmnet():
    path = gb.glmnet_path(X, np.array(cv_r.Y["binomial"]), tol=1e-12)
    got = path.coef(cv_r.INTERP["s"]).to_numpy()
    np.testing.assert_allclose(got, cv_r.INTERP["coef"], rtol=1e-6, atol=1e-7)


def test_a_single_fit_rescales_penalty_factors_too():
    r = cv_r.FACTOR
    j = r["index"][2]
    fit = gb.fit_neuron(X=X, y=np.array(cv_r.Y["binomial"]), lam=r["lambda"][j], alpha=1.0,
                        standardize=True, penalty_factor=r["factors"], tol=1e-12)
    np.testing.assert_allclose(fit.params.to_numpy(), r["coef"][2], rtol=1e-6, atol=1e-7)
