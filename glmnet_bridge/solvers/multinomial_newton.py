"""An exact finish for one λ of the multinomial path: KKT check and active-set Newton.

glmnet's threshold bounds a coordinate-descent pass's change, not the distance to the
optimum. This module finishes a point of :mod:`glmnet_bridge.solvers.multinomial_cd` to
a stated accuracy on the same problem (standardised columns X, weights w summing to 1,
penalty factors v):

    F(a, B) = −Σ_i w_i log softmax(a + x_i·B)[y_i] + λ Σ_j v_j [α·pen1(B_j·) + (1 − α)/2·‖B_j·‖²].

* :func:`kkt_violation` measures the largest violation of the optimality conditions of F
  over every intercept and coefficient, each divided by its curvature
  c_jk = Σ_i w_i p_ik(1 − p_ik) x_ij² (a Newton step, in units of the coefficient);
* :func:`newton_ungrouped` minimises F on the face where the nonzero B_jk keep their
  signs (smooth there), with the intercepts: full multinomial Hessian, each step's model
  minimised with the signs held (a coefficient reaching 0 becomes exactly 0, as in
  Lawson and Hanson's NNLS) and backtracking on F;
* :func:`newton_grouped` does the same for the group penalty on the nonzero rows (a row
  whose Newton step would cross 0 is set to 0 when that lowers F);
* :func:`polish` alternates them with the compiled kernel at a tighter threshold (which
  activates zero coefficients that violate their condition) until the check passes.

The likelihood does not change when a constant is added to every intercept or to a whole
row of B: the Hessian is singular along those directions. The intercepts' direction is
made definite by adding its rank-one projector (the gradient is orthogonal to it), the
rest by a tiny Levenberg term; a row's flat direction with a nonzero slope (α = 1) then
gives a long step that the sign truncation ends.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg as sla

from . import multinomial_cd as cd

__all__ = ["kkt_violation", "objective", "newton_ungrouped", "newton_grouped", "canonical",
           "sync_state", "polish"]

_EPS = np.finfo(float).eps
_MAXITER = 100        # Newton iterations per call
_ROUNDS = 12          # Newton / kernel alternations per λ


def _logsoftmax(Z):
    """Return log P of each row of Z."""
    m = Z.max(axis=1, keepdims=True)
    return Z - m - np.log(np.exp(Z - m).sum(axis=1, keepdims=True))


def _softmax(Z):
    """Return (log P, P, 1 − P) of each row of Z, 1 − P summed from the other classes."""
    m = Z.max(axis=1, keepdims=True)
    E = np.exp(Z - m)
    s = E.sum(axis=1, keepdims=True)
    logp = Z - m - np.log(s)
    P = E / s
    # 1 − p_k as the sum of the other classes (no cancellation where p_k is near 1)
    cs = np.cumsum(E, axis=1)
    rs = np.cumsum(E[:, ::-1], axis=1)[:, ::-1]
    others = np.zeros_like(E)
    others[:, 1:] += cs[:, :-1]
    others[:, :-1] += rs[:, 1:]
    Pc = others / s
    return logp, P, Pc


def _penalty(B, vp, alpha, lam, grouped):
    if grouped:
        pen1 = np.sqrt((B * B).sum(axis=1))
    else:
        pen1 = np.abs(B).sum(axis=1)
    return lam * float(vp @ (alpha * pen1 + 0.5 * (1.0 - alpha) * (B * B).sum(axis=1)))


def objective(X, Y, w, vp, alpha, lam, B, a0, grouped=False):
    """Return F(a0, B): −Σ w·log p of the observed class plus the penalty.

    Parameters
    ----------
    X : numpy.ndarray
        n × p standardised inputs.
    Y : numpy.ndarray
        n × K indicator of the classes.
    w : numpy.ndarray
        n weights summing to 1.
    vp : numpy.ndarray
        p penalty factors.
    alpha, lam : float
    B : numpy.ndarray
        p × K coefficients.
    a0 : numpy.ndarray
        K intercepts.
    grouped : bool, default False

    Returns
    -------
    float
    """
    rows = np.flatnonzero((B != 0).any(axis=1))
    return _value(X[:, rows], Y, w, vp[rows], alpha, lam, B[rows], a0, grouped)


def _value(Xa, Y, w, va, alpha, lam, Ba, a0, grouped, logp=None):
    """Return F with only the rows Ba (columns Xa, factors va); ``logp`` if already known."""
    if logp is None:
        logp = _logsoftmax(a0 + Xa @ Ba)
    return float(-(w @ (Y * logp).sum(axis=1))) + _penalty(Ba, va, alpha, lam, grouped)


def _backtrack(trial, f0, slope, halvings=60):
    """Halve t from 1 until ``trial(t)`` = (F, B, a) passes Armijo's test; None if never."""
    t = 1.0
    for _ in range(halvings):
        ft, Bt, at = trial(t)
        if _armijo(ft, f0, slope, t):
            return Bt, at
        t *= 0.5
    return None


