"""The boundary: turn a formula and a frame, or X and y, into checked float arrays.

Every error a user can make with their data alone is caught here, by name of column or
row; :mod:`glmnet_bridge.checks` checks the design against a model (outcomes, rank).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..engines.memory import column_moments
from ..engines.rowblocks import block_rows, map_ranges
from ..exceptions import DataError

__all__ = ["Design", "make_design", "design_matrix_for", "column_sd", "label_design",
           "list_rows", "check_lengths"]

_MAX_LISTED = 5




@dataclass
class Design:
    """A checked design: float arrays plus the names and the recipe to rebuild them.

    Attributes
    ----------
    inputs : numpy.ndarray, shape (n, p)
        The input columns x, without the intercept (the network's view).
    y : numpy.ndarray, shape (n,)
        The outcome.
    names : list of str
        Term names, as statsmodels gives them (``"Intercept"`` first when present).
    yname : str
        The outcome's name.
    freq_weights : numpy.ndarray, shape (n,)
        Frequency weights (ones if none were given).
    offset : numpy.ndarray, shape (n,)
        A known term added to z = w·x + b (zeros if none).
    intercept : bool
        Whether the model has a bias (an ``"Intercept"`` column first in ``X``).
    rows : pandas.Index
        Row labels of the input, for error messages.
    design_info : object or None
        patsy's DesignInfo, to build the same columns from new data.
    formula : str or None
    trials : numpy.ndarray or None
        Binomial trials per row when the outcome is a count of successes; then
        ``y`` holds the proportion successes/trials.
    """

    inputs: np.ndarray
    y: np.ndarray
    names: list
    yname: str
    freq_weights: np.ndarray
    offset: np.ndarray
    intercept: bool
    rows: pd.Index
    design_info: object = None
    formula: str | None = None
    _full: np.ndarray | None = field(default=None, repr=False)
    trials: np.ndarray | None = None

    @property
    def X(self):
        """Return the GLM design matrix: a column of ones first when there is a bias."""
        if self._full is None:
            if self.intercept:
                full = np.empty((self.nobs, self.inputs.shape[1] + 1))
                full[:, 0] = 1.0
                full[:, 1:] = self.inputs
                self._full = full
            else:
                self._full = self.inputs
        return self._full

    @property
    def nobs(self):
        """Return the number of rows."""
        return self.inputs.shape[0]

    @property
    def n_params(self):
        """Return the number of parameters (weights plus bias)."""
        return len(self.names)


def list_rows(rows, mask):
    """Return "rows a, b, c and N more": the labels of the rows where ``mask`` holds."""
    bad = list(rows[np.asarray(mask)])
    shown = ", ".join(str(r) for r in bad[:_MAX_LISTED])
    more = f" and {len(bad) - _MAX_LISTED} more" if len(bad) > _MAX_LISTED else ""
    return f"row{'s' if len(bad) > 1 else ''} {shown}{more}"


def _check_missing(frame, what="column"):
    for col in frame.columns:
        miss = frame[col].isna().to_numpy()
        if miss.any():
            raise DataError(
                f"{what} {col!r} has {int(miss.sum())} missing value"
                f"{'s' if miss.sum() > 1 else ''} ({list_rows(frame.index, miss)}); "
                "drop or impute them first (e.g. data.dropna(subset=[...]))"
            )


def _all_finite(X):
    """Whether every entry of the 2-d array X is finite (a fast screen).

    X·1 has a NaN or ±inf exactly when some entry is one (or a row sum overflowed,
    which only sends the caller to the column-by-column check that names culprits);
    BLAS computes it at memory speed, twice as fast as ``X.sum()``. It goes block by
    block (on a large X in the row-block threads): one product over all of a large X
    would wake OpenBLAS's own threads, which keep spinning afterwards and take a core
    from the fit's first passes over the data.
    """
    ones = np.ones(X.shape[1])
    rows = block_rows(X.shape[1])

    def screen(lo, hi):
        return sum(float((X[start:min(start + rows, hi)] @ ones).sum())
                   for start in range(lo, hi, rows))

    return bool(np.isfinite(sum(map_ranges(screen, X.shape[0], rows, X.nbytes))))


def _check_finite(values, names, rows):
    bad = ~np.isfinite(values)
    if bad.any():
        j = int(np.argmax(bad.any(axis=0)))
        raise DataError(f"column {names[j]!r} has infinite values ({list_rows(rows, bad[:, j])})")


def _numeric_frame(frame, what):
    for col in frame.columns:
        s = frame[col]
        if s.dtype == bool:
            continue
        if not pd.api.types.is_numeric_dtype(s):
            raise DataError(
                f"{what} {col!r} is not numeric (dtype {s.dtype}); encode it first, or use a "
                f"formula where it becomes dummy columns (e.g. \"y ~ C({col})\")"
            )
    return frame.astype(float)


def _as_frame(X, prefix="x"):
    if isinstance(X, pd.DataFrame):
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


def _formula_columns(formula, data):
    tokens = set(re.findall(r"[A-Za-z_][A-Za-z0-9_.]*", formula))
    return [c for c in data.columns if str(c) in tokens]


def check_lengths(n, **named):
    """Raise :class:`DataError` unless every named array has n rows."""
    for name, v in named.items():
        if v is not None and len(v) != n:
            raise DataError(f"{name} has {len(v)} rows but the design has {n}")


def make_design(formula=None, data=None, X=None, y=None, *, fit_intercept=True,
                freq_weights=None, offset=None, wide=False):
    """Build a checked :class:`Design` from a formula and data, or from X and y.

    Parameters
    ----------
    formula : str, optional
        A patsy formula, as statsmodels takes (``"GRADE ~ GPA + TUCE + PSI"``).
    data : pandas.DataFrame, optional
        The frame the formula refers to.
    X : array_like or pandas.DataFrame, optional
        Inputs, one row per example (used when no formula is given).
    y : array_like, optional
        The outcome, one value per row of X.
    fit_intercept : bool, default True
        With X and y, add a bias column named ``"Intercept"``.
    freq_weights : array_like or str, optional
        Frequency weights (a column name of ``data`` is accepted).
    offset : array_like or str, optional
        A known term added to z (a column name of ``data`` is accepted).
    wide : bool, default False
        Allow fewer rows than parameters (a penalised fit is identified anyway).

    Returns
    -------
    Design

    Raises
    ------
    DataError
        Missing or infinite values, non-numeric columns, an empty frame, rows of
        different lengths, or fewer rows than parameters; each names the column or row.
    """
    import patsy

    if formula is not None:
        if data is None:
            raise DataError("a formula needs data=, the frame its names refer to")
        data = pd.DataFrame(data)
        if data.shape[0] == 0:
            raise DataError("the data frame is empty (0 rows)")
        used = _formula_columns(formula, data)
        _check_missing(data[used])
        try:
            ymat, xmat = patsy.dmatrices(formula, data, return_type="dataframe",
                                         NA_action=patsy.NAAction(NA_types=[]))
        except patsy.PatsyError as err:
            raise DataError(f"cannot build the design from formula {formula!r}: {err}") from err
        if ymat.shape[1] != 1:
            raise DataError(
                f"the outcome of {formula!r} expands to {ymat.shape[1]} columns "
                f"{list(ymat.columns)}; a binary neuron needs one numeric 0/1 column"
            )
        rows = data.index
        names = list(xmat.columns)
        yname = str(ymat.columns[0])
        full = np.ascontiguousarray(xmat.to_numpy(dtype=float))
        yv = ymat.iloc[:, 0].to_numpy(dtype=float)
        intercept = "Intercept" in names
        if intercept and names[0] != "Intercept":
            raise DataError("the intercept must be the first column")
        Xv = full[:, 1:] if intercept else full
        design_info = xmat.design_info
        freq_weights = data[freq_weights] if isinstance(freq_weights, str) else freq_weights
        offset = data[offset] if isinstance(offset, str) else offset
    else:
        if X is None or y is None:
            raise DataError("give either formula= and data=, or X= and y=")
        fast = _fast_arrays(X, y, fit_intercept, freq_weights, offset, wide)
        if fast is not None:
            return fast
        full = None
        frame = _as_frame(X)
        frame.columns = [str(c) for c in frame.columns]
        ys = y if isinstance(y, pd.Series) else pd.Series(np.asarray(y).ravel(),
                                                         name="y")
        if ys.ndim != 1 or len(ys) != len(frame):
            raise DataError(f"X has {len(frame)} rows but y has {len(ys)}")
        _check_missing(frame)
        _check_missing(ys.to_frame(name=str(ys.name or "y")), what="outcome")
        frame = _numeric_frame(frame, "column")
        yframe = _numeric_frame(ys.to_frame(name=str(ys.name or "y")), "outcome")
        rows = frame.index if isinstance(X, pd.DataFrame) else pd.RangeIndex(len(frame))
        names = list(frame.columns)
        if fit_intercept:
            if "Intercept" in names:
                raise DataError("X already has a column named 'Intercept'; pass "
                                "fit_intercept=False or rename it")
            names = ["Intercept", *names]
        Xv = np.ascontiguousarray(frame.to_numpy(dtype=float))
        yv = yframe.iloc[:, 0].to_numpy(dtype=float)
        yname = str(yframe.columns[0])
        intercept = fit_intercept
        design_info = None

    return _finish(Xv, yv, names, yname, freq_weights, offset, intercept, rows, design_info,
                   formula, full, wide)


def _finish(inputs, yv, names, yname, freq_weights, offset, intercept, rows, design_info,
            formula, full=None, wide=False, screened=False):
    # The checks every design passes, whichever way it came in (formula, frame, array).
    n, k = inputs.shape[0], len(names)
    if n == 0:
        raise DataError("the data are empty (0 rows): nothing to fit")
    if k == 0:
        raise DataError("the design has no columns and no intercept: nothing to fit "
                        "(give inputs, or fit_intercept=True)")
    if not (screened or _all_finite(inputs)):
        _check_finite(inputs, names[int(intercept):], rows)
    if not (screened or np.isfinite(yv.sum())):
        _check_finite(yv[:, None], [yname], rows)
    fw = _weights(freq_weights, n, "freq_weights", rows)
    off = _offset(offset, n, rows)
    if n < k and not wide:
        raise DataError(f"{n} rows are fewer than the {k} parameters {names}: "
                        "the model is not identified")
    return Design(inputs, yv, names, yname, fw, off, intercept, rows, design_info, formula,
                  full)


def _fast_arrays(X, y, fit_intercept, freq_weights, offset, wide):
    """Numeric, finite ndarray input: no pandas round trip and no copy of X."""
    if not (isinstance(X, np.ndarray) and isinstance(y, np.ndarray)):
        return None
    if X.ndim != 2 or y.ndim != 1 or X.dtype.kind not in "fiu" or y.dtype.kind not in "fiub":
        return None
    if X.shape[0] != y.shape[0] or X.shape[0] == 0:
        return None
    Xf = np.asarray(X, dtype=float)
    yf = np.asarray(y, dtype=float)
    if not (_all_finite(Xf) and np.isfinite(yf.sum())):
        return None  # the general path names the culprit
    names = [f"x{j + 1}" for j in range(Xf.shape[1])]
    if fit_intercept:
        names = ["Intercept", *names]
    rows = pd.RangeIndex(Xf.shape[0])
    return _finish(Xf, yf, names, "y", freq_weights, offset, fit_intercept, rows, None, None,
                   None, wide, screened=True)


def _weights(w, n, name, rows):
    if w is None:
        return np.ones(n)
    w = np.asarray(w, dtype=float).ravel()
    check_lengths(n, **{name: w})
    if not np.all(np.isfinite(w)):
        bad = list_rows(rows, ~np.isfinite(w))
        raise DataError(f"{name} has missing or infinite values ({bad})")
    if np.any(w < 0):
        raise DataError(f"{name} must be non-negative ({list_rows(rows, w < 0)})")
    if not np.any(w > 0):
        raise DataError(f"{name} are all zero: no data left to fit")
    return w


def _offset(off, n, rows):
    if off is None:
        return np.zeros(n)
    off = np.asarray(off, dtype=float).ravel()
    check_lengths(n, offset=off)
    if not np.all(np.isfinite(off)):
        bad = list_rows(rows, ~np.isfinite(off))
        raise DataError(f"offset has missing or infinite values ({bad})")
    return off


def column_sd(design):
    """Return the population SDs (divisor Σf, frequency-weighted) of the input columns.

    This is the scale glmnet standardises by.
    """
    return column_moments(design.inputs, design.freq_weights)[1]


def label_design(formula=None, data=None, X=None, y=None, *, fit_intercept=True,
                 freq_weights=None):
    """Build the design of a model whose outcome is labels (categories), not a number.

    patsy would expand a label column into dummies; the right-hand side is built with
    a placeholder outcome instead, and the labels are returned as they are.

    Parameters
    ----------
    formula, data, X, y, fit_intercept, freq_weights
        As for :func:`make_design`; ``fit_intercept=False`` drops the formula's intercept.

    Returns
    -------
    tuple
        ``(design, labels)``, labels a numpy array with one entry per row.
    """
    if formula is None:
        labels = np.asarray(y).ravel()
        design = make_design(X=X, y=np.zeros(len(labels)), fit_intercept=fit_intercept,
                             freq_weights=freq_weights)
        return design, labels
    if data is None:
        raise DataError("a formula needs data=")
    lhs, rhs = formula.split("~", 1)
    yname = lhs.strip()
    if yname not in data.columns:
        raise DataError(f"outcome {yname!r} is not a column of the data")
    _check_missing(data[[yname]], what="outcome")
    placeholder = pd.Series(np.zeros(len(data)), index=data.index, name=yname)
    rhs = rhs.strip() if fit_intercept else f"{rhs.strip()} - 1"
    design = make_design(f"{yname} ~ {rhs}", data.assign(**{yname: placeholder}),
                         freq_weights=freq_weights)
    design.yname = yname
    return design, data[yname].to_numpy()


def design_matrix_for(design, newdata):
    """Build the design matrix of ``design`` for new data (a frame, or an array of X columns).

    Parameters
    ----------
    design : Design
    newdata : pandas.DataFrame or array_like

    Returns
    -------
    numpy.ndarray
    """
    import patsy

    if design.design_info is not None:
        frame = pd.DataFrame(newdata)
        (mat,) = patsy.build_design_matrices([design.design_info], frame,
                                             return_type="dataframe")
        return mat.to_numpy(dtype=float)
    frame = _numeric_frame(_as_frame(newdata), "column")
    k = len(design.names) - int(design.intercept)
    if frame.shape[1] != k:
        raise DataError(f"newdata has {frame.shape[1]} columns; the model was fitted on {k}")
    arr = frame.to_numpy(dtype=float)
    return np.column_stack([np.ones(len(arr)), arr]) if design.intercept else arr
