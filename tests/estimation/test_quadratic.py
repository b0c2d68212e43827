"""Chapter 1's quadratic cost on a sigmoid neuron is nonlinear least squares, not the MLE."""

import numpy as np
import pytest
from scipy import optimize
from scipy.special import expit

import glmnet_bridge as gb

F = "GRADE ~ GPA + TUCE + PSI"


@pytest.fixture(scope="module")
def data(spector):
    X = np.column_stack([np.ones(32), spector[["GPA", "TUCE", "PSI"]].to_numpy()])
    return X, spector["GRADE"].to_numpy()


def nls_gradient(X, y, b):
    mu = expit(X @ b)
    return -X.T @ ((y - mu) * mu * (1 - mu))


def nls_hessian(X, y, b, h=1e-6):
    cols = []
    for j in range(len(b)):
        e = np.zeros(len(b))
        e[j] = h * max(1.0, abs(b[j]))
        cols.append((nls_gradient(X, y, b + e) - nls_gradient(X, y, b - e)) / (2 * e[j]))
    A = np.column_stack(cols)
    return 0.5 * (A + A.T)


def test_quadratic_neuron_is_the_least_squares_minimum(spector, data):
    X, y = data
    fit = gb.fit_neuron(F, data=spector, cost="quadratic")
    assert fit.converged and fit.cov_type == "sandwich"
    b = fit.params.to_numpy()
    # first-order condition by an independent gradient, second-order by its differences
    assert np.max(np.abs(nls_gradient(X, y, b))) < 1e-10
    assert np.linalg.eigvalsh(nls_hessian(X, y, b))[0] > 0
    # scipy's Levenberg-Marquardt stops on ftol with a gradient ~1e-8: it agrees to ~1e-5
    mle = gb.fit_neuron(F, data=spector).params.to_numpy()
    ls = optimize.least_squares(lambda v: y - expit(X @ v), mle, xtol=1e-15, ftol=1e-15,
                                gtol=1e-15, method="lm")
    np.testing.assert_allclose(b, ls.x, atol=1e-5)
    assert 0.5 * np.sum((y - expit(X @ b)) ** 2) <= ls.cost + 1e-15


def test_quadratic_neuron_is_not_the_mle(spector):
    nls = gb.fit_neuron(F, data=spector, cost="quadratic")
    mle = gb.fit_neuron(F, data=spector)
    assert np.max(np.abs(nls.params - mle.params)) > 0.5
    assert nls.llf < mle.llf  # the MLE maximises the likelihood; least squares does not


def test_sandwich_standard_errors_by_finite_differences(spector, data):
    X, y = data
    fit = gb.fit_neuron(F, data=spector, cost="quadratic")
    b = fit.params.to_numpy()

    mu = expit(X @ b)
    G = -X * ((y - mu) * mu * (1 - mu))[:, None]   # per-row gradients of ½(y − σ)²
    Ainv = np.linalg.inv(nls_hessian(X, y, b))
    cov = Ainv @ (G.T @ G) @ Ainv
    np.testing.assert_allclose(fit.bse.to_numpy(), np.sqrt(np.diag(cov)), rtol=1e-6)


def test_quadratic_cost_has_no_likelihood_covariance(spector):
    fit = gb.fit_neuron(F, data=spector, cost="quadratic")
    with pytest.raises(ValueError, match="not a likelihood"):
        fit.cov_params("observed")
    assert "not the MLE" in str(fit.summary())


def test_identity_neuron_with_quadratic_cost_is_the_linear_probability_model(spector):
    import statsmodels.api as sm

    fit = gb.fit_neuron(F, data=spector, activation="identity")
    ols = sm.OLS(spector["GRADE"], sm.add_constant(spector[["GPA", "TUCE", "PSI"]])).fit()
    np.testing.assert_allclose(fit.params.to_numpy(), ols.params.to_numpy(), atol=1e-12)
    np.testing.assert_allclose(fit.bse.to_numpy(), ols.bse.to_numpy(), rtol=1e-10)
