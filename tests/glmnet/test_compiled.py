"""The compiled coordinate-descent path: KKT conditions checked in numpy, and the same answers
as the engine's proximal-Newton path (a different algorithm) on the same problems."""

import numpy as np
import pytest

import glmnet_bridge as gb
from glmnet_bridge.glmnet import compiled
from glmnet_bridge.glmnet import path as path_module

ACT = {"binomial": "logistic", "poisson": "exp", "gaussian": "identity"}


def _data(family, n=300, p=8, seed=3):
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n, p))
    Z[:, 1] = 0.95 * Z[:, 0] + 0.3 * Z[:, 1]          # strongly correlated pair
    X = Z * np.array([1, 10, 0.01, 100, 1, 0.1, 3, 0.5])[:p]  # columns on different scales
    eta = 0.3 + 0.8 * Z[:, 0] - 0.5 * Z[:, 2] + 0.4 * Z[:, 3]
    if family == "binomial":
        y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    elif family == "poisson":
        y = rng.poisson(np.exp(0.5 * eta)).astype(float)
    else:
        y = 5 * eta + rng.standard_normal(n)
    return X, y, rng.integers(1, 4, n).astype(float), 0.2 * rng.standard_normal(n)


def _kkt(family, X, y, f, off, coefs, lam, alpha, factors, intercept, standardize, ridge=1.0):
    """Largest KKT violation of glmnet's objective at one λ, computed here from scratch.

    Each violation is divided by √(x_j'Vx_j) (units of the linear predictor), as the
    path's tolerance is stated.
    """
    w = f / f.sum()
    xm = w @ X if intercept else np.zeros(X.shape[1])
    s = np.sqrt(w @ (X - w @ X) ** 2) if standardize else np.ones(X.shape[1])
    b0, beta = (coefs[0], coefs[1:]) if intercept else (0.0, coefs)
    z = off + b0 + X @ beta
    mu = {"binomial": lambda t: 1 / (1 + np.exp(-t)), "poisson": np.exp,
          "gaussian": lambda t: t}[family](z)
    Xs = (X - xm) / s
    g = Xs.T @ (w * (y - mu))                          # minus the gradient, standardised
    var = {"binomial": mu * (1 - mu), "poisson": mu, "gaussian": np.ones_like(mu)}[family]
    root = np.sqrt((w * var) @ Xs ** 2)
    b = beta * s
    v = factors * len(factors) / factors.sum()
    l1, l2 = lam * alpha * v, lam * (1 - alpha) * v / ridge
    viol = np.where(b != 0, np.abs(g - l1 * np.sign(b) - l2 * b), np.maximum(np.abs(g) - l1, 0))
    return max((viol / root).max(), abs(w @ (y - mu)) if intercept else 0.0)


@pytest.mark.parametrize("family", list(ACT))
@pytest.mark.parametrize(("alpha", "intercept", "standardize"),
                         [(1.0, True, True), (0.5, True, True), (1.0, False, True),
                          (0.3, True, False)])
def test_every_point_meets_the_kkt_conditions(family, alpha, intercept, standardize):
    X, y, f, off = _data(family)
    factors = np.array([1, 1, 2, 0.5, 1, 1, 3, 1.0])
    p = gb.glmnet_path(X, y, activation=ACT[family], alpha=alpha, freq_weights=f, offset=off,
                       penalty_factor=factors, fit_intercept=intercept,
                       standardize=standardize, glmnet_gaussian=False, progress=False)
    assert p.converged.all()
    worst = max(_kkt(family, X, y, f, off, c, lam, alpha, factors, intercept, standardize)
                for lam, c in zip(p.lambdas, p.coefs.to_numpy(), strict=True))
    assert worst < 1e-8


@pytest.mark.parametrize("family", list(ACT))
def test_the_same_path_as_the_engines_newton(family, monkeypatch):
    X, y, f, off = _data(family, seed=5)
    kw = dict(activation=ACT[family], alpha=0.7, freq_weights=f, offset=off, progress=False,
              tol=1e-11)
    fast = gb.glmnet_path(X, y, **kw)
    monkeypatch.setattr(path_module, "compiled_family", lambda *a: None)
    slow = gb.glmnet_path(X, y, **kw)
    np.testing.assert_array_equal(fast.lambdas, slow.lambdas)
    np.testing.assert_allclose(fast.coefs.to_numpy(), slow.coefs.to_numpy(), rtol=1e-7,
                               atol=1e-7 * np.abs(slow.coefs.to_numpy()).max())
    np.testing.assert_allclose(fast.deviance, slow.deviance, rtol=1e-10)


def test_wide_data_p_greater_than_n():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 400))
    y = (X[:, :5].sum(axis=1) + rng.standard_normal(60) > 0).astype(float)
    p = gb.glmnet_path(X, y, progress=False)
    f, off = np.ones(60), np.zeros(60)
    assert p.converged.all() and p.df.max() > 10
    worst = max(_kkt("binomial", X, y, f, off, c, lam, 1.0, np.ones(400), True, True)
                for lam, c in zip(p.lambdas, p.coefs.to_numpy(), strict=True))
    assert worst < 1e-8


def test_a_poisson_jump_from_far_is_halved_back_to_the_optimum():
    # two λ far apart: the first quadratic model overshoots (counts up to e^6)
    rng = np.random.default_rng(2)
    X = rng.standard_normal((200, 3))
    y = rng.poisson(np.exp(1 + 1.5 * X[:, 0] + X[:, 1])).astype(float)
    p = gb.glmnet_path(X, y, activation="exp", lambdas=[10.0, 1e-4], progress=False)
    assert p.converged.all()
    ref = gb.fit_neuron(X=X, y=y, activation="exp", lam=1e-4, alpha=1.0)
    np.testing.assert_allclose(p.coefs.to_numpy()[-1], ref.params, rtol=1e-6)


def test_an_unconverged_point_says_so(monkeypatch):
    X, y, _, _ = _data("binomial")
    monkeypatch.setattr(compiled, "_MAXIT", 2)
    p = gb.glmnet_path(X, y, progress=False, lambdas=[0.1, 1e-4])
    assert not p.converged[-1]
