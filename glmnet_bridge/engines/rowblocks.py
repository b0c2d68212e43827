"""Work over the rows of a large array, in contiguous ranges shared by a few threads.

numpy and BLAS release the GIL inside each call, so two threads read a large X nearly
twice as fast as one. Each thread sums a fixed range of whole blocks, so a result
does not depend on scheduling. Small arrays stay on the calling thread: below
``PARALLEL_BYTES`` handing work over costs more than it saves.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

__all__ = ["block_rows", "map_ranges", "set_num_threads", "get_num_threads",
           "PARALLEL_BYTES"]

PARALLEL_BYTES = 100e6  # from an X this large its blocks are shared among threads
_MAX_ROWS, _MIN_ROWS = 16384, 2048  # rows per block
_BLOCK_CELLS = 16384 * 20  # values of X per block, at most (larger products go to BLAS's threads)
_ENV = "GLMNET_BRIDGE_NUM_THREADS"
_threads = None  # the user's setting; None: the environment variable, else min(cores, 4)
_pool = None
_fork_hook = False


def _default_threads():
    env = os.environ.get(_ENV, "").strip()
    if env:
        try:
            return max(1, int(env))
        except ValueError:
            raise ValueError(f"{_ENV} must be a whole number of threads, got {env!r}") from None
    return max(1, min(os.cpu_count() or 1, 4))


def get_num_threads():
    """Return how many threads share the row blocks of a large pass over the data."""
    return _threads if _threads is not None else _default_threads()


def set_num_threads(n=None):
    """Set how many threads share the row blocks of a large pass over the data.

    The default is the environment variable ``GLMNET_BRIDGE_NUM_THREADS`` or, without
    it, the number of cores (at most 4). One thread runs every pass on the calling
    thread. Only data of 100 MB or more are split: smaller arrays always use one.

    Parameters
    ----------
    n : int or None
        Threads (≥ 1); None restores the default.
    """
    global _threads, _pool
    if n is not None and (int(n) != n or n < 1):
        raise ValueError(f"the number of threads must be a whole number ≥ 1, got {n!r}")
    _threads = None if n is None else int(n)
    if _pool is not None:
        _pool.shutdown(wait=False)
        _pool = None


def _executor():
    global _pool, _fork_hook
    if _pool is None:
        _pool = ThreadPoolExecutor(get_num_threads(), thread_name_prefix="glmnet_bridge")
        if not _fork_hook and hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=_forget_pool)
            _fork_hook = True
    return _pool


def _forget_pool():
    # A forked child inherits the pool object but not its threads: work sent to it
    # would wait forever. The child makes its own pool on first use instead.
    global _pool
    _pool = None


def block_rows(p):
    """Return the rows per block of work over an X with p columns.

    Blocks of up to 16,384 rows make few numpy calls, but each BLAS product in a block
    must stay small (at most 16384·20 values, 2048 rows at least): OpenBLAS runs larger
    ones on its own threads, which compete with the pool's and keep spinning afterwards
    (docs/speed.md has the measurements).
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
    workers = get_num_threads()
    if nbytes < PARALLEL_BYTES or workers == 1 or n < 4 * block:
        return [fn(0, n)]
    blocks = -(-n // block)
    cuts = [min(n, (blocks * i // workers) * block) for i in range(workers + 1)]
    ranges = [(lo, hi) for lo, hi in zip(cuts[:-1], cuts[1:], strict=True) if hi > lo]
    return list(_executor().map(lambda r: fn(*r), ranges))
