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
from ..estimation.lazy_design import is_lazy, lazy_design
from ..exceptions import DataError
from ..solvers.result import SolverResult
from .compiled import CompiledPath, compiled_family
from .multinomial import MULTINOMIAL_TOL, multinomial_path
from .rvocab import coef_at, lambda_interp, path_table
from .screen import PathSolver
from .start import blas_threads, free_start, null_start

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


def _prepare(X, y, activation, freq_weights, formula=None, data=None, fit_intercept=True,
             offset=None, exposure=None):
    act = get_activation(activation)
    cost = get_cost(default_cost(act), act)
    if exposure is not None:
        if cost.family != "poisson":
            raise DataError("exposure= is for Poisson counts (activation='exp'); for another "
                            "family pass its log as offset=")
        if isinstance(exposure, str):
            exposure = data[exposure]
        exposure = np.asarray(exposure, dtype=float)
        if np.any(~(exposure > 0)):
            raise DataError("exposure must be positive in every row: it enters as log(exposure)")
        if isinstance(offset, str):
            offset = data[offset]
        offset = np.log(exposure) + (0.0 if offset is None else np.asarray(offset, float))
    design = make_design(formula, data, X, y, freq_weights=freq_weights, wide=True,
                         fit_intercept=fit_intercept, offset=offset)
    if formula is not None and not fit_intercept and design.intercept:
        raise DataError(f"fit_intercept=False, but the formula {formula!r} has an intercept: "
                        "with a formula, the formula decides; write '- 1' in it "
                        "(e.g. 'y ~ x1 + x2 - 1') to drop the intercept")
    check_outcome(design, cost)
    problem = MemoryEngine(design.inputs, design.y, design.freq_weights, design.offset, cost,
                           design.intercept)
    return act, design, problem


def _prepare_lazy(X, y, activation, freq_weights, formula=None, data=None, fit_intercept=True,
                  offset=None, exposure=None):
    """Return what :func:`_prepare` returns for Dask data: a checked lazy design, its engine."""
    act = get_activation(activation)
    cost = get_cost(default_cost(act), act)
    if exposure is not None and cost.family != "poisson":
        raise DataError("exposure= is for Poisson counts (activation='exp'); for another "
                        "family pass its log as offset=")
    if formula is not None and not fit_intercept:
        raise DataError("fit_intercept=False applies to X and y; in a formula write "
                        "'- 1' to drop the intercept (e.g. \"y ~ x1 + x2 - 1\")")
    design = lazy_design(formula, data, X, y, cost, fit_intercept=fit_intercept,
                         freq_weights=freq_weights, offset=offset, exposure=exposure, wide=True)
    return act, design, _lazy_engine(design, cost)


def _lazy_engine(design, cost):
    # Σ f and the rows that count are known (the check pass, or the fold's mask pass)
    engine = design.engine(cost)
    engine.weight = design.weight_sum
    engine.nrows = getattr(design, "counted_rows", None)
    return engine


