"""The compiled inner loops the coordinate-descent kernels share (numba)."""

from __future__ import annotations

from numba import njit

__all__ = ["FAST", "dot", "wsq"]

FAST = {"reassoc", "contract", "nsz", "arcp"}  # lets the reductions vectorise


@njit(cache=True, nogil=True, fastmath=FAST)
def dot(a, b):
    """Return Σ a_i·b_i."""
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i] * b[i]
    return s


@njit(cache=True, nogil=True, fastmath=FAST)
def wsq(v, x):
    """Return Σ v_i·x_i²."""
    s = 0.0
    for i in range(v.shape[0]):
        s += v[i] * x[i] * x[i]
    return s
