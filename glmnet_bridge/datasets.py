"""Data sets that ship with the package: nothing is downloaded at run time.

Files live in the top-level ``data/`` folder, installed as ``glmnet_bridge.data``.
"""

from __future__ import annotations

from importlib import resources

import pandas as pd

__all__ = ["load_spector", "data_path"]


def data_path(name):
    """Return a path-like handle to the bundled file ``name`` (works from a wheel too).

    Parameters
    ----------
    name : str
        A file name in ``data/``, e.g. ``"spector.csv"``.

    Returns
    -------
    importlib.resources.abc.Traversable
    """
    path = resources.files("glmnet_bridge.data").joinpath(name)
    if not path.is_file():
        raise FileNotFoundError(f"no bundled data file {name!r}")
    return path


def load_spector():
    """Load Spector & Mazzeo's PSI data (32 students), as shipped by statsmodels.

    Columns: ``GPA`` (grade point average), ``TUCE`` (test of understanding of
    college economics), ``PSI`` (1 if taught by the personalised system of
    instruction) and ``GRADE`` (1 if the grade improved). The classic model is
    ``GRADE ~ GPA + TUCE + PSI`` (Greene, *Econometric Analysis*, probit and logit).

    Returns
    -------
    pandas.DataFrame
        32 rows, all columns float64 as statsmodels gives them.
    """
    with data_path("spector.csv").open("r") as fh:
        frame = pd.read_csv(fh)
    return frame.astype(float)
