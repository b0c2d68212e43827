"""What every solver returns, the error it raises, and the secant update they share."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["SolverResult", "SingularInformation", "secant_update"]


class SingularInformation(np.linalg.LinAlgError):
    """The information matrix is singular: the design is rank deficient or the MLE is at ∞."""


@dataclass
class SolverResult:
    """What a solver returns: the estimate and how it got there."""

    beta: np.ndarray
    converged: bool
    n_iter: int
    message: str
    costs: list = field(default_factory=list)      # total cost per iteration (start first)
    betas: list = field(default_factory=list)      # β per iteration (start first)
    hessian: np.ndarray | None = None              # Hessian of the total cost at beta
    value: float | None = None                     # total cost at beta, when computed
    gradient: np.ndarray | None = None             # gradient of the total cost at beta


def secant_update(H, s, y):
    """Return H after a BFGS update with the step s and the gradient change y.

    Where a Hessian is reused over several steps (chord steps, a path's λs), the
    update makes it exact along the latest step (its new s-image is y), which is
    where a stale Hessian errs most. Skipped unless the curvature y's is safely
    positive.
    """
    ys = float(y @ s)
    Hs = H @ s
    sHs = float(s @ Hs)
    if not (ys > 1e-10 * np.linalg.norm(y) * np.linalg.norm(s) and sHs > 0):
        return H
    return H - np.outer(Hs, Hs) / sHs + np.outer(y, y) / ys