def _scales(design, standardize, problem=None):
    # The centred (population, frequency-weighted) SD, with or without an intercept:
    # glmnet 4.1 standardises by it even with intercept = FALSE, where it does not
    # centre the columns themselves (checked against R: tests/glmnet/data/no_intercept.R).
    if not standardize:
        return np.ones(design.inputs.shape[1])
    if getattr(design, "lazy", False):
        return problem.column_moments()[1]  # one pass over the partitions
    return column_sd(design)


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
                 converged, refit=None):
        self.lambdas = np.asarray(lambdas)
        self.coefs = coefs
        self.deviance = np.asarray(deviance)
        self.null_deviance = float(null_deviance)
        self.alpha, self.activation, self.design = alpha, activation, design
        self.converged = np.asarray(converged)
        self._refit = refit  # λ ↦ the same path on other λ (coef(exact=True))
        start = int(design.intercept)
        self.df = (coefs.iloc[:, start:].to_numpy() != 0).sum(axis=1)
        self.dev_ratio = 1.0 - self.deviance / self.null_deviance

    def coef(self, s=None, exact=False):
        """Return coefficients at λ = s, as R's ``coef.glmnet(s=, exact=)``.

        Parameters
        ----------
        s : float or array_like, optional
            λ values; between two λ of the path the coefficients are interpolated
            linearly in λ as R does (beyond its ends, the end's). Default: every λ.
        exact : bool, default False
            Refit the path with s added to its λ (R's ``exact = TRUE``) and return the
            coefficients solved at s itself.

        Returns
        -------
        pandas.Series or pandas.DataFrame
            A Series for one s, else one row per s.
        """
        if s is None:
            return self.coefs
        lambda_interp(self.lambdas, s)  # refuses 'lambda.1se' and other non-numbers, by name
        vals = np.atleast_1d(np.asarray(s, dtype=float))
        if exact and not np.all(np.isin(vals, self.lambdas)):
            if self._refit is None:
                raise ValueError("exact=True needs the data the path was fitted to; this path "
                                 "does not keep them: refit with glmnet_path(lambdas=...)")
            lams = np.unique(np.r_[vals, self.lambdas])[::-1]
            return self._refit(lams).coef(s)
        got = pd.DataFrame(coef_at(self.lambdas, self.coefs.to_numpy(), vals),
                           columns=self.coefs.columns, index=pd.Index(vals, name="lambda"))
        return got.iloc[0] if np.ndim(s) == 0 else got

    def predict(self, newX, s=None, type="response", which=None, exact=False, offset=None):
        """Return predictions for new rows, as R's ``predict.glmnet``.

        Parameters
        ----------
        newX : array_like or pandas.DataFrame
        s : float or array_like, optional
            λ values (interpolated as in :meth:`coef`); default every λ of the path.
        type : {"response", "link", "class"}, default "response"
            The mean (the activation's output), the linear predictor z, or for binary
            outcomes the class 1 when the mean exceeds 0.5 (the outcome's label when it
            was given as labels: R's second factor level, else 1.0; 0 likewise).
        which : {"mean", "linear"}, optional
            statsmodels' spelling of type="response" / "link".
        exact : bool, default False
            As in :meth:`coef`.
        offset : array_like, optional
            The new rows' offset (R's ``newoffset``; log exposure for a rate model),
            required when the path was fitted with one.

        Returns
        -------
        numpy.ndarray
            Shape (rows, number of λ); one column for a single s.
        """
        from ..estimation.design import design_matrix_for

        if which is not None:
            type = {"mean": "response", "linear": "link"}[which]
        if type not in ("response", "link", "class"):
            raise ValueError("type must be 'response', 'link' or 'class'")
        X = design_matrix_for(self.design, newX)
        B = self.coefs.to_numpy() if s is None else \
            np.atleast_2d(self.coef(s, exact=exact).to_numpy())
        z = X @ B.T
        if np.any(self.design.offset != 0):
            if offset is None:
                raise ValueError("the path was fitted with an offset: give the new rows' "
                                 "offset= (log exposure for a rate model)")
            z = z + np.asarray(offset, dtype=float)[:, None]
        elif offset is not None:
            z = z + np.asarray(offset, dtype=float)[:, None]
        if type == "link":
            return z
        mu = get_activation(self.activation)(z)
        if type == "class":
            if get_activation(self.activation).name in ("identity", "exp"):
                raise ValueError("type='class' is for binary outcomes")
            levels = getattr(self.design, "outcome_levels", None)
            if levels is not None:  # the outcome's own labels, as R's factor levels
                return np.where(mu > 0.5, levels[1], levels[0])
            return (mu > 0.5).astype(float)
        return mu

    def table(self):
        """Return R's print.glmnet table: Df, %Dev and Lambda per λ (a DataFrame)."""
        return path_table(self.df, self.dev_ratio, self.lambdas)

    def __str__(self):
        return (f"glmnet path ({self.activation}, alpha={self.alpha:g})\n\n"
                f"{self.table().to_string()}")

    summary = __str__

    def plot(self, xvar="lambda", label=False):
        """Plot the coefficient paths like glmnet's ``plot``.

        ``xvar`` is "lambda" (log λ), "norm" (the L1 norm of the weights) or "dev"
        (the fraction of deviance explained); ``label`` names each curve at its end.
        """
        from ..presentation.plots import path_plot

        return path_plot(self, xvar=xvar, label=label)

    def __repr__(self):
        return (f"<GlmnetPath: {len(self.lambdas)} λ from {self.lambdas[0]:.4g} to "
                f"{self.lambdas[-1]:.4g}, alpha={self.alpha:g}>")


