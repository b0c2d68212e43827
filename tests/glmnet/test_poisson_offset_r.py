"""Poisson paths and cv_glmnet with an exposure, against R (fixture: data/poisson_offset.R)."""

import runpy
from pathlib import Path

import numpy as np
import pytest

import glmnet_bridge as gb

R = runpy.run_path(str(Path(__file__).parent / "data" / "poisson_offset_r.py"))
X, Y, EXPOSURE = np.array(R["X"]), np.array(R["Y"]), np.array(R["EXPOSURE"])


def test_poisson_path_with_exposure_matches_glmnet():
    path = gb.glmnet_path(X, Y, activation="exp", exposure=EXPOSURE, tol=1e-12)
    np.testing.assert_allclose(path.lambdas, R["LAMBDA"], rtol=1e-10)
    assert path.null_deviance == pytest.approx(R["NULLDEV"], rel=1e-12)
    np.testing.assert_allclose(path.dev_ratio, R["DEV_RATIO"], rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(path.coefs.to_numpy(), R["COEF"], rtol=1e-6, atol=1e-7)
    same = gb.glmnet_path(X, Y, activation="exp", offset=np.log(EXPOSURE), tol=1e-12)
    np.testing.assert_array_equal(same.coefs.to_numpy(), path.coefs.to_numpy())
    # a rate: the new rows' exposure scales the predicted count
    mu = path.predict(X[:3], s=path.lambdas[20], offset=np.log(EXPOSURE[:3]))[:, 0]
    rate = path.predict(X[:3], s=path.lambdas[20], offset=np.zeros(3))[:, 0]
    np.testing.assert_allclose(mu, rate * EXPOSURE[:3], rtol=1e-12)
    with pytest.raises(ValueError, match="offset"):
        path.predict(X[:3])


def test_poisson_cv_with_exposure_matches_cv_glmnet():
    cv = gb.cv_glmnet(X, Y, activation="exp", exposure=EXPOSURE,
                      foldid=np.array(R["FOLDID"]), tol=1e-12)
    np.testing.assert_allclose(cv.lambdas, R["CV_LAMBDA"], rtol=1e-10)
    np.testing.assert_allclose(cv.cvm, R["CVM"], rtol=1e-6)
    np.testing.assert_allclose(cv.cvsd, R["CVSD"], rtol=1e-6)
    assert cv.lambda_min == pytest.approx(R["LAMBDA_MIN"], rel=1e-10)
    assert cv.lambda_1se == pytest.approx(R["LAMBDA_1SE"], rel=1e-10)
