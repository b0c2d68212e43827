"""Where Newton starts, and a second start where the likelihood may have several maxima.

A log-concave likelihood (logistic, probit, cloglog, loglog, Poisson, Gaussian) has one
maximum; the cauchit's does not, and Newton stops at the one nearest its start.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..core.activations import get_activation
from ..core.costs import get_cost
from ..exceptions import LocalOptimumWarning
from ..solvers.result import SingularInformation

__all__ = ["start_values", "rescaled_logistic_start", "better_optimum"]


def start_values(design, activation):
    """Return the default start: the bias at σ⁻¹(ȳ) (the null model), weights 0."""
    beta = np.zeros(design.n_params)
    if design.intercept:
        w = design.freq_weights
        # numpy's own sum, not a BLAS dot: over many rows that would wake BLAS's threads.
        ybar = float((w * design.y).sum()) / float(w.sum())
        if activation.is_cdf:
            ybar = min(max(ybar, 1e-6), 1 - 1e-6)
        elif activation.name == "exp":
            ybar = max(ybar, 1e-6)
        beta[0] = float(activation.link(ybar))
    return beta


def rescaled_logistic_start(model):
    """Return the logistic fit's estimate rescaled to ``model``'s activation.

    The two CDFs are matched in their slope at 0: b = b_logistic·(1/4)/σ'(0) (π/4 for
    the cauchit). The logistic likelihood is concave, so this start does not depend on
    where the first fit began.
    """
    logistic = get_activation("logistic")
    other = type(model).from_design(model.design, logistic, get_cost("cross_entropy", logistic),
                                    separation="ignore")
    fit = other.fit()
    return fit.params.to_numpy() * 0.25 / float(model.activation.derivative(0.0))


def better_optimum(model, result, solve):
    """Return the higher of two local maxima: from the default start and the rescaled logistic.

    Only for a binary activation whose likelihood is not log-concave (the cauchit). A
    :class:`LocalOptimumWarning` says when the two starts end at different optima.

    Parameters
    ----------
    model : NeuronModel
    result : SolverResult
        The fit from the default start.
    solve : callable
        Runs the same solver from a start: ``solve(beta0) -> SolverResult``.

    Returns
    -------
    SolverResult
    """
    act = model.activation
    if act.log_concave or not act.is_cdf or not model.cost.is_likelihood \
            or model.design.trials is not None:
        return result
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            second = solve(rescaled_logistic_start(model))
    except (SingularInformation, ValueError):
        return result
    if not second.converged:
        return result
    first_llf, second_llf = -_cost(model, result), -_cost(model, second)
    if abs(first_llf - second_llf) <= 1e-8 * max(1.0, abs(first_llf)):
        return result
    best, other = (second, first_llf) if second_llf > first_llf or not result.converged \
        else (result, second_llf)
    warnings.warn(
        f"the {act.name} likelihood has more than one local maximum here: the default start "
        f"ends at log-likelihood {first_llf:.6f}, a start from the logistic fit rescaled to "
        f"the {act.name} scale at {second_llf:.6f}; the higher ({max(first_llf, second_llf):.6f}) "
        f"is reported (the other: {other:.6f})", LocalOptimumWarning, stacklevel=4)
    return best


def _cost(model, result):
    if result.value is not None:
        return result.value
    return model.engine.evaluate(result.beta, order=0)[0]