def glmnet_path(X=None, y=None, *, formula=None, data=None, activation="logistic", alpha=1.0,
                nlambda=100, lambda_min_ratio=None, lambdas=None, standardize=True,
                freq_weights=None, penalty_factor=None, early_stop=True, tol=None,
                progress=None, fit_intercept=True, glmnet_gaussian=True, offset=None,
                exposure=None, type_multinomial="ungrouped", kkt_tol=None):
    """Fit penalised neurons along glmnet's λ sequence, each warm-started from the last.

    Parameters
    ----------
    X, y : array_like, optional
        Inputs and outcome: binary, a count, a number, or class labels for the softmax
        (or ``formula`` and ``data``).
    formula, data : optional
        A patsy formula and its frame, instead of X and y.
    activation : str, default "logistic"
        A binary activation (logistic, probit, cauchit, cloglog, loglog), exp
        (Poisson counts), identity (Gaussian, least squares) or softmax (glmnet's
        multinomial family: :func:`~glmnet_bridge.glmnet.multinomial.multinomial_path`,
        which returns a :class:`~glmnet_bridge.glmnet.multinomial.MultinomialPath`).
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
    tol : float, optional
        Each λ is solved until the KKT conditions hold to 10·tol·max(1, |∇|), each
        violation divided by √(H_jj/n) (units of the linear predictor; default 1e-9, so
        1e-8: far tighter than glmnet's own ``thresh``). For the softmax, ``tol`` is
        glmnet's ``thresh`` itself, default 1e-7 as R's (see
        :func:`~glmnet_bridge.glmnet.multinomial.multinomial_path`).
    progress : bool, optional
        A progress bar over λ (default: for long paths).
    fit_intercept : bool, default True
        With X and y, fit an unpenalised bias (glmnet's ``intercept``). Without
        one, the null model is β = 0 and λ_max comes from every weight's gradient
        there, so the first point is all zeros. With a formula the formula decides
        (``- 1`` or ``+ 0`` drops the intercept); False beside a formula that keeps
        one raises :class:`~glmnet_bridge.exceptions.DataError`.

    offset : array_like or str, optional
        Added to the linear predictor, coefficient fixed at 1 (glmnet's ``offset``); a
        column name of ``data`` is accepted.
    exposure : array_like or str, optional
        Poisson (exp activation) only: time or size at risk; log(exposure) joins the
        offset (the insurance rate model).
    glmnet_gaussian : bool, default True
        Identity (Gaussian) neuron with alpha < 1: R's glmnet standardises y, so its
        ridge term is in effect divided by sd(y) (population SD; without an intercept
        the uncentred √mean(w·y²)). False solves the objective exactly as written in
        :mod:`glmnet_bridge.core.penalties`.
    type_multinomial : {"ungrouped", "grouped"}, default "ungrouped"
        Softmax only, as R's ``type.multinomial``: a lasso on each class's coefficient,
        or a group lasso on each column's coefficients across the classes.
    kkt_tol : float, optional
        Softmax only: finish every λ until its KKT conditions hold to ``kkt_tol`` (the
        precise mode of :func:`~glmnet_bridge.glmnet.multinomial.multinomial_path`;
        the other activations' ``tol`` is such a bound already).

    Returns
    -------
    GlmnetPath
        Or a :class:`~glmnet_bridge.glmnet.multinomial.MultinomialPath` for the softmax.

    Notes
    -----
    Dask data (X and y Dask arrays, the per-row arguments Dask or numpy arrays; or a
    formula on a Dask frame, the per-row arguments column names) give the in-memory path:
    the design is checked in one pass as for :func:`~glmnet_bridge.fit_neuron`, and every
    sum over the rows (column SDs, null deviance, each λ's cost, gradient and X'WX, the
    strong rules' full gradient) is one pass of the Dask engine over the partitions.
    """
    if get_activation(activation).name == "softmax":
        for name, value in (("offset", offset), ("exposure", exposure)):
            if value is not None:
                raise DataError(f"{name}= is not taken by the multinomial (softmax) path")
        return multinomial_path(X, y, formula=formula, data=data, alpha=alpha, nlambda=nlambda,
                                lambda_min_ratio=lambda_min_ratio, lambdas=lambdas,
                                standardize=standardize, freq_weights=freq_weights,
                                penalty_factor=penalty_factor, early_stop=early_stop,
                                tol=MULTINOMIAL_TOL if tol is None else tol,
                                progress=progress, fit_intercept=fit_intercept,
                                type_multinomial=type_multinomial, kkt_tol=kkt_tol)
    if type_multinomial != "ungrouped":
        raise ValueError("type_multinomial= applies to activation='softmax' only")
    if kkt_tol is not None:
        raise ValueError("kkt_tol= applies to activation='softmax' only (the other paths' "
                         "tol is a bound on the KKT conditions already)")
    tol = 1e-9 if tol is None else tol
    if is_lazy(data, X, y):
        act, design, problem = _prepare_lazy(X, y, activation, freq_weights, formula, data,
                                             fit_intercept, offset, exposure)
    else:
        act, design, problem = _prepare(X, y, activation, freq_weights, formula, data,
                                        fit_intercept, offset, exposure)
    path = _fit_path(act, design, problem, alpha=alpha, nlambda=nlambda,
                     lambda_min_ratio=lambda_min_ratio, lambdas=lambdas,
                     standardize=standardize, penalty_factor=penalty_factor,
                     early_stop=early_stop, tol=tol, progress=progress,
                     glmnet_gaussian=glmnet_gaussian)

    def refit(new_lambdas):
        return glmnet_path(X, y, formula=formula, data=data, activation=activation, alpha=alpha,
                           lambdas=new_lambdas, standardize=standardize,
                           freq_weights=freq_weights, penalty_factor=penalty_factor, tol=tol,
                           progress=False, fit_intercept=fit_intercept,
                           glmnet_gaussian=glmnet_gaussian, offset=offset, exposure=exposure)

    path._refit = refit
    return path


