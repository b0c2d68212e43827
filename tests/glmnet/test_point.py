"""One λ of a path from a handed-on state: the answer is the penalised optimum, however reached."""

import numpy as np
from scipy.special import expit

from glmnet_bridge.core.activations import get_activation
from glmnet_bridge.core.costs import get_cost
from glmnet_bridge.core.penalties import Penalty
from glmnet_bridge.engines.memory import MemoryEngine
from glmnet_bridge.glmnet.point import PathState, path_point
from glmnet_bridge.solvers.newton import newton
from glmnet_bridge.solvers.quadratic import kkt_violation
from glmnet_bridge.solvers.steps import ProximalStep


def penalty_weights(lam, alpha, k, intercept):
    return Penalty(lam, alpha).weights(k, intercept)


def elastic_net(prob, beta, pw, tol):
    """The damped proximal Newton fit at one λ, from scratch."""
    return newton(prob, beta, step=ProximalStep(pw, prob.total_weight), tol=tol, maxiter=200)


def _problem(seed=4, n=500, p=6):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = (rng.random(n) < expit(0.3 + X[:, 0] - 0.7 * X[:, 1])).astype(float)
    cost = get_cost("cross_entropy", get_activation("logistic"))
    return MemoryEngine(X, y, np.ones(n), np.zeros(n), cost, intercept=True)


def test_a_misleading_hessian_falls_back_to_damped_newton_and_still_converges(monkeypatch):
    import glmnet_bridge.glmnet.point as point

    handed_over = []
    monkeypatch.setattr(point, "newton",
                        lambda *a, **k: handed_over.append(1) or newton(*a, **k))
    prob = _problem()
    pw = penalty_weights(0.01, 1.0, prob.k, True)
    beta = np.zeros(prob.k)
    f, g, H = prob.evaluate(beta, order=2)
    # A Hessian 1000 times too small: the first model step overshoots, the KKT
    # violation grows, and the step must hand over to the damped Newton driver.
    res, state = path_point(prob, pw, PathState(beta, f, g, H * 1e-3), tol=1e-10)
    assert handed_over == [1]
    ref = elastic_net(prob, beta, pw, tol=1e-12)
    n = prob.f.sum()
    _, g_res, _ = prob.evaluate(res.beta, order=1)
    assert res.converged
    assert kkt_violation(g_res / n, res.beta, pw) <= 1e-9
    np.testing.assert_allclose(res.beta, ref.beta, atol=1e-8)
    assert res.value == prob.evaluate(res.beta, order=0)[0]  # the cost at the answer
    assert state.beta is res.beta and np.array_equal(state.grad, g_res)


def test_the_state_carries_the_path_forward():
    prob = _problem(seed=5)
    n = prob.f.sum()
    beta = np.zeros(prob.k)
    state = PathState(beta, *prob.evaluate(beta, order=2))
    for lam in (0.05, 0.04, 0.03, 0.02):
        pw = penalty_weights(lam, 1.0, prob.k, True)
        res, state = path_point(prob, pw, state, tol=1e-10)
        _, g, _ = prob.evaluate(res.beta, order=1)
        assert kkt_violation(g / n, res.beta, pw) <= 1e-9
        np.testing.assert_allclose(res.beta, elastic_net(prob, np.zeros(prob.k), pw,
                                                         tol=1e-12).beta, atol=1e-8)
    # after a first step, the next λ gets that step and its second-order miss
    assert state.first_step is not None and state.miss is not None
