"""Newton on many rows: a subsample's fit to start from, then chord steps with its Hessian.

The driver consults these rules when the data have 100,000 rows or more; the answer is
the full-data optimum either way, only the number of passes over X changes.
"""

from __future__ import annotations

import numpy as np

from .result import SingularInformation

__all__ = ["ROWS", "SUBSAMPLE", "REFRESH", "LAST_STEP", "subsample_start", "refresh_pays"]

ROWS = 100_000      # from this many rows Newton starts from a subsample fit
SUBSAMPLE = 50_000  # rows of that subsample at most (and a quarter of n at most)
REFRESH = 1e-2      # once chord steps are this small, one full Hessian may pay
LAST_STEP = 3.0     # ... and the final one is taken where the next step should be < 3·tol


def subsample_start(engine, beta, *, solve, maxiter, expected, seed):
    """Fit a random subsample of at most a quarter of the rows.

    Parameters
    ----------
    engine
        The full data's engine.
    beta : numpy.ndarray
        The start.
    solve : callable
        The Newton driver, called on the subsample's engine.
    maxiter : int
    expected : bool
    seed : int or numpy.random.Generator
        Seeds the choice of rows.

    Returns
    -------
    tuple or None
        The subsample's estimate and Hessian (weights scaled to the full data), or None
        if its information is singular (a subsample can lose a rare level).
    """
    m = min(SUBSAMPLE, engine.n // 4)
    sub = engine.subsample(m, seed)
    try:
        # A rough optimum is enough: a Newton step below 1e-2 leaves it ~1e-4 from the
        # subsample's optimum, which is itself ~1e-2 (sampling error) from the full
        # data's; the chord steps on the full data refine it. Its last Hessian (≤ 1e-2
        # away) serves them.
        res = solve(sub, beta, tol=1e-2, maxiter=maxiter, expected=expected,
                    final_hessian=False)
    except SingularInformation:
        return None
    return res.beta, res.hessian


def refresh_pays(size, last, tol, k):
    """Whether one full Hessian costs less than the chord steps it would save.

    Counted in passes over X, not timed, so that the same data always take the same
    steps (and give the same last bits): an X'WX with k parameters costs about
    2 + k/20 gradient passes (docs/speed.md). A subsample's Hessian contracts the
    error by ~√(k/m) a step, the full one this near the optimum by ~size.
    """
    rate = min(max(size / last, 1e-6), 0.5) if np.isfinite(last) else 0.1
    chord_steps = np.log(tol / size) / np.log(rate)
    return chord_steps - 2.0 > 2.0 + k / 20.0
