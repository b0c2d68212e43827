"""glmnet's multinomial family against R's glmnet 4.1-6 (fixture made by data/multinomial.R).

Also against truths that do not come from R: the KKT conditions of the objective
(gradient by numpy) and statsmodels' MNLogit as λ → 0.
"""

import runpy
import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import glmnet_bridge as gb
from glmnet_bridge.exceptions import DataError
from glmnet_bridge.glmnet.cv import cv_glmnet
from glmnet_bridge.glmnet.multinomial import multinomial_path

HERE = Path(__file__).parent
R = SimpleNamespace(**runpy.run_path(str(HERE / "data" / "multinomial_r.py")))
IRIS = pd.read_csv(HERE.parents[1] / "data" / "iris.csv")
DATA = {"iris": (IRIS.iloc[:, :4].to_numpy(), IRIS["Species"].to_numpy()),
        "sim": (np.array(R.X), np.array(R.Y))}
TIGHT = dict(tol=1e-14, maxit=10**7)


def _kind(case):
    return "grouped" if case["grouped"] else "ungrouped"


@pytest.fixture(scope="module")
def paths():
    out = {}
    for name, c in R.PATHS.items():
        X, y = DATA[c["data"]]
        out[name] = multinomial_path(X, y, alpha=c["alpha"], type_multinomial=_kind(c),
                                     penalty_factor=c["factors"],
                                     lambda_min_ratio=c["lambda_min_ratio"], **TIGHT)
    return out


@pytest.mark.parametrize("name", list(R.PATHS))
def test_path_matches_r(paths, name):
    r, path = R.PATHS[name], paths[name]
    np.testing.assert_allclose(path.lambdas, r["lambda"], rtol=1e-12)
    np.testing.assert_array_equal(path.df, r["df"])
    np.testing.assert_allclose(path.dev_ratio, r["dev_ratio"], rtol=1e-8, atol=1e-10)
    assert path.null_deviance == pytest.approx(r["nulldev"], rel=1e-12)
    a0, beta = np.array(r["a0"]), np.array(r["beta"])
    for k, cls in enumerate(path.classes):
        got = path.coefs[cls].to_numpy()
        want = np.column_stack([a0[:, k], beta[:, :, k]])
        # atol scaled to each column's size: x3 is on a 0.01 scale, its weights ~ 100
        scale = np.maximum(1.0, np.abs(want).max(axis=0))
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7 * scale.max())


def test_path_vocabulary(paths):
    path = paths["sim_ungrouped"]
    assert path.classes == ["a", "b", "c", "d"]
    assert list(path.table().columns) == ["Df", "%Dev", "Lambda"]
    assert "Df" in str(path)
    # interpolation between λ is linear in λ, as coef.glmnet
    s = 0.5 * (path.lambdas[3] + path.lambdas[4])
    mid = path.coef(s)["b"].to_numpy()
    want = 0.5 * (path.coefs["b"].to_numpy()[3] + path.coefs["b"].to_numpy()[4])
    np.testing.assert_allclose(mid, want, rtol=1e-12)
    X = DATA["sim"][0]
    prob = path.predict(X[:5], s=path.lambdas[10], type="response")
    assert prob.shape == (5, 4)
    np.testing.assert_allclose(prob.sum(axis=1), 1.0)
    cls = path.predict(X[:5], s=path.lambdas[10], type="class")
    assert list(cls) == [path.classes[i] for i in prob.argmax(axis=1)]
    link = path.predict(X[:5], type="link")
    assert link.shape == (5, 4, len(path.lambdas))


def test_exact_coef_solves_at_s(paths):
    path = paths["sim_ungrouped_enet"]
    s = 0.3 * path.lambdas[8] + 0.7 * path.lambdas[9]
    exact = path.coef(s, exact=True)
    X, y = DATA["sim"]
    one = multinomial_path(X, y, alpha=0.5, lambdas=np.r_[path.lambdas[:9], s], **TIGHT)
    np.testing.assert_allclose(exact["c"].to_numpy(), one.coefs["c"].to_numpy()[-1],
                               rtol=1e-8, atol=1e-10)


@pytest.fixture(scope="module")
def cvs():
    X, y = DATA["sim"]
    return {name: cv_glmnet(X, y, activation="softmax", foldid=np.array(R.FOLDID),
                            type_measure=c["measure"], type_multinomial=_kind(c), tol=1e-14)
            for name, c in R.CV.items()}