def _fit_path(act, design, problem, *, alpha=1.0, nlambda=100, lambda_min_ratio=None,
              lambdas=None, standardize=True, penalty_factor=None, early_stop=True, tol=1e-9,
              progress=None, glmnet_gaussian=True):
    """Return the :class:`GlmnetPath` of a prepared design and its engine (in memory or Dask).

    On Dask data every sum over the rows is a pass of the engine (or was counted by the
    design's check pass): nothing here reads the rows themselves.
    """
    lazy = getattr(design, "lazy", False)
    n = problem.total_weight if lazy else float(design.freq_weights.sum())
    p = design.inputs.shape[1]
    scale = _scales(design, standardize, problem)
    if np.any(scale == 0):
        raise ValueError("a column is constant: it cannot be standardised")
    expected = act.name == "cauchit"
    fam = compiled_family(act, problem.cost, design)
    free = penalty_factor is not None and min(np.asarray(penalty_factor, float)) == 0
    # the compiled path needs no X'WX (free_start's Newton does)
    state = null_start(design, act, problem, expected, order=2 if fam is None or free else 1)
    grad = state.grad / n
    if lazy:
        null_dev = problem.reduce_rows("deviance", problem.cost, problem.z(state.beta))
    else:
        null_dev = problem.cost.deviance(design.y, problem.z(state.beta), design.freq_weights)
    # deviance = 2·(total cost − its saturated value); the latter is a constant
    saturated = 2.0 * state.value - null_dev
    ridge = 1.0
    if glmnet_gaussian and problem.cost.family == "gaussian" and alpha < 1:
        # glmnet fits y/sd(y) with λ/sd(y): its ridge term is in effect divided by sd(y)
        # (without an intercept the uncentred √mean(w·y²), as R divides y by it then)
        f = design.freq_weights / n
        if lazy:
            centre = float(design.y_mean) if design.intercept else 0.0
            ridge = float(np.sqrt((f * (design.y - centre) ** 2).sum().compute()))
        else:
            centre = float((f * design.y).sum()) if design.intercept else 0.0
            ridge = float(np.sqrt((f * (design.y - centre) ** 2).sum()))
    penalty = Penalty(0.0, alpha, penalty_factor, True, False, ridge)
    if penalty.factors is not None and min(penalty.factors) == 0:
        state = free_start(problem, state, penalty, design, scale, tol, expected)
        grad = state.grad / n
    given = lambdas is not None
    if given:
        lams = np.sort(np.asarray(lambdas, dtype=float))[::-1]
    else:
        lams = lambda_sequence(grad[int(design.intercept):], scale, alpha, n, p, nlambda,
                               lambda_min_ratio, penalty.factors)
    rows, devs, conv, ratios = [], [], [], []
    bar = None
    if progress or (progress is None and design.nobs * len(lams) > 5e6):
        from tqdm.auto import tqdm

        bar = tqdm(total=len(lams), desc=f"glmnet path ({act.name}, alpha={alpha:g})",
                   leave=False)
    limit = blas_threads(design.inputs.size)
    limit.__enter__()
    try:
        if fam is None:
            solver = PathSolver(problem, state, tol=tol, expected=expected)
        else:
            unit = penalty.at(1.0).weights(design.n_params, design.intercept, scale)
            solver = CompiledPath(design, fam, unit, scale, state.beta, tol)
        for i, lam in enumerate(lams):
            # (the compiled path scales its unit weights by λ itself)
            pw = None if fam is not None else \
                penalty.at(lam).weights(design.n_params, design.intercept, scale)
            if i == 0 and not given:
                # glmnet solves its first λ at λ = ∞ and reports the null model there,
                # even for a ridge (alpha < 0.001), whose λ_max is alpha = 0.001's.
                res = SolverResult(state.beta.copy(), True, 0, "converged", value=state.value)
                solver.lam = lam
            else:
                res = solver.solve(pw, lam)
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
        limit.__exit__(None, None, None)
        if bar is not None:
            bar.close()
    lams = lams[:len(rows)]
    coefs = pd.DataFrame(np.vstack(rows), columns=design.names,
                         index=pd.Index(lams, name="lambda"))
    return GlmnetPath(lams, coefs, devs, null_dev, alpha, act.name, design, conv)
