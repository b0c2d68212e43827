"""The multinomial path's precise mode (``kkt_tol``): KKT conditions checked in numpy from the
reported coefficients, and the optimum compared with independent optimisers (L-BFGS-B on
the split B = B⁺ − B⁻ for the lasso penalty, accelerated proximal gradient for the group
penalty)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize

import glmnet_bridge as gb
from glmnet_bridge.glmnet.multinomial import multinomial_path
from glmnet_bridge.solvers import multinomial_newton

HERE = Path(__file__).parent
IRIS = pd.read_csv(HERE.parents[1] / "data" / "iris.csv")
KKT = 1e-8


def _sim(n=300, seed=7):
    """Four classes, correlated columns on different scales, unequal weights."""
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n, 6))
    Z[:, 1] = 0.9 * Z[:, 0] + 0.4 * Z[:, 1]
    X = Z * np.array([1.0, 5.0, 0.1, 1.0, 2.0, 1.0])
    W = np.array([[0.8, -0.5, 0.0, 0.3], [0.0, 0.4, -0.6, 0.0], [0.5, 0.0, 0.0, -0.5],
                  [0.0, 0.0, 0.7, -0.2], [0.1, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
    eta = Z @ W
    P = np.exp(eta) / np.exp(eta).sum(axis=1, keepdims=True)
    y = np.array([rng.choice(list("abcd"), p=p) for p in P])
    return X, y, rng.integers(1, 4, n).astype(float)


def _separable(n=120, seed=3):
    """Three classes whose means are far apart: the path ends at dev.ratio 0.999."""
    rng = np.random.default_rng(seed)
    y = np.repeat(["u", "v", "w"], n // 3)
    centre = {"u": [0.0, 0.0, 0.0], "v": [6.0, 0.0, 1.0], "w": [0.0, 6.0, -1.0]}
    X = np.array([centre[c] for c in y]) + rng.standard_normal((n, 3))
    return X, y


CASES = {
    "iris": dict(X=IRIS.iloc[:, :4].to_numpy(), y=IRIS["Species"].to_numpy(), alpha=1.0,
                 factors=None, weights=None),
    "sim_enet_factors": dict(X=_sim()[0], y=_sim()[1], alpha=0.5,
                             factors=np.array([1.0, 2.0, 0.5, 1.0, 0.0, 1.5]),
                             weights=_sim()[2]),
    "separable": dict(X=_separable()[0], y=_separable()[1], alpha=1.0, factors=None,
                      weights=None),
}


def _problem(c, intercept=True):
    """Return the standardised problem of glmnet as numpy arrays, built here.

    Without an intercept glmnet divides the uncentred columns by their weighted SD.
    """
    X, y = c["X"], c["y"]
    n, p = X.shape
    f = np.ones(n) if c["weights"] is None else c["weights"]
    w = f / f.sum()
    sd = np.sqrt(w @ (X - w @ X) ** 2)
    xm = w @ X if intercept else np.zeros(p)
    Xs = (X - xm) / sd
    levels = sorted(set(y))
    Y = (np.asarray(y)[:, None] == np.array(levels)[None, :]).astype(float)
    v = np.ones(p) if c["factors"] is None else c["factors"] * p / c["factors"].sum()
    return Xs, Y, w, v, xm, sd


def _standardised(path, j, xm, sd):
    """Return (a, B) of λ number j on the standardised columns."""
    C = np.column_stack([path.coefs[k].to_numpy()[j] for k in path.classes])
    if not path.design.intercept:
        return np.zeros(C.shape[1]), C * sd[:, None]
    return C[0] + xm @ C[1:], C[1:] * sd[:, None]


def _probs(Xs, a, B):
    Z = a + Xs @ B
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def _kkt(Xs, Y, w, v, a, B, lam, alpha, grouped, intercept=True):
    """Largest KKT violation, each divided by its coordinate's curvature Σ w·p(1 − p)·x²."""
    P = _probs(Xs, a, B)
    R = w[:, None] * (Y - P)
    G = Xs.T @ R                                  # minus the likelihood's gradient
    V = w[:, None] * P * (1 - P)
    C = (Xs ** 2).T @ V
    l1, l2 = lam * alpha * v[:, None], lam * (1 - alpha) * v[:, None]
    worst = np.max(np.abs(R.sum(axis=0)) / V.sum(axis=0)) if intercept else 0.0
    for j in range(B.shape[0]):
        b, g, c = B[j], G[j], C[j]
        if grouped:
            nb = np.linalg.norm(b)
            if nb > 0:
                worst = max(worst, np.max(np.abs(-g + l2[j] * b + l1[j] * b / nb) / c))
            elif np.linalg.norm(g) > 0:
                curv = (c * g * g).sum() / (g * g).sum()
                worst = max(worst, max(np.linalg.norm(g) - l1[j, 0], 0) / curv)
        else:
            nz = b != 0
            worst = max(worst, np.max(np.abs(-g + l2[j] * b + l1[j] * np.sign(b))[nz] / c[nz],
                                      initial=0),
                        np.max(np.maximum(np.abs(g) - l1[j], 0)[~nz] / c[~nz], initial=0))
    return worst


