"""The design of Dask data: built per partition from one recipe, checked in one pass.

A formula's columns are fixed once (patsy, from the frame's metadata and levels) and applied
to each partition; X and y arrays are split by rows. Nothing is gathered into memory.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..exceptions import DataError
from .design import Design
from .formula_dot import expand_dot
from .lazy_formula import formula_columns, formula_recipe

__all__ = ["is_lazy", "LazyDesign", "lazy_design"]

_SHOWN = 5


def is_lazy(*objs):
    """Return True when any of ``objs`` is a Dask collection (without importing Dask)."""
    return any(type(o).__module__.split(".")[0] in ("dask", "dask_expr") for o in objs
               if o is not None)


@dataclass
class LazyDesign(Design):
    """A :class:`Design` whose arrays are Dask arrays split by rows (known row chunks).

    ``rows`` is None: row labels stay in the partitions (errors name them there).
    """

    lazy = True
    blocks = None  # one delayed (X, y, f, offset) per partition, when the design built them
    recipe = None  # a formula's Recipe
    weight_sum = None  # Σ f, counted by the check pass
    y_mean = None  # Σ f·y / Σ f, from the same pass

    def summary(self):
        """Return a one-row in-memory design at the weighted mean outcome (for start values)."""
        return Design(np.zeros((1, 0)), np.array([self.y_mean]), list(self.names), self.yname,
                      np.ones(1), np.zeros(1), self.intercept, None)

    def __post_init__(self):
        import dask.array as da

        if not is_lazy(self.inputs):
            # a refit's empty design (the null model): no data to read
            self.inputs = da.zeros((self.nobs, np.shape(self.inputs)[1]),
                                   chunks=(self.y.chunks[0], -1))

    @property
    def X(self):
        """Return the GLM design matrix, lazily: a column of ones first when there is a bias."""
        import dask.array as da

        if not self.intercept:
            return self.inputs
        ones = da.ones((self.nobs, 1), chunks=(self.inputs.chunks[0], 1))
        return da.concatenate([ones, self.inputs.astype(float)], axis=1)

    def engine(self, cost):
        """Return the :class:`~glmnet_bridge.engines.dask.DaskEngine` of this design."""
        from ..engines.dask import DaskEngine

        if self.trials is not None:
            raise DataError("trials= is not available on Dask data")
        return DaskEngine(self.inputs, self.y, self.freq_weights, self.offset, cost,
                          self.intercept, blocks=self.blocks)


# ---------------------------------------------------------------------- per partition
def _array_block(X, y, f, off, e):
    return X, y, f, off, e


def _formula_block(part, recipe, fw, off, exposure):
    """Return (X, y, f, offset, exposure) of one partition; None for what is not given."""
    ymat, xmat = recipe.matrices(part)
    xv = xmat.to_numpy(dtype=float)
    if list(xmat.columns[:1]) == ["Intercept"]:
        xv = xv[:, 1:]

    def col(name):
        return None if name is None else part[name].to_numpy(dtype=float)

    return np.ascontiguousarray(xv), ymat.to_numpy(dtype=float)[:, 0], col(fw), col(off), \
        col(exposure)


def _final(raw):
    X, y, f, off, e = raw
    n = X.shape[0]
    f = np.ones(n) if f is None else np.asarray(f, dtype=float)
    off = np.zeros(n) if off is None else np.asarray(off, dtype=float)
    if e is not None:
        off = off + np.log(np.asarray(e, dtype=float))
    return X, np.asarray(y, dtype=float), f, off


def _first(mask, labels):
    idx = np.flatnonzero(mask)
    return int(idx.size), [labels[i] for i in idx[:_SHOWN]]


def _check_block(raw, cost, labels=None, missing=None):
    """Return a partition's summary: rows, Σf, outcome range, and the rows at fault."""
    if missing:
        return {"n": 0, "missing": missing}
    X, y, f, off, e = raw
    n = X.shape[0]
    for name, v in (("y", y), ("freq_weights", f), ("offset", off), ("exposure", e)):
        if v is not None and len(v) != n:
            return {"n": n, "mismatch": (name, len(v))}
    labels = np.arange(n) if labels is None else np.asarray(labels)
    f = np.ones(n) if f is None else np.asarray(f, dtype=float)
    bad = {}
    finite_x = np.isfinite(X)
    for j in np.flatnonzero(~finite_x.all(axis=0)):
        bad[("X", int(j))] = _first(~finite_x[:, j], labels)
    for name, v, rule in (("y", y, ~np.isfinite(y)),
                          ("freq_weights", f, ~np.isfinite(f) | (f < 0)),
                          ("offset", off, None if off is None else ~np.isfinite(off)),
                          ("exposure", e, None if e is None else ~(np.isfinite(e) & (e > 0)))):
        if v is not None and rule.any():
            bad[(name, 0)] = _first(rule, labels)
    if ("y", 0) not in bad:
        wrong = ~cost.valid_outcome(y)
        if wrong.any():
            bad[("outcome", 0)] = (*_first(wrong, labels), float(y[wrong][0]))
    used = y[f > 0]
    return {"n": n, "bad": bad, "w": float(f.sum()),
            "wy": float((f * y).sum()) if ("y", 0) not in bad else 0.0,
            "ymin": float(used.min()) if used.size else np.inf,
            "ymax": float(used.max()) if used.size else -np.inf}


