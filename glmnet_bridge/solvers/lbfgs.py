"""L-BFGS: scipy's quasi-Newton minimiser on the mean cost, an alternative to Newton."""

from __future__ import annotations

import numpy as np
from scipy import optimize

from .result import SolverResult

__all__ = ["lbfgs"]


def lbfgs(engine, beta0, *, tol=1e-10, maxiter=1000, callback=None):
    """Minimise the mean cost with scipy's L-BFGS-B.

    Parameters
    ----------
    engine
        The data and cost.
    beta0 : numpy.ndarray
    tol : float, default 1e-10
        Projected-gradient tolerance on the mean cost.
    maxiter : int, default 1000
    callback : callable, optional
        Called as ``callback(iteration, cost, beta)``.

    Returns
    -------
    SolverResult
    """
    total = engine.total_weight
    costs, betas = [], []

    def fun(b):
        v, g, _ = engine.evaluate(b, order=1)
        return v / total, g / total

    def record(intermediate_result):
        b = intermediate_result.x
        costs.append(intermediate_result.fun * total)
        betas.append(b.copy())
        if callback is not None:
            callback(len(costs), costs[-1], b)

    res = optimize.minimize(fun, np.asarray(beta0, float), jac=True, method="L-BFGS-B",
                            callback=record,
                            options={"maxiter": maxiter, "gtol": tol, "ftol": 1e-15,
                                     "maxcor": 20})
    return SolverResult(res.x, bool(res.success), int(res.nit), str(res.message),
                        costs, betas)
