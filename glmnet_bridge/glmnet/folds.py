"""Cross-validation's folds fitted side by side, on threads.

Each fold's path spends its time in compiled kernels that release the GIL
(:mod:`glmnet_bridge.solvers.coordinate`, :mod:`glmnet_bridge.solvers.multinomial_cd`),
so folds on threads run in parallel: ``gb.set_num_threads`` (default: the cores, at
most 4) sets how many. The answers do not depend on it: each fold is fitted alone.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ..engines.rowblocks import get_num_threads
from ..exceptions import DataError
from .start import blas_threads

__all__ = ["fold_ids", "map_folds"]


def fold_ids(foldid, nfolds, n, seed):
    """Return each row's fold and the folds: the given ``foldid``, or random ones.

    Parameters
    ----------
    foldid : array_like or None
        One fold per row (R's ``foldid``); None draws ``nfolds`` folds of equal size.
    nfolds : int
        From 3 to n (n is leave-one-out).
    n : int
        The rows.
    seed : int
        Seeds the random folds.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        ``foldid`` and its sorted distinct values.
    """
    if foldid is None:
        if isinstance(nfolds, bool) or int(nfolds) != nfolds or not 3 <= nfolds <= n:
            raise DataError(f"nfolds={nfolds!r}: cross-validation needs a whole number of "
                            f"folds from 3 to the {n} rows (nfolds={n} is leave-one-out)")
        rng = np.random.default_rng(seed)
        foldid = rng.permutation(np.arange(n) % nfolds)
    foldid = np.asarray(foldid)
    if foldid.shape != (n,):
        raise DataError(f"foldid has {foldid.size} entries: it needs one fold per row ({n})")
    folds = np.unique(foldid)
    if len(folds) < 3:
        raise ValueError("cross-validation needs at least 3 folds")
    return foldid, folds


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