def _missing(part, columns):
    out = {}
    for c in columns:
        m = part[c].isna().to_numpy()
        if m.any():
            out[c] = _first(m, part.index)
    return out


def _check_frame_block(part, columns, recipe, fw, off, exposure, cost):
    missing = _missing(part, columns)
    if missing:
        return _check_block(None, cost, missing=missing)
    return _check_block(_formula_block(part, recipe, fw, off, exposure), cost,
                        labels=part.index)


# ---------------------------------------------------------------------- building
def _rows_text(count, shown, positional):
    what = "rows at positions" if positional else "rows"
    more = f" and {count - len(shown)} more" if count > len(shown) else ""
    return f"{what} {', '.join(str(s) for s in shown)}{more}"


def _report(summaries, names, yname, cost, positional):
    """Raise the first problem the check pass found, naming the column and rows."""
    starts = np.cumsum([0] + [s["n"] for s in summaries])
    for s, start in zip(summaries, starts, strict=False):
        if "mismatch" in s:
            name, m = s["mismatch"]
            raise DataError(f"a partition of X has {s['n']} rows but the same partition of "
                            f"{name} has {m}: split them alike")
        for col, (count, shown) in s.get("missing", {}).items():
            raise DataError(f"column {col!r} has {count} missing value{'s' * (count > 1)} in "
                            f"one partition ({_rows_text(count, shown, False)}); drop or impute "
                            "them first (e.g. data.dropna(subset=[...]))")
        for (what, j), found in s.get("bad", {}).items():
            count, shown = found[0], [start + r for r in found[1]] if positional else found[1]
            rows = _rows_text(count, shown, positional)
            if what == "X":
                raise DataError(f"column {names[j]!r} has missing or infinite values ({rows})")
            if what == "y":
                raise DataError(f"outcome {yname!r} has missing or infinite values ({rows})")
            if what == "outcome":
                raise DataError(f"outcome {yname!r} {cost.outcome_rule} for the {cost.name} "
                                f"cost: {rows} hold values such as {found[2]:g}")
            rule = {"freq_weights": "must be finite and non-negative",
                    "offset": "must be finite", "exposure": "must be positive and finite"}
            raise DataError(f"{what} {rule[what]} ({rows})")


