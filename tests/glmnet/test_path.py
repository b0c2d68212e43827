import numpy as np
import pytest
from scipy.special import expit

import glmnet_bridge as gb


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(3)
    n, p = 300, 8
    X = rng.standard_normal((n, p)) * np.linspace(0.5, 2, p)
    y = (rng.random(n) < expit(0.2 + X[:, 0] - 0.5 * X[:, 1] + 0.3 * X[:, 2])).astype(float)
    return X, y


@pytest.fixture(scope="module")
def path(data):
    return gb.glmnet_path(*data, alpha=1.0, tol=1e-12)  # to compare points with single fits


def test_lambda_max_is_where_every_weight_enters(data, path):
    X, y = data
    ybar = y.mean()
    g = X.T @ (ybar - y) / len(y)              # gradient of −loglik/n at the null model
    lam_max = np.max(np.abs(g) / X.std(axis=0))
    assert path.lambdas[0] == pytest.approx(lam_max, rel=1e-12)
    assert np.all(path.coefs.iloc[0, 1:] == 0)
    assert path.coefs.iloc[0, 0] == pytest.approx(np.log(ybar / (1 - ybar)), rel=1e-9)
    just_below = gb.fit_neuron(X=X, y=y, lam=0.99 * lam_max, alpha=1.0, standardize=True)
    assert (just_below.params.iloc[1:] != 0).sum() == 1


def test_sequence_is_glmnets(data, path):
    lams = path.lambdas
    ratios = lams[1:] / lams[:-1]
    np.testing.assert_allclose(ratios, ratios[0], rtol=1e-10)  # log-spaced
    full = gb.glmnet_path(*data, alpha=1.0, early_stop=False)
    assert len(full.lambdas) == 100
    assert full.lambdas[-1] / full.lambdas[0] == pytest.approx(1e-4)  # n > p
    X, y = data
    wide = gb.glmnet_path(X[:6], y[:6], alpha=1.0, early_stop=False, nlambda=10)
    assert wide.lambdas[-1] / wide.lambdas[0] == pytest.approx(1e-2)  # n ≤ p
    assert len(path.lambdas) <= 100  # glmnet's early stop on deviance explained


def _glmnet_stop(ratio, family):
    """Points glmnet keeps, its path loop replayed on a full path's dev.ratio (m 0-based)."""
    mnl, sml, rsqmax = 5, 1e-5 * (10 if family == "poisson" else 1), 0.999
    for m in range(len(ratio)):
        if m + 1 < mnl:
            continue
        if family == "binomial":
            change = ratio[m] - ratio[m - 1]
        elif family == "poisson":
            change = (ratio[m] - ratio[m - mnl + 1]) / ratio[m]
        else:
            change = (ratio[m] - ratio[m - 1]) / ratio[m]
        if change < sml or ratio[m] > rsqmax:
            return m + 1
    return len(ratio)


@pytest.mark.parametrize("activation,family", [("logistic", "binomial"), ("exp", "poisson"),
                                               ("identity", "gaussian")])
def test_early_stop_follows_glmnets_rule_for_each_family(activation, family):
    rng = np.random.default_rng(11)
    n = 400
    X = rng.standard_normal((n, 6))
    eta = 0.3 + X[:, 0] - 0.5 * X[:, 1]
    y = {"binomial": (rng.random(n) < expit(eta)).astype(float),
         "poisson": rng.poisson(np.exp(0.5 * eta)).astype(float),
         "gaussian": eta + rng.standard_normal(n)}[family]
    full = gb.glmnet_path(X, y, activation=activation, early_stop=False)
    stopped = gb.glmnet_path(X, y, activation=activation)
    keep = _glmnet_stop(full.dev_ratio, family)
    assert keep < 100  # the rule bites on these data
    assert len(stopped.lambdas) == keep
    np.testing.assert_allclose(stopped.dev_ratio, full.dev_ratio[:keep], rtol=1e-9)


