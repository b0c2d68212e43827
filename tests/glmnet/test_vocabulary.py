"""R's glmnet vocabulary on paths and CV objects: coef/predict at s, print tables, plots."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scipy.special import expit  # noqa: E402

import glmnet_bridge as gb  # noqa: E402


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(7)
    X = rng.standard_normal((200, 5)) * [1, 3, 0.2, 1, 5]
    y = (rng.random(200) < expit(0.3 + X[:, 0] - 0.4 * X[:, 1])).astype(float)
    return X, y


@pytest.fixture(scope="module")
def cv(data):
    return gb.cv_glmnet(*data, foldid=np.arange(200) % 5 + 1, nlambda=30, tol=1e-12)


def test_exact_coef_is_the_single_fit_at_s(data, cv):
    X, y = data
    s = 0.5 * (cv.lambdas[4] + cv.lambdas[5])
    got = cv.path.coef(s=s, exact=True).to_numpy()
    single = gb.fit_neuron(X=X, y=y, lam=s, alpha=1.0, standardize=True).params.to_numpy()
    np.testing.assert_allclose(got, single, atol=1e-8)
    # interpolated: a convex combination of the two neighbours, not the solution
    mid = cv.path.coef(s=s).to_numpy()
    np.testing.assert_allclose(mid, cv.path.coefs.to_numpy()[4:6].mean(axis=0), rtol=1e-12)


def test_predict_types_and_named_s(data, cv):
    X, y = data
    b = cv.coef("lambda.1se").to_numpy()
    assert np.array_equal(b, cv.coef(cv.lambda_1se).to_numpy())
    link = cv.predict(X[:7], s="lambda.1se", type="link")[:, 0]
    np.testing.assert_allclose(link, b[0] + X[:7] @ b[1:], rtol=1e-12)
    np.testing.assert_allclose(cv.predict(X[:7], type="response")[:, 0], expit(link))
    assert set(np.unique(cv.predict(X, s="lambda.min", type="class"))) <= {0.0, 1.0}
    with pytest.raises(ValueError, match="lambda.min"):
        cv.coef("lambda.best")


def test_printed_tables_say_what_r_prints(data, cv):
    X, y = data
    path = cv.path
    table = path.table()
    assert list(table.columns) == ["Df", "%Dev", "Lambda"]
    nonzero = (path.coefs.to_numpy()[:, 1:] != 0).sum(axis=1)
    np.testing.assert_array_equal(table["Df"], nonzero)
    b = path.coefs.to_numpy()[-1]
    mu = expit(b[0] + X @ b[1:])
    dev = -2 * np.sum(y * np.log(mu) + (1 - y) * np.log(1 - mu))
    null = -2 * np.sum(y * np.log(y.mean()) + (1 - y) * np.log(1 - y.mean()))
    assert table["%Dev"].iloc[-1] == pytest.approx(round(100 * (1 - dev / null), 2))
    assert "%Dev" in str(path) and "Lambda" in str(path)
    ct = cv.table()
    assert list(ct.index) == ["min", "1se"] and ct["Index"].iloc[0] == cv.index_min + 1
    assert "1se" in str(cv)


@pytest.mark.parametrize("xvar", ["lambda", "norm", "dev"])
def test_path_plot_xvar_and_labels(cv, xvar):
    fig = cv.path.plot(xvar=xvar, label=True)
    ax = fig.axes[0]
    assert {t.get_text() for t in ax.texts} == set(cv.path.coefs.columns[1:])
    x = ax.lines[0].get_xdata()
    want = {"lambda": np.log(cv.lambdas), "dev": cv.path.dev_ratio,
            "norm": np.abs(cv.path.coefs.to_numpy()[:, 1:]).sum(axis=1)}[xvar]
    np.testing.assert_allclose(x, want)
    # the df labels sit at evenly spaced x (R's pretty()), each the df of the nearest λ
    top = next(a for a in ax.child_axes if a.get_xlabel().startswith("nonzero"))
    at = np.asarray(top.get_xticks())
    assert len(at) >= 3 and np.ptp(np.diff(at)) < 1e-9 * np.ptp(x)
    df = (cv.path.coefs.to_numpy()[:, 1:] != 0).sum(axis=1)
    got = [int(t.get_text()) for t in top.get_xticklabels()]
    assert got == [int(df[np.argmin(np.abs(x - a))]) for a in at]
    with pytest.raises(ValueError, match="xvar"):
        cv.path.plot(xvar="df")
    assert cv.plot().axes[0].get_ylabel() == "cross-validated binomial deviance"


def test_a_path_refuses_cross_validated_names_for_s_by_name():
    import glmnet_bridge as gb

    df = gb.datasets.load_spector()
    X, y = df[["GPA", "TUCE", "PSI"]].to_numpy(), df["GRADE"].to_numpy()
    path = gb.glmnet_path(X, y)
    for call in (lambda: path.predict(X[:2], s="lambda.1se"), lambda: path.coef(s="lambda.min")):
        with pytest.raises(gb.DataError, match=r"s='lambda\.(1se|min)'.*cv_glmnet"):
            call()


def test_class_predictions_are_the_outcomes_labels():
    # R's predict(type = "class") answers in the factor's levels (second level = 1)
    rng = np.random.default_rng(4)
    X = rng.standard_normal((120, 3))
    y01 = (X[:, 0] + 0.5 * rng.standard_normal(120) > 0).astype(float)
    labels = np.where(y01 == 1, "yes", "no")
    by_label = gb.glmnet_path(X, labels, progress=False)
    by_number = gb.glmnet_path(X, y01, progress=False)
    got = by_label.predict(X[:10], s=0.01, type="class")
    want = by_number.predict(X[:10], s=0.01, type="class")
    np.testing.assert_array_equal(got, np.where(want == 1.0, "yes", "no"))


def test_df_labels_keep_the_ends_and_skip_an_infinite_x():
    import matplotlib.pyplot as plt

    from glmnet_bridge.presentation.plots import _df_axis

    fig, ax = plt.subplots()
    # a %Dev axis starts at ~1e-16, not exactly 0; a λ of 0 has log λ = −∞
    top = _df_axis(ax, np.array([1e-17, 0.2, 0.5, 0.9]), np.array([0, 2, 3, 5]), 6)
    at = np.asarray(top.get_xticks())
    assert at.min() == 0.0 and [t.get_text() for t in top.get_xticklabels()][0] == "0"
    top = _df_axis(ax, np.array([-np.inf, -3.0, -2.0, -1.0]), np.array([9, 4, 2, 0]), 6)
    at = np.asarray(top.get_xticks())
    assert len(at) >= 2 and np.all(np.isfinite(at)) and at.min() >= -3.0
    plt.close(fig)