def lazy_design(formula, data, X, y, cost, *, fit_intercept=True, freq_weights=None,
                offset=None, exposure=None, trials=None, wide=False):
    """Build a :class:`LazyDesign` from a formula on a Dask frame, or from Dask arrays.

    One pass over the partitions checks every value (missing or infinite values,
    outcomes the cost cannot take, negative weights, non-positive exposure) and counts
    the rows; errors name the column and the rows (their labels in a frame, their
    positions in an array).

    Parameters
    ----------
    formula, data, X, y, fit_intercept, freq_weights, offset, exposure, wide
        As for :class:`glmnet_bridge.NeuronModel`; with a formula the per-row arguments
        are column names of ``data``, with arrays they are Dask arrays split as X.
    cost : Cost
        The model's cost (which outcomes it allows).
    trials : None
        Not available on Dask data.

    Returns
    -------
    LazyDesign
    """
    formula = expand_dot(formula, data)
    try:
        import dask
        import dask.array as da
    except ImportError as err:  # e.g. dask without its array extra
        raise ImportError("fits on Dask data need the dask extra: "
                          "pip install 'glmnet_bridge[dask]'") from err

    if trials is not None:
        raise DataError("trials= is not available on Dask data: give the proportion of "
                        "successes as the outcome and the trials as freq_weights")
    if formula is not None:
        if data is None or not hasattr(data, "map_partitions"):
            raise DataError("a formula on Dask data needs data= a dask.dataframe.DataFrame")
        for name, v in (("freq_weights", freq_weights), ("offset", offset),
                        ("exposure", exposure)):
            if v is not None and not isinstance(v, str):
                raise DataError(f"with a formula on a Dask frame, {name}= must name a column")
        extra = [v for v in (freq_weights, offset, exposure) if v is not None]
        used = list(dict.fromkeys(formula_columns(formula, data) + extra))
        recipe, y_info, x_info = formula_recipe(formula, data,
                                                 formula_columns(formula, data))
        if len(y_info.column_names) != 1:
            raise DataError(f"the outcome of {formula!r} expands to {y_info.column_names}; "
                            "a neuron needs one numeric column")
        names = list(x_info.column_names)
        intercept = names[:1] == ["Intercept"]
        if "Intercept" in names[1:]:
            raise DataError("the intercept must be the first column")
        yname, design_info = y_info.column_names[0], x_info
        parts = data[used].to_delayed()
        raws = [dask.delayed(_formula_block, pure=True)(p, recipe, freq_weights, offset,
                                                        exposure) for p in parts]
        checks = [dask.delayed(_check_frame_block, pure=True)(p, used, recipe, freq_weights,
                                                              offset, exposure, cost)
                  for p in parts]
        positional = False
    else:
        if X is None or y is None:
            raise DataError("give either formula= and data=, or X= and y=")
        if not is_lazy(X):
            raise DataError("with Dask data X must be a dask.array.Array (y and the per-row "
                            "arguments may be Dask arrays or numpy arrays)")
        if X.ndim != 2:
            raise DataError(f"X must be a 2-d array (rows are examples), got {X.ndim} "
                            "dimensions")
        X = X.rechunk({1: -1})
        row_chunks = X.chunks[0]
        args = {}
        for name, v in (("y", y), ("freq_weights", freq_weights), ("offset", offset),
                        ("exposure", exposure)):
            if v is None:
                args[name] = None
                continue
            if isinstance(v, str):
                raise DataError(f"{name}={v!r} names a column, but X and y are arrays")
            v = v if is_lazy(v) else da.from_array(np.asarray(v, dtype=float),
                                                    chunks=(row_chunks,))
            v = v.ravel() if v.ndim == 2 and v.shape[1] == 1 else v
            if v.ndim != 1:
                raise DataError(f"{name} must be one value per row")
            unknown = np.isnan(row_chunks).any() or np.isnan(v.chunks[0]).any()
            if unknown and len(v.chunks[0]) == len(row_chunks):
                pass  # e.g. two columns of one frame: the check pass compares the lengths
            elif v.chunks[0] != row_chunks:
                if unknown:
                    raise DataError(f"{name} must be split into the same row chunks as X")
                if v.shape[0] != X.shape[0]:
                    raise DataError(f"X has {X.shape[0]} rows but {name} has {v.shape[0]}")
                v = v.rechunk({0: row_chunks})
            args[name] = v.to_delayed(optimize_graph=False).ravel()
        nb = len(row_chunks)
        blocks = zip(X.to_delayed(optimize_graph=False).ravel(),
                     *[args[k] if args[k] is not None else [None] * nb
                       for k in ("y", "freq_weights", "offset", "exposure")], strict=True)
        raws = [dask.delayed(_array_block, pure=True)(*b) for b in blocks]
        checks = [dask.delayed(_check_block, pure=True)(r, cost) for r in raws]
        p = X.shape[1]
        names = [f"x{j + 1}" for j in range(p)]
        if fit_intercept:
            names = ["Intercept", *names]
        intercept, yname, design_info, positional = fit_intercept, "y", None, True
        recipe = None

    summaries = dask.compute(*checks)
    inputs_names = names[int(intercept):]
    _report(summaries, inputs_names, yname, cost, positional)
    n = sum(s["n"] for s in summaries)
    k = len(names)
    if n == 0:
        raise DataError("the data are empty (0 rows): nothing to fit")
    if n < k and not wide:
        raise DataError(f"{n} rows are fewer than the {k} parameters {names}: "
                        "the model is not identified")
    if sum(s["w"] for s in summaries) <= 0:
        raise DataError("freq_weights are all zero: no data left to fit")
    ymin, ymax = min(s["ymin"] for s in summaries), max(s["ymax"] for s in summaries)
    if cost.family in ("binomial", None) and ymin == ymax:
        raise DataError(f"outcome {yname!r} takes only the value {ymin:g}: there is nothing "
                        "to fit (the MLE of the bias is infinite)")
    arrays, blocks = _arrays(raws, [s["n"] for s in summaries], len(inputs_names),
                             freq_weights is not None, offset is not None or exposure is not None)
    design = LazyDesign(arrays[0], arrays[1], names, yname, arrays[2], arrays[3], intercept,
                        None, design_info, formula)
    design.blocks, design.recipe = blocks, recipe
    design.weight_sum = float(sum(s["w"] for s in summaries))
    design.y_mean = sum(s["wy"] for s in summaries) / design.weight_sum
    return design


def _arrays(raws, lengths, p, weighted, offset):
    """Return X, y, f, offset as Dask arrays with the partitions' (now known) row counts.

    Without weights (an offset) f (the offset) is made, not read: its sums cost nothing.
    """
    import dask
    import dask.array as da

    keep = [i for i, m in enumerate(lengths) if m > 0]
    finals = [dask.delayed(_final, pure=True)(raws[i]) for i in keep]
    out = []
    for pos, shape in enumerate(((p,), (), (), ())):
        if (pos == 2 and not weighted) or (pos == 3 and not offset):
            chunks = (tuple(lengths[i] for i in keep),)
            out.append(da.ones(sum(chunks[0]), chunks=chunks) if pos == 2
                       else da.zeros(sum(chunks[0]), chunks=chunks))
            continue
        out.append(da.concatenate([da.from_delayed(f[pos], shape=(lengths[i], *shape),
                                                   dtype=float) for f, i in zip(finals, keep,
                                                                                strict=True)]))
    return out, finals