def kkt_violation(X, Y, w, vp, alpha, lam, B, a0, intercept, grouped=False, X2=None):
    """Return the largest KKT violation of F at (a0, B), the largest at zeros, and the loss.

    Each violation is divided by its coordinate's curvature Σ_i w_i p_ik(1 − p_ik) x_ij²
    (Σ_i w_i p_ik(1 − p_ik) for an intercept). Ungrouped: |∂F/∂B_jk| at a nonzero B_jk,
    max(|g_jk| − λαv_j, 0) at a zero one (g the likelihood's gradient). Grouped: the
    row's gradient at a nonzero row; max(‖g_j·‖ − λαv_j, 0) at a zero row, divided by
    the curvature along g_j·. ``X2`` is X*X when the caller has it.

    Returns
    -------
    (float, float, float)
        The largest violation over everything, over the zero coefficients (rows), and
        −Σ_i w_i log p_i,y_i (half the deviance).
    """
    Z = a0 + X @ B
    logp, P, Pc = _softmax(Z)
    R = w[:, None] * (Y - P)          # minus the likelihood's gradient in Z
    G = X.T @ R
    V = w[:, None] * P * Pc
    C = (X * X if X2 is None else X2).T @ V
    l1 = (lam * alpha * vp)[:, None]
    l2 = (lam * (1.0 - alpha) * vp)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        if grouped:
            nb = np.sqrt((B * B).sum(axis=1))
            on = nb > 0
            D = -G + l2 * B + l1 * np.divide(B, nb[:, None], out=np.zeros_like(B),
                                             where=on[:, None])
            face = np.where(on[:, None], np.abs(D) / C, 0.0)
            gn = np.sqrt((G * G).sum(axis=1))
            curv = np.divide((C * G * G).sum(axis=1), gn * gn, out=np.zeros_like(gn),
                             where=gn > 0)
            ex = np.maximum(gn - l1[:, 0], 0.0)
            zero = np.where(~on, np.divide(ex, curv, out=np.where(ex > 0, np.inf, 0.0),
                                           where=curv > 0), 0.0)
        else:
            on = B != 0
            D = -G + l2 * B + l1 * np.sign(B)
            face = np.where(on, np.abs(D) / C, 0.0)
            ex = np.maximum(np.abs(G) - l1, 0.0)
            zero = np.where(~on, np.divide(ex, C, out=np.where(ex > 0, np.inf, 0.0),
                                           where=C > 0), 0.0)
        face = np.nan_to_num(face, nan=0.0, posinf=np.inf)
        worst_zero = float(zero.max(initial=0.0))
        worst = max(float(face.max(initial=0.0)), worst_zero)
        if intercept:
            worst = max(worst, float(np.max(np.abs(R.sum(axis=0)) / V.sum(axis=0))))
    return worst, worst_zero, float(-(w @ (Y * logp).sum(axis=1)))


