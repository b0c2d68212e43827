"""The network's ways of fitting (gd, sgd) and L-BFGS reach the same MLE as Newton."""

import numpy as np
import pytest
import statsmodels.api as sm
from conftest import tight_glm

import glmnet_bridge as gb

F = "GRADE ~ GPA + TUCE + PSI"
LINKS = {"logistic": sm.families.links.Logit(), "probit": sm.families.links.Probit(),
         "cauchit": sm.families.links.Cauchy(), "cloglog": sm.families.links.CLogLog(),
         "loglog": sm.families.links.LogLog()}


@pytest.fixture(scope="module")
def mle(spector):
    X = sm.add_constant(spector[["GPA", "TUCE", "PSI"]])
    return {a: tight_glm(spector["GRADE"], X, link)[1].params.to_numpy()
            for a, link in LINKS.items()}


@pytest.mark.parametrize("act", list(LINKS))
def test_gd_with_defaults_reaches_the_mle(spector, mle, act):
    fit = gb.fit_neuron(F, data=spector, activation=act, solver="gd")
    assert fit.converged
    np.testing.assert_allclose(fit.params.to_numpy(), mle[act], atol=1e-4, rtol=0)


@pytest.mark.parametrize("act", list(LINKS))
@pytest.mark.parametrize("seed", [0, 1])
def test_sgd_with_defaults_reaches_the_mle_within_1e_3(spector, mle, act, seed):
    # cauchit included: its likelihood is nearly flat along one direction (smallest
    # Hessian eigenvalue ~9 times smaller than the logistic's), which a decaying η never
    # crossed in 5,000 epochs; growing mini-batches end on full-batch steps.
    fit = gb.fit_neuron(F, data=spector, activation=act, solver="sgd", seed=seed)
    np.testing.assert_allclose(fit.params.to_numpy(), mle[act], atol=1e-3, rtol=0)


def test_sgd_starts_as_nielsens_mini_batches_and_grows_them():
    from glmnet_bridge.solvers.descent import _batch_rows

    sizes = [_batch_rows(10, 32, e, 5000) for e in range(1, 5001)]
    assert sizes[0] == 10 and sizes[-1] == 32
    assert all(a <= b for a, b in zip(sizes, sizes[1:], strict=False))  # never shrinks
    assert sizes.index(32) <= 2500  # all rows from half-way on
    assert _batch_rows(10, 8, 1, 100) == 8  # a batch never exceeds the data


@pytest.mark.parametrize("act", list(LINKS))
def test_lbfgs_reaches_the_mle(spector, mle, act):
    fit = gb.fit_neuron(F, data=spector, activation=act, solver="lbfgs")
    np.testing.assert_allclose(fit.params.to_numpy(), mle[act], atol=1e-5, rtol=0)


def test_sgd_history_walks_to_the_glm_estimate(spector, mle):
    fit = gb.fit_neuron(F, data=spector, solver="sgd", epochs=300, seed=1)
    h = fit.history
    assert h.index.name == "epoch"
    assert list(h.columns) == ["cost", "Intercept", "GPA", "TUCE", "PSI"]
    assert len(h) == 301
    np.testing.assert_allclose(h.iloc[-1, 1:].to_numpy(), fit.params.to_numpy())
    dist = np.abs(h.iloc[:, 1:].to_numpy() - mle["logistic"]).max(axis=1)
    assert dist[-1] < dist[0] / 100
    # the cost is the cross-entropy, and its floor is the GLM's −loglik/n
    floor = -gb.fit_neuron(F, data=spector).llf / 32
    assert h["cost"].min() >= floor - 1e-12


def test_gd_cost_decreases_every_epoch(spector):
    fit = gb.fit_neuron(F, data=spector, solver="gd", activation="probit")
    assert np.all(np.diff(fit.history["cost"].to_numpy()) <= 1e-15)


def test_sgd_is_reproducible_with_its_seed(spector):
    a = gb.fit_neuron(F, data=spector, solver="sgd", epochs=50, seed=7)
    b = gb.fit_neuron(F, data=spector, solver="sgd", epochs=50, seed=7)
    c = gb.fit_neuron(F, data=spector, solver="sgd", epochs=50, seed=8)
    np.testing.assert_array_equal(a.params, b.params)
    assert not np.allclose(a.params, c.params)


def test_sgd_short_last_batch_keeps_the_fixed_point(spector, mle):
    # 32 rows in batches of 10 leave a batch of 2; with any batch size SGD heads to the MLE.
    for m in (7, 10, 32):
        fit = gb.fit_neuron(F, data=spector, solver="sgd", batch_size=m, seed=0)
        np.testing.assert_allclose(fit.params.to_numpy(), mle["logistic"], atol=2e-3)


def test_sgd_too_large_eta_raises_a_clear_error(spector):
    with pytest.raises(FloatingPointError, match="diverged .* pass a smaller eta"):
        gb.fit_neuron(F, data=spector, solver="sgd", activation="cloglog", eta=500.0,
                      epochs=200)


def test_sgd_freq_weights_match_repeated_rows(spector):
    w = np.r_[np.full(16, 2.0), np.ones(16)]
    ref = gb.fit_neuron(F, data=spector, freq_weights=w)
    fit = gb.fit_neuron(F, data=spector, freq_weights=w, solver="gd")
    np.testing.assert_allclose(fit.params, ref.params, atol=1e-4)


def test_progress_bar_can_be_shown_and_silenced(spector, capsys):
    gb.fit_neuron(F, data=spector, solver="sgd", epochs=20, progress=True)
    assert "sgd logistic neuron" in capsys.readouterr().err
    gb.fit_neuron(F, data=spector, solver="sgd", epochs=20, progress=False)
    assert capsys.readouterr().err == ""
