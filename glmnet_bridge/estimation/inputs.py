"""Checks of raw input, column by column: missing, infinite, text among numbers, scale, names.

The helpers :mod:`glmnet_bridge.estimation.design` builds every design with; each error names
the column, row or argument and says what to do.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..engines.rowblocks import block_rows, map_ranges
from ..exceptions import DataError

__all__ = ["list_rows", "check_lengths", "data_column", "check_missing", "screen",
           "column_sums", "numeric_frame", "stray_text", "as_frame", "no_duplicates",
           "formula_columns", "aligned", "weights", "offset_values", "check_finite",
           "HUGE", "TINY"]

_MAX_LISTED = 5
# Beyond these magnitudes a column's square over- or underflows in X'WX (float64 reaches
# 1.8e308): the fit breaks down, so the design refuses the column and says to rescale it.
HUGE, TINY = 1e150, 1e-150


def list_rows(rows, mask):
    """Return "rows a, b, c and N more": the labels of the rows where ``mask`` holds."""
    bad = list(rows[np.asarray(mask)])
    shown = ", ".join(str(r) for r in bad[:_MAX_LISTED])
    more = f" and {len(bad) - _MAX_LISTED} more" if len(bad) > _MAX_LISTED else ""
    return f"row{'s' if len(bad) > 1 else ''} {shown}{more}"


def check_missing(frame, what="column"):
    """Raise :class:`DataError` naming the first column with missing values and its rows."""
    for col in frame.columns:
        miss = frame[col].isna().to_numpy()
        if miss.any():
            raise DataError(
                f"{what} {col!r} has {int(miss.sum())} missing value"
                f"{'s' if miss.sum() > 1 else ''} ({list_rows(frame.index, miss)}); "
                "drop or impute them first (e.g. data.dropna(subset=[...]))"
            )


def column_sums(X):
    """Return the column sums of the 2-d array X (a fast screen of every entry).

    A sum is NaN or ±inf exactly when an entry of its column is (or the sum overflowed,
    which only sends the caller to the check that names culprits), and a sum beyond
    ``HUGE`` or within ``TINY`` of 0 flags a column to look at for its scale. 1'X runs
    at memory speed, block by block (on a large X in the row-block threads): one product
    over all of a large X would wake OpenBLAS's own threads, which keep spinning
    afterwards and take a core from the fit's first passes over the data.
    """
    rows = block_rows(X.shape[1])
    ones = np.ones(rows)

    def screen(lo, hi):
        total = np.zeros(X.shape[1])
        for start in range(lo, hi, rows):
            block = X[start:min(start + rows, hi)]
            total += ones[:block.shape[0]] @ block
        return total

    return sum(map_ranges(screen, X.shape[0], rows, X.nbytes))


def screen(X, names, rows, terms=False):
    """Raise :class:`DataError` for a non-finite entry or a column on an unusable scale.

    ``terms``: the columns are a formula's terms (a NaN may come from a transformation).
    """
    with np.errstate(over="ignore", invalid="ignore"):
        sums = np.abs(column_sums(X))
    if not np.all(np.isfinite(sums)):
        check_finite(X, names, rows, terms)
    for j in np.flatnonzero((sums > HUGE) | (sums < TINY * X.shape[0])):
        top = float(np.abs(X[:, j]).max())
        if top > HUGE or 0 < top < TINY:
            raise DataError(
                f"column {names[j]!r} has values of order {top:.0e}: beyond float64's "
                "reach once squared in the information matrix. Rescale it (e.g. "
                f"divide it by {top:.0e}, or standardise it); the weight scales inversely"
            )


def check_finite(values, names, rows, terms=False):
    """Raise :class:`DataError` naming the first column with NaN (missing) or ±inf values."""
    bad = ~np.isfinite(values)
    if bad.any():
        j = int(np.argmax(bad.any(axis=0)))
        nan = np.isnan(values[:, j])
        if nan.any():
            how = (", made by the term's transformation; drop those rows or change the term"
                   if terms else "; drop or impute those rows")
            raise DataError(f"column {names[j]!r} has missing values (NaN) "
                            f"({list_rows(rows, nan)}){how}")
        raise DataError(f"column {names[j]!r} has infinite values ({list_rows(rows, bad[:, j])})")


def numeric_frame(frame, what):
    """Return ``frame`` as floats, or name the first column that is not numeric."""
    for col in frame.columns:
        s = frame[col]
        if pd.api.types.is_bool_dtype(s.dtype):
            continue
        if not pd.api.types.is_numeric_dtype(s):
            stray_text(s, col, what)
            raise DataError(
                f"{what} {col!r} is not numeric (dtype {s.dtype}); encode it first, or use a "
                f"formula where it becomes dummy columns (e.g. \"y ~ C({col})\")"
            )
    return frame.astype(float)


def stray_text(s, col, what="column"):
    """Raise :class:`DataError` for a column of numbers holding a few text entries."""
    if isinstance(s.dtype, pd.CategoricalDtype) or pd.api.types.is_bool_dtype(s.dtype):
        return
    as_num = pd.to_numeric(s, errors="coerce")
    bad = (as_num.isna() & s.notna()).to_numpy()
    if bad.any() and bad.sum() < 0.5 * s.notna().sum():
        first = s[bad].iloc[0]
        raise DataError(
            f"{what} {col!r} holds numbers and text: {list_rows(s.index, bad)} "
            f"hold{'s' if bad.sum() == 1 else ''} {first!r}. Fix or drop those rows (e.g. "
            f"pd.to_numeric(data[{col!r}], errors='coerce') then dropna); if it is a "
            f"factor, write C({col}) after making every value text"
        )


def as_frame(X, prefix="x"):
    """Return X as a DataFrame (columns x1, x2, … for arrays), naming any text entry."""
    if isinstance(X, pd.DataFrame):
        no_duplicates(X.columns, "X")
        return X
    if isinstance(X, pd.Series):
        return X.to_frame()
    arr = np.asarray(X)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise DataError(f"X must be a 2-d array (rows are examples), got {arr.ndim} dimensions")
    frame = pd.DataFrame(arr, columns=[f"{prefix}{j + 1}" for j in range(arr.shape[1])])
    if arr.dtype == object:
        # Arrays of mixed objects: convert column by column so a string is named.
        for col in frame.columns:
            converted = pd.to_numeric(frame[col], errors="coerce")
            bad = converted.isna() & frame[col].notna()
            if bad.any():
                raise DataError(
                    f"column {col!r} of X is not numeric: {list_rows(frame.index, bad)} "
                    f"hold{'s' if bad.sum() == 1 else ''} {frame[col][bad].iloc[0]!r}"
                )
            frame[col] = converted
    return frame


def no_duplicates(columns, what):
    """Raise :class:`DataError` naming column names that occur more than once."""
    dup = pd.Index(columns)[pd.Index(columns).duplicated()].unique()
    if len(dup):
        raise DataError(f"{what} has {len(dup)} duplicated column name"
                        f"{'s' if len(dup) > 1 else ''} {[str(c) for c in dup]}: each column "
                        "needs its own name; rename or drop the copies")


def formula_columns(formula, data):
    """Return the columns of ``data`` a formula names (bare, unicode or ``Q("...")``)."""
    tokens = set(re.findall(r"\w+", formula))
    tokens |= {m[1] for m in re.findall(r"Q\(\s*([\"'])(.*?)\1\s*\)", formula)}
    return [c for c in data.columns if str(c) in tokens]


def data_column(data, value, name):
    """Return the column of ``data`` a per-row argument names, or ``value`` itself.

    Parameters
    ----------
    data : pandas.DataFrame or None
    value : str or array_like or None
    name : str
        The argument (``"freq_weights"``, ``"offset"``, ``"exposure"``, ``"trials"``).
    """
    if not isinstance(value, str):
        return value
    if data is None:
        raise DataError(f"{name}={value!r} names a column, but no data= was given; pass "
                        "the values themselves, or the frame as data=")
    if value not in data.columns:
        raise DataError(f"{name}={value!r} is not a column of the data; columns are "
                        f"{[str(c) for c in data.columns][:12]}")
    return data[value]


def check_lengths(n, **named):
    """Raise :class:`DataError` unless every named array has n rows."""
    for name, v in named.items():
        if v is not None and len(v) != n:
            raise DataError(f"{name} has {len(v)} rows but the design has {n}")


def aligned(rows, **named):
    """Refuse pandas inputs whose index labels pair different rows, as statsmodels does."""
    for name, v in named.items():
        if isinstance(v, (pd.Series, pd.DataFrame)) and len(v) == len(rows) \
                and not v.index.equals(rows):
            j = int(np.argmax(np.asarray(v.index != rows)))
            raise DataError(
                f"the index of {name} does not match the rows of X (position {j}: "
                f"{v.index[j]} vs {rows[j]}); rows are paired by label in pandas: align "
                f"them ({name} = {name}.loc[X.index]) or pass .to_numpy() to pair by position"
            )


def weights(w, n, name, rows):
    """Return checked frequency weights: finite, non-negative, not all zero (ones if None)."""
    if w is None:
        return np.ones(n)
    w = _floats(w, name)
    check_lengths(n, **{name: w})
    if not np.all(np.isfinite(w)):
        bad = list_rows(rows, ~np.isfinite(w))
        raise DataError(f"{name} has missing or infinite values ({bad})")
    if np.any(w < 0):
        raise DataError(f"{name} must be non-negative ({list_rows(rows, w < 0)})")
    if not np.any(w > 0):
        raise DataError(f"{name} are all zero: no data left to fit")
    return w


def _floats(v, name):
    """Return a per-row argument as a 1-d float array, or say why it is not one."""
    arr = np.asarray(v.to_numpy(dtype=float, na_value=np.nan)
                     if isinstance(v, (pd.Series, pd.DataFrame)) and
                     pd.api.types.is_numeric_dtype(getattr(v, "dtype", float)) else v)
    if arr.ndim > 1 and arr.shape[1] != 1:
        raise DataError(f"{name} must be one value per row (1-d), got shape {arr.shape}")
    try:
        return arr.astype(float).ravel()
    except (TypeError, ValueError) as err:
        raise DataError(f"{name} must be numbers, one per row: {err}") from None


def offset_values(off, n, rows):
    """Return a checked offset: finite, one per row (zeros if None)."""
    if off is None:
        return np.zeros(n)
    off = _floats(off, "offset")
    check_lengths(n, offset=off)
    if not np.all(np.isfinite(off)):
        bad = list_rows(rows, ~np.isfinite(off))
        raise DataError(f"offset has missing or infinite values ({bad})")
    return off