def _hessian(Zs, w, P, Pc):
    """Return the multinomial Hessian Σ_i w_i (diag p_i − p_i p_i') ⊗ z_i z_i' on blocks Zs.

    The off-diagonal blocks come from one symmetric rank-n product −M'M, M's block k the
    rows z_ik scaled by √w_i·p_ik; the diagonal blocks are computed directly with the
    weights w·p_k(1 − p_k) (1 − p_k summed from the other classes: no cancellation).
    """
    sizes = [z.shape[1] for z in Zs]
    off = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
    sq = np.sqrt(w)
    M = np.empty((Zs[0].shape[0], off[-1]), order="F")
    for k, z in enumerate(Zs):
        M[:, off[k]:off[k + 1]] = z * (sq * P[:, k])[:, None]
    H = -sla.blas.dsyrk(1.0, M, trans=1, lower=0)
    H = np.triu(H) + np.triu(H, 1).T
    for k, z in enumerate(Zs):
        if sizes[k]:
            H[off[k]:off[k + 1], off[k]:off[k + 1]] = \
                (z * (w * P[:, k] * Pc[:, k])[:, None]).T @ z
    return H, off


def _solve(H, g, null=None):
    """Return the solution d of (H + s·uu') d = −g, u the intercepts' common direction.

    Solved on the Jacobi-scaled matrix (unit diagonal: a huge ridge at a large λ and a
    tiny curvature near separation are then on one scale) with a Levenberg term μ, raised
    from 1e-14 until Cholesky succeeds.
    """
    H = H.copy()
    if null is not None and len(null):
        s = float(np.mean(np.diag(H)[null])) or 1.0
        H[np.ix_(null, null)] += s / len(null)
    dg = np.diag(H).copy()
    dg[~(dg > 0)] = 1.0
    sc = 1.0 / np.sqrt(dg)
    A0 = H * sc[:, None] * sc[None, :]
    idx = np.diag_indices_from(A0)
    mu = 1e-14
    for _ in range(8):
        A = A0.copy()
        A[idx] += mu
        try:
            c = sla.cho_factor(A, check_finite=False)
            return -sc * sla.cho_solve(c, sc * g, check_finite=False)
        except np.linalg.LinAlgError:
            mu *= 100.0
    return -g / dg


def _face_step(H, g, b, theta, null):
    """Return the step D minimising the model g'D + D'HD/2 on the sign face, NNLS-style.

    The Newton step of the variables still free is taken up to the first coefficient
    (θ ≠ 0) that reaches 0; that one is fixed at 0 (D = −b exactly) and the rest solved
    again from the same H with the model's gradient moved by the step, until a full step
    is taken (Lawson and Hanson's move: each lowers the model). ``null`` indexes the
    intercepts, whose common direction H does not see.
    """
    d_all = len(g)
    D = np.zeros(d_all)
    q = g.copy()
    alive = np.ones(d_all, dtype=bool)
    isnull = np.zeros(d_all, dtype=bool)
    isnull[null] = True
    for _ in range(d_all + 1):
        idx = np.flatnonzero(alive)
        if not idx.size:
            break
        sub_null = np.flatnonzero(isnull[idx])
        d = _solve(H[np.ix_(idx, idx)], q[idx], sub_null)
        cur = b[idx] + D[idx]
        with np.errstate(divide="ignore", invalid="ignore"):
            cross = (theta[idx] != 0) & (d * theta[idx] < 0)
            ratio = np.where(cross, -cur / d, np.inf)
        step = min(1.0, float(ratio.min(initial=np.inf)))
        move = np.zeros(d_all)
        move[idx] = step * d
        D += move
        q += H @ move
        if step >= 1.0:
            break
        gone = idx[cross & (ratio <= step)]
        D[gone] = -b[gone]
        alive[gone] = False
    return D


def _armijo(f, f0, slope, t):
    return f <= f0 + 1e-4 * t * slope + 16 * _EPS * abs(f0)


