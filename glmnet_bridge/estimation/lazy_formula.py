"""A formula on a Dask frame: its recipe (levels fixed once) and predictions from new rows.

patsy's DesignInfo cannot travel to a worker; a :class:`Recipe` can, and builds the same
columns from any partition.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..exceptions import DataError

__all__ = ["Recipe", "formula_recipe", "formula_columns", "lazy_linear"]

# patsy transforms that learn from the data (a mean, knots): their state would need a pass.
_STATEFUL = re.compile(r"\b(center|standardize|scale|bs|cr|cc|te)\s*\(")


class Recipe:
    """A formula and the levels of its categorical columns: the same columns from any rows.

    patsy's own recipe (a DesignInfo) cannot be pickled to a worker; this can, and it
    rebuilds the design of every partition with the levels fixed once for all data.
    """

    def __init__(self, formula, levels):
        self.formula, self.levels = formula, dict(levels)

    def frame(self, part):
        """Return ``part`` with each categorical column's levels set to the data's."""
        cats = {c: pd.Categorical(part[c], categories=lv) for c, lv in self.levels.items()
                if c in part.columns}
        return part.assign(**cats) if cats else part

    def matrices(self, part, outcome=True):
        """Return (y, X) of ``part`` as patsy builds them (X alone without the outcome)."""
        import patsy

        na = patsy.NAAction(NA_types=[])
        if outcome:
            return patsy.dmatrices(self.formula, self.frame(part), NA_action=na,
                                   return_type="dataframe")
        rhs = self.formula.split("~", 1)[1]
        return patsy.dmatrix(rhs, self.frame(part), NA_action=na, return_type="dataframe")

    def sample(self, meta):
        """Return a few made-up rows holding every level (numbers 0): for the term names."""
        n = max([len(v) for v in self.levels.values()] + [2])
        cols = {}
        for c, t in meta.dtypes.items():
            if c in self.levels:
                lv = self.levels[c]
                cols[c] = [lv[i % len(lv)] for i in range(n)]
            else:
                cols[c] = np.zeros(n, dtype=t if pd.api.types.is_numeric_dtype(t) else float)
        return pd.DataFrame(cols)


def formula_recipe(formula, data, columns):
    """Return the :class:`Recipe` of ``formula`` over a Dask frame, and patsy's (y, X) infos.

    The levels of a categorical column come from its dtype when Dask knows them; those
    of a column of strings (or of unknown categories) from one pass over that column,
    sorted as patsy sorts them.
    """
    import dask

    if _STATEFUL.search(formula):
        raise DataError(f"formula {formula!r} has a transform that learns from the data "
                        "(center, standardize, splines): on Dask data compute that column "
                        "first, then use it in the formula")
    frame = data[columns]
    levels, unknown = {}, []
    for c, t in frame.dtypes.items():
        if isinstance(t, pd.CategoricalDtype) and frame[c].cat.known:
            levels[c] = list(t.categories)
        elif not (pd.api.types.is_numeric_dtype(t) or pd.api.types.is_bool_dtype(t)):
            unknown.append(c)
    if unknown:
        found = dask.compute(*[frame[c].dropna().unique() for c in unknown])
        for c, values in zip(unknown, found, strict=True):
            levels[c] = sorted(pd.unique(np.asarray(values)))
    recipe = Recipe(formula, levels)
    ymat, xmat = recipe.matrices(recipe.sample(frame._meta))
    return recipe, ymat.design_info, xmat.design_info


def formula_columns(formula, data):
    """Return the columns of ``data`` that ``formula`` names."""
    tokens = set(re.findall(r"[A-Za-z_][A-Za-z0-9_.]*", formula))
    return [c for c in data.columns if str(c) in tokens]


def _linear_rows(part, recipe, beta, offset, exposure):
    z = recipe.matrices(part, outcome=False).to_numpy(dtype=float) @ beta
    for kind, spec in (("offset", offset), ("exposure", exposure)):
        if spec is None:
            continue
        v = part[spec].to_numpy(dtype=float) if isinstance(spec, str) else float(spec)
        z = z + (np.log(v) if kind == "exposure" else v)
    return z


def lazy_linear(design, beta, newdata, specs):
    """Return z = w·x + b (+ offset, + log exposure) of Dask ``newdata``, lazily.

    Parameters
    ----------
    design : Design or LazyDesign
        The fit's design: a formula fit reads a Dask frame through its recipe (or its
        patsy terms), an array fit takes a Dask array of the input columns.
    beta : numpy.ndarray
    newdata : dask.dataframe.DataFrame or dask.array.Array
    specs : dict
        ``{"offset": ..., "exposure": ...}``: a column of ``newdata``, a number, a Dask
        array split as ``newdata`` (arrays only) or None.
    """
    import dask
    import dask.array as da

    recipe = getattr(design, "recipe", None)
    if recipe is None and design.formula is not None:
        recipe = Recipe(design.formula, {})
    if recipe is not None:
        if not hasattr(newdata, "columns"):
            raise DataError("a formula fit predicts from a frame: pass a dask DataFrame")
        for kind, spec in specs.items():
            if spec is not None and not isinstance(spec, (str, int, float)):
                raise DataError(f"on a Dask frame give {kind}= as a column name or a number")
            if isinstance(spec, str) and spec not in newdata.columns:
                raise DataError(f"the model has {kind}={spec!r}, but newdata has no column "
                                f"{spec!r}: add it, or pass {kind}= to predict")
        return da.concatenate(
            [da.from_delayed(dask.delayed(_linear_rows, pure=True)(
                p, recipe, beta, specs.get("offset"), specs.get("exposure")),
                shape=(np.nan,), dtype=float) for p in newdata.to_delayed()],
            allow_unknown_chunksizes=True)
    X = newdata if newdata.ndim == 2 else newdata[:, None]
    k = len(design.names) - int(design.intercept)
    if X.shape[1] != k:
        raise DataError(f"newdata has {X.shape[1]} columns; the model was fitted on {k}")
    X = X.rechunk({1: -1}).astype(float)
    start = int(design.intercept)
    z = X @ beta[start:] + (beta[0] if start else 0.0)
    for kind, spec in specs.items():
        if isinstance(spec, str):
            raise DataError(f"{kind}={spec!r} names a column, but newdata is an array: pass "
                            "its values")
        if spec is not None:
            z = z + (da.log(spec) if kind == "exposure" else spec)
    return z
