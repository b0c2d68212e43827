"""A user's own table for the command line: CSV delimiter and encoding sniffed or given.

Errors name the file, the problem and the fix in one line (:class:`UsageError`).
"""

from __future__ import annotations

import csv
from pathlib import Path

__all__ = ["UsageError", "read_table", "check_output", "table_arrays"]

_DELIMITERS = ",;\t|"
_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")


class UsageError(Exception):
    """A mistake on the command line: the CLI prints it on one line and exits with status 2."""


def _encoding(raw, given):
    if given:
        try:
            raw.decode(given)
        except LookupError as exc:
            raise UsageError(f"unknown encoding {given!r}; try --encoding utf-8 or "
                             "--encoding latin-1") from exc
        except UnicodeDecodeError as exc:
            raise UsageError(f"the file is not valid {given} (byte {exc.start}); try "
                             "--encoding latin-1 or --encoding utf-8") from exc
        return given
    for enc in _ENCODINGS:
        try:
            raw.decode(enc)
            return enc
        except UnicodeDecodeError:
            continue
    return "latin-1"  # every byte decodes: never reached, kept for clarity


def _delimiter(text, given):
    if given:
        return "\t" if given in ("\\t", "tab") else given
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        return ","


def _decimal_commas(frame):
    """Return True when some text column holds only numbers written with a decimal comma."""
    import pandas as pd

    for col in frame.columns:
        if not (pd.api.types.is_numeric_dtype(frame[col])
                or pd.api.types.is_bool_dtype(frame[col])):
            values = frame[col].dropna().astype(str)
            if len(values) and values.str.fullmatch(r"[-+]?\d*,\d+([eE][-+]?\d+)?").all():
                return True
    return False


def read_table(path, sep=None, encoding=None):
    """Read a CSV file with a header row; return ``(DataFrame, description)``.

    Parameters
    ----------
    path : str or pathlib.Path
    sep : str, optional
        The delimiter; sniffed among ``, ; tab |`` when not given.
    encoding : str, optional
        Tried in order when not given: UTF-8 (with or without BOM), Windows-1252, Latin-1.

    Returns
    -------
    tuple
        The table and a one-line description naming the delimiter and encoding used.

    Raises
    ------
    UsageError
        A missing, empty or unreadable file, or one that parses to a single column.
    """
    import pandas as pd

    p = Path(path)
    if not p.exists():
        raise UsageError(f"no such file: {str(path)!r}; check the path given to --data")
    if p.is_dir():
        raise UsageError(f"{str(path)!r} is a folder; give --data a CSV file")
    raw = p.read_bytes()
    if not raw.strip():
        raise UsageError(f"{str(path)!r} is empty; give --data a CSV file with a header row")
    enc = _encoding(raw, encoding)
    text = raw.decode(enc)
    delim = _delimiter(text, sep)
    try:
        from io import StringIO

        frame = pd.read_csv(StringIO(text), sep=delim)
        comma = delim != "," and _decimal_commas(frame)
        if comma:
            # the European convention: ';' between fields, ',' before the decimals
            frame = pd.read_csv(StringIO(text), sep=delim, decimal=",")
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        msg = " ".join(str(exc).split())
        raise UsageError(f"cannot read {str(path)!r} as a table ({msg}); give the delimiter "
                         "with --sep") from exc
    if frame.shape[1] < 2:
        raise UsageError(f"{str(path)!r} reads as a single column {list(frame.columns)!r} "
                         f"with delimiter {delim!r}; give the delimiter with --sep "
                         "(e.g. --sep ';')")
    name = {"\t": "tab"}.get(delim, repr(delim))
    enc = "utf-8" if enc == "utf-8-sig" else enc
    return frame, (f"{path} ({len(frame)} rows, {frame.shape[1]} columns; delimiter {name}"
                   f"{', decimal comma' if comma else ''}, encoding {enc})")


def check_output(path, suffixes=None, option="--output"):
    """Refuse an output path whose folder is missing or whose suffix is wrong, before any work.

    Parameters
    ----------
    path : str or None
    suffixes : tuple of str, optional
        Allowed endings (lower case, with the dot).
    option : str
        The option's name, for the message.
    """
    if path is None:
        return
    p = Path(path)
    if suffixes and p.suffix.lower() not in suffixes:
        raise UsageError(f"{option} {path!r} must end in " + " or ".join(suffixes))
    folder = p.parent if str(p.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"{option} {path!r}: the folder {str(folder)!r} does not exist; "
                         "create it first or choose another path")
    if p.is_dir():
        raise UsageError(f"{option} {path!r} is a folder; give a file name")


def table_arrays(formula, data):
    """Return inputs, integer labels and the names a formula picks from a user's table.

    Built by the package's validation path (:func:`glmnet_bridge.estimation.design.label_design`):
    factors as dummies against their first level, no intercept column (a network's biases
    play that part); the outcome's distinct values become the classes, in sorted order (a
    Categorical's own order).

    Returns
    -------
    tuple
        ``(X, labels, input_names, levels)``.
    """
    from ..estimation.checks import categories
    from ..estimation.design import label_design

    if "~" not in formula:
        raise UsageError(f"--formula {formula!r} has no '~'; write 'outcome ~ x1 + x2'")
    lhs = formula.split("~", 1)[0]
    # The package's own validation path: missing values, stray strings in numeric columns
    # and unknown names are refused there, naming the column. Factors are coded against
    # their reference level (the intercept is dropped: the network's biases play its part).
    design, labels = label_design(formula, data)
    if len(set(map(str, labels))) < 2:
        raise UsageError(f"the outcome {lhs.strip()!r} takes a single value; a classifier "
                         "needs two classes or more")
    codes, levels = categories(labels)
    levels = [str(v) for v in levels]
    if len(levels) > 50:
        raise UsageError(f"the outcome {lhs.strip()!r} has {len(levels)} distinct values; "
                         "train classifies a factor (use fit_neuron for a continuous outcome)")
    start = int(design.intercept)
    return design.inputs, codes, list(design.names[start:]), levels