def newton_ungrouped(X, Y, w, vp, alpha, lam, B, a0, intercept, target, maxiter=_MAXITER):
    """Minimise F on the sign face of B's nonzero entries (with the intercepts), in place.

    Each step minimises the quadratic model of the smooth function F restricted to the
    face (the multinomial Hessian plus the ridge term) with the signs held
    (:func:`_face_step`: a coefficient that reaches 0 on the way stays exactly 0 and
    leaves the face), and is halved until F decreases (Armijo). Stops when every face
    coordinate's gradient divided by its curvature is at most ``target``.

    Returns
    -------
    (bool, int)
        Whether the face condition was met, and the number of Newton steps taken.
    """
    n, K = Y.shape
    l1 = lam * alpha * vp
    l2 = lam * (1.0 - alpha) * vp
    for it in range(maxiter + 1):
        Fm = B != 0
        rows = np.flatnonzero(Fm.any(axis=1))
        Xa = X[:, rows]
        Ba = B[rows]
        Fa = Fm[rows]
        Z = a0 + Xa @ Ba
        logp, P, Pc = _softmax(Z)
        R = w[:, None] * (Y - P)
        V = w[:, None] * P * Pc
        gB = -(Xa.T @ R) + l2[rows, None] * Ba + l1[rows, None] * np.sign(Ba)
        C = (Xa * Xa).T @ V
        gA = -R.sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            viol = np.where(Fa, np.abs(gB) / C, 0.0).max(initial=0.0)
            if intercept:
                viol = max(viol, float(np.max(np.abs(gA) / V.sum(axis=0))))
        if not viol > target:   # also when nan: nothing better to do
            return True, it
        if it == maxiter:
            break
        cols = [np.flatnonzero(Fa[:, k]) for k in range(K)]
        Zs, g, b, null = [], [], [], []
        base = 0
        X1 = np.hstack([np.ones((n, 1)), Xa]) if intercept else Xa
        for k in range(K):
            gk, bk = gB[cols[k], k], Ba[cols[k], k]
            if intercept:
                Zk = X1[:, np.r_[0, cols[k] + 1]]
                gk, bk = np.r_[gA[k], gk], np.r_[0.0, bk]
                null.append(base)
            else:
                Zk = X1[:, cols[k]]
            Zs.append(Zk)
            g.append(gk)
            b.append(bk)
            base += Zk.shape[1]
        g, b = np.concatenate(g), np.concatenate(b)
        theta = np.sign(b)               # 0 at the intercepts: never cut
        H, off = _hessian(Zs, w, P, Pc)
        ridge = np.zeros(len(g))
        for k in range(K):
            s = off[k] + (1 if intercept else 0)
            ridge[s:off[k + 1]] = l2[rows[cols[k]]]
        H[np.diag_indices_from(H)] += ridge
        D = _face_step(H, g, b, theta, np.array(null, dtype=int))
        slope = float(g @ D)
        if not slope < 0:
            return False, it
        dA = np.zeros(K)
        dB = np.zeros_like(Ba)
        for k in range(K):
            s = off[k]
            if intercept:
                dA[k] = D[s]
                s += 1
            dB[cols[k], k] = D[s:off[k + 1]]
        hit = Fa & (Ba + dB == 0.0)        # coefficients the step brings to 0 exactly
        f0 = _value(Xa, Y, w, vp[rows], alpha, lam, Ba, a0, False, logp)

        def trial(t, Ba=Ba, dB=dB, dA=dA, Fa=Fa, hit=hit, Xa=Xa, rows=rows):
            Bt = Ba + t * dB
            if t == 1.0:
                Bt[hit] = 0.0
            Bt[~Fa] = 0.0
            Bt[Fa & (Bt * np.sign(Ba) < 0)] = 0.0     # rounding past the cut
            at = a0 + t * dA if intercept else a0
            return _value(Xa, Y, w, vp[rows], alpha, lam, Bt, at, False), Bt, at

        step = _backtrack(trial, f0, slope)
        if step is None:
            return False, it
        B[rows], at = step
        if intercept:
            a0[:] = at
    return False, maxiter


