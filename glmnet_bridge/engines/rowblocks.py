"""Work over the rows of a large array, in contiguous ranges shared by a few threads.

numpy and BLAS release the GIL inside each call, so two threads read a large X nearly
twice as fast as one. Each thread sums a fixed range of whole blocks, so a result
does not depend on scheduling. Small arrays stay on the calling thread: below
``PARALLEL_BYTES`` handing work over costs more than it saves.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

__all__ = ["block_rows", "map_ranges", "PARALLEL_BYTES", "WORKERS"]

PARALLEL_BYTES = 100e6  # from an X this large its blocks are shared among threads
WORKERS = max(1, min(os.cpu_count() or 1, 4))
_MAX_ROWS, _MIN_ROWS = 16384, 2048  # rows per block
_BLOCK_CELLS = 16384 * 20  # values of X per block, at most (OpenBLAS threads gemv above ~4.6e5)
_pool = None


def _executor():
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="glmnet_bridge")
    return _pool


def _forget_pool():
    # A forked child inherits the pool object but not its threads: work sent to it
    # would wait forever. The child makes its own pool on first use instead.
    global _pool
    _pool = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


def block_rows(p):
    """Return the rows per block of work over an X with p columns.

    Blocks of up to 16,384 rows make few numpy calls, but each BLAS product in a block
    must stay small (at most 16384·20 values, 2048 rows at least): OpenBLAS runs larger
    ones on its own threads, which compete with the pool's and then spin for ~0.1 s.
    """
    return int(min(_MAX_ROWS, max(_MIN_ROWS, _BLOCK_CELLS // max(p, 1))))


def map_ranges(fn, n, block, nbytes):
    """Return ``[fn(lo, hi), ...]`` over contiguous row ranges that cover 0..n.

    Parameters
    ----------
    fn : callable
        Called as ``fn(lo, hi)`` for rows lo:hi; it works through them in blocks.
    n : int
        Number of rows.
    block : int
        Rows per block: range boundaries fall on multiples of it.
    nbytes : int
        Size of the array worked on; below ``PARALLEL_BYTES``, or with fewer than four
        blocks, there is one range, on the calling thread.

    Returns
    -------
    list
        One result per range, in row order.
    """
    if nbytes < PARALLEL_BYTES or WORKERS == 1 or n < 4 * block:
        return [fn(0, n)]
    blocks = -(-n // block)
    cuts = [min(n, (blocks * i // WORKERS) * block) for i in range(WORKERS + 1)]
    ranges = [(lo, hi) for lo, hi in zip(cuts[:-1], cuts[1:], strict=True) if hi > lo]
    return list(_executor().map(lambda r: fn(*r), ranges))