@pytest.mark.parametrize("name", list(R.CV))
def test_cv_matches_r(cvs, name):
    r, cv = R.CV[name], cvs[name]
    np.testing.assert_allclose(cv.lambdas, r["lambda"], rtol=1e-12)
    np.testing.assert_allclose(cv.cvm, r["cvm"], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(cv.cvsd, r["cvsd"], rtol=1e-6, atol=1e-7)
    np.testing.assert_array_equal(cv.nzero, r["nzero"])
    lam = np.array(r["lambda"])
    assert cv.index_min == np.flatnonzero(lam == r["lambda_min"])[0]
    assert cv.index_1se == np.flatnonzero(lam == r["lambda_1se"])[0]


def test_cv_coef_and_predict_at_named_lambdas(cvs):
    cv = cvs["ungrouped_deviance"]
    coef = cv.coef("lambda.min")
    assert set(coef) == {"a", "b", "c", "d"}
    np.testing.assert_allclose(coef["a"].to_numpy(),
                               cv.path.coef(cv.lambda_min)["a"].to_numpy())
    X = DATA["sim"][0]
    labels = cv.predict(X[:4], s="lambda.1se", type="class")
    assert set(labels) <= {"a", "b", "c", "d"}


@pytest.mark.parametrize("name", ["sim_ungrouped", "sim_grouped_enet", "sim_factor"])
def test_single_fit_agrees_with_the_r_path(name):
    r = R.PATHS[name]
    j = 20
    X, y = DATA["sim"]
    fit = gb.fit_neuron(X=X, y=y, activation="softmax", lam=r["lambda"][j], alpha=r["alpha"],
                        penalty_factor=r["factors"], type_multinomial=_kind(r))
    want = np.vstack([np.array(r["a0"])[j][None], np.array(r["beta"])[j]])
    np.testing.assert_allclose(fit.params.to_numpy(), want, rtol=1e-6,
                               atol=1e-7 * np.abs(want).max())
    with pytest.raises(ValueError, match="no standard errors"):
        _ = fit.bse


def _kkt_violation(X, y, B, lam, alpha, grouped):
    """Return the largest KKT violation of the objective, by numpy, on standardised columns."""
    n = len(y)
    mean, sd = X.mean(axis=0), X.std(axis=0)
    Xs = (X - mean) / sd
    Bs = B[1:] * sd[:, None]            # coefficients of the standardised columns
    a = B[0] + mean @ B[1:]             # and their intercepts
    levels = sorted(set(y))
    Y = np.array([[v == c for c in levels] for v in y], dtype=float)
    Z = a + Xs @ Bs
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    G = Xs.T @ (P - Y) / n + lam * (1 - alpha) * Bs     # smooth part's gradient
    worst = np.max(np.abs((P - Y).mean(axis=0)))          # intercepts: gradient 0
    for j in range(Bs.shape[0]):
        b, g = Bs[j], G[j]
        if grouped:
            nb = np.linalg.norm(b)
            if nb > 0:
                worst = max(worst, np.max(np.abs(g + lam * alpha * b / nb)))
            else:
                worst = max(worst, np.linalg.norm(g) - lam * alpha)
        else:
            nz = b != 0
            worst = max(worst, np.max(np.abs(g[nz] + lam * alpha * np.sign(b[nz])), initial=0),
                        np.max(np.abs(g[~nz]), initial=0) - lam * alpha)
    return worst


@pytest.mark.parametrize("grouped", [False, True])
@pytest.mark.parametrize("alpha", [1.0, 0.5])
def test_kkt_conditions_hold(grouped, alpha):
    X, y = DATA["sim"]
    path = multinomial_path(X, y, alpha=alpha, type_multinomial="grouped" if grouped
                            else "ungrouped", tol=1e-14, nlambda=30)
    for j in (5, 15, len(path.lambdas) - 1):
        B = np.column_stack([path.coefs[c].to_numpy()[j] for c in path.classes])
        assert _kkt_violation(X, y, B, path.lambdas[j], alpha, grouped) < 1e-7


def test_tiny_ridge_approaches_statsmodels_mnlogit():
    import statsmodels.api as sm

    X, y = DATA["sim"]
    codes = pd.Categorical(y).codes
    ml = sm.MNLogit(codes, sm.add_constant(X)).fit(method="newton", disp=0, tol=1e-12)
    fit = gb.fit_neuron(X=X, y=y, activation="softmax", lam=1e-9, alpha=0.0)
    ref = fit.to_reference().to_numpy()    # class "a" the reference, as MNLogit's 0
    np.testing.assert_allclose(ref, ml.params, rtol=1e-4, atol=1e-5)


def test_symmetric_parametrisation_centres_intercepts(paths):
    path = paths["iris_ungrouped_enet"]
    a0 = np.column_stack([path.coefs[c]["Intercept"].to_numpy() for c in path.classes])
    np.testing.assert_allclose(a0.sum(axis=1), 0.0, atol=1e-10)


def test_plot_draws_one_panel_per_class(paths):
    import matplotlib

    matplotlib.use("Agg")
    path = paths["iris_grouped"]
    fig = path.plot(xvar="dev", label=True)
    assert [ax.get_title() for ax in fig.axes if ax.get_title()] == \
        ["class setosa", "class versicolor", "class virginica"]
    # each panel draws its class's coefficients against the deviance explained
    ax = fig.axes[0]
    lines = [ln for ln in ax.get_lines() if len(ln.get_xdata()) == len(path.lambdas)]
    np.testing.assert_allclose(lines[0].get_xdata(), path.dev_ratio, atol=1e-12)
    np.testing.assert_allclose(lines[0].get_ydata(), path.coefs["setosa"].iloc[:, 1])


# ----------------------------------------------------------------- clear errors
def test_continuous_outcome_is_refused():
    X = DATA["sim"][0]
    with pytest.raises(DataError, match="class labels"):
        multinomial_path(X, np.linspace(0, 1, len(X)))


def test_one_class_is_refused():
    X = DATA["sim"][0]
    with pytest.raises(DataError, match="single value"):
        multinomial_path(X, np.array(["a"] * len(X)))


def test_a_class_with_one_row_is_refused():
    X, y = DATA["sim"]
    y = y.copy()
    y[0] = "z"
    with pytest.raises(DataError, match="'z'.*at least 2"):
        multinomial_path(X, y)


def test_a_constant_column_is_left_out_as_glmnet_does():
    # R's glmnet gives a constant column coefficient 0 for every class (digits' blank
    # pixels); the other columns' path is the one without it
    X, y = DATA["sim"]
    X = pd.DataFrame(X, columns=[f"x{i}" for i in range(1, 8)])
    c = R.PATHS["sim_ungrouped"]
    got = multinomial_path(X.assign(k=1.0), y, alpha=c["alpha"], **TIGHT)
    np.testing.assert_allclose(got.lambdas, c["lambda"], rtol=1e-12)
    for k, cls in enumerate(got.classes):
        assert (got.coefs[cls]["k"] == 0).all()
        want = np.column_stack([np.array(c["a0"])[:, k], np.array(c["beta"])[:, :, k]])
        np.testing.assert_allclose(got.coefs[cls].drop(columns="k").to_numpy(), want,
                                   rtol=1e-6, atol=1e-7 * np.abs(want).max())


def test_bad_type_multinomial_and_measure():
    X, y = DATA["sim"]
    with pytest.raises(DataError, match="type_multinomial"):
        multinomial_path(X, y, type_multinomial="both")
    with pytest.raises(ValueError, match="auc"):
        cv_glmnet(X, y, activation="softmax", type_measure="auc")
    with pytest.raises(DataError, match="grouped"):
        gb.fit_neuron(X=X, y=y, activation="softmax", type_multinomial="grouped")


def test_missing_outcome_is_named():
    X, y = DATA["sim"]
    y = y.astype(object)
    y[3] = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(DataError):
            multinomial_path(X, y)


def test_glmnet_path_takes_the_softmax_to_the_multinomial_family():
    name, c = next((k, v) for k, v in R.PATHS.items() if v["grouped"] and v["data"] == "sim")
    X, y = DATA[c["data"]]
    path = gb.glmnet_path(X, y, activation="softmax", alpha=c["alpha"],
                          type_multinomial="grouped", penalty_factor=c["factors"],
                          lambda_min_ratio=c["lambda_min_ratio"], tol=1e-14, progress=False)
    assert isinstance(path, gb.MultinomialPath)
    np.testing.assert_allclose(path.lambdas, R.PATHS[name]["lambda"], rtol=1e-12)
    with pytest.raises(DataError, match="offset"):
        gb.glmnet_path(X, y, activation="softmax", offset=np.zeros(len(y)))
    with pytest.raises(ValueError, match="applies to activation='softmax'"):
        gb.glmnet_path(X, (y == y[0]).astype(float), type_multinomial="grouped")


@pytest.mark.parametrize("nlambda", [5, 12])
def test_a_diverging_step_stops_the_path_with_a_warning(nlambda):
    # 300 digits (separable) and 5 λ a factor 10 apart: the step to the second λ runs
    # off (R's glmnet reports "convergence for 2th lambda value not reached" and keeps
    # the first). The path stops there with a warning, not a division by zero.
    d = np.loadtxt(HERE.parents[1] / "data" / "digits.csv.gz", delimiter=",")[:300]
    X, y = d[:, :-1], d[:, -1].astype(int)
    X = X[:, np.ptp(X, axis=0) > 0]
    with pytest.warns(gb.ConvergenceWarning, match="stopped at λ number"):
        path = multinomial_path(X, y, nlambda=nlambda)
    assert len(path.lambdas) < nlambda and path.converged.all()
    assert np.all(np.diff(path.dev_ratio) >= 0)   # no point worse than the one before
    # its first point is the null model: each intercept the log of its class share, centred
    share = np.log(np.bincount(y) / len(y))
    a0 = np.array([path.coefs[k]["Intercept"].iloc[0] for k in path.classes])
    np.testing.assert_allclose(a0, share - share.mean(), atol=1e-12)