def _objective(Xs, Y, w, v, a, B, lam, alpha, grouped):
    P = _probs(Xs, a, B)
    pen1 = np.linalg.norm(B, axis=1) if grouped else np.abs(B).sum(axis=1)
    return -(w @ np.log((Y * P).sum(axis=1))) + lam * v @ (alpha * pen1 + 0.5 * (1 - alpha)
                                                           * (B ** 2).sum(axis=1))


def _fit(c, grouped, **kw):
    return multinomial_path(c["X"], c["y"], alpha=c["alpha"], penalty_factor=c["factors"],
                            freq_weights=c["weights"], kkt_tol=KKT,
                            type_multinomial="grouped" if grouped else "ungrouped", **kw)


@pytest.fixture(scope="module")
def fits():
    return {(name, g): _fit(c, g) for name, c in CASES.items() for g in (False, True)}


@pytest.mark.parametrize("grouped", [False, True], ids=["ungrouped", "grouped"])
@pytest.mark.parametrize("name", list(CASES))
def test_kkt_holds_at_every_lambda(fits, name, grouped):
    c, path = CASES[name], fits[(name, grouped)]
    Xs, Y, w, v, xm, sd = _problem(c)
    assert path.converged.all()
    worst = max(_kkt(Xs, Y, w, v, *_standardised(path, j, xm, sd), lam, c["alpha"], grouped)
                for j, lam in enumerate(path.lambdas))
    assert worst < KKT
    assert path.kkt.shape == path.lambdas.shape and np.nanmax(path.kkt) < KKT
    # the intercepts are centred and, ungrouped, every row is in glmnet's form (elc)
    a0 = np.column_stack([path.coefs[k]["Intercept"].to_numpy() for k in path.classes])
    np.testing.assert_allclose(a0.sum(axis=1), 0.0, atol=1e-10)


@pytest.mark.parametrize("grouped", [False, True], ids=["ungrouped", "grouped"])
@pytest.mark.parametrize(("alpha", "intercept"), [(0.0, True), (0.5, False)])
def test_kkt_holds_for_ridge_and_without_intercept(alpha, intercept, grouped):
    # α = 0 with a factor-0 column: at λ = ∞ only that column and the intercepts are free.
    # The first point is solved at λ = ∞ and reported at glmnet's λ_max (fix.lam), where
    # for α = 0 it is not the optimum: it is left out then.
    c = dict(CASES["sim_enet_factors"], alpha=alpha)
    Xs, Y, w, v, xm, sd = _problem(c, intercept)
    path = _fit(c, grouped, fit_intercept=intercept, nlambda=40)
    assert path.converged.all()
    worst = max(_kkt(Xs, Y, w, v, *_standardised(path, j, xm, sd), lam, alpha, grouped,
                     intercept) for j, lam in enumerate(path.lambdas) if j or alpha > 0)
    assert worst < KKT