@pytest.mark.parametrize("alpha", [1.0, 0.3, 0.0])
def test_default_tolerance_meets_the_kkt_conditions_at_every_point(data, alpha):
    X, y = data
    p = gb.glmnet_path(X, y, alpha=alpha)
    tight = gb.glmnet_path(X, y, alpha=alpha, tol=1e-12, lambdas=p.lambdas)
    sd = X.std(axis=0)
    start = 1 if alpha == 0 else 0  # glmnet reports a ridge's first λ as the null model
    for lam, b in zip(p.lambdas[start:], p.coefs.to_numpy()[start:], strict=True):
        # the subgradient conditions of glmnet's objective, from the data, on the
        # original scale: ∂/∂w_j of −loglik/n is X_j'(μ − y)/n
        grad = X.T @ (expit(b[0] + X @ b[1:]) - y) / len(y)
        w = b[1:]
        g = grad + lam * (1 - alpha) * sd**2 * w
        viol = np.where(w != 0, np.abs(g + lam * alpha * sd * np.sign(w)),
                        np.maximum(np.abs(g) - lam * alpha * sd, 0.0))
        assert viol.max() <= 1e-8
        assert abs(np.mean(expit(b[0] + X @ w) - y)) <= 1e-8  # the free bias
    np.testing.assert_allclose(p.coefs.to_numpy()[start:], tight.coefs.to_numpy()[start:],
                               atol=1e-6)


def test_every_point_is_the_penalised_optimum(data, path):
    X, y = data
    for i in (5, 20, len(path.lambdas) - 1):
        fit = gb.fit_neuron(X=X, y=y, lam=path.lambdas[i], alpha=1.0, standardize=True)
        np.testing.assert_allclose(path.coefs.iloc[i].to_numpy(), fit.params.to_numpy(),
                                   atol=1e-8)


def test_df_and_deviance_explained(data, path):
    X, y = data
    i = 30
    b = path.coefs.iloc[i].to_numpy()
    mu = expit(b[0] + X @ b[1:])
    dev = -2 * np.sum(y * np.log(mu) + (1 - y) * np.log(1 - mu))
    null = -2 * np.sum(y * np.log(y.mean()) + (1 - y) * np.log(1 - y.mean()))
    assert path.dev_ratio[i] == pytest.approx(1 - dev / null, rel=1e-10)
    assert path.df[i] == np.count_nonzero(b[1:])
    assert np.all(np.diff(path.dev_ratio) >= -1e-12)


def test_ridge_and_probit_paths(data):
    ridge = gb.glmnet_path(*data, alpha=0.0, nlambda=20)
    assert np.all(ridge.df[1:] == data[0].shape[1])  # ridge never zeroes a weight
    probit = gb.glmnet_path(*data, activation="probit", alpha=0.5, nlambda=20)
    assert probit.activation == "probit" and probit.converged.all()


def test_cv_glmnet_chooses_lambda_like_cv_glmnet(data):
    X, y = data
    folds = np.arange(len(y)) % 5 + 1
    # the exact alternative to R's conventions: folds on the full λ, no clamping
    cv = gb.cv_glmnet(X, y, alpha=1.0, foldid=folds, tol=1e-12, fold_lambdas="full",
                      r_conventions=False)
    best = int(np.argmin(cv.cvm))
    assert cv.lambda_min == cv.lambdas[best]
    within = cv.cvm <= cv.cvm[best] + cv.cvsd[best]
    assert cv.lambda_1se == cv.lambdas[np.flatnonzero(within).min()]
    assert cv.lambda_1se >= cv.lambda_min
    # cvm at one λ, recomputed by hand from five refits
    j = 10
    lam = cv.lambdas[j]
    losses, sizes = [], []
    for k in range(1, 6):
        tr, te = folds != k, folds == k
        path_k = gb.glmnet_path(X[tr], y[tr], alpha=1.0, lambdas=cv.lambdas, tol=1e-12)
        b = path_k.coefs.iloc[j].to_numpy()
        np.testing.assert_allclose(
            b, gb.fit_neuron(X=X[tr], y=y[tr], lam=lam, alpha=1.0,
                             standardize=True).params.to_numpy(), atol=1e-8)
        mu = expit(b[0] + X[te] @ b[1:])
        losses.append(np.mean(-2 * (y[te] * np.log(mu) + (1 - y[te]) * np.log(1 - mu))))
        sizes.append(te.sum())
    cvm = np.average(losses, weights=sizes)
    cvsd = np.sqrt(np.average((np.array(losses) - cvm) ** 2, weights=sizes) / 4)
    assert cv.cvm[j] == pytest.approx(cvm, rel=1e-8)
    assert cv.cvsd[j] == pytest.approx(cvsd, rel=1e-6)


