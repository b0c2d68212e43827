"""A path's first state: glmnet's null model, unpenalised columns fitted, and BLAS threads.

What :func:`glmnet_bridge.glmnet.path.glmnet_path` starts from before its first λ.
"""

from __future__ import annotations

import contextlib
import functools
import threading

import numpy as np

from ..core.penalties import PenaltyWeights
from ..solvers.newton import newton
from ..solvers.steps import ProximalStep
from .point import PathState

__all__ = ["null_start", "free_start", "blas_threads"]


def null_start(design, act, problem, expected, order=2):
    """Return the null model as a path's first state: cost, gradient, Hessian.

    With an intercept the null model is the bias alone, at link(ȳ) (fitted, with an
    offset); without one it is β = 0, z = the offset (glmnet's null model
    with ``intercept = FALSE``, whose deviance is its ``nulldev``). ``order=1`` leaves the
    Hessian out (None): the compiled path does not need X'WX.
    """
    beta = np.zeros(design.n_params)
    if design.intercept:
        lazy = getattr(design, "lazy", False)
        if lazy:
            ybar = float(design.y_mean)  # Dask data: counted by the design's check pass
        else:
            w = design.freq_weights
            ybar = float((w * design.y).sum()) / float(w.sum())  # no BLAS dot: see fit._start
        if act.is_cdf:
            ybar = min(max(ybar, 1e-10), 1 - 1e-10)
        beta[0] = float(act.link(ybar))
        # (on Dask data an offset made of zeros, i.e. none given, is counted without a read)
        if bool((design.offset != 0).any().compute()) if lazy else np.any(design.offset != 0):
            # with an offset the bias alone is fitted (glmnet's null model and nulldev)
            alone = problem.columns(np.zeros(0, dtype=int))
            beta[0] = newton(alone, beta[:1], tol=1e-13, expected=expected).beta[0]
    return PathState(beta, *problem.evaluate(beta, order=order, expected=expected))


def free_start(problem, state, penalty, design, scale, tol, expected):
    """Return the null model with the unpenalised columns (factor 0) fitted, as glmnet's.

    glmnet's path starts from the fit of the bias and the columns it does not penalise;
    λ_max comes from the gradient there (the null deviance stays the bias's alone).
    """
    n = problem.total_weight
    big = 1e6 * (1.0 + float(np.abs(state.grad / n).max()))
    pw = penalty.at(1.0).weights(design.n_params, design.intercept, scale)
    pw = PenaltyWeights(np.where(pw.l1 > 0, big, 0.0), np.zeros_like(pw.l2))
    res = newton(problem, state.beta, step=ProximalStep(pw, n), tol=tol, expected=expected,
                 start=(state.value, state.grad, state.hess))
    return PathState(res.beta, res.value, res.gradient, res.hessian)


def blas_threads(cells):
    """Return a context with one BLAS thread for a path on small data (X of ≤ 2e6 values).

    Each product of such a path is small; OpenBLAS's threads only hand it around, and on a
    busy machine they spin: a 200 × 2000 path's linear solves took 37 s on two threads and
    1.1 s on one (docs/speed.md). The libraries are looked up once per process (7 ms a
    time: a diabetes path's third). Off the main thread (cross-validation's folds) it
    does nothing: the limits are process-wide, so
    :func:`~glmnet_bridge.glmnet.folds.map_folds` sets them once.
    """
    if cells > 2e6 or threading.current_thread() is not threading.main_thread():
        return contextlib.nullcontext()
    return _controller().limit(limits=1, user_api="blas")


@functools.cache
def _controller():
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()
