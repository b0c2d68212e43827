"""A softmax output layer is multinomial logit: against statsmodels MNLogit."""

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import glmnet_bridge as gb


@pytest.fixture(scope="module")
def iris():
    return gb.datasets.load_iris()


def mnlogit(codes, X):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sm.MNLogit(codes, X).fit(disp=0, method="newton", tol=1e-14, maxiter=200)


def test_softmax_is_mnlogit_on_iris(iris):
    fit = gb.fit_neuron("Species ~ SepalLength", data=iris, activation="softmax")
    codes = iris["Species"].astype("category").cat.codes
    ref = mnlogit(codes, sm.add_constant(iris[["SepalLength"]]))
    assert fit.params.shape == ref.params.shape
    assert list(fit.params.columns) == ["versicolor", "virginica"]
    assert fit.reference == "setosa"
    np.testing.assert_allclose(fit.params.to_numpy(), ref.params.to_numpy(), atol=1e-7)
    np.testing.assert_allclose(fit.bse.to_numpy(), ref.bse.to_numpy(), rtol=1e-7)
    np.testing.assert_allclose(fit.pvalues.to_numpy(), ref.pvalues.to_numpy(), rtol=1e-6)
    for name in ("llf", "llnull", "aic", "bic", "prsquared"):
        assert getattr(fit, name) == pytest.approx(getattr(ref, name), rel=1e-10), name
    np.testing.assert_allclose(fit.predict().to_numpy(), ref.predict(), atol=1e-10)
    np.testing.assert_allclose(fit.cov_params().to_numpy(), ref.cov_params().to_numpy(),
                               rtol=1e-6, atol=1e-12)
    assert "reference category: 'setosa'" in fit.summary()


def test_frequency_weighted_table_equals_expanded_rows(iris):
    table = (iris.assign(SL=iris["SepalLength"].round())
             .groupby(["SL", "Species"]).size().rename("n").reset_index())
    fit = gb.fit_neuron("Species ~ SL", data=table, activation="softmax", freq_weights="n")
    long = table.loc[table.index.repeat(table["n"])]
    ref = mnlogit(long["Species"].astype("category").cat.codes, sm.add_constant(long[["SL"]]))
    np.testing.assert_allclose(fit.params.to_numpy(), ref.params.to_numpy(), atol=1e-7)
    np.testing.assert_allclose(fit.bse.to_numpy(), ref.bse.to_numpy(), rtol=1e-7)
    assert fit.llf == pytest.approx(ref.llf, rel=1e-10)
    assert fit.nobs == 150


def test_reference_category_and_arrays(iris):
    fit = gb.fit_softmax(X=iris[["SepalLength"]], y=iris["Species"], reference="virginica")
    assert fit.reference == "virginica" and list(fit.params.columns) == ["setosa", "versicolor"]
    base = gb.fit_softmax(X=iris[["SepalLength"]], y=iris["Species"])
    # same model, other reference: probabilities agree
    np.testing.assert_allclose(fit.predict()[base.levels].to_numpy(),
                               base.predict().to_numpy(), atol=1e-9)
    with pytest.raises(gb.DataError, match="reference category 'rose'"):
        gb.fit_softmax(X=iris[["SepalLength"]], y=iris["Species"], reference="rose")


def test_multinomial_separation_is_detected(iris):
    with pytest.warns(gb.SeparationWarning, match="PetalLength"):
        fit = gb.fit_neuron("Species ~ PetalLength", data=iris, activation="softmax")
    assert fit.separation.separated
    with pytest.raises(gb.SeparationError):
        gb.fit_softmax("Species ~ PetalLength", data=iris, separation="raise")
    clean = gb.fit_softmax("Species ~ SepalLength", data=iris)
    assert not clean.separation.separated


def test_compare_pairs_softmax_with_mnlogit(iris):
    cmp = gb.compare("Species ~ SepalLength", data=iris, activations=("softmax",))
    assert cmp.oracles["softmax"]["name"] == "MNLogit"
    assert cmp.max_abs_diff < 1e-7
    assert list(cmp.table["term"][:2]) == ["Intercept [versicolor]", "SepalLength [versicolor]"]
    assert "equals multinomial logit" in cmp.summary()


def test_softmax_network_without_hidden_layer_is_mnlogit(iris):
    X = iris[["SepalLength"]].to_numpy()
    X = (X - X.mean(0)) / X.std(0)
    y = iris["Species"].astype("category").cat.codes.to_numpy()
    net = gb.Network([1, 3], cost="log_likelihood", init="scaled", seed=0)
    net.fit(X, y, epochs=20000, batch_size=150, eta=1.0, verbose=False)
    # identified up to a shift per input: compare differences to the reference category
    W = np.column_stack([net.biases[0], net.weights[0]])   # (3, 1 + p)
    diff = (W[1:] - W[0]).T
    fit = gb.fit_softmax(X=pd.DataFrame(X), y=y)
    np.testing.assert_allclose(diff, fit.params.to_numpy(), atol=1e-4)