def newton_grouped(X, Y, w, vp, alpha, lam, B, a0, intercept, target, maxiter=_MAXITER):
    """Minimise F over the nonzero rows of B (group penalty, smooth there) and the intercepts.

    The Hessian adds λv_j[α(I/‖b‖ − bb'/‖b‖³) + (1 − α)I] to the likelihood's. A step
    that would take a row's norm below a tenth of its value, or turn it back, is first
    tried (halved up to 20 times) with that row at 0; the row leaves when that lowers F.
    Returns as :func:`newton_ungrouped`.
    """
    n, K = Y.shape
    l1 = lam * alpha * vp
    l2 = lam * (1.0 - alpha) * vp
    for it in range(maxiter + 1):
        rows = np.flatnonzero((B != 0).any(axis=1))
        Xa = X[:, rows]
        Ba = B[rows]
        Z = a0 + Xa @ Ba
        logp, P, Pc = _softmax(Z)
        R = w[:, None] * (Y - P)
        V = w[:, None] * P * Pc
        nb = np.sqrt((Ba * Ba).sum(axis=1))
        U = Ba / nb[:, None] if rows.size else Ba
        gB = -(Xa.T @ R) + l2[rows, None] * Ba + l1[rows, None] * U
        C = (Xa * Xa).T @ V
        gA = -R.sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            viol = np.nan_to_num(np.abs(gB) / C).max(initial=0.0)
            if intercept:
                viol = max(viol, float(np.max(np.abs(gA) / V.sum(axis=0))))
        if not viol > target:
            return True, it
        if it == maxiter:
            break
        a = rows.size
        Zs, g, null = [], [], []
        for k in range(K):
            Zk = np.hstack([np.ones((n, 1)), Xa]) if intercept else Xa
            Zs.append(Zk)
            g.append(np.r_[gA[k], gB[:, k]] if intercept else gB[:, k])
            if intercept:
                null.append(k * (a + 1))
        g = np.concatenate(g)
        H, off = _hessian(Zs, w, P, Pc)
        s0 = 1 if intercept else 0
        for r in range(a):            # the penalty's Hessian couples a row's K entries
            ix = off[:-1] + s0 + r
            Hp = l1[rows[r]] / nb[r] * (np.eye(K) - np.outer(U[r], U[r])) \
                + l2[rows[r]] * np.eye(K)
            H[np.ix_(ix, ix)] += Hp
        d = _solve(H, g, np.array(null, dtype=int) if intercept else None)
        slope = float(g @ d)
        if not slope < 0:
            d = -g / np.maximum(np.diag(H), 1e-300)
            slope = float(g @ d)
            if not slope < 0:
                return False, it
        dA = d[off[:-1]] if intercept else np.zeros(K)
        dB = np.column_stack([d[off[k] + s0:off[k + 1]] for k in range(K)])
        f0 = _value(Xa, Y, w, vp[rows], alpha, lam, Ba, a0, True, logp)
        # rows the step would shrink towards 0 or turn back: there the penalty's slope is
        # not its linear model's, so first try them at 0 (with the step halved up to 20
        # times); kept if F decreases
        full = np.sqrt(((Ba + dB) ** 2).sum(axis=1))
        drop = (full < 0.1 * nb) | ((Ba * (Ba + dB)).sum(axis=1) < 0)
        if drop.any():
            t = 1.0
            for _ in range(20):
                Bt = Ba + t * dB
                Bt[drop] = 0.0
                at = a0 + t * dA if intercept else a0
                ft = _value(Xa, Y, w, vp[rows], alpha, lam, Bt, at, True)
                if ft < f0:
                    break
                t *= 0.5
            if ft < f0:
                B[rows] = Bt
                if intercept:
                    a0[:] = at
                continue
        def trial(t, Ba=Ba, dB=dB, dA=dA, Xa=Xa, rows=rows):
            Bt = Ba + t * dB
            at = a0 + t * dA if intercept else a0
            return _value(Xa, Y, w, vp[rows], alpha, lam, Bt, at, True), Bt, at

        step = _backtrack(trial, f0, slope)
        if step is None:
            return False, it
        B[rows], at = step
        if intercept:
            a0[:] = at
    return False, maxiter


def canonical(B, a0, vp, alpha, intercept, grouped):
    """Put (a0, B) in glmnet's form in place: intercepts centred, ungrouped rows shifted by elc.

    The likelihood does not see either change, and the shift minimises the row's penalty
    (the mean for a column with penalty factor 0), so an optimum stays one. A shift below
    1e-13 of the row's largest entry (rounding of a row already at its minimum) is not
    applied, so that exact zeros stay zeros.
    """
    if intercept:
        a0 -= a0.mean()
    if grouped:
        return
    for j in np.flatnonzero((B != 0).any(axis=1)):
        row = np.ascontiguousarray(B[j])
        s = row.mean() if vp[j] <= 0 else cd.elc(alpha, row)
        if abs(s) > 1e-13 * np.abs(row).max():
            B[j] -= s