def test_default_path_is_glmnets_and_precise_mode_is_closer():
    # without kkt_tol the kernel alone runs (R's answers); with it the KKT conditions hold
    c = CASES["separable"]
    Xs, Y, w, v, xm, sd = _problem(c)
    plain = multinomial_path(c["X"], c["y"])
    j = len(plain.lambdas) - 1
    lam = plain.lambdas[j]
    rough = _kkt(Xs, Y, w, v, *_standardised(plain, j, xm, sd), lam, 1.0, False)
    fine = multinomial_path(c["X"], c["y"], lambdas=plain.lambdas, kkt_tol=KKT)
    assert _kkt(Xs, Y, w, v, *_standardised(fine, j, xm, sd), lam, 1.0, False) < KKT < rough


def _lbfgs(Xs, Y, w, v, lam, alpha):
    """Minimise the ungrouped objective by L-BFGS-B on (a, B⁺, B⁻), B⁺, B⁻ ≥ 0, from 0."""
    n, p = Xs.shape
    K = Y.shape[1]

    def f(z):
        a, Bp, Bm = z[:K], z[K:K + p * K].reshape(p, K), z[K + p * K:].reshape(p, K)
        B = Bp - Bm
        Zl = a + Xs @ B
        m = Zl.max(axis=1, keepdims=True)
        lse = m[:, 0] + np.log(np.exp(Zl - m).sum(axis=1))
        P = np.exp(Zl - lse[:, None])
        val = w @ (lse - (Y * Zl).sum(axis=1))
        val += lam * (v @ (alpha * (Bp + Bm).sum(axis=1) + 0.5 * (1 - alpha)
                           * (B ** 2).sum(axis=1)))
        R = w[:, None] * (P - Y)
        gB = Xs.T @ R + lam * (1 - alpha) * v[:, None] * B
        l1 = lam * alpha * v[:, None]
        return val, np.concatenate([R.sum(axis=0), (gB + l1).ravel(), (-gB + l1).ravel()])

    z0 = np.zeros(K + 2 * p * K)
    bounds = [(None, None)] * K + [(0, None)] * (2 * p * K)
    res = minimize(f, z0, jac=True, method="L-BFGS-B", bounds=bounds,
                   options=dict(maxiter=100_000, maxfun=200_000, ftol=0.0, gtol=1e-14,
                                maxcor=30))
    z = res.x
    return z[:K], z[K:K + p * K].reshape(p, K) - z[K + p * K:].reshape(p, K)


def _proximal(Xs, Y, w, v, lam, alpha, iters=40_000):
    """Minimise the grouped objective by accelerated proximal gradient (FISTA), from 0."""
    n, p = Xs.shape
    K = Y.shape[1]
    step = 1.0 / (0.5 * np.linalg.norm(np.column_stack([np.ones(n), Xs]) * np.sqrt(w)[:, None],
                                       2) ** 2 + lam * (1 - alpha) * v.max())
    a, B = np.zeros(K), np.zeros((p, K))
    ya, yB, t = a.copy(), B.copy(), 1.0
    for _ in range(iters):
        R = w[:, None] * (_probs(Xs, ya, yB) - Y)
        na = ya - step * R.sum(axis=0)
        U = yB - step * (Xs.T @ R + lam * (1 - alpha) * v[:, None] * yB)
        nrm = np.linalg.norm(U, axis=1, keepdims=True)
        nB = np.maximum(0, 1 - step * lam * alpha * v[:, None] / np.maximum(nrm, 1e-300)) * U
        t1 = 0.5 * (1 + np.sqrt(1 + 4 * t * t))
        ya, yB = na + (t - 1) / t1 * (na - a), nB + (t - 1) / t1 * (nB - B)
        a, B, t = na, nB, t1
    return a, B


