"""Outcomes as statisticians have them: two-level factors, strings and booleans coded 0/1.

R's rule for a binomial ``glm``: the first level is 0 (failure), the second 1; first = a
Categorical's own first category, else the first in sorted order (False before True).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..exceptions import DataError

__all__ = ["code_outcome", "levels_of", "two_levels", "plain_dtypes", "outcome_series",
           "formula_outcome"]


def levels_of(values):
    """Return the levels present in a non-numeric outcome, in R's order (or None if numeric).

    Parameters
    ----------
    values : pandas.Series or array_like

    Returns
    -------
    list or None
        A Categorical's categories that occur, in its own order; booleans as
        ``[False, True]``; other values sorted. None for a numeric outcome.
    """
    s = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values).ravel())
    if isinstance(s.dtype, pd.CategoricalDtype):
        present = set(s.dropna().unique())
        return [c for c in s.cat.categories if c in present]
    if pd.api.types.is_bool_dtype(s.dtype):
        return [False, True]
    if pd.api.types.is_numeric_dtype(s.dtype):
        return None
    uniq = pd.unique(s.dropna())
    if all(isinstance(v, (bool, np.bool_)) for v in uniq):
        return [False, True]
    try:
        return sorted(uniq)
    except TypeError:  # mixed types: order as text, so the rule stays stated
        return sorted(uniq, key=str)


def two_levels(levels, name):
    """Raise :class:`DataError` unless ``levels`` has exactly two entries (a binary outcome)."""
    if len(levels) == 1:
        raise DataError(f"outcome {name!r} takes the single value {levels[0]!r}: there is "
                        "nothing to fit")
    if len(levels) > 2:
        shown = ", ".join(repr(v) for v in levels[:6]) + (" …" if len(levels) > 6 else "")
        raise DataError(
            f"outcome {name!r} has {len(levels)} levels ({shown}); a binary neuron needs two. "
            "For a categorical outcome use activation=\"softmax\" (multinomial logit), or "
            f"recode it to two levels first (e.g. \"I({name} == {levels[-1]!r}) ~ ...\")"
        )


def code_outcome(values, name):
    """Return the outcome as floats and its levels (None when it was already numeric).

    Parameters
    ----------
    values : pandas.Series or array_like
        One outcome per row, without missing values.
    name : str
        For messages.

    Returns
    -------
    (numpy.ndarray, list or None)
        0/1 by R's rule (first level 0) for a factor, string or boolean outcome.
    """
    s = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values).ravel())
    levels = levels_of(s)
    if levels is None:
        return s.to_numpy(dtype=float), None
    two_levels(levels, name)
    if levels == [False, True]:
        return s.astype(bool).to_numpy(dtype=float), levels
    return (s == levels[1]).to_numpy(dtype=float), levels


def plain_dtypes(frame, columns):
    """Return ``frame`` with pandas' nullable dtypes of ``columns`` as numpy ones (for patsy).

    patsy does not know ``boolean``, ``Int64``, ``Float64`` or ``string``; the columns are
    free of missing values by now, so bool, float and object keep every value.
    """
    convert = {}
    for col in columns:
        dtype = frame[col].dtype
        if not isinstance(dtype, pd.api.extensions.ExtensionDtype) or \
                isinstance(dtype, pd.CategoricalDtype):
            continue
        if pd.api.types.is_bool_dtype(dtype):
            convert[col] = frame[col].to_numpy(dtype=bool)
        elif pd.api.types.is_numeric_dtype(dtype):
            convert[col] = frame[col].to_numpy(dtype=float)
        elif pd.api.types.is_string_dtype(dtype) and not isinstance(dtype, np.dtype):
            convert[col] = frame[col].to_numpy(dtype=object)
    if not convert:
        return frame
    frame = frame.copy(deep=False)
    for col, arr in convert.items():
        frame[col] = arr
    return frame


def outcome_series(y, n):
    """Return y as one Series of n rows, or say what shape it has instead."""
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise DataError(f"y has {y.shape[1]} columns {[str(c) for c in y.columns][:6]}; "
                            "give one outcome column (a Series, e.g. y=df['y']); a categorical "
                            "outcome is one column of labels with activation=\"softmax\"")
        y = y.iloc[:, 0]
    if not isinstance(y, pd.Series):
        arr = y if isinstance(y, pd.Categorical) else np.asarray(y)
        if getattr(arr, "ndim", 1) == 2 and arr.shape[1] == 1:
            arr = arr[:, 0]
        if getattr(arr, "ndim", 1) != 1:
            raise DataError(f"y must be one outcome per row (1-d), got shape {arr.shape}")
        y = pd.Series(arr, name="y")
    if len(y) != n:
        raise DataError(f"X has {n} rows but y has {len(y)}")
    return y


def formula_outcome(formula, ymat):
    """Return the outcome's name, its values and its levels (a factor coded 0/1)."""
    info = ymat.design_info
    factors = info.terms[0].factors if len(info.terms) == 1 else ()
    factor = len(factors) == 1 and info.factor_infos[factors[0]].type == "categorical"
    if ymat.shape[1] == 1 and not factor:
        return str(ymat.columns[0]), ymat.iloc[:, 0].to_numpy(dtype=float), None
    if not factor:
        raise DataError(f"the outcome of {formula!r} expands to {ymat.shape[1]} columns "
                        f"{list(ymat.columns)}; a neuron needs one outcome column")
    name = info.term_names[0]
    present = ymat.to_numpy().sum(axis=0) > 0
    levels = [c for c, p in zip(info.factor_infos[factors[0]].categories, present,
                                strict=True) if p]
    two_levels(levels, name)
    second = int(np.flatnonzero(present)[1])
    return name, ymat.iloc[:, second].to_numpy(dtype=float), levels
