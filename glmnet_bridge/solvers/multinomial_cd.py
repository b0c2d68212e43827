"""glmnet's multinomial coordinate descent, compiled: one λ of a penalised softmax layer.

Minimises, over K intercepts a (unpenalised) and a p×K coefficient matrix B on the
columns of a standardised X (F-ordered: each column contiguous),

    −Σ_i w_i log softmax(a + x_i·B)[y_i] + Σ_j v_j·(ab·pen1(B_j·) + dem/2·‖B_j·‖²),

w the weights normalised to sum to 1, ab = λ·α, dem = λ·(1 − α), pen1 = Σ_k |B_jk|
(ungrouped) or ‖B_j·‖₂ (grouped). The symmetric parametrisation: the likelihood does
not change when a constant is added to a row of B (or to a), the penalty picks the row.

The two kernels port glmnet 4.1's C++ (glmnetpp, ``elnet_point/internal/binomial_base.hpp``)
step by step, because its answer at the edges (fitted probabilities clamped to
[1e-9, 1 − 1e-9], linear predictors to ±250) is what R reports:

* ungrouped: per class, an IRLS quadratic approximation (exact diagonal Newton weights
  w·p·(1 − p)) minimised by cyclic coordinate descent over the strong set, then over the
  nonzero coordinates until they settle, then the strong set once more; after all
  classes the intercepts are centred (they sum to 0) and every active row of B is
  shifted by glmnet's ``elc``, the s minimising α·Σ_k|B_jk − s| + (1 − α)/2·Σ_k(B_jk − s)²
  (the mean for an unpenalised column);
* grouped: one quadratic bound per IRLS step (curvature 2·max p(1 − p), glmnet's
  choice), the whole row B_j· updated at once by group soft-thresholding.

After convergence every column outside the strong set has its KKT condition checked
on the full gradient; violators join it and the loop goes on. ``thr`` is glmnet's
convergence threshold already multiplied by its null deviance: the loops end when no
coordinate moves by more than xv_j·Δ² ≥ thr.

Status codes: 0 converged, 1 maxit passes reached, 2 every class skipped (glmnet's
"all fitted probabilities are 0 or 1": the path stops), 3 the grouped bound's variance
fell below 1e-6 (glmnet's error 7777), 5 the iteration diverged: some row's clamped
e^z summed to 0 or overflowed (glmnet would divide by it; R reaches its maxit first).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .loops import FAST as _FAST
from .loops import dot as _dot
from .loops import wsq as _wsq

__all__ = ["BIG", "elc", "ungrouped_point", "grouped_point", "abs_grad", "deviance_terms",
           "null_start"]

BIG = 9.9e35       # glmnet's "big": the first λ of a generated path is solved at λ = big
_PMIN = 1e-9       # glmnet.control()$pmin
_EXMX = 250.0      # glmnet.control()$exmx
_EPS = 1e-6        # glmnet.control()$eps (the grouped bound's smallest variance)


@njit(cache=True, nogil=True, fastmath=_FAST)
def _axpy(r, c, v, x):
    """Subtract c·v·x from r, elementwise."""
    for i in range(r.shape[0]):
        r[i] -= c * v[i] * x[i]


@njit(cache=True, nogil=True)
def elc(alpha, a):
    """Return glmnet's shift s of a row a: the minimiser of α·Σ|a − s| + (1 − α)/2·Σ(a − s)².

    A port of glmnetpp's ``elc`` (the median for α = 1, the mean for α = 0 or two classes;
    between, the piecewise-linear minimiser found between the two).
    """
    n = a.shape[0]
    am = 0.0
    for k in range(n):
        am += a[k]
    am /= n
    out = am
    if alpha != 0.0 and n != 2:
        s = np.sort(a)
        if s[0] == s[n - 1]:
            out = a[0]
        else:
            if n % 2 == 1:
                ad = s[n // 2]
            else:
                ad = 0.5 * (s[n // 2] + s[n // 2 - 1])
            if alpha == 1.0:
                out = ad
            else:
                b1 = min(am, ad)
                b2 = max(am, ad)
                k2 = 1
                while s[k2 - 1] <= b1:
                    k2 += 1
                k1 = k2 - 1
                while s[k2 - 1] < b2:
                    k2 += 1
                r = alpha / ((1.0 - alpha) * n)
                found = 0
                sm = n - 2 * (k1 - 1)
                sv = 0.0
                for k in range(k1, k2):
                    sm -= 2
                    sv = r * sm + am
                    if sv > s[k - 1] and sv <= s[k]:
                        found = k
                        break
                if found:
                    out = sv
                else:
                    r2 = 2.0 * r
                    s1 = s[k1 - 1]
                    am2 = 2.0 * am
                    tot = 0.0
                    for i in range(n):
                        tot += abs(a[i] - s1)
                    cri = r2 * tot + s1 * (s1 - am2)
                    out = s1
                    for k in range(k1 + 1, k2 + 1):
                        sv = s[k - 1]
                        if sv == s1:
                            continue
                        tot = 0.0
                        for i in range(n):
                            tot += abs(a[i] - sv)
                        c = r2 * tot + sv * (sv - am2)
                        if c < cri:
                            cri = c
                            out = sv
                        s1 = sv
    return out


@njit(cache=True, nogil=True)
def null_start(Y, w, a0, Q, sxp, intr):
    """Set glmnet's null model: a0_k = log share_k centred (0 without intercept), Q = e^a0.

    Returns (dev1, dev0): the null model's mean deviance/2 and glmnet's ``dev0`` (the
    same plus Σ w·y·log y, zero for 0/1 outcomes). Status −1 (a share ≤ 1e-9 or
    ≥ 1 − 1e-9) is returned as dev0 = −1 − k for class k.
    """
    n, K = Y.shape
    dev1 = 0.0
    for k in range(K):
        q0 = 0.0
        for i in range(n):
            q0 += w[i] * Y[i, k]
        if q0 <= _PMIN or q0 >= 1.0 - _PMIN:
            return 0.0, -1.0 - k
        if intr:
            a0[k] = np.log(q0)
            dev1 -= q0 * a0[k]
        else:
            a0[k] = 0.0
    if not intr:
        dev1 = np.log(K)
    m = 0.0
    for k in range(K):
        m += a0[k]
    m /= K
    for i in range(n):
        sxp[i] = 0.0
    for k in range(K):
        a0[k] -= m
        e = np.exp(a0[k])
        for i in range(n):
            Q[i, k] = e
            sxp[i] += e
    dev0 = dev1
    for k in range(K):
        for i in range(n):
            if Y[i, k] > 0.0:
                dev0 += w[i] * Y[i, k] * np.log(Y[i, k])
    return dev1, dev0


@njit(cache=True, nogil=True)
def deviance_terms(Y, w, Q, sxp):
    """Return −Σ_i w_i Σ_k y_ik log p_ik with p = Q/sxp (glmnet's ``devi``)."""
    n, K = Y.shape
    d = 0.0
    for k in range(K):
        for i in range(n):
            if Y[i, k] > 0.0:
                d -= w[i] * Y[i, k] * np.log(Q[i, k] / sxp[i])
    return d


@njit(cache=True, nogil=True)
def abs_grad(X, Y, w, Q, sxp, strong, ga, r, grouped):
    """Set ga_j (columns outside the strong set) to max_k |g_jk| or ‖g_j·‖₂, g = X'(w·(Y − P))."""
    n, p = X.shape
    K = Y.shape[1]
    for j in range(p):
        if not strong[j]:
            ga[j] = 0.0
    if grouped:
        R = np.empty((n, K))
        for k in range(K):
            for i in range(n):
                R[i, k] = w[i] * (Y[i, k] - Q[i, k] / sxp[i])
        g = np.empty(K)
        for j in range(p):
            if strong[j]:
                continue
            x = X[:, j]
            s = 0.0
            for k in range(K):
                g[k] = _dot(R[:, k], x)
                s += g[k] * g[k]
            ga[j] = np.sqrt(s)
        return
    for k in range(K):
        for i in range(n):
            r[i] = w[i] * (Y[i, k] - Q[i, k] / sxp[i])
        for j in range(p):
            if strong[j]:
                continue
            g = abs(_dot(r, X[:, j]))
            if g > ga[j]:
                ga[j] = g


@njit(cache=True, nogil=True)
def _strong_update(ga, vp, strong, tlam):
    changed = False
    for j in range(ga.shape[0]):
        if not strong[j] and ga[j] > tlam * vp[j]:
            strong[j] = 1
            changed = True
    return changed


@njit(cache=True, nogil=True)
def _diverged(sxp):
    """Return whether some row's Σ_k e^z is 0 or not finite (the iteration ran off)."""
    for i in range(sxp.shape[0]):
        if not (0.0 < sxp[i] < np.inf):
            return True
    return False


@njit(cache=True, nogil=True)
def _activate(j, active, nact, isact):
    if not isact[j]:
        isact[j] = 1
        active[nact[0]] = j
        nact[0] += 1


@njit(cache=True, nogil=True)
def _class_prob(X, a0k, B, k, active, nact, Qk, sxp, di):
    """Recompute class k's linear predictor and glmnet's clamped exp of it (Q[:, k], sxp)."""
    n = X.shape[0]
    emin = _PMIN / (1.0 - _PMIN)
    emax = 1.0 / emin
    for i in range(n):
        di[i] = a0k
    for t in range(nact):
        j = active[t]
        b = B[j, k]
        if b != 0.0:
            x = X[:, j]
            for i in range(n):
                di[i] += b * x[i]
    for i in range(n):
        e = min(max(di[i], -_EXMX), _EXMX)
        s = sxp[i] - Qk[i]
        q = min(max(emin * s, np.exp(e)), emax * s)
        Qk[i] = q
        sxp[i] = s + q


@njit(cache=True, nogil=True)
def _cd_pass(X, v, r, B, k, xv, vp, ab, dem, idx, m, isact, active, nact, intr, a0, xmz,
             full):
    """One coordinate-descent pass of class k over idx[:m]; return the largest xv·Δ²."""
    dlx = 0.0
    for t in range(m):
        j = idx[t]
        x = X[:, j]
        bold = B[j, k]
        u = _dot(r, x) + bold * xv[j, k]
        a = abs(u) - vp[j] * ab
        bnew = 0.0
        if a > 0.0:
            bnew = np.copysign(a, u) / (xv[j, k] + vp[j] * dem)
        if bnew == bold:
            continue
        B[j, k] = bnew
        if full:
            _activate(j, active, nact, isact)
        d = bnew - bold
        dd = xv[j, k] * d * d
        if dd > dlx:
            dlx = dd
        _axpy(r, d, v, x)
    if intr:
        rs = 0.0
        for i in range(r.shape[0]):
            rs += r[i]
        d = rs / xmz
        if d != 0.0:
            a0[k] += d
            dd = xmz * d * d
            if dd > dlx:
                dlx = dd
            for i in range(r.shape[0]):
                r[i] -= d * v[i]
    return dlx


@njit(cache=True, nogil=True)
def ungrouped_point(X, Y, w, vp, B, a0, Q, sxp, strong, active, nact, ga, xv, alpha, lam,
                    prev_lam, thr, maxit, intr, npass):
    """Solve one λ of the ungrouped multinomial lasso from the warm start (B, a0, Q, sxp).

    Parameters are mutated in place: B (p×K), a0 (K), Q (n×K, glmnet's clamped e^z),
    sxp (n, Σ_k Q), strong (p, 0/1), active (p, the nonzero columns in order of entry),
    nact (1), ga (p, the absolute gradients), xv (p×K, the curvatures), npass (1).
    Returns the status code (see the module docstring).
    """
    n, p = X.shape
    K = Y.shape[1]
    ab = lam * alpha
    dem = lam * (1.0 - alpha)
    pfm = (1.0 + _PMIN) * _PMIN
    pfx = (1.0 - _PMIN) * (1.0 - _PMIN)
    vmin = (1.0 + _PMIN) * _PMIN * (1.0 - _PMIN)
    r = np.empty(n)
    v = np.empty(n)
    di = np.empty(n)
    bs = np.zeros(p + 1)
    row = np.empty(K)
    isact = np.zeros(p, dtype=np.int64)
    for t in range(nact[0]):
        isact[active[t]] = 1
    sidx = np.empty(p, dtype=np.int64)
    _strong_update(ga, vp, strong, alpha * (2.0 * lam - prev_lam))
    while True:
        ix = False
        ig = False
        if npass[0] > maxit:
            return 1
        if _diverged(sxp):
            return 5
        m = 0
        for j in range(p):
            if strong[j]:
                sidx[m] = j
                m += 1
        for k in range(K):
            # setup_wls
            bs[0] = a0[k]
            for t in range(nact[0]):
                bs[active[t] + 1] = B[active[t], k]
            xmz = 0.0
            for i in range(n):
                pik = Q[i, k] / sxp[i]
                if pik < pfm:
                    pik = 0.0
                    v[i] = 0.0
                elif pik > pfx:
                    pik = 1.0
                    v[i] = 0.0
                else:
                    v[i] = w[i] * pik * (1.0 - pik)
                    xmz += v[i]
                r[i] = w[i] * (Y[i, k] - pik)
            if xmz <= vmin:
                continue
            ig = True
            for t in range(m):
                j = sidx[t]
                xv[j, k] = _wsq(v, X[:, j])
            # wls: the strong set, then the nonzero coordinates until they settle, repeat
            while True:
                npass[0] += 1
                dlx = _cd_pass(X, v, r, B, k, xv, vp, ab, dem, sidx, m, isact, active, nact,
                               intr, a0, xmz, True)
                if dlx < thr:
                    break
                if npass[0] > maxit:
                    return 1
                while True:
                    npass[0] += 1
                    dlx = _cd_pass(X, v, r, B, k, xv, vp, ab, dem, active, nact[0], isact,
                                   active, nact, intr, a0, xmz, False)
                    if dlx < thr:
                        break
                    if npass[0] > maxit:
                        return 1
            # has_converged_irls_class
            if not ix:
                d = bs[0] - a0[k]
                if xmz * d * d > thr:
                    ix = True
                else:
                    for t in range(nact[0]):
                        j = active[t]
                        d = B[j, k] - bs[j + 1]
                        if xv[j, k] * d * d > thr:
                            ix = True
                            break
            _class_prob(X, a0[k], B, k, active, nact[0], Q[:, k], sxp, di)
        # update_irls: centre the intercepts, shift each active row by elc
        s = 0.0
        for k in range(K):
            s += a0[k]
        s = -s / K
        for k in range(K):
            a0[k] += s
        for i in range(n):
            di[i] = s
        for t in range(nact[0]):
            j = active[t]
            for k in range(K):
                row[k] = B[j, k]
            if vp[j] <= 0.0:
                sh = 0.0
                for k in range(K):
                    sh += row[k]
                sh /= K
            else:
                sh = elc(alpha, row)
            for k in range(K):
                B[j, k] -= sh
            x = X[:, j]
            for i in range(n):
                di[i] -= sh * x[i]
        for i in range(n):
            e = np.exp(di[i])
            sxp[i] *= e
            for k in range(K):
                Q[i, k] *= e
        if _diverged(sxp):
            return 5
        if not ig:
            return 2
        if not ix:
            abs_grad(X, Y, w, Q, sxp, strong, ga, r, False)
            if not _strong_update(ga, vp, strong, ab):
                return 0


@njit(cache=True, nogil=True)
def grouped_point(X, Y, w, vp, xvg, B, a0, Q, sxp, strong, active, nact, ga, alpha, lam,
                  prev_lam, thr, maxit, intr, npass):
    """Solve one λ of the grouped multinomial lasso from the warm start (as ungrouped_point).

    ``xvg`` (p) holds Σ_i w_i x_ij² of the standardised columns (1 when standardised
    with an intercept). Returns the status code.
    """
    n, p = X.shape
    K = Y.shape[1]
    ab = lam * alpha
    dem = lam * (1.0 - alpha)
    R = np.empty((n, K))
    sc = np.empty(n)
    a0old = np.empty(K)
    Bold = np.empty((p, K))
    g = np.empty(K)
    u = np.empty(K)
    diff = np.empty(K)
    isact = np.zeros(p, dtype=np.int64)
    for t in range(nact[0]):
        isact[active[t]] = 1
    sidx = np.empty(p, dtype=np.int64)
    _strong_update(ga, vp, strong, alpha * (2.0 * lam - prev_lam))
    while True:
        if npass[0] > maxit:
            return 1
        if _diverged(sxp):
            return 5
        m = 0
        for j in range(p):
            if strong[j]:
                sidx[m] = j
                m += 1
        # setup_wls: the bound t = 2·max p(1 − p), penalties scaled by it
        tb = 0.0
        for k in range(K):
            for i in range(n):
                pik = Q[i, k] / sxp[i]
                val = Q[i, k] * (1.0 - pik) / sxp[i]
                if val > tb:
                    tb = val
        if tb < _EPS:
            return 3
        tb *= 2.0
        abs_ = ab / tb
        dems = dem / tb
        for k in range(K):
            a0old[k] = a0[k]
        nact0 = nact[0]
        for t in range(nact0):
            j = active[t]
            for k in range(K):
                Bold[j, k] = B[j, k]
        for k in range(K):
            for i in range(n):
                R[i, k] = w[i] * (Y[i, k] - Q[i, k] / sxp[i]) / tb
            if intr:
                rs = 0.0
                for i in range(n):
                    rs += R[i, k]
                if rs != 0.0:
                    a0[k] += rs
                    for i in range(n):
                        R[i, k] -= rs * w[i]
        # wls
        full = True
        while True:
            npass[0] += K
            dlx = 0.0
            cnt = m if full else nact[0]
            for t in range(cnt):
                j = sidx[t] if full else active[t]
                x = X[:, j]
                gn = 0.0
                for k in range(K):
                    g[k] = _dot(R[:, k], x)
                    u[k] = g[k] + xvg[j] * B[j, k]
                    gn += u[k] * u[k]
                gn = np.sqrt(gn)
                fac = 1.0 - abs_ * vp[j] / gn if gn > 0.0 else 0.0
                same = True
                dmax = 0.0
                for k in range(K):
                    bnew = 0.0
                    if fac > 0.0:
                        bnew = fac / (xvg[j] + dems * vp[j]) * u[k]
                    diff[k] = bnew - B[j, k]
                    if diff[k] != 0.0:
                        same = False
                    if abs(diff[k]) > dmax:
                        dmax = abs(diff[k])
                    B[j, k] = bnew
                if same:
                    continue
                if full:
                    _activate(j, active, nact, isact)
                dd = xvg[j] * dmax * dmax
                if dd > dlx:
                    dlx = dd
                for k in range(K):
                    if diff[k] != 0.0:
                        _axpy(R[:, k], diff[k], w, x)
            if dlx < thr:
                if full:
                    break
                full = True
            else:
                full = False
            if npass[0] > maxit:
                return 1
        # update_irls
        dmax = 0.0
        for k in range(K):
            d = abs(a0[k] - a0old[k])
            if d > dmax:
                dmax = d
        ix = dmax * dmax > thr
        if not ix:
            for t in range(nact[0]):
                j = active[t]
                dmax = 0.0
                for k in range(K):
                    d = abs(B[j, k] - (Bold[j, k] if t < nact0 else 0.0))
                    if d > dmax:
                        dmax = d
                if dmax * dmax * xvg[j] > thr:
                    ix = True
                    break
        for k in range(K):
            _class_prob(X, a0[k], B, k, active, nact[0], Q[:, k], sxp, sc)
        s = 0.0
        for k in range(K):
            s += a0[k]
        s /= K
        for k in range(K):
            a0[k] -= s
        if _diverged(sxp):
            return 5
        if not ix:
            abs_grad(X, Y, w, Q, sxp, strong, ga, sc, True)
            if not _strong_update(ga, vp, strong, ab):
                return 0