@pytest.mark.parametrize("grouped", [False, True], ids=["ungrouped", "grouped"])
@pytest.mark.parametrize("name", ["iris", "sim_enet_factors"])
def test_the_optimum_of_an_independent_optimiser(fits, name, grouped):
    c, path = CASES[name], fits[(name, grouped)]
    Xs, Y, w, v, xm, sd = _problem(c)
    for j in (len(path.lambdas) // 4, len(path.lambdas) // 2):
        lam = path.lambdas[j]
        a, B = _standardised(path, j, xm, sd)
        ra, rB = (_proximal if grouped else _lbfgs)(Xs, Y, w, v, lam, c["alpha"])
        ours = _objective(Xs, Y, w, v, a, B, lam, c["alpha"], grouped)
        ref = _objective(Xs, Y, w, v, ra, rB, lam, c["alpha"], grouped)
        assert ours <= ref + 1e-12 * abs(ref)
        # the same fitted probabilities (the row shift and intercept sum are invisible)
        np.testing.assert_allclose(_probs(Xs, a, B), _probs(Xs, ra, rB), atol=1e-7)


def test_unmet_tolerance_is_reported(monkeypatch):
    monkeypatch.setattr(multinomial_newton, "_ROUNDS", 0)
    c = CASES["iris"]
    with pytest.warns(gb.ConvergenceWarning, match="kkt_tol=1e-12 not met at λ number"):
        path = multinomial_path(c["X"], c["y"], kkt_tol=1e-12, nlambda=10)
    assert not path.converged.all()
    assert set(path.status) <= {0, 4}


def test_exact_coef_and_cv_keep_the_precise_mode():
    c = CASES["sim_enet_factors"]
    Xs, Y, w, v, xm, sd = _problem(c)
    path = _fit(c, False, nlambda=20)
    s = 0.5 * (path.lambdas[6] + path.lambdas[7])
    got = path.coef(s, exact=True)
    B = np.column_stack([got[k].to_numpy() for k in path.classes])
    a, Bs = B[0] + xm @ B[1:], B[1:] * sd[:, None]
    assert _kkt(Xs, Y, w, v, a, Bs, s, c["alpha"], False) < KKT
    # through the public entry points: cv_glmnet and glmnet_path with the softmax
    cv = gb.cv_glmnet(c["X"], c["y"], activation="softmax", alpha=c["alpha"],
                      penalty_factor=c["factors"], freq_weights=c["weights"], nfolds=3,
                      nlambda=15, kkt_tol=KKT)
    assert cv.path.converged.all()
    again = gb.glmnet_path(c["X"], c["y"], activation="softmax", alpha=c["alpha"],
                           penalty_factor=c["factors"], freq_weights=c["weights"],
                           nlambda=15, kkt_tol=KKT)
    for k in again.classes:
        np.testing.assert_array_equal(again.coefs[k].to_numpy(), cv.path.coefs[k].to_numpy())
    j = len(cv.path.lambdas) - 1
    assert _kkt(Xs, Y, w, v, *_standardised(cv.path, j, xm, sd), cv.path.lambdas[j],
                c["alpha"], False) < KKT


def test_bad_kkt_tol_is_refused():
    from glmnet_bridge.exceptions import DataError

    with pytest.raises(DataError, match="kkt_tol"):
        multinomial_path(CASES["iris"]["X"], CASES["iris"]["y"], kkt_tol=0.0)
    X, y = CASES["separable"]["X"], CASES["separable"]["y"] == "u"
    for call in (gb.glmnet_path, gb.cv_glmnet):   # the other paths' tol is a KKT bound
        with pytest.raises(ValueError, match="kkt_tol.*softmax"):
            call(X, y, kkt_tol=1e-8)


def test_a_kernel_failure_inside_the_finish_stops_the_path(monkeypatch):
    # the finish calls the kernel again for violating zeros; if that call diverges (5)
    # the λ is dropped with a warning, as when the kernel fails on its own
    real = multinomial_newton.polish
    calls = []

    def failing(*args):
        calls.append(1)
        return (5, np.inf) if len(calls) == 3 else real(*args)

    monkeypatch.setattr(multinomial_newton, "polish", failing)
    c = CASES["iris"]
    with pytest.warns(gb.ConvergenceWarning, match="λ number 3: the coordinate descent diverged"):
        path = multinomial_path(c["X"], c["y"], kkt_tol=KKT, nlambda=10)
    assert len(path.lambdas) == 2 and path.converged.all()
