"""R's ``y ~ .``: a formula's dot stands for every column of the data not on its left."""

from __future__ import annotations

import re

__all__ = ["expand_dot"]

# a lone dot: not part of a name (x.1), a number (0.5) or a call
_DOT = re.compile(r"(?<![\w.)\]])\.(?![\w.(])")


def expand_dot(formula, data):
    """Return ``formula`` with a lone ``.`` on its right replaced by the other columns.

    As in R, ``.`` means every column of ``data`` that the left-hand side does not use,
    in the frame's order; ``y ~ . - x3`` drops one of them again (patsy subtracts
    terms). A name that is not a Python identifier is quoted as ``Q("name")``.

    Parameters
    ----------
    formula : str or None
    data : pandas.DataFrame or dask.dataframe.DataFrame or None

    Returns
    -------
    str or None
    """
    if not isinstance(formula, str) or "~" not in formula or data is None:
        return formula
    lhs, rhs = formula.split("~", 1)
    if not _DOT.search(rhs):
        return formula
    names = [str(c) for c in data.columns]
    left = {c for c in names if re.search(rf"(?<![\w.]){re.escape(c)}(?![\w.])", lhs)}
    terms = [c if c.isidentifier() else f'Q("{c}")' for c in names if c not in left]
    return f"{lhs}~{_DOT.sub(lambda m: '(' + ' + '.join(terms) + ')', rhs, count=1)}"
