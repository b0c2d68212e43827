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
from ..exceptions import DataError
from .formula_dot import expand_dot
from .inputs import (
    HUGE,
    TINY,
    aligned,
    as_frame,
    check_finite,
    check_lengths,
    check_missing,
    column_sums,
    data_column,
    formula_columns,
    list_rows,
    no_duplicates,
    numeric_frame,
    offset_values,
    screen,
    stray_text,
    weights,
)
from .outcomes import code_outcome, formula_outcome, outcome_series, plain_dtypes

__all__ = ["Design", "make_design", "design_matrix_for", "column_sd", "label_design",
           "list_rows", "check_lengths", "data_column"]


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
    outcome_levels : list or None
        A factor, string or boolean outcome's two levels, coded 0 and 1 in this order
        (R's rule: a Categorical's first category, else the first in sorted order, is 0).
    variables : list or None
        The data columns new rows need at predict time (a formula's variables, or the
        names of an X frame); None for an unnamed array.
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
    outcome_levels: list | None = None
    variables: list | None = None

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
        The outcome, one value per row of X. A two-level factor, string or boolean
        outcome is coded 0/1 by R's rule (see :attr:`Design.outcome_levels`).
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
        Missing or infinite values, non-numeric columns, duplicated names, misaligned
        indexes, an outcome of three levels or more, an empty frame, rows of different
        lengths, or fewer rows than parameters; each names the column, row or argument.
    """
    if formula is not None:
        return _formula_design(expand_dot(formula, data), data, freq_weights, offset, wide)
    if X is None or y is None:
        raise DataError("give either formula= and data=, or X= and y=")
    freq_weights = data_column(None, freq_weights, "freq_weights")
    offset = data_column(None, offset, "offset")
    fast = _fast_arrays(X, y, fit_intercept, freq_weights, offset, wide)
    if fast is not None:
        return fast
    frame = as_frame(X)
    frame.columns = [str(c) for c in frame.columns]
    ys = outcome_series(y, len(frame))
    rows = frame.index if isinstance(X, pd.DataFrame) else pd.RangeIndex(len(frame))
    if isinstance(X, pd.DataFrame):
        aligned(rows, y=y, freq_weights=freq_weights, offset=offset)
    check_missing(frame)
    yname = str(ys.name or "y")
    check_missing(ys.to_frame(name=yname), what="outcome")
    frame = numeric_frame(frame, "column")
    names = list(frame.columns)
    if fit_intercept:
        if "Intercept" in names:
            raise DataError("X already has a column named 'Intercept'; pass "
                            "fit_intercept=False or rename it")
        names = ["Intercept", *names]
    Xv = np.ascontiguousarray(frame.to_numpy(dtype=float))
    stray_text(ys, yname, "outcome")
    yv, levels = code_outcome(ys, yname)
    design = _finish(Xv, yv, names, yname, freq_weights, offset, fit_intercept, rows, None,
                     None, None, wide)
    design.outcome_levels = levels
    design.variables = list(frame.columns) if isinstance(X, pd.DataFrame) else None
    return design


def _formula_design(formula, data, freq_weights, offset, wide):
    import patsy

    if data is None:
        raise DataError("a formula needs data=, the frame its names refer to")
    data = pd.DataFrame(data)
    if data.shape[0] == 0:
        raise DataError("the data frame is empty (0 rows)")
    no_duplicates(data.columns, "the data")
    used = formula_columns(formula, data)
    check_missing(data[used])
    for col in used:
        stray_text(data[col], col)
    frame = plain_dtypes(data, used)
    try:
        # A term's NaN (log of a negative) is named by the finite check, not warned about.
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            ymat, xmat = patsy.dmatrices(formula, frame, return_type="dataframe",
                                         NA_action=patsy.NAAction(NA_types=[]))
    except patsy.PatsyError as err:
        unknown = re.search(r"NameError: name '(.+?)' is not defined", str(err))
        if unknown:
            raise DataError(
                f"formula {formula!r}: name {unknown[1]!r} is not defined, it is not a column "
                f"of the data (columns: {[str(c) for c in data.columns][:12]}); check the "
                "spelling, or write Q(\"my col\") for a name with spaces") from err
        raise DataError(f"cannot build the design from formula {formula!r}: {err}") from err
    yname, yv, levels = formula_outcome(formula, ymat)
    names = list(xmat.columns)
    full = np.ascontiguousarray(xmat.to_numpy(dtype=float))
    intercept = "Intercept" in names
    if intercept and names[0] != "Intercept":
        raise DataError("the intercept must be the first column")
    rhs = formula.split("~", 1)[1]
    design = _finish(full[:, 1:] if intercept else full, yv, names, yname,
                     data_column(data, freq_weights, "freq_weights"),
                     data_column(data, offset, "offset"), intercept, data.index,
                     xmat.design_info, formula, full, wide)
    design.outcome_levels = levels
    design.variables = [str(c) for c in formula_columns(rhs, data)]
    return design


def _finish(inputs, yv, names, yname, freq_weights, offset, intercept, rows, design_info,
            formula, full=None, wide=False, screened=False):
    # The checks every design passes, whichever way it came in (formula, frame, array).
    n, k = inputs.shape[0], len(names)
    if n == 0:
        raise DataError("the data are empty (0 rows): nothing to fit")
    if k == 0:
        raise DataError("the design has no columns and no intercept: nothing to fit "
                        "(give inputs, or fit_intercept=True)")
    if not screened:
        screen(inputs, names[int(intercept):], rows, terms=design_info is not None)
    if not (screened or np.isfinite(yv.sum())):
        check_finite(yv[:, None], [yname], rows)
    fw = weights(freq_weights, n, "freq_weights", rows)
    off = offset_values(offset, n, rows)
    if n < k and not wide:
        raise DataError(f"{n} rows are fewer than the {k} parameters {names}: "
                        "the model is not identified")
    return Design(inputs, yv, names, yname, fw, off, intercept, rows, design_info, formula,
                  full)


def _fast_arrays(X, y, fit_intercept, freq_weights, offset, wide):
    """Numeric, finite ndarray input: no pandas round trip and no copy of X."""
    if not (isinstance(X, np.ndarray) and isinstance(y, np.ndarray)):
        return None
    if X.ndim != 2 or y.ndim != 1 or X.dtype.kind not in "fiu" or y.dtype.kind not in "fiu":
        return None
    if X.shape[0] != y.shape[0] or X.shape[0] == 0:
        return None
    Xf = np.asarray(X, dtype=float)
    yf = np.asarray(y, dtype=float)
    names = [f"x{j + 1}" for j in range(Xf.shape[1])]
    rows = pd.RangeIndex(Xf.shape[0])
    with np.errstate(over="ignore", invalid="ignore"):
        sums = np.abs(column_sums(Xf))
    if not (np.all((sums <= HUGE) & (sums >= TINY * len(yf))) and np.isfinite(yf.sum())):
        screen(Xf, names, rows)
        if not np.isfinite(yf.sum()):
            return None  # the general path names the culprit
    if fit_intercept:
        names = ["Intercept", *names]
    return _finish(Xf, yf, names, "y", freq_weights, offset, fit_intercept, rows, None, None,
                   None, wide, screened=True)


def column_sd(design):
    """Return the population SDs (divisor Σf, frequency-weighted) of the input columns.

    This is the scale glmnet standardises by.
    """
    return column_moments(design.inputs, design.freq_weights)[1]


def label_design(formula=None, data=None, X=None, y=None, *, fit_intercept=True,
                 freq_weights=None):
    """Build the design of a model whose outcome is labels (categories), not a number.

    patsy would expand a label column into dummies; the right-hand side is built with
    a placeholder outcome instead, and the labels are returned as they are (a
    Categorical keeps its own order of categories: the first is the reference).

    Parameters
    ----------
    formula, data, X, y, fit_intercept, freq_weights
        As for :func:`make_design`; ``fit_intercept=False`` drops the formula's intercept.

    Returns
    -------
    tuple
        ``(design, labels)``, labels one entry per row: a pandas Categorical when the
        outcome is one, else a numpy array.
    """
    formula = expand_dot(formula, data)
    if formula is None:
        if y is None:
            raise DataError("give either formula= and data=, or X= and y=")
        ys = outcome_series(y, len(y))
        if isinstance(X, pd.DataFrame):
            aligned(X.index, y=y, freq_weights=freq_weights)
        check_missing(ys.to_frame(name=str(ys.name or "y")), what="outcome")
        design = make_design(X=X, y=np.zeros(len(ys)), fit_intercept=fit_intercept,
                             freq_weights=freq_weights)
        return design, _labels(ys)
    if data is None:
        raise DataError("a formula needs data=, the frame its names refer to")
    lhs, rhs = formula.split("~", 1)
    yname = lhs.strip()
    if yname not in data.columns:
        raise DataError(f"outcome {yname!r} is not a column of the data (a softmax outcome "
                        "is one column of labels, named as it is)")
    check_missing(data[[yname]], what="outcome")
    placeholder = pd.Series(np.zeros(len(data)), index=data.index, name=yname)
    rhs = rhs.strip() if fit_intercept else f"{rhs.strip()} - 1"
    design = make_design(f"{yname} ~ {rhs}", data.assign(**{yname: placeholder}),
                         freq_weights=freq_weights)
    design.yname = yname
    return design, _labels(data[yname])


def _labels(ys):
    """Return labels: a Categorical as it is (its order is the user's), else an array."""
    if isinstance(ys.dtype, pd.CategoricalDtype):
        return pd.Categorical(ys).remove_unused_categories()
    return ys.to_numpy()


def design_matrix_for(design, newdata):
    """Build the design matrix of ``design`` for new data (a frame, or an array of X columns).

    Parameters
    ----------
    design : Design
    newdata : pandas.DataFrame or array_like
        For a formula fit, a frame with the formula's columns; for an X frame fit, a
        frame with its columns (matched by name) or an array (by position).

    Returns
    -------
    numpy.ndarray

    Raises
    ------
    DataError
        A missing column, a missing or infinite value, or a factor level the fit never
        saw; each names the column (or term) and the rows.
    """
    if design.design_info is not None:
        return _formula_matrix(design, pd.DataFrame(newdata))
    if isinstance(newdata, pd.DataFrame) and design.variables is not None \
            and list(newdata.columns) != design.variables:
        missing = [c for c in design.variables if c not in newdata.columns]
        if missing:
            raise DataError(f"newdata has no column {missing}; the model was fitted on "
                            f"{design.variables} (a frame is matched by column name)")
        newdata = newdata[design.variables]
    frame = as_frame(newdata)
    k = len(design.names) - int(design.intercept)
    if frame.shape[1] != k:
        raise DataError(f"newdata has {frame.shape[1]} columns; the model was fitted on {k}")
    if design.variables is None:
        frame.columns = design.names[int(design.intercept):]
    check_missing(frame, what="newdata column")
    arr = numeric_frame(frame, "newdata column").to_numpy(dtype=float)
    check_finite(arr, list(frame.columns), frame.index)
    return np.column_stack([np.ones(len(arr)), arr]) if design.intercept else arr


def _formula_matrix(design, frame):
    import patsy

    present = [c for c in (design.variables or []) if c in frame.columns]
    check_missing(frame[present], what="newdata column")
    try:
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            (mat,) = patsy.build_design_matrices(
                [design.design_info], plain_dtypes(frame, present), return_type="dataframe",
                NA_action=patsy.NAAction(NA_types=[]))
    except patsy.PatsyError as err:
        missing = [c for c in design.variables or [] if c not in frame.columns]
        if missing:
            raise DataError(f"newdata has no column {missing}; the formula "
                            f"{design.formula!r} needs {design.variables}") from None
        origin = getattr(err, "origin", None)
        term = origin.code[origin.start:origin.end] if origin is not None else "?"
        raise DataError(f"newdata cannot be put through the formula's term {term!r}: "
                        f"{getattr(err, 'message', err)} (predict takes only the levels "
                        "and columns the model was fitted on)") from None
    arr = mat.to_numpy(dtype=float)
    check_finite(arr, design.names, frame.index)
    return arr