def sync_state(X, Y, w, B, a0, Q, sxp, strong, active, nact, ga, grouped):
    """Make the kernel's warm-start state agree with (a0, B), in place.

    Q and sxp are recomputed class by class with glmnet's clamps (as the kernel's
    ``_class_prob``); nonzero columns join the strong and active sets; ``ga`` is
    recomputed outside the strong set.
    """
    n, K = Y.shape
    rows = np.flatnonzero((B != 0).any(axis=1))
    isact = np.zeros(B.shape[0], dtype=bool)
    isact[active[:nact[0]]] = True
    for j in rows:
        strong[j] = 1
        if not isact[j]:
            active[nact[0]] = j
            nact[0] += 1
            isact[j] = True
    Z = np.clip(a0 + X[:, rows] @ B[rows], -250.0, 250.0)
    Q[:] = np.exp(Z)
    sxp[:] = Q.sum(axis=1)
    di = np.empty(n)
    act = np.ascontiguousarray(rows.astype(np.int64))
    for k in range(K):
        col = np.ascontiguousarray(Q[:, k])
        cd._class_prob(X, float(a0[k]), B, k, act, act.size, col, sxp, di)
        Q[:, k] = col
    cd.abs_grad(X, Y, w, Q, sxp, strong, ga, np.empty(n), grouped)


def polish(X, Y, w, vp, alpha, lam, B, a0, intercept, grouped, kkt_tol, thr, thr_floor,
           kernel, stats=None):
    """Finish one λ to ``kkt_tol``: Newton on the face, the kernel when zeros violate.

    Parameters
    ----------
    X, Y, w, vp, alpha, lam, B, a0, intercept, grouped
        The problem and the kernel's solution (B, a0 changed in place).
    kkt_tol : float
        The bound on :func:`kkt_violation`.
    thr, thr_floor : float
        The kernel's threshold for this λ; each return to the kernel divides it by 100,
        not below ``thr_floor``.
    kernel : callable
        ``kernel(thr)`` brings the kernel's state arrays in step with B and a0, runs the
        kernel from there at threshold thr and returns its status.
    stats : dict, optional
        Accumulates ``newton`` (steps), ``rounds``, ``kernel`` (calls), ``size`` (largest
        number of Newton variables); ``loss`` is −Σ w log p at the final check.

    Returns
    -------
    (int, float)
        Status (0 met, 4 not met within the rounds, else the kernel's failing status)
        and the final violation.
    """
    newton = newton_grouped if grouped else newton_ungrouped
    target = 0.5 * kkt_tol
    X2 = X * X
    viol, vzero, loss = kkt_violation(X, Y, w, vp, alpha, lam, B, a0, intercept, grouped, X2)
    if stats is not None:
        stats["loss"] = loss
    for rnd in range(_ROUNDS):
        if viol <= kkt_tol:
            return 0, viol
        if rnd and vzero > kkt_tol:
            thr = max(thr / 100.0, thr_floor)
            st = kernel(thr)
            if stats is not None:
                stats["kernel"] = stats.get("kernel", 0) + 1
            if st not in (0, 1):
                return st, viol
        _, steps = newton(X, Y, w, vp, alpha, lam, B, a0, intercept, target)
        if stats is not None:
            stats["newton"] = stats.get("newton", 0) + steps
            stats["rounds"] = stats.get("rounds", 0) + 1
            nz = (B != 0).any(axis=1).sum() * B.shape[1] if grouped else (B != 0).sum()
            stats["size"] = max(stats.get("size", 0), int(nz) + B.shape[1] * intercept)
        viol, vzero, loss = kkt_violation(X, Y, w, vp, alpha, lam, B, a0, intercept, grouped,
                                          X2)
        if stats is not None:
            stats["loss"] = loss
    return (0 if viol <= kkt_tol else 4), viol
