"""glmnet's regularisation path for penalised neurons: the λ sequence and the fits along it.

The λ sequence, warm starts, degrees of freedom, deviance explained and the
stopping rules follow R's glmnet; the objective is the one of :mod:`penalties`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.activations import get_activation
from ..core.costs import default_cost, get_cost
from ..core.penalties import Penalty
from ..engines.memory import MemoryEngine
from ..estimation.checks import check_outcome
from ..estimation.design import column_sd, make_design
from ..exceptions import DataError
from .point import PathState, path_point

__all__ = ["GlmnetPath", "glmnet_path", "lambda_sequence"]

_FDEV = 1e-5      # glmnet's fdev: stop when deviance explained changes by less (see _stops)
_DEVMAX = 0.999   # glmnet's devmax: stop when deviance explained exceeds this
_MNLAM = 5        # glmnet's mnlam: never stop before this many λ


def _stops(ratios, family, nlam):
    """Whether glmnet would end the path after the deviance-explained values ``ratios``.

    glmnet's rules differ by family: binomial stops when the ratio gains less than
    fdev over the last λ (an absolute change); Gaussian when it gains less than
    fdev relative to itself; Poisson when it gains less than 10·fdev relative to
    itself over the last mnlam − 1 λ. Always when it exceeds devmax, never
    before min(mnlam, nlambda) λ.
    """
    mnl = min(_MNLAM, nlam)
    if len(ratios) < mnl:
        return False
    r = ratios[-1]
    if r > _DEVMAX:
        return True
    if family == "binomial":
        return r - ratios[-2] < _FDEV
    if r == 0:
        return False
    if family == "poisson":
        return (r - ratios[-mnl]) / r < 10 * _FDEV
    return (r - ratios[-2]) / r < _FDEV


def _prepare(X, y, activation, freq_weights, formula=None, data=None, fit_intercept=True):
    act = get_activation(activation)
    cost = get_cost(default_cost(act), act)
    design = make_design(formula, data, X, y, freq_weights=freq_weights, wide=True,
                         fit_intercept=fit_intercept)
    if formula is not None and not fit_intercept and design.intercept:
        raise DataError(f"fit_intercept=False, but the formula {formula!r} has an intercept: "
                        "with a formula, the formula decides; write '- 1' in it "
                        "(e.g. 'y ~ x1 + x2 - 1') to drop the intercept")
    check_outcome(design, cost)
    problem = MemoryEngine(design.inputs, design.y, design.freq_weights, design.offset, cost,
                           design.intercept)
    return act, design, problem


def _null_start(design, act, problem, expected):
    """Return the null model as a path's first state: cost, gradient, Hessian.

    With an intercept the null model is the bias alone, at link(ȳ) (the offset is
    zero on a path); without one it is β = 0, z = the offset (glmnet's null model
    with ``intercept = FALSE``, whose deviance is its ``nulldev``).
    """
    beta = np.zeros(design.n_params)
    if design.intercept:
        w = design.freq_weights
        ybar = float((w * design.y).sum()) / float(w.sum())  # no BLAS dot: see fit._start
        if act.is_cdf:
            ybar = min(max(ybar, 1e-10), 1 - 1e-10)
        beta[0] = float(act.link(ybar))
    return PathState(beta, *problem.evaluate(beta, order=2, expected=expected))


def _scales(design, standardize):
    # The centred (population, frequency-weighted) SD, with or without an intercept:
    # glmnet 4.1 standardises by it even with intercept = FALSE, where it does not
    # centre the columns themselves (checked against R: tests/glmnet/data/no_intercept.R).
    return column_sd(design) if standardize else np.ones(design.inputs.shape[1])


def lambda_sequence(grad, scale, alpha, n, p, nlambda=100, lambda_min_ratio=None,
                    factors=None):
    """Return glmnet's λ sequence: from λ_max down, log-spaced, nlambda values.

    λ_max = max_j |∂C/∂w_j| / (alpha·v_j·s_j) at the null model, the smallest λ
    at which every weight is 0 (for alpha = 0, glmnet uses alpha = 0.001 here).

    Parameters
    ----------
    grad : numpy.ndarray
        Gradient of the mean cost in the weights at the null model: one entry per
        weight, the bias's (if any) left out.
    scale : numpy.ndarray
        Column SDs s_j (ones without standardisation).
    alpha : float
    n, p : int
        Rows and weights: the default ratio is 1e-4 when n > p, else 1e-2.
    nlambda : int, default 100
    lambda_min_ratio : float, optional
    factors : numpy.ndarray, optional
        Penalty factors v_j.

    Returns
    -------
    numpy.ndarray
    """
    v = np.ones_like(scale) if factors is None else np.asarray(factors, dtype=float)
    a = max(alpha, 1e-3)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(v * scale > 0, np.abs(grad) / (a * v * scale), 0.0)
    lam_max = float(np.max(ratio))
    if lambda_min_ratio is None:
        lambda_min_ratio = 1e-4 if n > p else 1e-2
    return lam_max * np.exp(np.linspace(0.0, np.log(lambda_min_ratio), nlambda))


class GlmnetPath:
    """Penalised fits along a decreasing λ sequence (made by :func:`glmnet_path`).

    Attributes
    ----------
    lambdas : numpy.ndarray
    coefs : pandas.DataFrame
        One row per λ (indexed by λ), one column per term, original scale.
    df : numpy.ndarray
        Nonzero weights per λ (glmnet's ``df``).
    dev_ratio : numpy.ndarray
        Deviance explained, 1 − deviance/null deviance (glmnet's ``dev.ratio``).
    deviance : numpy.ndarray
    null_deviance : float
    alpha : float
    activation : str
    """

    def __init__(self, lambdas, coefs, deviance, null_deviance, alpha, activation, design,
                 converged):
        self.lambdas = np.asarray(lambdas)
        self.coefs = coefs
        self.deviance = np.asarray(deviance)
        self.null_deviance = float(null_deviance)
        self.alpha, self.activation, self.design = alpha, activation, design
        self.converged = np.asarray(converged)
        start = int(design.intercept)
        self.df = (coefs.iloc[:, start:].to_numpy() != 0).sum(axis=1)
        self.dev_ratio = 1.0 - self.deviance / self.null_deviance

    def predict(self, newX, which="mean"):
        """Return predictions for new rows at every λ: shape (rows, nlambda)."""
        from ..estimation.design import design_matrix_for

        X = design_matrix_for(self.design, newX)
        z = X @ self.coefs.to_numpy().T
        return z if which == "linear" else get_activation(self.activation)(z)

    def plot(self, xvar="lambda"):
        """Plot the coefficient paths like glmnet's ``plot``: against log λ or the L1 norm."""
        from ..presentation.plots import path_plot

        return path_plot(self, xvar=xvar)

    def __repr__(self):
        return (f"<GlmnetPath: {len(self.lambdas)} λ from {self.lambdas[0]:.4g} to "
                f"{self.lambdas[-1]:.4g}, alpha={self.alpha:g}>")


def glmnet_path(X=None, y=None, *, formula=None, data=None, activation="logistic", alpha=1.0,
                nlambda=100, lambda_min_ratio=None, lambdas=None, standardize=True,
                freq_weights=None, penalty_factor=None, early_stop=True, tol=1e-9,
                progress=None, fit_intercept=True):
    """Fit penalised neurons along glmnet's λ sequence, each warm-started from the last.

    Parameters
    ----------
    X, y : array_like, optional
        Inputs and binary outcome (or ``formula`` and ``data``).
    formula, data : optional
        A patsy formula and its frame, instead of X and y.
    activation : str, default "logistic"
        A binary activation (logistic, probit, cauchit, cloglog, loglog), exp
        (Poisson counts) or identity (Gaussian, least squares).
    alpha : float, default 1.0
        1 lasso, 0 ridge, between: elastic net.
    nlambda : int, default 100
    lambda_min_ratio : float, optional
        Smallest λ as a fraction of λ_max (glmnet: 1e-4 if n > p, else 1e-2).
    lambdas : array_like, optional
        Your own decreasing sequence instead.
    standardize : bool, default True
        glmnet's default: penalise coefficients of SD-scaled columns; report them
        on the original scale. The SD is the centred one even without an intercept,
        as in R's glmnet with ``intercept = FALSE``.
    freq_weights : array_like, optional
    penalty_factor : array_like, optional
        glmnet's ``penalty.factor``.
    early_stop : bool, default True
        glmnet's rules (only for the generated sequence): after at least 5 λ, stop
        once the deviance explained exceeds 0.999 or gains less than 1e-5 — an
        absolute gain over one λ for binomial models, a gain relative to itself for
        Gaussian ones, and for Poisson less than 1e-4 relative over the last 4 λ.
    tol : float, default 1e-9
        Each λ is solved until the KKT conditions hold to 10·tol·max(1, |∇|)
        (1e-8 by default, far tighter than glmnet's own ``thresh``).
    progress : bool, optional
        A progress bar over λ (default: for long paths).
    fit_intercept : bool, default True
        With X and y, fit an unpenalised bias (glmnet's ``intercept``). Without
        one, the null model is β = 0 and λ_max comes from every weight's gradient
        there, so the first point is all zeros. With a formula the formula decides
        (``- 1`` or ``+ 0`` drops the intercept); False beside a formula that keeps
        one raises :class:`~glmnet_bridge.exceptions.DataError`.

    Returns
    -------
    GlmnetPath
    """
    act, design, problem = _prepare(X, y, activation, freq_weights, formula, data,
                                    fit_intercept)
    n = float(design.freq_weights.sum())
    p = design.inputs.shape[1]
    scale = _scales(design, standardize)
    if np.any(scale == 0):
        raise ValueError("a column is constant: it cannot be standardised")
    expected = act.name == "cauchit"
    state = _null_start(design, act, problem, expected)
    grad = state.grad / n
    null_dev = problem.cost.deviance(design.y, problem.z(state.beta), design.freq_weights)
    # deviance = 2·(total cost − its saturated value); the latter is a constant
    saturated = 2.0 * state.value - null_dev
    given = lambdas is not None
    if given:
        lams = np.sort(np.asarray(lambdas, dtype=float))[::-1]
    else:
        lams = lambda_sequence(grad[int(design.intercept):], scale, alpha, n, p, nlambda,
                               lambda_min_ratio, penalty_factor)
    rows, devs, conv, ratios = [], [], [], []
    bar = None
    if progress or (progress is None and design.nobs * len(lams) > 5e6):
        from tqdm.auto import tqdm

        bar = tqdm(total=len(lams), desc=f"glmnet path ({act.name}, alpha={alpha:g})",
                   leave=False)
    try:
        penalty = Penalty(0.0, alpha, penalty_factor, standardize=True)
        for lam in lams:
            pw = penalty.at(lam).weights(design.n_params, design.intercept, scale)
            res, state = path_point(problem, pw, state, tol=tol, expected=expected)
            rows.append(res.beta.copy())
            devs.append(2.0 * res.value - saturated)
            conv.append(res.converged)
            if bar is not None:
                bar.update()
            if early_stop and not given:
                ratios.append(1 - devs[-1] / null_dev)
                if _stops(ratios, problem.cost.family, len(lams)):
                    break
    finally:
        if bar is not None:
            bar.close()
    lams = lams[:len(rows)]
    coefs = pd.DataFrame(np.vstack(rows), columns=design.names,
                         index=pd.Index(lams, name="lambda"))
    return GlmnetPath(lams, coefs, devs, null_dev, alpha, act.name, design, conv)
