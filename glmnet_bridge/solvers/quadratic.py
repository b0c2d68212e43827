"""The proximal Newton step's subproblem: a quadratic model plus an elastic-net penalty.

Minimises ½γ'Aγ − b'γ + Σ_j (l2_j/2·γ_j² + l1_j·|γ_j|) exactly by an active-set method and
measures how far a point is from the penalised optimum (its KKT violation).
"""

from __future__ import annotations

import numpy as np
from scipy import linalg

from ..core.penalties import PenaltyWeights

__all__ = ["minimise_quadratic", "kkt_violation"]


def minimise_quadratic(A, b, pw, start, tol=1e-13, max_iter=None):
    """Minimise ½γ'Aγ − b'γ + Σ (l2/2·γ² + l1·|γ|) exactly, L1 kinks included.

    An unpenalised first coordinate (the bias) is minimised out first: the Schur
    complement is the quadratic of weighted-centred inputs, as glmnet centres X.
    The rest is solved by :func:`_active_set` on the diagonally scaled problem
    (unit diagonal), so columns on very different scales cost nothing extra.
    Coordinate descent (:func:`_cd_sweeps`) is only a fallback should the active
    set cycle on a degenerate problem.
    """
    if not np.any(pw.l1 > 0):
        return linalg.solve(A + np.diag(pw.l2), b, assume_a="pos")
    k = len(b)
    if k > 1 and pw.l1[0] == 0 and pw.l2[0] == 0 and A[0, 0] > 0:
        a0 = A[0, 1:] / A[0, 0]
        A_red = A[1:, 1:] - np.outer(A[1:, 0], a0)
        b_red = b[1:] - A[1:, 0] * (b[0] / A[0, 0])
        rest = PenaltyWeights(pw.l1[1:], pw.l2[1:])
        w = _scaled_solve(0.5 * (A_red + A_red.T), b_red, rest, start[1:], tol, max_iter)
        return np.r_[(b[0] - A[0, 1:] @ w) / A[0, 0], w]
    return _scaled_solve(A, b, pw, start, tol, max_iter)


def _scaled_solve(A, b, pw, start, tol, max_iter):
    """Solve in the coordinates u = γ·√m (m the diagonal of A + diag l2), then scale back."""
    m = np.diag(A) + pw.l2
    alive = m > 0
    d = np.where(alive, 1.0 / np.sqrt(np.where(alive, m, 1.0)), 1.0)
    M = A * d[:, None] * d[None, :] + np.diag(pw.l2 * d * d)
    x0 = np.where(alive, start / d, 0.0)
    u = _active_set(M, b * d, pw.l1 * d, alive, x0, tol,
                    max_iter if max_iter is not None else 20 * len(b) + 50)
    if u is None:
        rest = PenaltyWeights(pw.l1 * d, pw.l2 * d * d)
        u = _cd_sweeps(M - np.diag(pw.l2 * d * d), b * d, rest, x0, tol, 10_000)
    return u * d


def _solve(M, r):
    try:
        return np.linalg.solve(M, r)  # numpy's: far less overhead than scipy's when small
    except np.linalg.LinAlgError:
        return np.linalg.lstsq(M, r, rcond=None)[0]  # p > n: the minimum-norm answer


def _active_set(M, b, l1, alive, x, tol, max_iter):
    """Minimise ½x'Mx − b'x + l1'|x| by an active-set (feature-sign) method; None if it cycles.

    With the signs θ of the active set S fixed the problem is smooth and its minimiser
    solves M_SS x_S = b_S − l1_S·θ_S. If a sign flips, move from x towards that
    solution only until the first coordinate reaches zero, drop it and solve again
    (each move lowers the objective, as in Lawson and Hanson's NNLS); once the signs
    hold, add the zero coordinate that violates |∇_j| ≤ l1_j most, with the sign
    that lowers the objective, and repeat until none does. Along a path the warm
    start's signs are usually right and one solve ends it.
    """
    pen = l1 > 0
    x = x.copy()
    theta = np.sign(x)
    active = (x != 0) | ~pen
    limit = tol * max(1.0, float(np.max(np.abs(b))))
    for _ in range(max_iter):
        S = np.flatnonzero(active)
        if S.size:
            th = theta[S]
            xs = _solve(M[np.ix_(S, S)], b[S] - l1[S] * th)
            bad = pen[S] & (xs * th <= 0)
            if bad.any():
                cur = x[S]
                with np.errstate(divide="ignore", invalid="ignore"):
                    t = np.where(bad, cur / (cur - xs), np.inf)
                i = int(np.argmin(t))
                x[S] = cur + min(max(float(t[i]), 0.0), 1.0) * (xs - cur)
                x[S[i]] = 0.0
                active[S[i]] = False
                theta[S[i]] = 0.0
                continue
            x[S] = xs
        grad = M[:, S] @ x[S] - b
        viol = np.where(~active & alive, np.abs(grad) - l1, -np.inf)
        j = int(np.argmax(viol))
        if viol[j] <= limit:
            return x
        active[j] = True
        theta[j] = -np.sign(grad[j])
    return None


def _cd_sweeps(A, b, pw, start, tol, max_sweeps):
    k = len(b)
    if k == 0:
        return np.zeros(0)
    g = start.astype(float).copy()
    u = A @ g
    cols = list(np.ascontiguousarray(A.T))  # column j, contiguous, for u += δ·A[:, j]
    # Scalars as Python floats: a coordinate update is then a few float operations.
    bl, l1, Ajj = b.tolist(), pw.l1.tolist(), np.diag(A).tolist()
    diag = (np.diag(A) + pw.l2).tolist()
    gl = g.tolist()
    limit = tol * max(1.0, float(np.max(np.abs(b))))
    full = True
    active = range(k)
    for _ in range(max_sweeps):
        idx = range(k) if full else active
        biggest = 0.0
        for j in idx:
            dj = diag[j]
            if dj <= 0:
                continue
            old = gl[j]
            r = bl[j] - float(u[j]) + Ajj[j] * old
            t = l1[j]
            new = (r - t) / dj if r > t else (r + t) / dj if r < -t else 0.0
            if new != old:
                delta = new - old
                gl[j] = new
                u += delta * cols[j]
                size = abs(delta) * dj
                if size > biggest:
                    biggest = size
        if biggest <= limit:
            if full:
                break
            full = True  # the active set has converged: check every coordinate
        else:
            if full:
                active = [j for j in range(k) if gl[j] != 0.0] or range(k)
            full = False
    return np.array(gl)


def kkt_violation(grad, beta, pw, scale=None):
    """Return the largest violation of the elastic net's optimality conditions.

    For β_j ≠ 0: ∇_j + l2_j·β_j + l1_j·sign(β_j) = 0; for β_j = 0: |∇_j| ≤ l1_j;
    ∇ the gradient of the mean cost. With ``scale`` (√ of the Hessian's diagonal) each
    violation is divided by it: then it is the error of β_j in units of its effect on
    the linear predictor, whatever the column's units.
    """
    g = grad + pw.l2 * beta
    nz = beta != 0
    viol = np.zeros_like(beta)
    viol[nz] = np.abs(g[nz] + pw.l1[nz] * np.sign(beta[nz]))
    viol[~nz] = np.maximum(np.abs(g[~nz]) - pw.l1[~nz], 0.0)
    if scale is not None:
        viol /= scale
    return float(np.max(viol)) if viol.size else 0.0
