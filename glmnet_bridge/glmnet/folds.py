"""Cross-validation's folds fitted side by side, on threads.

Each fold's path spends its time in compiled kernels that release the GIL
(:mod:`glmnet_bridge.solvers.coordinate`, :mod:`glmnet_bridge.solvers.multinomial_cd`),
so folds on threads run in parallel: ``gb.set_num_threads`` (default: the cores, at
most 4) sets how many. The answers do not depend on it: each fold is fitted alone.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from ..engines.rowblocks import get_num_threads
from .start import blas_threads

__all__ = ["map_folds"]


def map_folds(fit_fold, folds, cells):
    """Return ``[fit_fold(k) for k in folds]``, computed on up to get_num_threads() threads.

    Parameters
    ----------
    fit_fold : callable
        One fold's work, fold id ↦ result.
    folds : sequence
    cells : int
        The size of X: on small data BLAS keeps one thread for the whole run (set once
        here: threadpoolctl's limits are process-wide, not per thread).
    """
    workers = min(get_num_threads(), len(folds))
    with blas_threads(cells):
        if workers <= 1:
            return [fit_fold(k) for k in folds]
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(fit_fold, folds))
