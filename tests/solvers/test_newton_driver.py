"""The one Newton driver: its line search, its stopping rule, and an engine it cannot see into."""

import numpy as np
import pytest
import statsmodels.api as sm
from scipy.special import expit

from glmnet_bridge.core.activations import get_activation
from glmnet_bridge.core.costs import get_cost
from glmnet_bridge.core.penalties import Penalty
from glmnet_bridge.engines.memory import MemoryEngine
from glmnet_bridge.solvers import newton as driver
from glmnet_bridge.solvers.descent import gradient_descent
from glmnet_bridge.solvers.lbfgs import lbfgs
from glmnet_bridge.solvers.quadratic import kkt_violation
from glmnet_bridge.solvers.steps import ProximalStep


def _engine(n=400, seed=2):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 3))
    y = (rng.random(n) < expit(0.2 + X @ [0.8, -0.5, 0.3])).astype(float)
    cost = get_cost("cross_entropy", get_activation("logistic"))
    return MemoryEngine(X, y, np.ones(n), np.zeros(n), cost, intercept=True)


class Opaque:
    """An engine with the interface only: no X, no y. What a Dask engine will offer."""

    def __init__(self, inner):
        self._inner = inner
        self.n, self.k, self.intercept = inner.n, inner.k, inner.intercept
        self.total_weight = inner.total_weight
        self.calls = 0

    def evaluate(self, beta, order=2, expected=False, value=True):
        self.calls += 1
        return self._inner.evaluate(beta, order=order, expected=expected, value=value)

    def column_moments(self):
        return self._inner.column_moments()

    def rows(self, rows):
        return Opaque(self._inner.rows(rows))

    def subsample(self, m, seed):
        return Opaque(self._inner.subsample(m, seed))


def test_every_solver_runs_on_an_engine_it_cannot_see_into():
    eng = _engine()
    ref = sm.Logit(eng.y, sm.add_constant(eng.X)).fit(disp=0, method="newton", tol=1e-12)
    opaque = Opaque(eng)
    for res in (driver.newton(opaque, np.zeros(4)), lbfgs(opaque, np.zeros(4))):
        np.testing.assert_allclose(res.beta, ref.params, rtol=1e-6)
    gd = gradient_descent(opaque, np.zeros(4), epochs=20_000, tol=1e-10)
    np.testing.assert_allclose(gd.beta, ref.params, rtol=1e-6)
    sgd = gradient_descent(opaque, np.zeros(4), epochs=400, batch_size=10, seed=0)
    np.testing.assert_allclose(sgd.beta, ref.params, rtol=1e-6)
    assert opaque.calls > 0


class Liar:
    """A cost whose gradient points the wrong way: every Newton step goes uphill."""

    def __init__(self, inner):
        self._inner = inner
        self.n, self.k = inner.n, inner.k

    def evaluate(self, beta, order=2, expected=False, value=True):
        f, g, H = self._inner.evaluate(beta, order=order, expected=expected, value=value)
        return f, (None if g is None else -g), H


def test_a_failed_line_search_is_reported_never_accepted_as_convergence():
    res = driver.newton(Liar(_engine()), np.zeros(4))
    assert not res.converged
    assert res.message == "the line search could not decrease the cost"
    assert res.n_iter == 0


def test_one_line_search_with_one_set_of_constants():
    # The plain, proximal and path-fallback fits share line_search and its constants.
    import inspect

    import glmnet_bridge.glmnet.point as point

    assert "line_search" not in inspect.getsource(point)
    assert (driver.ARMIJO, driver.HALVINGS, driver.SLACK) == (1e-4, 40, 1e-12)


def test_the_proximal_step_solves_the_lasso_to_its_kkt_conditions():
    eng = _engine()
    pw = Penalty(0.02, 1.0).weights(eng.k, True)
    res = driver.newton(eng, np.zeros(eng.k), step=ProximalStep(pw, eng.total_weight),
                        tol=1e-12)
    assert res.converged
    assert kkt_violation(res.gradient / eng.total_weight, res.beta, pw) < 1e-10
    # and agrees with statsmodels' elastic net on the same objective (intercept free)
    ref = sm.GLM(eng.y, sm.add_constant(eng.X), family=sm.families.Binomial())
    ref = ref.fit_regularized(alpha=np.r_[0.0, np.full(3, 0.02)], L1_wt=1.0, cnvrg_tol=1e-12,
                              maxiter=10_000)
    np.testing.assert_allclose(res.beta, ref.params, atol=1e-6)


def test_a_start_with_its_hessian_saves_the_first_pass():
    eng = _engine()
    opaque = Opaque(eng)
    start = eng.evaluate(np.zeros(4), order=2)
    res = driver.newton(opaque, np.zeros(4), start=start)
    plain = driver.newton(eng, np.zeros(4))
    np.testing.assert_allclose(res.beta, plain.beta, rtol=1e-12)
    calls_with_start = opaque.calls
    opaque.calls = 0
    driver.newton(opaque, np.zeros(4))
    assert opaque.calls == calls_with_start + 1


@pytest.mark.parametrize("bad", [-1.0, 1.5])
def test_penalty_object_validates_and_converts(bad):
    with pytest.raises(ValueError, match="0 ≤ alpha ≤ 1"):
        Penalty(0.1, bad)
    with pytest.raises(ValueError, match="lam must be a finite number"):
        Penalty(np.nan, 0.0)
    with pytest.raises(TypeError):
        Penalty.from_sklearn(1.0)  # n is required: scikit-learn sums the loss
    pen = Penalty.from_sklearn(0.5, n=200, l1_ratio=1.0)
    assert (pen.lam, pen.alpha) == (pytest.approx(1 / 100), 1.0)
    assert pen.to_sklearn(200) == {"C": pytest.approx(0.5), "l1_ratio": 1.0}
    assert Penalty.from_nielsen(5.0, 100).lam == pytest.approx(0.05)
    nnet = Penalty.from_nnet(0.8, 100)
    assert nnet.penalize_bias and nnet.to_nnet(100) == {"decay": pytest.approx(0.8)}
    w = np.array([0.5, -2.0])
    # glmnet rescales the factors to sum to the number of weights: [1, 2] -> [2/3, 4/3]
    assert Penalty(0.3, 0.25, factors=[1, 2]).value(w) == pytest.approx(
        0.3 * (2 / 3 * (0.375 * 0.25 + 0.25 * 0.5) + 4 / 3 * (0.375 * 4 + 0.25 * 2)))