def test_cv_is_reproducible_with_seed_and_offers_every_measure(data):
    X, y = data
    a = gb.cv_glmnet(X, y, nfolds=4, seed=1, nlambda=15)
    b = gb.cv_glmnet(X, y, nfolds=4, seed=1, nlambda=15)
    np.testing.assert_array_equal(a.cvm, b.cvm)
    for measure in ("class", "auc", "mse", "mae"):
        cv = gb.cv_glmnet(X, y, nfolds=4, seed=1, nlambda=15, type_measure=measure)
        # R scores binomial mse and mae on two columns (1 − y, y): up to 2
        assert np.all((cv.cvm >= 0) & (cv.cvm <= (2 if measure in ("mse", "mae") else 1)))
    auc = gb.cv_glmnet(X, y, nfolds=4, seed=1, nlambda=15, type_measure="auc")
    assert auc.lambda_min == auc.lambdas[int(np.argmax(auc.cvm))]


def test_path_and_cv_plots_are_labelled(data, path):
    figs = [path.plot(), path.plot(xvar="norm"),
            gb.cv_glmnet(*data, nfolds=3, nlambda=10).plot()]
    for fig in figs:
        for ax in fig.axes:
            if ax.get_visible() and ax.get_xlabel():
                assert ax.get_ylabel() or ax.get_xlabel().startswith("nonzero")


def test_formula_interface(path):
    df = gb.datasets.load_spector()
    p = gb.glmnet_path(formula="GRADE ~ GPA + TUCE + PSI", data=df, nlambda=10)
    assert list(p.coefs.columns) == ["Intercept", "GPA", "TUCE", "PSI"]


def test_poisson_and_gaussian_paths():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((200, 5))
    counts = rng.poisson(np.exp(0.3 + X[:, 0] - 0.5 * X[:, 1]))
    pois = gb.glmnet_path(X, counts, activation="exp", alpha=1.0, nlambda=30)
    fit = gb.fit_neuron(X=X, y=counts, activation="exp", lam=pois.lambdas[15], alpha=1.0,
                        standardize=True)
    np.testing.assert_allclose(pois.coefs.iloc[15].to_numpy(), fit.params.to_numpy(),
                               atol=1e-8)
    assert pois.dev_ratio[15] == pytest.approx(1 - fit.deviance / fit.null_deviance, rel=1e-8)
    cv = gb.cv_glmnet(X, counts, activation="exp", nfolds=4, nlambda=20)
    assert np.all(np.isfinite(cv.cvm))
    yc = X @ [1.0, 0.5, 0, 0, 0] + rng.standard_normal(200)
    gauss = gb.glmnet_path(X, yc, activation="identity", alpha=1.0, nlambda=30)
    fit = gb.fit_neuron(X=X, y=yc, activation="identity", lam=gauss.lambdas[10], alpha=1.0,
                        standardize=True)
    np.testing.assert_allclose(gauss.coefs.iloc[10].to_numpy(), fit.params.to_numpy(),
                               atol=1e-8)
    with pytest.raises(ValueError, match="needs a binary outcome"):
        gb.cv_glmnet(X, yc, activation="identity", type_measure="auc")
