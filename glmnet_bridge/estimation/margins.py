"""Marginal effects of a fitted neuron, one per variable, through every term of its formula.

Continuous variables by derivatives, factors (and 0/1 or count variables, if asked) by
discrete changes on counterfactual data; delta-method standard errors.
"""

from __future__ import annotations

import ast

import numpy as np
import pandas as pd

from ..exceptions import DataError
from .design import design_matrix_for
from .inference import wald_table

__all__ = ["marginal_effects"]

_AT = ("overall", "mean", "median")


def _factor_variables(code, columns):
    """Return the data columns a patsy factor's code reads (``C(occ)`` → ``["occ"]``)."""
    try:
        tree = ast.parse(code, mode="eval")
    except SyntaxError:  # patsy's Q("odd name") and the like
        return [c for c in columns if str(c) in code]
    names = [n.id for n in ast.walk(tree) if isinstance(n, ast.Name)]
    names += [n.args[0].value for n in ast.walk(tree) if isinstance(n, ast.Call)
              and getattr(n.func, "id", None) == "Q" and n.args
              and isinstance(n.args[0], ast.Constant)]
    return list(dict.fromkeys(n for n in names if n in columns))


def _reference(info, factor, categories):
    """Return a factor's reference level: the row of zeros in its main-effect contrast."""
    for codings in info.term_codings.values():
        for sub in codings:
            if list(sub.factors) == [factor] and factor in sub.contrast_matrices:
                m = np.asarray(sub.contrast_matrices[factor].matrix)
                zero = np.flatnonzero(np.abs(m).sum(axis=1) == 0)
                if len(zero) == 1:
                    return categories[int(zero[0])]
    return categories[0]


def _variables(design, frame):
    """Return [(variable, kind, levels, reference)]: kind "continuous" or "factor"."""
    info = design.design_info
    seen = {}
    for factor, finfo in info.factor_infos.items():
        for var in _factor_variables(factor.code, frame.columns):
            if finfo.type == "categorical":
                cats = list(finfo.categories)
                seen[var] = ("factor", cats, _reference(info, factor, cats))
            else:
                seen.setdefault(var, ("continuous", None, None))
    return [(v, *seen[v]) for v in seen]


class _Rows:
    """The rows effects are averaged over, and how to rebuild their design after a change."""

    def __init__(self, fit, at):
        d = fit.design
        self.design, self.at = d, at
        f = np.asarray(d.freq_weights, dtype=float)
        self.f = f / f.sum()
        self.offset = np.asarray(d.offset, dtype=float)
        if d.design_info is not None:
            frame = getattr(fit.model, "frame", None)
            if not isinstance(frame, pd.DataFrame):
                raise DataError("marginal effects through a formula need the fit's data frame")
            self.frame = frame.loc[d.rows] if len(frame) != d.nobs else frame
            self.vars = _variables(d, self.frame)
        else:
            names = list(d.names[int(d.intercept):])
            self.frame = pd.DataFrame(d.inputs, columns=names, index=d.rows)
            self.vars = [(v, "continuous", None, None) for v in names]
        self.original = self.frame
        if at != "overall":
            # Stata's atmeans: every continuous variable at its mean (median) in every row;
            # factors keep their rows, so their dummies average to proportions.
            base = self.frame.copy()
            for v, kind, *_ in self.vars:
                if kind == "continuous":
                    x = base[v].to_numpy(dtype=float)
                    base[v] = float(self.f @ x) if at == "mean" else float(np.median(x))
            self.frame = base

    def matrix(self, frame):
        """Return the design of (counterfactual) rows: one averaged row unless at="overall"."""
        d = self.design
        if d.design_info is not None:
            X = design_matrix_for(d, frame)
        else:
            X = frame.to_numpy(dtype=float)
            X = np.column_stack([np.ones(len(X)), X]) if d.intercept else X
        return X if self.at == "overall" else (self.f @ X)[None, :]

    def weights_offset(self):
        if self.at == "overall":
            return self.f, self.offset
        return np.ones(1), np.array([float(self.f @ self.offset)])


def _derivative(rows, act, beta, var):
    """Return (effect, ∂effect/∂β) of d mean/d var, through every term ``var`` enters."""
    x = rows.frame[var].to_numpy(dtype=float)
    h = 1e-5 * max(1.0, float(np.std(x)))
    # central differences of the design in the variable: exact for products and squares
    up, down = rows.frame.copy(), rows.frame.copy()
    up[var], down[var] = x + h, x - h
    dX = (rows.matrix(up) - rows.matrix(down)) / (2 * h)
    X = rows.matrix(rows.frame)
    w, off = rows.weights_offset()
    z = X @ beta + off
    s1, s2 = act.derivative(z), act.second_derivative(z)
    g = dX @ beta
    effect = float(w @ (s1 * g))
    jac = (w * s2 * g) @ X + (w * s1) @ dX
    return effect, jac


