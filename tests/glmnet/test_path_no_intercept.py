"""glmnet paths without an intercept, against R's glmnet(..., intercept = FALSE).

The fixture data/no_intercept_r.py is written by data/no_intercept.R (glmnet 4.1-6,
thresh = 1e-14). R standardises by the centred SD even without an intercept (it does
not centre the columns), its null model is β = 0, and nulldev is that model's deviance.
"""

import runpy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit

import glmnet_bridge as gb
from glmnet_bridge.exceptions import DataError

R = runpy.run_path(str(Path(__file__).parent / "data" / "no_intercept_r.py"))
X = np.array(R["X"])
COLUMNS = R["COLUMNS"]
# Gaussian with alpha < 1 is left out of the coefficient checks: glmnet also divides y
# by its SD there (without an intercept by sqrt(mean(y²))), which the path does not do.
MATCHED = ["binomial_lasso", "binomial_enet", "gaussian_lasso"]


def _outcome(fit):
    return np.array(R["Y_BINOMIAL"] if fit["family"] == "binomial" else R["Y_GAUSSIAN"])


def _activation(fit):
    return "logistic" if fit["family"] == "binomial" else "identity"


def _frame(y):
    return pd.DataFrame(X, columns=COLUMNS).assign(y=y)


def _paths(name, **kwargs):
    """The path from X/y with fit_intercept=False and from '- 1' and '+ 0' formulas."""
    fit = R["FITS"][name]
    y = _outcome(fit)
    common = dict(activation=_activation(fit), alpha=fit["alpha"], **kwargs)
    return {
        "X/y": gb.glmnet_path(X, y, fit_intercept=False, **common),
        "- 1": gb.glmnet_path(formula="y ~ x1 + x2 + x3 - 1", data=_frame(y), **common),
        "+ 0": gb.glmnet_path(formula="y ~ x1 + x2 + x3 + 0", data=_frame(y), **common),
    }


@pytest.mark.parametrize("name", MATCHED)
def test_coefficients_match_r_at_rs_lambdas(name):
    fit = R["FITS"][name]
    for form, path in _paths(name, lambdas=fit["lambda"]).items():
        assert list(path.coefs.columns) == COLUMNS, form  # no Intercept
        got = path.coefs.to_numpy()[fit["index"]]
        np.testing.assert_allclose(got, np.array(fit["beta"]), rtol=0, atol=1e-6,
                                   err_msg=form)
        np.testing.assert_allclose(path.dev_ratio, fit["dev_ratio"], rtol=0, atol=1e-6,
                                   err_msg=form)
        assert path.null_deviance == pytest.approx(fit["nulldev"], rel=1e-12)


@pytest.mark.parametrize("name", MATCHED)
def test_lambda_sequence_and_early_stop_are_rs(name):
    fit = R["FITS"][name]
    for form, path in _paths(name).items():
        assert len(path.lambdas) == len(fit["lambda"]), form  # glmnet's early stop too
        np.testing.assert_allclose(path.lambdas, fit["lambda"], rtol=1e-10, atol=0,
                                   err_msg=form)
        assert np.all(path.coefs.iloc[0].to_numpy() == 0), form
        assert path.df[0] == 0 and path.df[-1] == 3


def test_lambda_sequence_of_gaussian_elastic_net_is_rs():
    fit = R["FITS"]["gaussian_enet"]
    path = gb.glmnet_path(X, _outcome(fit), activation="identity", alpha=fit["alpha"],
                          fit_intercept=False, early_stop=False)
    lam = np.asarray(fit["lambda"])
    np.testing.assert_allclose(path.lambdas[:len(lam)], lam, rtol=1e-10, atol=0)
    assert np.all(path.coefs.iloc[0].to_numpy() == 0)


def test_lambda_max_uses_every_column_with_two_predictors():
    # with two predictors the old code ran, but left the first column out of λ_max
    y = np.array(R["Y_BINOMIAL"])
    path = gb.glmnet_path(formula="y ~ x1 + x2 - 1", data=_frame(y), nlambda=20)
    assert list(path.coefs.columns) == ["x1", "x2"]
    Xs = X[:, :2]
    grad = Xs.T @ (0.5 - y) / len(y)            # ∂(−loglik/n)/∂w at β = 0 (μ = ½)
    assert path.lambdas[0] == pytest.approx(np.max(np.abs(grad) / Xs.std(axis=0)), rel=1e-12)
    assert np.all(path.coefs.iloc[0].to_numpy() == 0)
    assert np.any(path.coefs.iloc[1].to_numpy() != 0)
    b = path.coefs.iloc[5].to_numpy()
    new = pd.DataFrame(Xs, columns=["x1", "x2"])
    np.testing.assert_allclose(path.predict(new)[:, 5], expit(Xs @ b), rtol=1e-12)


def test_fit_intercept_false_with_an_intercept_formula_is_refused():
    y = np.array(R["Y_BINOMIAL"])
    with pytest.raises(DataError, match="- 1"):
        gb.glmnet_path(formula="y ~ x1 + x2 + x3", data=_frame(y), fit_intercept=False)
    with pytest.raises(DataError, match="- 1"):
        gb.cv_glmnet(formula="y ~ x1 + x2 + x3", data=_frame(y), fit_intercept=False)
    # the formula decides: one without an intercept needs no keyword
    path = gb.glmnet_path(formula="y ~ x1 + x2 + x3 - 1", data=_frame(y), fit_intercept=False,
                          nlambda=5)
    assert "Intercept" not in path.coefs.columns


def test_cv_glmnet_without_an_intercept():
    y = np.array(R["Y_BINOMIAL"])
    folds = np.arange(len(y)) % 5 + 1
    # folds on the full λ (not R's own sequences), to recompute one λ by hand below
    cv = gb.cv_glmnet(formula="y ~ x1 + x2 + x3 - 1", data=_frame(y), foldid=folds,
                      nlambda=30, tol=1e-12, fold_lambdas="full", r_conventions=False)
    assert list(cv.path.coefs.columns) == COLUMNS
    assert np.all(np.isfinite(cv.cvm)) and np.all(np.isfinite(cv.cvsd))
    assert cv.lambdas[-1] <= cv.lambda_min <= cv.lambda_1se <= cv.lambdas[0]
    xy = gb.cv_glmnet(X, y, fit_intercept=False, foldid=folds, nlambda=30, tol=1e-12,
                      fold_lambdas="full", r_conventions=False)
    np.testing.assert_allclose(xy.cvm, cv.cvm, rtol=1e-10)
    # cvm at one λ by hand: each fold refitted without an intercept
    j = 12
    losses, sizes = [], []
    for k in range(1, 6):
        tr, te = folds != k, folds == k
        fold = gb.glmnet_path(X[tr], y[tr], fit_intercept=False, lambdas=cv.lambdas,
                              tol=1e-12)
        assert list(fold.coefs.columns) == COLUMNS
        mu = expit(X[te] @ fold.coefs.iloc[j].to_numpy())
        losses.append(np.mean(-2 * (y[te] * np.log(mu) + (1 - y[te]) * np.log(1 - mu))))
        sizes.append(te.sum())
    assert cv.cvm[j] == pytest.approx(np.average(losses, weights=sizes), rel=1e-8)
