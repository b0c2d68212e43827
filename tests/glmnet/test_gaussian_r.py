"""Gaussian elastic-net paths on glmnet's objective, against R (fixture made by data/gaussian.R)."""

import runpy
from pathlib import Path

import numpy as np
import pytest

import glmnet_bridge as gb

R = runpy.run_path(str(Path(__file__).parent / "data" / "gaussian_r.py"))
X, Y = np.array(R["X"]), np.array(R["Y"])


@pytest.mark.parametrize("name", list(R["FITS"]))
def test_gaussian_path_matches_glmnet(name):
    r = R["FITS"][name]
    path = gb.glmnet_path(X, Y, activation="identity", alpha=r["alpha"],
                          fit_intercept=r["intercept"], tol=1e-12)
    np.testing.assert_allclose(path.lambdas, r["lambda"], rtol=1e-12)
    np.testing.assert_allclose(path.coefs.to_numpy(), r["coef"], rtol=1e-6, atol=1e-7)


def test_the_exact_objective_is_an_option_and_differs():
    r = R["FITS"]["alpha0.5"]
    exact = gb.glmnet_path(X, Y, activation="identity", alpha=0.5, glmnet_gaussian=False,
                           lambdas=r["lambda"], tol=1e-12)
    b = exact.coefs.to_numpy()[30]
    lam, sd = r["lambda"][30], X.std(axis=0)
    # the subgradient conditions of ½·mean((y − z)²) + lam·Σ s_j (½·½w_j²·s_j + ½|w_j|)
    resid = Y - b[0] - X @ b[1:]
    g = -X.T @ resid / len(Y) + lam * 0.5 * sd**2 * b[1:]
    viol = np.where(b[1:] != 0, np.abs(g + lam * 0.5 * sd * np.sign(b[1:])),
                    np.maximum(np.abs(g) - lam * 0.5 * sd, 0))
    assert viol.max() < 1e-9
    assert np.abs(b - np.array(r["coef"][30])).max() > 1e-3