def _change(rows, act, beta, var, new, old):
    """Return (effect, ∂effect/∂β) of the mean as ``var`` goes from ``old`` to ``new``."""
    def at(value):
        frame = rows.frame.copy()
        if callable(value):
            frame[var] = value(frame[var])
        else:
            col = frame[var]
            frame[var] = pd.Series([value] * len(frame), index=frame.index,
                                   dtype=col.dtype if isinstance(col.dtype, pd.CategoricalDtype)
                                   else None)
        X = rows.matrix(frame)
        w, off = rows.weights_offset()
        z = X @ beta + off
        return float(w @ act(z)), (w * act.derivative(z)) @ X

    m1, j1 = at(new)
    m0, j0 = at(old)
    return m1 - m0, j1 - j0


def _is_dummy(x):
    values = pd.unique(pd.Series(x).dropna())
    return len(values) == 2 and set(np.asarray(values, dtype=float)) == {0.0, 1.0}


def _is_count(x):
    x = np.asarray(x, dtype=float)
    return bool(np.all(x == np.round(x)) and x.min() >= 0 and not _is_dummy(x))


def marginal_effects(fit, at="overall", alpha=0.05, dummy=False, count=False):
    """Return marginal effects of a fitted neuron: one per variable, delta-method SEs.

    The effect is on the neuron's output, the mean σ(z) (P(y = 1) for a binary neuron, the
    expected count for Poisson). For a formula fit each *variable* (a data column) gets one
    effect, taken through every term it enters: with ``y ~ a * b`` the effect of ``a`` is
    σ'(z)·(w_a + w_ab·b), not w_a alone. Factors get one discrete change per level, from
    the reference level, on counterfactual data (every row set to the level, then to the
    reference).

    Parameters
    ----------
    fit : glmnet_bridge.NeuronFit
    at : {"overall", "mean", "median"}
        "overall": averaged over the rows (AME); "mean"/"median": at a representative row
        with every continuous variable at its mean/median and the factors at their
        observed proportions (Stata's ``atmeans``; statsmodels' "mean" without a formula).
    alpha : float, default 0.05
        For the confidence intervals.
    dummy : bool, default False
        statsmodels' name: a numeric 0/1 variable as the discrete change 0 → 1 instead of a
        derivative (statsmodels' default, kept here, is the derivative).
    count : bool, default False
        statsmodels' name: an integer-valued variable by its change per unit, half the
        change from x − 1 to x + 1 (as statsmodels computes it).

    Returns
    -------
    pandas.DataFrame
        Indexed by variable (factor levels as ``var[level]``), with statsmodels'
        ``summary_frame`` columns: ``dy/dx``, ``Std. Err.``, ``z``, ``Pr(>|z|)``,
        ``Conf. Int. Low``, ``Cont. Int. Hi.``. ``attrs["kind"]`` says, per row, whether it
        is a derivative or which discrete change ("5.0 vs 1.0", "1 vs 0", "(x+1 − x−1)/2").
    """
    if at not in _AT:
        raise ValueError(f"at must be one of {', '.join(map(repr, _AT))}, got {at!r}")
    if fit.activation.name == "softmax":
        raise DataError("marginal effects of a softmax layer are not implemented: take "
                        "one category against the reference with a binary activation")
    if not isinstance(fit.design.inputs, np.ndarray):
        raise DataError("marginal effects need the design in memory, not Dask partitions")
    beta = np.asarray(fit.params, dtype=float)
    act = fit.activation
    rows = _Rows(fit, at)
    names, kinds, effects, jacs = [], [], [], []
    for var, kind, levels, ref in rows.vars:
        if kind == "factor":
            for level in levels:
                if level == ref:
                    continue
                e, j = _change(rows, act, beta, var, level, ref)
                names.append(f"{var}[{level}]")
                kinds.append(f"{level} vs {ref}")
                effects.append(e)
                jacs.append(j)
            continue
        original = rows.original[var]
        if dummy and _is_dummy(original):
            e, j = _change(rows, act, beta, var, 1.0, 0.0)
            kinds.append("1 vs 0")
        elif count and _is_count(original):
            # statsmodels' count effect: half the change from x − 1 to x + 1
            e, j = _change(rows, act, beta, var, lambda c: c + 1.0, lambda c: c - 1.0)
            e, j = e / 2, j / 2
            kinds.append("(x+1 − x−1)/2")
        else:
            e, j = _derivative(rows, act, beta, var)
            kinds.append("derivative")
        names.append(var)
        effects.append(e)
        jacs.append(j)
    if not names:
        raise DataError("the model has no variables to take marginal effects of")
    J = np.vstack(jacs)
    se = np.sqrt(np.diag(J @ fit.cov_params().to_numpy() @ J.T))
    effect = np.asarray(effects)
    z, p, lo, hi = wald_table(effect, se, alpha)
    out = pd.DataFrame({"dy/dx": effect, "Std. Err.": se, "z": z, "Pr(>|z|)": p,
                        "Conf. Int. Low": lo, "Cont. Int. Hi.": hi}, index=names)
    out.attrs["kind"] = dict(zip(names, kinds, strict=True))
    out.attrs["at"] = at
    return out
