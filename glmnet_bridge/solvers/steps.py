"""The inner steps of the one Newton driver: a Cholesky solve, or a proximal step for L1.

A step turns the quadratic model at β (gradient g, Hessian H of the total cost) into a
direction d, and says what penalty the line search adds to the cost (0 for none).
"""

from __future__ import annotations

import numpy as np
from scipy import linalg

from .quadratic import kkt_violation, minimise_quadratic
from .result import SingularInformation

__all__ = ["CholeskyStep", "ProximalStep", "cho_solve"]


def cho_solve(H, g):
    """Return H⁻¹g by Cholesky; :class:`SingularInformation` if H is not positive definite."""
    try:
        c = linalg.cho_factor(H, check_finite=False)
    except linalg.LinAlgError as err:
        raise SingularInformation("the information matrix is not positive definite") from err
    return linalg.cho_solve(c, g, check_finite=False)


class CholeskyStep:
    """Newton's step d = −H⁻¹g: the minimiser of the quadratic model, no penalty."""

    smooth = True

    def direction(self, H, g, beta):
        """Return −H⁻¹g."""
        return -cho_solve(H, g)

    def penalty(self, beta):
        """Return 0: the cost is not penalised."""
        return 0.0

    def optimality(self, g, beta):
        """Return max |g_j| (the gradient at an optimum is 0)."""
        return float(np.max(np.abs(g), initial=0.0))


class ProximalStep:
    """The proximal Newton step for the elastic net: minimise model + penalty exactly.

    The model is of the mean cost (total/n), so the penalty weights are glmnet's own.

    Parameters
    ----------
    weights : glmnet_bridge.core.penalties.PenaltyWeights
    n : float
        Σ frequency weights (the n of the mean cost).
    """

    def __init__(self, weights, n):
        self.weights, self.n = weights, float(n)
        self.smooth = weights.smooth

    def direction(self, H, g, beta):
        """Return γ − β, γ the minimiser of the penalised quadratic model at β."""
        A = H / self.n
        return minimise_quadratic(A, A @ beta - g / self.n, self.weights, beta) - beta

    def penalty(self, beta):
        """Return n·Σ_j (l2_j/2·β_j² + l1_j·|β_j|): the penalty on the total cost's scale."""
        return self.n * self.weights.value(beta)

    def optimality(self, g, beta, scale=None):
        """Return the largest KKT violation of the penalised mean cost (divided by ``scale``)."""
        return kkt_violation(g / self.n, beta, self.weights, scale)
