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
(then the point satisfies the KKT conditions of the true cost to about that), or when
a step moved no linear predictor by more than √limit, the full KKT check confirming it.
The nonzero coordinates are solved exactly with their signs held (an active-set
Newton step) when coordinate descent would take longer. A long step (a linear
predictor moved by more than 0.5) that raises the penalised cost is halved
(glmnet's Fortran has no such guard; a Poisson step from far away can need it).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .loops import FAST as _FAST
from .loops import dot as _dot
from .loops import wsq as _wsq

__all__ = ["GAUSSIAN", "BINOMIAL", "POISSON", "solve_lambda", "start_lambda", "working"]

GAUSSIAN, BINOMIAL, POISSON = 0, 1, 2
# The Gram cache of a binomial or Poisson path is rebuilt once some linear predictor has
# moved by more than this since its weights were taken: each weight v = μ(1 − μ) or e^η
# has then changed by less than e^0.1 − 1 ≈ 10%, and a Newton step with the cached
# matrix still removes about 90% of the error (the sweeps after it confirm the answer).
_STALE = 0.1


@njit(cache=True, nogil=True)
def working(fam, y, wn, eta, v, r, want_cost):
    """Fill the IRLS weights v and weighted residuals r = wn·(y − μ).

    Returns the mean cost when ``want_cost`` (else 0: the logistic cost's log1p is a
    third of the pass on long data).
    """
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
            t = np.exp(-abs(e))
            mu = 1.0 / (1.0 + t) if e >= 0.0 else t / (1.0 + t)
            v[i] = wn[i] * mu * (1.0 - mu)
            r[i] = wn[i] * (y[i] - mu)
            if want_cost:
                cost += wn[i] * (max(e, 0.0) + np.log1p(t) - y[i] * e)
        else:
            mu = np.exp(e)
            v[i] = wn[i] * mu
            r[i] = wn[i] * (y[i] - mu)
            cost += wn[i] * (mu - y[i] * e)
    return cost


@njit(cache=True, nogil=True, fastmath=_FAST)
def _dot_wsq(r, v, x):
    """Return (Σ r_i·x_i, Σ v_i·x_i²) in one pass over x."""
    g = 0.0
    q = 0.0
    for i in range(x.shape[0]):
        g += r[i] * x[i]
        q += v[i] * x[i] * x[i]
    return g, q


@njit(cache=True, nogil=True, fastmath=_FAST)
def _sweep(X, v, r, b, xv, l1, l2, idx, m, intercept, b0, sv, fresh=False):
    """Update the coordinates idx[:m] once (then the bias); return the largest change.

    With ``fresh`` the curvatures xv_j = x_j'Vx_j of new weights are computed on the way,
    in the same pass over each column as its gradient.
    """
    n = X.shape[0]
    big = 0.0
    for t in range(m):
        j = idx[t]
        xj = X[:, j]
        if fresh:
            g, xv[j] = _dot_wsq(r, v, xj)
        else:
            g = _dot(r, xj)
        den = xv[j] + l2[j]
        if den <= 0.0:
            continue
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


@njit(cache=True, nogil=True, fastmath=_FAST)
def _gram(Wt):
    """Return Wt·Wt': by BLAS for many rows, else by a loop (gemm is slow on 11 × 1e5)."""
    k, n = Wt.shape
    if k >= 64:
        return Wt @ Wt.T
    M = np.zeros((k, k))
    for s in range(k):
        for t in range(s + 1):
            c = 0.0
            for i in range(n):
                c += Wt[s, i] * Wt[t, i]
            M[s, t] = c
            M[t, s] = c
    return M


@njit(cache=True, nogil=True, fastmath=_FAST)
def _cached_gram(X, v, act, a, intercept, sv, cache, meta):
    """Return X_A'VX_A (with the bias's row) from a cache kept along the path, or a 0 × 0.

    ``cache`` (c + 1 rows, the last Σ v·x_j) keeps x_i'Vx_j of every column that was
    nonzero since the weights v were taken (the Gaussian's never change; the others'
    are the reference weights of :func:`_solve_strong`); ``meta`` holds each column's
    slot (p values, −1 for none), each slot's column (c values) and the slots used. A
    new column costs one product per cached column. Without a cache (c = 0) or once it
    is full, returns a 0 × 0 array and the caller forms the matrix itself.
    """
    c = cache.shape[1]
    if c == 0:
        return np.zeros((0, 0))
    p = X.shape[1]
    n = X.shape[0]
    for s in range(a):
        j = act[s]
        if meta[j] >= 0:
            continue
        used = meta[p + c]
        if used >= c:
            return np.zeros((0, 0))
        xj = X[:, j]
        for t in range(used):
            xt = X[:, meta[p + t]]
            g = 0.0
            for i in range(n):
                g += v[i] * xj[i] * xt[i]
            cache[used, t] = g
            cache[t, used] = g
        cache[used, used] = _wsq(v, xj)
        cache[c, used] = _dot(v, xj)
        meta[j] = used
        meta[p + used] = j
        meta[p + c] = used + 1
    k = a + (1 if intercept else 0)
    M = np.empty((k, k))
    for s in range(a):
        u = meta[act[s]]
        for t in range(a):
            M[s, t] = cache[u, meta[act[t]]]
        if intercept:
            M[s, a] = cache[c, u]
            M[a, s] = cache[c, u]
    if intercept:
        M[a, a] = sv
    return M


@njit(cache=True, nogil=True)
def _renew(v, eta, cache, meta, vref, etaref):
    """Empty the Gram cache and take v as its weights if η moved more than _STALE since."""
    n = v.shape[0]
    far = False
    for i in range(n):
        if abs(eta[i] - etaref[i]) > _STALE:
            far = True
            break
    if not far:
        return
    s = 0.0
    for i in range(n):
        vref[i] = v[i]
        etaref[i] = eta[i]
        s += v[i]
    vref[n] = s
    c = cache.shape[1]
    p = meta.shape[0] - c - 1
    for j in range(p + c):
        meta[j] = -1
    meta[p + c] = 0


@njit(cache=True, nogil=True)
def _cholesky_solve(L, rhs):
    """Solve L L' x = rhs by forward and back substitution."""
    m = rhs.shape[0]
    x = rhs.copy()
    for i in range(m):
        c = x[i]
        for k in range(i):
            c -= L[i, k] * x[k]
        x[i] = c / L[i, i]
    for i in range(m - 1, -1, -1):
        c = x[i]
        for k in range(i + 1, m):
            c -= L[k, i] * x[k]
        x[i] = c / L[i, i]
    return x


@njit(cache=True, nogil=True)
def _polish(X, v, r, b, b0, l1, l2, act, a, intercept, cache, meta, vref):
    """Minimise the quadratic model on the nonzero coordinates act[:a], their signs held.

    With the signs θ fixed the model is smooth: its minimiser solves
    (X_A'VX_A + diag l2) Δ = X_A'r − l1·θ − l2·b_A (with the bias). The step goes towards
    it only until the first coordinate reaches 0; that one is dropped and the rest solved
    again from the same Gram matrix (Lawson and Hanson's NNLS move: every one lowers the
    model), until a full step is taken. Coordinate descent crawls on strongly correlated
    columns (breast cancer's radius, perimeter and area); this ends it once the signs are
    known. Returns False when the system is not positive definite (descent goes on alone).
    The Gram matrix comes from ``cache`` (:func:`_cached_gram`) at the reference weights
    ``vref`` (n values and their sum): the Gaussian's own, else weights within about 10%
    of v, which makes the step an inexact Newton step that the sweeps then finish.
    """
    n = X.shape[0]
    k = a + (1 if intercept else 0)
    M = _cached_gram(X, vref[:n], act, a, intercept, vref[n], cache, meta)
    if M.shape[0] != k:
        sq = np.sqrt(v)
        Wt = np.empty((k, n))  # rows √v·x_j: each a contiguous copy of a column
        for s in range(a):
            xs = X[:, act[s]]
            for i in range(n):
                Wt[s, i] = sq[i] * xs[i]
        if intercept:
            Wt[a, :] = sq
        M = _gram(Wt)
    q = np.zeros(k)  # minus the smooth part's gradient at b + D
    theta = np.zeros(k)
    pen = np.zeros(k)
    for s in range(a):
        j = act[s]
        M[s, s] += l2[j]
        q[s] = _dot(r, X[:, j]) - l2[j] * b[j]
        theta[s] = np.sign(b[j])
        pen[s] = l1[j]
    if intercept:
        c = 0.0
        for i in range(n):
            c += r[i]
        q[a] = c
    D = np.zeros(k)
    alive = np.ones(k, np.bool_)
    idx = np.empty(k, np.int64)
    for _ in range(k + 1):
        m = 0
        for s in range(k):
            if alive[s]:
                idx[m] = s
                m += 1
        if m == 0:
            break
        A = np.empty((m, m))
        rhs = np.empty(m)
        for u in range(m):
            su = idx[u]
            if not M[su, su] > 0.0:
                return False
            rhs[u] = q[su] - pen[su] * theta[su]
            for w in range(m):
                A[u, w] = M[su, idx[w]]
        try:
            L = np.linalg.cholesky(A)
        except Exception:  # noqa: BLE001 - not positive definite (a > n): descent goes on
            return False
        delta = _cholesky_solve(L, rhs)
        step = 1.0
        for u in range(m):
            su = idx[u]
            if su < a and (b[act[su]] + D[su] + delta[u]) * theta[su] <= 0.0:
                step = min(step, -(b[act[su]] + D[su]) / delta[u])
        for u in range(m):
            su = idx[u]
            D[su] += step * delta[u]
        for u in range(m):  # the model's gradient moves with the step
            for s in range(k):
                q[s] -= M[s, idx[u]] * step * delta[u]
        if step >= 1.0:
            break
        for u in range(m):  # drop the coordinates the step brought to 0
            su = idx[u]
            if su < a and (b[act[su]] + D[su]) * theta[su] <= 1e-15 * abs(b[act[su]]):
                for s in range(k):
                    q[s] += M[s, su] * (b[act[su]] + D[su])
                D[su] = -b[act[su]]
                alive[su] = False
    for s in range(a):
        j = act[s]
        d = D[s]
        if d != 0.0:
            b[j] = b[j] + d if alive[s] else 0.0
            xs = X[:, j]
            for i in range(n):
                r[i] -= d * v[i] * xs[i]
    if intercept and D[a] != 0.0:
        b0[0] += D[a]
        for i in range(n):
            r[i] -= D[a] * v[i]
    return True


@njit(cache=True, nogil=True)
def _inner(X, v, r, b, b0, xv, l1, l2, idx, m, act, intercept, sv, inner, maxit, cache,
           meta, vref):
    """Minimise one IRLS quadratic model on idx[:m] to ``inner``; return the sweeps taken.

    glmnet's cycle: sweep the nonzero coordinates until they settle, then the whole set
    once more. When the sweeps' rate of convergence says they would cost more than an
    exact solve of the nonzero coordinates with their signs held (:func:`_polish`: about
    n·a² + a³ operations at BLAS speed, against 4·n·a a sweep at about half that), the
    solve is taken instead.
    """
    sweeps = 0
    n = X.shape[0]
    first = True
    while sweeps < maxit:
        a = _active_list(b, idx, m, act)
        last = np.inf
        # On long columns (n ≥ 8a) the solve costs less than two sweeps: take it at once
        # and let the sweep over the whole set confirm it.
        if first and 0 < a and 8 * a <= n and _polish(X, v, r, b, b0, l1, l2, act, a,
                                                       intercept, cache, meta, vref):
            a = 0
        first = False
        while sweeps < maxit and a > 0:
            big = _sweep(X, v, r, b, xv, l1, l2, act, a, intercept, b0, sv)
            sweeps += 1
            if big <= inner:
                break
            rate = big / last
            last = big
            if rate < 1.0:
                todo = np.log(inner / big) / np.log(max(rate, 1e-300))
                if todo * 8.0 * a > a + a * a / n:
                    _polish(X, v, r, b, b0, l1, l2, act, a, intercept, cache, meta, vref)
                    a = _active_list(b, idx, m, act)
                    last = np.inf
        big = _sweep(X, v, r, b, xv, l1, l2, idx, m, intercept, b0, sv)
        sweeps += 1
        if big <= inner:
            break
    return sweeps


@njit(cache=True, nogil=True)
def _solve_strong(X, y, wn, off, fam, intercept, b, b0, eta, l1, l2, idx, m, limit, maxit,
                  v, r, xv, strict, cache, meta, vref, etaref):
    """IRLS + coordinate descent on the columns idx[:m]; return (sweeps, converged).

    Unless ``strict``, the loop also ends when an outer step moved no linear predictor by
    more than √limit: Newton's next step would be of order limit (the caller's check of
    the KKT conditions then confirms it, else calls again with ``strict``). Outside the
    Gaussian, the Gram cache's reference weights (``vref``, taken at ``etaref``) are
    renewed when a linear predictor has moved by more than ``_STALE`` since.
    """
    p = X.shape[1]
    act = np.empty(p, np.int64)
    b_old = b.copy()
    b0_old = b0[0]
    eta_old = eta.copy()
    sweeps = 0
    moved = 0.0
    while sweeps < maxit:
        if moved > 0.5:
            # a long step: check that it lowered the penalised cost; halve it back if not
            # (glmnet's Fortran has no such guard; a Poisson step from far away needs it)
            obj_old = working(fam, y, wn, eta_old, v, r, True) + _penalty(b_old, l1, l2)
            obj = working(fam, y, wn, eta, v, r, True) + _penalty(b, l1, l2)
            halvings = 0
            while not obj <= obj_old + 1e-12 * abs(obj_old) and halvings < 40:
                for j in range(p):
                    b[j] = 0.5 * (b[j] + b_old[j])
                b0[0] = 0.5 * (b0[0] + b0_old)
                _linear(X, off, b, b0[0], eta)
                obj = working(fam, y, wn, eta, v, r, True) + _penalty(b, l1, l2)
                halvings += 1
        else:
            working(fam, y, wn, eta, v, r, False)
        if fam != GAUSSIAN and cache.shape[1] > 0:
            _renew(v, eta, cache, meta, vref, etaref)
        b_old[:] = b
        b0_old = b0[0]
        sv = 0.0
        for i in range(v.shape[0]):
            sv += v[i]
        big = _sweep(X, v, r, b, xv, l1, l2, idx, m, intercept, b0, sv, True)
        sweeps += 1
        if big <= limit:
            _linear(X, off, b, b0[0], eta)
            return sweeps, True
        # inexact Newton: each model is solved only as far as the outer step needs
        # (a forcing term quadratic in the first sweep's change), the last one to limit/10
        inner = 0.1 * limit if fam == GAUSSIAN else max(0.1 * limit, min(0.1, big) * big)
        sweeps += _inner(X, v, r, b, b0, xv, l1, l2, idx, m, act, intercept, sv, inner,
                         maxit - sweeps, cache, meta, vref)
        eta_old[:] = eta
        _linear(X, off, b, b0[0], eta)
        moved = 0.0
        for i in range(eta.shape[0]):
            moved = max(moved, abs(eta[i] - eta_old[i]))
        if not strict and (fam == GAUSSIAN or moved * moved <= limit):
            return sweeps, True
    return sweeps, False


@njit(cache=True, nogil=True)
def start_lambda(X, off, b, b0, eta, prev_b, prev_b0, t, grad, l1, factor, ever, strong):
    """Prepare a λ: the strong set, and a predictor step from the last two answers.

    ``strong`` is set to glmnet's sequential strong rule |∇_j| ≥ factor·l1_j
    (factor = 2 − λ_prev/λ), the columns ever nonzero and the unpenalised ones. With
    t ≠ 0 the coefficients nonzero at both of the last two λ move along the line
    through them, t = log(λ/λ_prev)/log(λ_prev/λ_prev2), unless that would flip a sign
    (and the bias likewise); the answer moves smoothly in log λ while its nonzero set
    holds, so the first Newton step starts closer (one IRLS round fewer on the 200 ×
    2000 path). The KKT check decides, whatever the start; eta is recomputed.
    """
    p = b.shape[0]
    for j in range(p):
        strong[j] = abs(grad[j]) >= factor * l1[j] or ever[j] or l1[j] == 0.0
    if t == 0.0:
        return
    moved = False
    for j in range(p):
        if b[j] != 0.0 and prev_b[j] != 0.0:
            nb = b[j] + t * (b[j] - prev_b[j])
            if nb * b[j] > 0.0:
                b[j] = nb
                moved = True
    if moved:
        b0[0] += t * (b0[0] - prev_b0)
        _linear(X, off, b, b0[0], eta)


@njit(cache=True, nogil=True)
def solve_lambda(X, y, wn, off, fam, intercept, b, b0, eta, l1, l2, strong, grad, limit,
                 maxit, cache, meta, vref, etaref):
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
    cache, meta : numpy.ndarray
        The path's Gram cache, (c + 1, c) and int64 (p + c + 1) filled with −1 but the
        last 0 (see :func:`_cached_gram`); c = 0 for none.
    vref, etaref : numpy.ndarray
        The cache's weights and their sum (n + 1: wn and its sum for the Gaussian) and the
        linear predictor they were taken at (n; +∞ before the first).

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
                                     m, limit, maxit - sweeps, v, r, xv, strict, cache,
                                     meta, vref, etaref)
        sweeps += s
        cost = working(fam, y, wn, eta, v, r, True)
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
