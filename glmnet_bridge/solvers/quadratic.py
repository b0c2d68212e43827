"""The proximal Newton step's subproblem: a quadratic model plus an elastic-net penalty.

Minimises ½γ'Aγ − b'γ + Σ_j (l2_j/2·γ_j² + l1_j·|γ_j|) exactly, L1 kinks included, and
measures how far a point is from the penalised optimum (its KKT violation).
"""

from __future__ import annotations

import numpy as np
from scipy import linalg

from ..core.penalties import PenaltyWeights

__all__ = ["minimise_quadratic", "kkt_violation"]


def minimise_quadratic(A, b, pw, start, tol=1e-13, max_sweeps=10_000):
    """Minimise ½γ'Aγ − b'γ + Σ (l2/2·γ² + l1·|γ|) by cyclic coordinate descent.

    An unpenalised first coordinate (the bias) is minimised out first: the Schur
    complement is the quadratic of weighted-centred inputs, which is what glmnet
    centres X for — cycling through an uncentred bias makes coordinate descent
    zig-zag for thousands of sweeps. Then it sweeps the active set until it
    settles, and every coordinate to check (glmnet's strategy).
    """
    if not np.any(pw.l1 > 0):
        return linalg.solve(A + np.diag(pw.l2), b, assume_a="pos")
    gamma = _same_signs_solve(A, b, pw, start)
    if gamma is not None:
        return gamma
    if len(b) > 1 and pw.l1[0] == 0 and pw.l2[0] == 0 and A[0, 0] > 0:
        a0 = A[0, 1:] / A[0, 0]
        A_red = A[1:, 1:] - np.outer(A[1:, 0], a0)
        b_red = b[1:] - A[1:, 0] * (b[0] / A[0, 0])
        rest = PenaltyWeights(pw.l1[1:], pw.l2[1:])
        w = _cd_sweeps(0.5 * (A_red + A_red.T), b_red, rest, start[1:], tol, max_sweeps)
        return np.r_[(b[0] - A[0, 1:] @ w) / A[0, 0], w]
    return _cd_sweeps(A, b, pw, start, tol, max_sweeps)


def _same_signs_solve(A, b, pw, start):
    """Return the model's minimiser if it keeps the signs of ``start``, else None.

    With the nonzero set and signs s of ``start`` fixed, the penalised quadratic is
    smooth and its minimiser solves (A + diag l2)_SS γ_S = b_S − l1_S·s_S. It is the
    exact minimiser when no γ_j changes sign and every zero coordinate meets
    |b_j − (Aγ)_j| ≤ l1_j; then coordinate descent is not needed (along a path, the
    usual case). Otherwise the caller sweeps.
    """
    free = (start != 0) | (pw.l1 == 0)
    idx = np.flatnonzero(free)
    if idx.size == 0:
        return None
    sign = np.sign(start[idx])
    M = A[idx][:, idx] + np.diag(pw.l2[idx])
    try:
        # numpy's solve: far less overhead than scipy's on these small systems
        g_s = np.linalg.solve(M, b[idx] - pw.l1[idx] * sign)
    except np.linalg.LinAlgError:
        return None
    pen = pw.l1[idx] > 0
    if np.any(np.sign(g_s[pen]) != sign[pen]):
        return None
    gamma = np.zeros_like(b, dtype=float)
    gamma[idx] = g_s
    zero = ~free
    if np.any(np.abs(b[zero] - A[zero] @ gamma) > pw.l1[zero]):
        return None
    return gamma


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


def kkt_violation(grad, beta, pw):
    """Return the largest violation of the elastic net's optimality conditions.

    For β_j ≠ 0: ∇_j + l2_j·β_j + l1_j·sign(β_j) = 0; for β_j = 0: |∇_j| ≤ l1_j;
    ∇ the gradient of the mean cost.
    """
    g = grad + pw.l2 * beta
    nz = beta != 0
    viol = np.zeros_like(beta)
    viol[nz] = np.abs(g[nz] + pw.l1[nz] * np.sign(beta[nz]))
    viol[~nz] = np.maximum(np.abs(g[~nz]) - pw.l1[~nz], 0.0)
    return float(np.max(viol)) if viol.size else 0.0
