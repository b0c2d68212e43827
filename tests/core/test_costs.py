"""The costs' fused derivatives against mpmath, and blocked/threaded passes against one sum."""

import numpy as np
import pytest

import glmnet_bridge.engines.rowblocks as rowblocks
from glmnet_bridge.core.activations import get_activation
from glmnet_bridge.core.costs import get_cost
from glmnet_bridge.engines.memory import MemoryEngine

Z = np.array([-1000.0, -709.5, -708.0, -100.0, -37.0, -30.0, -5.0, -1e-3, 0.0, 1e-300,
              1e-3, 5.0, 30.0, 37.0, 100.0, 708.0, 745.0, 1000.0])


def _exact(y, z):
    """Cost, σ − y and σ(1 − σ) of the logistic cross-entropy at 200 digits."""
    import mpmath

    mpmath.mp.dps = 200
    z = mpmath.mpf(z)
    sigma = 1 / (1 + mpmath.exp(-z))
    cost = mpmath.log(1 + mpmath.exp(-z)) + (1 - y) * z  # −log σ + (1 − y)·z
    return float(cost), float(sigma - y), float(sigma * (1 - sigma))


@pytest.mark.parametrize("y", [0.0, 1.0])
def test_logistic_cost_and_derivatives_are_exact_in_both_tails(y):
    cost = get_cost("cross_entropy", get_activation("logistic"))
    yy = np.full_like(Z, y)
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # no warning
        c, d1, d2 = cost.derivatives(yy, Z)
    for zi, ci, d1i, d2i in zip(Z, c, d1, d2, strict=True):
        ce, d1e, d2e = _exact(y, zi)
        # the cost and σ(1 − σ) to a few ulps everywhere (no cancellation in either tail)
        assert ci == pytest.approx(ce, rel=4e-16, abs=1e-300), zi
        assert d2i == pytest.approx(d2e, rel=4e-16, abs=1e-300), zi
        # σ − y is a difference of two numbers near 1 when y = 1: absolute accuracy
        assert abs(d1i - d1e) <= 2.3e-16 * max(abs(y), abs(d1e)), zi


def test_logistic_fused_derivatives_agree_with_the_separate_forms():
    cost = get_cost("cross_entropy", get_activation("logistic"))
    rng = np.random.default_rng(3)
    z = rng.standard_normal(5000) * 8
    y = rng.random(5000)  # proportions too
    c, d1, d2 = cost.derivatives(y, z)
    np.testing.assert_allclose(c, cost.terms(y, z), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(d1, cost.dz(y, z), rtol=1e-13, atol=1e-16)
    # σ(z)·σ(−z), the accurate form of σ(1 − σ) (σ·(1 − σ) loses the upper tail)
    np.testing.assert_allclose(d2, cost.activation.derivative(z), rtol=1e-14, atol=1e-300)


@pytest.mark.parametrize("activation,p", [("logistic", 5), ("probit", 5), ("logistic", 80)])
def test_threaded_blocks_give_the_one_block_sums(monkeypatch, activation, p):
    # p = 80: smaller blocks (each BLAS product stays small) and X'WX by syrk of √h·X
    rng = np.random.default_rng(0)
    n = 70_001
    X = rng.standard_normal((n, p))
    y = (rng.random(n) < 0.4).astype(float)
    f = rng.integers(1, 3, n).astype(float)
    beta = rng.standard_normal(p + 1) * 0.3
    cost = get_cost("cross_entropy", get_activation(activation))
    prob = MemoryEngine(X, y, f, np.zeros(n), cost, intercept=True)
    monkeypatch.setattr(rowblocks, "PARALLEL_BYTES", 0)  # share blocks among threads
    monkeypatch.setattr(rowblocks, "_threads", 2)
    got = prob.evaluate(beta, order=2)
    # the independent truth: one vectorised sum over all rows, with a column of ones
    Xf = np.column_stack([np.ones(n), X])
    z = Xf @ beta
    c, d1, d2 = cost.terms(y, z), cost.dz(y, z), cost.d2z(y, z)
    np.testing.assert_allclose(got[0], f @ c, rtol=1e-12)
    np.testing.assert_allclose(got[1], Xf.T @ (f * d1), rtol=1e-10, atol=1e-8)
    np.testing.assert_allclose(got[2], (Xf * (f * d2)[:, None]).T @ Xf, rtol=1e-10)
    # and the threaded split is the same arithmetic as one worker's blocks, up to the
    # order of the final additions
    monkeypatch.setattr(rowblocks, "_threads", 1)
    one = prob.evaluate(beta, order=2)
    np.testing.assert_allclose(got[2], one[2], rtol=1e-13, atol=1e-15 * np.abs(one[2]).max())
    np.testing.assert_allclose(got[1], one[1], rtol=1e-11, atol=1e-10)


def test_a_forked_child_can_still_share_blocks_among_threads(monkeypatch):
    import multiprocessing

    monkeypatch.setattr(rowblocks, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(rowblocks, "_threads", 2)
    rng = np.random.default_rng(1)
    n = 70_000  # at least four gradient blocks, so the pool is used
    X = rng.standard_normal((n, 3))
    y = (rng.random(n) < 0.5).astype(float)
    prob = MemoryEngine(X, y, np.ones(n), np.zeros(n),
                   get_cost("cross_entropy", get_activation("logistic")), intercept=True)
    beta = np.array([0.1, 0.2, -0.3, 0.4])
    here = prob.evaluate(beta, order=1)[1]  # the parent's pool now exists
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(1) as pool:  # the child must not wait on the parent's threads
        there = pool.apply_async(_gradient_in_child, (prob, beta)).get(timeout=60)
    np.testing.assert_array_equal(there, here)


def _gradient_in_child(prob, beta):
    return prob.evaluate(beta, order=1)[1]
