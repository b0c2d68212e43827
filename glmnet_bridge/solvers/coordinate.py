"""glmnet's coordinate descent, compiled: one λ of an elastic-net GLM from a warm start.

Minimises  C(b0, b)/W + Σ_j (l1_j·|b_j| + l2_j/2·b_j²)  over the columns of a
standardised X (F-ordered: each column contiguous), C the weighted cost of a
Gaussian (½(y − z)²), binomial-logit (log(1 + eᶻ) − y·z) or Poisson-log (eᶻ − y·z)
model, z = offset + b0 + X·b. As glmnet's elnet/lognet/fishnet: an outer loop of
IRLS quadratic approximations (exact for the Gaussian), each minimised by cyclic
coordinate descent on the strong set, sweeping the nonzero coordinates until they
settle and then the whole set once more; after convergence every other column's
KKT condition is checked on the full gradient, and violators join the set.

Convergence is measured in units of the linear predictor, as the path's KKT
tolerance is: a sweep's largest change (x_j'Vx_j + l2_j)·|Δb_j| / √(x_j'Vx_j), the
KKT violation it removed. The outer loop ends when
the first sweep after fresh IRLS weights moves no coordinate by more than ``limit``
(then the point satisfies the KKT conditions of the true cost to about that); a
step that raises the penalised cost is halved (glmnet's Fortran has no such guard;
a Poisson step from far away can need it).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["GAUSSIAN", "BINOMIAL", "POISSON", "solve_lambda", "working"]

GAUSSIAN, BINOMIAL, POISSON = 0, 1, 2

_FAST = {"reassoc", "contract", "nsz", "arcp"}  # lets the dot products vectorise


@njit(cache=True, nogil=True)
def working(fam, y, wn, eta, v, r):
    """Fill the IRLS weights v and weighted residuals r = wn·(y − μ); return the mean cost."""
    n = y.shape[0]
    cost = 0.0
    for i in range(n):
        e = eta[i]
        if fam == GAUSSIAN:
            res = y[i] - e
            v[i] = wn[i]
            r[i] = wn[i] * res
            cost += 0.5 * wn[i] * res * res
        elif fam == BINOMIAL:
            if e >= 0.0:
                t = np.exp(-e)
                mu = 1.0 / (1.0 + t)
                lse = e + np.log1p(t)
            else:
                t = np.exp(e)
                mu = t / (1.0 + t)
                lse = np.log1p(t)
            v[i] = wn[i] * mu * (1.0 - mu)
            r[i] = wn[i] * (y[i] - mu)
            cost += wn[i] * (lse - y[i] * e)
        else:
            mu = np.exp(e)
            v[i] = wn[i] * mu
            r[i] = wn[i] * (y[i] - mu)
            cost += wn[i] * (mu - y[i] * e)
    return cost


@njit(cache=True, nogil=True, fastmath=_FAST)
def _dot(a, b):
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i] * b[i]
    return s


@njit(cache=True, nogil=True, fastmath=_FAST)
def _wsq(v, x):
    s = 0.0
    for i in range(v.shape[0]):
        s += v[i] * x[i] * x[i]
    return s


@njit(cache=True, nogil=True, fastmath=_FAST)
def _sweep(X, v, r, b, xv, l1, l2, idx, m, intercept, b0, sv):
    """Update the coordinates idx[:m] once (then the bias); return the largest change."""
    n = X.shape[0]
    big = 0.0
    for t in range(m):
        j = idx[t]
        den = xv[j] + l2[j]
        if den <= 0.0:
            continue
        xj = X[:, j]
        g = _dot(r, xj)
        bj = b[j]
        u = g + xv[j] * bj
        a = abs(u) - l1[j]
        nb = np.copysign(a, u) / den if a > 0.0 else 0.0
        d = nb - bj
        if d != 0.0:
            b[j] = nb
            for i in range(n):
                r[i] -= d * v[i] * xj[i]
            # the KKT violation this change removed, in units of the linear predictor
            sq = np.sqrt(xv[j])
            c = abs(d) * den / sq if sq > 0.0 else abs(d) * den
            if c > big:
                big = c
    if intercept and sv > 0.0:
        d = 0.0
        for i in range(n):
            d += r[i]
        d /= sv
        b0[0] += d
        for i in range(n):
            r[i] -= d * v[i]
        c = abs(d) * np.sqrt(sv)
        if c > big:
            big = c
    return big


@njit(cache=True, nogil=True)
def _linear(X, off, b, b0, eta):
    n, p = X.shape
    for i in range(n):
        eta[i] = off[i] + b0
    for j in range(p):
        if b[j] != 0.0:
            bj = b[j]
            xj = X[:, j]
            for i in range(n):
                eta[i] += bj * xj[i]


@njit(cache=True, nogil=True)
def _penalty(b, l1, l2):
    s = 0.0
    for j in range(b.shape[0]):
        if b[j] != 0.0:
            s += l1[j] * abs(b[j]) + 0.5 * l2[j] * b[j] * b[j]
    return s


@njit(cache=True, nogil=True)
def _strong_list(strong, idx):
    m = 0
    for j in range(strong.shape[0]):
        if strong[j]:
            idx[m] = j
            m += 1
    return m


@njit(cache=True, nogil=True)
def _active_list(b, idx, m, act):
    a = 0
    for t in range(m):
        if b[idx[t]] != 0.0:
            act[a] = idx[t]
            a += 1
    return a


@njit(cache=True, nogil=True)
def _polish(X, v, r, b, b0, l1, l2, act, a, intercept, sv):
    """Minimise the quadratic model on the nonzero coordinates act[:a], their signs held.

    Solves (X_A'VX_A + diag l2) Δ = X_A'r − l1·sign(b_A) − l2·b_A (with the bias) and
    moves towards b + Δ, stopping where the first coordinate would change sign (it is
    set to 0 there), as an active-set method does: every such move lowers the model.
    Coordinate descent converges slowly on strongly correlated columns (breast cancer's
    radius, perimeter and area); this step ends it in one solve once the signs are known.
    Returns False when the system is singular (then descent goes on alone).
    """
    n = X.shape[0]
    k = a + (1 if intercept else 0)
    sq = np.sqrt(v)
    Wt = np.empty((k, n))  # rows √v·x_j: each a contiguous copy of a column
    for s in range(a):
        xs = X[:, act[s]]
        for i in range(n):
            Wt[s, i] = sq[i] * xs[i]
    if intercept:
        Wt[a, :] = sq
    M = Wt @ Wt.T  # BLAS
    rhs = np.zeros(k)
    for s in range(a):
        j = act[s]
        M[s, s] += l2[j]
        rhs[s] = _dot(r, X[:, j]) - l1[j] * np.sign(b[j]) - l2[j] * b[j]
    if intercept:
        c = 0.0
        for i in range(n):
            c += r[i]
        rhs[a] = c
    for s in range(k):
        if not M[s, s] > 0.0:
            return False
    try:
        delta = np.linalg.solve(M, rhs)
    except Exception:  # noqa: BLE001 - numba raises a plain LinAlgError here
        return False
    step = 1.0
    for s in range(a):
        j = act[s]
        if (b[j] + delta[s]) * b[j] <= 0.0:
            step = min(step, -b[j] / delta[s])
    for s in range(a):
        j = act[s]
        d = step * delta[s]
        nb = b[j] + d
        if (b[j] + delta[s]) * b[j] <= 0.0 and step == -b[j] / delta[s]:
            nb = 0.0
            d = -b[j]
        b[j] = nb
        xs = X[:, j]
        for i in range(n):
            r[i] -= d * v[i] * xs[i]
    if intercept:
        d = step * delta[a]
        b0[0] += d
        for i in range(n):
            r[i] -= d * v[i]
    return True


@njit(cache=True, nogil=True)
def _inner(X, v, r, b, b0, xv, l1, l2, idx, m, act, intercept, sv, inner, maxit):
    """Minimise one IRLS quadratic model on idx[:m] to ``inner``; return the sweeps taken.

    glmnet's cycle: sweep the nonzero coordinates until they settle, then the whole set
    once more. After a few sweeps without convergence (as many as an exact solve costs),
    the nonzero coordinates are solved exactly with their signs held (:func:`_polish`).
    """
    sweeps = 0
    since = 0
    n = X.shape[0]
    while sweeps < maxit:
        a = _active_list(b, idx, m, act)
        # the exact solve costs about (a/4 + a²/6n) sweeps' arithmetic, done by BLAS at
        # about four times the speed of the sweeps' loops
        trigger = max(2, (a // 4 + (a * a) // (6 * n)) // 4)
        while sweeps < maxit:
            big = _sweep(X, v, r, b, xv, l1, l2, act, a, intercept, b0, sv)
            sweeps += 1
            since += 1
            if big <= inner:
                break
            if since >= trigger:
                since = 0
                _polish(X, v, r, b, b0, l1, l2, act, a, intercept, sv)
                a = _active_list(b, idx, m, act)
        big = _sweep(X, v, r, b, xv, l1, l2, idx, m, intercept, b0, sv)
        sweeps += 1
        if big <= inner:
            break
    return sweeps


@njit(cache=True, nogil=True)
def _solve_strong(X, y, wn, off, fam, intercept, b, b0, eta, l1, l2, idx, m, limit, maxit,
                  v, r, xv, strict):
    """IRLS + coordinate descent on the columns idx[:m]; return (sweeps, converged).

    Unless ``strict``, the loop also ends when an outer step moved no linear predictor by
    more than √limit: Newton's next step would be of order limit (the caller's check of
    the KKT conditions then confirms it, else calls again with ``strict``).
    """
    p = X.shape[1]
    act = np.empty(p, np.int64)
    b_old = b.copy()
    b0_old = b0[0]
    eta_old = eta.copy()
    sweeps = 0
    obj_old = np.inf
    while sweeps < maxit:
        cost = working(fam, y, wn, eta, v, r)
        obj = cost + _penalty(b, l1, l2)
        halvings = 0
        while not obj <= obj_old + 1e-12 * abs(obj_old) and halvings < 40:
            # the quadratic model overshot: back towards the last point
            for j in range(p):
                b[j] = 0.5 * (b[j] + b_old[j])
            b0[0] = 0.5 * (b0[0] + b0_old)
            _linear(X, off, b, b0[0], eta)
            cost = working(fam, y, wn, eta, v, r)
            obj = cost + _penalty(b, l1, l2)
            halvings += 1
        obj_old = obj
        b_old[:] = b
        b0_old = b0[0]
        sv = 0.0
        for i in range(v.shape[0]):
            sv += v[i]
        for t in range(m):
            j = idx[t]
            xv[j] = _wsq(v, X[:, j])
        big = _sweep(X, v, r, b, xv, l1, l2, idx, m, intercept, b0, sv)
        sweeps += 1
        if big <= limit:
            _linear(X, off, b, b0[0], eta)
            return sweeps, True
        # inexact Newton: each model is solved only as far as the outer step needs
        # (a forcing term quadratic in the first sweep's change), the last one to limit/10
        inner = 0.1 * limit if fam == GAUSSIAN else max(0.1 * limit, min(0.1, big) * big)
        sweeps += _inner(X, v, r, b, b0, xv, l1, l2, idx, m, act, intercept, sv, inner,
                         maxit - sweeps)
        eta_old[:] = eta
        _linear(X, off, b, b0[0], eta)
        if not strict:
            moved = 0.0
            for i in range(eta.shape[0]):
                moved = max(moved, abs(eta[i] - eta_old[i]))
            if fam == GAUSSIAN or moved * moved <= limit:
                return sweeps, True
    return sweeps, False


@njit(cache=True, nogil=True)
def solve_lambda(X, y, wn, off, fam, intercept, b, b0, eta, l1, l2, strong, grad, limit,
                 maxit):
    """Solve one λ from the warm start (b, b0, eta), in place.

    Parameters
    ----------
    X : numpy.ndarray
        Standardised columns, (n, p), F-ordered.
    y, wn, off : numpy.ndarray
        Outcome, weights summing to 1, offset.
    fam : int
        GAUSSIAN, BINOMIAL or POISSON.
    intercept : bool
    b, b0, eta : numpy.ndarray
        Coefficients, bias (length 1) and linear predictor; updated in place.
    l1, l2 : numpy.ndarray
        Penalty weights at this λ, per column.
    strong : numpy.ndarray
        Bool, the columns to solve on (strong rule, nonzero, unpenalised); KKT violators
        are added in place.
    grad : numpy.ndarray
        Filled with X'(wn·(y − μ)) at the answer (the strong rule of the next λ).
    limit : float
        Tolerance on the sweep's largest change, units of the linear predictor.
    maxit : int
        Most sweeps in all.

    Returns
    -------
    (float, int, bool)
        The mean cost at the answer, the sweeps taken and whether it converged.
    """
    n, p = X.shape
    v = np.empty(n)
    r = np.empty(n)
    xv = np.zeros(p)
    idx = np.empty(p, np.int64)
    sweeps = 0
    converged = False
    cost = 0.0
    strict = False
    while True:
        m = _strong_list(strong, idx)
        s, converged = _solve_strong(X, y, wn, off, fam, intercept, b, b0, eta, l1, l2, idx,
                                     m, limit, maxit - sweeps, v, r, xv, strict)
        sweeps += s
        cost = working(fam, y, wn, eta, v, r)
        late = False
        short = False  # a solved column's KKT condition fails: solve again, strictly
        for j in range(p):
            xj = X[:, j]
            g = _dot(r, xj)
            grad[j] = g
            if strong[j]:
                # scaled by the last IRLS weights' √(x_j'Vx_j)
                if b[j] != 0.0:
                    viol = abs(g - np.copysign(l1[j], b[j]) - l2[j] * b[j])
                else:
                    viol = abs(g) - l1[j]
                if viol > limit * np.sqrt(xv[j]):
                    short = True
            else:
                excess = abs(g) - l1[j]
                if excess > 0.0 and excess > limit * np.sqrt(_wsq(v, xj)):
                    strong[j] = True
                    late = True
        if intercept:
            g = 0.0
            sv = 0.0
            for i in range(n):
                g += r[i]
                sv += v[i]
            short = short or abs(g) > limit * np.sqrt(sv)
        if short and not strict and converged:
            strict = True
            continue
        if not late or not converged:
            break
    return cost, sweeps, converged
