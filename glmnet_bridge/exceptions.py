"""The package's errors and warnings: one family, importable from the top.

:class:`DataError` is a ``ValueError``, so ``except ValueError`` catches every user error.
"""

from __future__ import annotations

__all__ = ["DataError", "SeparationError", "SeparationWarning", "ConvergenceWarning",
           "LocalOptimumWarning"]


class DataError(ValueError):
    """Raised for input a model cannot be fitted to; the message names the culprit."""


class SeparationWarning(UserWarning):
    """The outcomes are (quasi-)completely separated: the MLE does not exist."""


class SeparationError(DataError):
    """Raised instead of :class:`SeparationWarning` when strictness is asked for."""


class ConvergenceWarning(UserWarning):
    """A solver stopped before its convergence criterion was met."""


class LocalOptimumWarning(UserWarning):
    """A likelihood with several local maxima: two starts ended at different ones."""
