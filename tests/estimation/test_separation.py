import warnings

import numpy as np
import pandas as pd
import pytest

import glmnet_bridge as gb

X10 = np.arange(1, 11, dtype=float)
Y10 = (X10 > 5).astype(float)


def fit_recording(**kw):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = gb.fit_neuron(**kw)
    return fit, caught


@pytest.mark.parametrize("act", ["logistic", "probit", "cauchit", "cloglog", "loglog"])
def test_complete_separation_is_detected_explained_and_quiet(act):
    fit, caught = fit_recording(X=pd.DataFrame({"x": X10}), y=Y10, activation=act)
    kinds = [w.category for w in caught]
    assert kinds == [gb.SeparationWarning]  # one warning, no overflow flood
    msg = str(caught[0].message)
    assert "complete separation" in msg and "'x'" in msg
    assert "does not exist" in msg and "perceptron" in msg
    assert fit.separation.kind == "complete"
    assert not fit.converged
    # The weights run off along the separating direction: the implied threshold −b/w
    # sits between x = 5 and x = 6, as the perceptron's would.
    assert 5.0 <= -fit.bias / fit.weights["x"] <= 6.0
    assert "complete separation" in str(fit.summary())


def test_separating_direction_separates():
    X = np.column_stack([np.ones(10), X10])
    sep = gb.detect_separation(X, Y10, ["Intercept", "x"])
    z = X @ sep.direction.to_numpy()
    assert np.all(z[Y10 == 1] > 0) and np.all(z[Y10 == 0] < 0)
    assert sep.n_separated == 10 and sep.columns == ["Intercept", "x"]


def test_quasi_complete_separation():
    x = np.r_[X10, 5.0, 5.0]
    y = np.r_[Y10, 0.0, 1.0]  # both outcomes at x = 5: the boundary is shared
    fit, caught = fit_recording(X=pd.DataFrame({"x": x}), y=y, activation="probit")
    assert [w.category for w in caught] == [gb.SeparationWarning]
    assert fit.separation.kind == "quasi-complete"
    assert "quasi-complete" in str(caught[0].message)
    z = np.column_stack([np.ones(12), x]) @ fit.separation.direction.to_numpy()
    assert np.all(z[y == 1] >= -1e-12) and np.all(z[y == 0] <= 1e-12)
    assert np.any(np.abs(z) < 1e-12)  # tied rows sit on the boundary


def test_quasi_separation_by_one_dummy_names_that_column():
    rng = np.random.default_rng(0)
    n = 200
    d = (rng.random(n) < 0.2).astype(float)
    x = rng.standard_normal(n)
    y = np.where(d == 1, 1.0, (rng.random(n) < 0.4).astype(float))
    sep = gb.detect_separation(np.column_stack([np.ones(n), x, d]), y, ["Intercept", "x", "d"])
    assert sep.kind == "quasi-complete"
    assert sep.columns == ["d"]


def test_strict_mode_raises():
    with pytest.raises(gb.SeparationError, match="maximum-likelihood estimate does not exist"):
        gb.fit_neuron(X=X10, y=Y10, separation="raise")


def test_no_separation_on_spector():
    df = gb.datasets.load_spector()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = gb.fit_neuron("GRADE ~ GPA + TUCE + PSI", data=df)
    assert fit.separation is not None and not fit.separation.separated


def test_overlap_by_one_row_is_not_separation():
    y = Y10.copy()
    y[0] = 1.0  # x = 1 has y = 1: no line separates any more
    sep = gb.detect_separation(np.column_stack([np.ones(10), X10]), y)
    assert not sep.separated


def test_large_separated_data_is_caught_after_the_fit():
    # Too large for the LP before fitting: the failed fit triggers it.
    rng = np.random.default_rng(0)
    x = rng.standard_normal(20_000)
    fit, caught = fit_recording(X=pd.DataFrame({"x": x, "noise": rng.standard_normal(20_000)}),
                                y=(x > 0.3).astype(float))
    assert [w.category for w in caught] == [gb.SeparationWarning]
    assert fit.separation.kind == "complete" and "x" in fit.separation.columns
    assert not fit.converged


def test_large_clean_data_needs_no_lp():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((20_000, 3))
    y = (rng.random(20_000) < 0.5).astype(float)
    fit, caught = fit_recording(X=X, y=y)
    assert caught == [] and fit.converged and fit.separation is None
