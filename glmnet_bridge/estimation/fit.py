"""fit_neuron: fit one neuron to data, by maximum likelihood or by the network's cost.

With the cross-entropy cost this is a binomial GLM whose link is the activation's inverse.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..core.activations import BINARY_ACTIVATIONS, get_activation
from ..core.costs import default_cost, get_cost
from ..engines.memory import Problem
from ..exceptions import ConvergenceWarning, DataError
from ..solvers.descent import gradient_descent
from ..solvers.newton import SOLVERS, lbfgs, newton
from ..solvers.proximal import elastic_net, penalty_weights
from ..solvers.result import SingularInformation
from .checks import check_outcome, diagnose_rank, set_trials
from .design import column_sd, make_design
from .inference import COV_TYPES
from .multinomial import fit_softmax
from .results import NeuronFit
from .separation import check_separation

__all__ = ["fit_neuron"]

# The separation LP runs before fitting up to this many cells of X (there it costs
# about as much as the fit). Above it, a fit that converges to a finite optimum with a
# positive-definite information is itself the certificate that there is no separation
# (its score equation Σ λ_i s_i x_i = 0 with every λ_i > 0: Stiemke's alternative to
# a separating direction), so the LP runs only when the fit fails to converge.
_LP_CELLS = 10_000
_EPOCHS = {"gd": 5000, "sgd": 5000}


def _progress(enabled, total, desc):
    if not enabled:
        return None, None
    from tqdm.auto import tqdm

    bar = tqdm(total=total, desc=desc, leave=False)
    return bar, bar.update


def _start(design, activation):
    beta = np.zeros(design.n_params)
    if design.intercept:
        w = design.freq_weights
        # np.average without its copies; numpy's own sum, not a BLAS dot: over many rows
        # that would wake OpenBLAS's threads, which then spin for ~0.1 s and slow the fit.
        ybar = float((w * design.y).sum()) / float(w.sum())
        if activation.is_cdf:
            ybar = min(max(ybar, 1e-6), 1 - 1e-6)
        elif activation.name == "exp":
            ybar = max(ybar, 1e-6)
        beta[0] = float(activation.link(ybar))
    return beta


def _history(result, names, total, label):
    frame = pd.DataFrame(np.vstack(result.betas), columns=names) if result.betas else \
        pd.DataFrame(columns=names)
    frame.insert(0, "cost", np.asarray(result.costs, dtype=float) / total)
    frame.index.name = label
    return frame


def _ill_conditioned(H):
    d = np.sqrt(np.abs(np.diag(H)))
    if np.any(d == 0) or not np.all(np.isfinite(H)):
        return True
    ev = np.linalg.eigvalsh(H / np.outer(d, d))
    return ev[0] <= ev[-1] * 1e-13


def fit_neuron(formula=None, data=None, *, X=None, y=None, activation="logistic", cost=None,
               solver="newton", lam=0.0, alpha=0.0, standardize=False, cov_type=None,
               freq_weights=None, offset=None, fit_intercept=True, separation="warn",
               start_params=None, tol=None, maxiter=None, epochs=None, eta=None,
               batch_size=None, seed=0, progress=None, fisher_scoring=False,
               penalty_factor=None, penalize_bias=False, exposure=None,
               glmnet_gaussian=False, reference=None, trials=None):
    """Fit one neuron z = w·x + b, output σ(z), to an outcome: a GLM by another name.

    With the cross-entropy cost the fit is maximum likelihood: the weights are
    the coefficients of a binomial GLM with link σ⁻¹ (logistic regression for
    the sigmoid, probit for Φ) and the bias is its intercept. An exp neuron with
    the Poisson cost is Poisson regression; an identity neuron with the quadratic
    cost is ordinary least squares.

    Parameters
    ----------
    formula : str, optional
        A patsy formula as statsmodels takes, e.g. ``"GRADE ~ GPA + TUCE + PSI"``.
    data : pandas.DataFrame, optional
        The frame the formula refers to.
    X, y : array_like or pandas.DataFrame, optional
        Inputs and outcome, used when no formula is given; a bias column
        ``"Intercept"`` is added unless ``fit_intercept=False``.
    activation : str, default "logistic"
        σ: logistic, probit, cauchit, cloglog or loglog for a binary outcome; exp
        for counts; identity for a continuous outcome; "softmax" for a categorical
        outcome (multinomial logit: returns a
        :class:`glmnet_bridge.multinomial.MultinomialFit`, see :func:`fit_softmax`).
    cost : {"cross_entropy", "quadratic", "poisson"}, optional
        Default: the activation's likelihood (cross-entropy, Poisson, or quadratic for
        the identity). "quadratic" on a sigmoid is chapter 1's cost: nonlinear least
        squares, not the MLE.
    solver : {"newton", "lbfgs", "gd", "sgd"}, default "newton"
        "newton": Newton-Raphson with the observed information (step halving);
        "lbfgs": scipy's L-BFGS-B; "gd": full-batch gradient descent; "sgd":
        mini-batch stochastic gradient descent (Nielsen's ``SGD``).
    lam, alpha : float, default 0.0
        glmnet's elastic net: minimise −loglik/n + lam·Σ_j v_j·((1 − alpha)/2·w_j² +
        alpha·|w_j|), bias unpenalised (alpha = 0 ridge, 1 lasso). See
        :mod:`glmnet_bridge.penalties` for the conversions from Nielsen's λ,
        statsmodels, scikit-learn and R's nnet. Solved by proximal Newton with
        coordinate descent (``solver="newton"``), L1 kinks exactly.
    standardize : bool, default False
        glmnet's standardisation: penalise w_j·s_j, s_j the population SD of column
        j; weights are reported on the original scale either way. (glmnet's own
        default is True.)
    cov_type : {"observed", "expected", "sandwich"}, optional
        Which covariance ``bse`` reports. Default "observed" (statsmodels
        Logit/Probit); "expected" is R's ``glm`` and statsmodels ``GLM``. The
        quadratic cost has only "sandwich". Equal for the logistic activation.
    freq_weights : array_like or str, optional
        Frequency weights (a column name of ``data`` is accepted).
    offset : array_like or str, optional
        A known term added to z.
    fit_intercept : bool, default True
        With X and y: fit a bias.
    separation : {"warn", "raise", "ignore"}, default "warn"
        What to do when the outcomes are separated (the MLE does not exist).
        Small designs (≤ 10,000 cells) are checked by Konis' linear program
        before fitting; larger ones after fitting, by the same program, when the
        fit does not converge to a finite optimum (a converged fit certifies
        that there is no separation).
    start_params : array_like, optional
        Starting values (the default: the bias at σ⁻¹(ȳ), weights 0).
    tol : float, optional
        Newton/L-BFGS: 1e-10 (relative step / gradient). gd: 1e-9 on the gradient.
    maxiter : int, optional
        Newton: 100; L-BFGS: 1000.
    epochs, eta, batch_size, seed
        For "gd" and "sgd": epochs (default 5000; gd stops earlier once the
        gradient is below ``tol``), learning rate η (default 1/L for gd and 0.3/L
        for sgd, L the largest eigenvalue of the expected Hessian of the mean cost
        at the start), first mini-batch size (sgd default 10; batches grow to all
        rows over the first half of the epochs, so sgd ends on the exact MLE), and
        the seed of the shuffling.
    progress : bool, optional
        Show a progress bar for gd/sgd; by default only when the work is long.
    penalty_factor : array_like, optional
        glmnet's ``penalty.factor``: v_j ≥ 0 per weight (0 leaves a weight unpenalised).
    penalize_bias : bool, default False
        Penalise the bias too, as R's nnet ``decay`` does (glmnet never does).
    exposure : array_like, optional
        Poisson: time or size at risk; log(exposure) joins the offset.
    glmnet_gaussian : bool, default False
        Reproduce R glmnet's Gaussian answers: glmnet standardises y internally, so
        for alpha < 1 its ridge term is in effect divided by sd(y) (population SD).
        Off, the objective is exactly the one written above.
    reference : optional
        softmax: the reference category (default: the first in sorted order).
    trials : array_like or str, optional
        Binomial outcome as (successes, trials): the outcome counts successes out of
        ``trials`` per row (a column name of ``data`` is accepted), as R's
        ``cbind(successes, failures)``. The log-likelihood includes log C(trials,
        successes), as statsmodels' GLM does; ``nobs`` counts rows.
    fisher_scoring : bool, default False
        Newton: step with the expected information (Fisher scoring, IRLS) instead of
        the observed. Same optimum; for non-canonical links it converges linearly,
        not quadratically. ``cov_type`` chooses the standard errors either way.

    Returns
    -------
    NeuronFit

    Raises
    ------
    glmnet_bridge.design.DataError
        Bad data, named by column or row (see :func:`glmnet_bridge.design.make_design`),
        a non-0/1 outcome, or a rank-deficient design.
    glmnet_bridge.separation.SeparationError
        With ``separation="raise"`` when the outcomes are separated.
    ValueError
        An unknown activation, cost, solver or covariance type.

    Examples
    --------
    >>> import glmnet_bridge as gb
    >>> fit = gb.fit_neuron("GRADE ~ GPA + TUCE + PSI", data=gb.datasets.load_spector(),
    ...                     activation="probit")
    >>> round(fit.params["GPA"], 6)
    1.62581
    """
    if isinstance(activation, str) and activation.strip().lower() == "softmax":
        return fit_softmax(formula, data, X=X, y=y, reference=reference,
                           freq_weights=freq_weights, fit_intercept=fit_intercept,
                           separation=separation, tol=1e-10 if tol is None else tol,
                           maxiter=100 if maxiter is None else maxiter)
    act = get_activation(activation)
    cst = get_cost(default_cost(act) if cost is None else cost, act)
    if not act.is_cdf and not cst.is_likelihood:
        raise ValueError(
            f"activation {act.name!r} with the {cst.name} cost is not a model fit_neuron "
            "knows: binary outcomes take one of " + ", ".join(BINARY_ACTIVATIONS)
            + "; counts the exp activation (Poisson); a continuous outcome the identity "
            "(least squares)"
        )
    if solver not in SOLVERS:
        raise ValueError(f"unknown solver {solver!r}; valid names are: " + ", ".join(SOLVERS))
    penalised = lam != 0.0
    if penalised:
        if solver != "newton":
            raise ValueError("penalised fits use solver='newton' (proximal Newton with "
                             "coordinate descent, exact for the L1 kink)")
        if not cst.is_likelihood:
            raise ValueError("penalties apply to the likelihood: use the cross-entropy cost")
    if cov_type is None:
        cov_type = "observed" if cst.is_likelihood and not penalised else "sandwich"
    if cov_type not in COV_TYPES:
        raise ValueError(f"cov_type must be one of {list(COV_TYPES)}, got {cov_type!r}")
    if separation not in ("warn", "raise", "ignore"):
        raise ValueError(f"separation must be 'warn', 'raise' or 'ignore', got {separation!r}")

    design = make_design(formula, data, X, y, fit_intercept=fit_intercept,
                         freq_weights=freq_weights, offset=offset, wide=penalised)
    if exposure is not None:
        design.offset = design.offset + _log_exposure(exposure, design)
    if trials is not None:
        if cst.family != "binomial":
            raise ValueError("trials= goes with a binary activation and the cross-entropy cost")
        set_trials(design, data[trials] if isinstance(trials, str) else trials)
    check_outcome(design, cst)
    weight = design.freq_weights if design.trials is None else \
        design.freq_weights * design.trials
    problem = Problem(design.inputs, design.y, weight, design.offset, cst, design.intercept)
    if penalised:
        return _fit_penalised(design, problem, act, cst, lam, alpha, standardize,
                              penalty_factor, penalize_bias, cov_type, start_params, tol,
                              maxiter, glmnet_gaussian)
    sep = None
    binomial = cst.family == "binomial"
    if binomial and separation != "ignore" and \
            design.nobs * design.n_params <= _LP_CELLS:
        sep = check_separation(design.X, design.y, design.names, design.freq_weights,
                               separation)
    beta0 = _start(design, act) if start_params is None else np.asarray(start_params, float)
    if beta0.shape != (design.n_params,):
        raise ValueError(f"start_params needs {design.n_params} values {design.names}")

    total = float(design.freq_weights.sum())
    label = "iteration"
    try:
        if solver == "newton":
            res = newton(problem, beta0, tol=1e-10 if tol is None else tol,
                         maxiter=100 if maxiter is None else maxiter,
                         expected=fisher_scoring)
        elif solver == "lbfgs":
            res = lbfgs(problem, beta0, tol=1e-10 if tol is None else tol,
                        maxiter=1000 if maxiter is None else maxiter)
        else:
            label = "epoch"
            n_epochs = _EPOCHS[solver] if epochs is None else int(epochs)
            bs = None if solver == "gd" else (10 if batch_size is None else int(batch_size))
            long_work = n_epochs * design.nobs > 5_000_000
            bar, tick = _progress(long_work if progress is None else progress, n_epochs,
                                  f"{solver} {act.name} neuron")
            try:
                res = gradient_descent(problem, beta0, intercept=design.intercept,
                                       epochs=n_epochs, eta=eta, batch_size=bs,
                                       tol=1e-9 if tol is None else tol, seed=seed,
                                       progress=tick)
            finally:
                if bar is not None:
                    bar.close()
    except SingularInformation as err:
        diagnose_rank(design.X, design.names, design.intercept)
        if sep is not None and sep.separated:
            raise DataError("the fit broke down because of separation: " + sep.message()) \
                from err
        raise DataError("the information matrix is singular at the estimate: the weights "
                        "are not identified from these data") from err

    fit = NeuronFit(design=design, problem=problem, activation=act, cost=cst, solver=solver,
                    beta=res.beta, cov_type=cov_type, converged=res.converged,
                    n_iter=res.n_iter, message=res.message,
                    history=_history(res, design.names, total, label), separation=sep,
                    hessian=res.hessian,
                    hessian_kind="expected" if solver == "newton" and fisher_scoring
                    else "observed", cost_total=res.value)
    H = fit.information("expected" if cov_type == "expected" else "observed").to_numpy()
    if _ill_conditioned(H):
        diagnose_rank(design.X, design.names, design.intercept)
        if sep is None and binomial and separation != "ignore":
            fit.separation = check_separation(design.X, design.y, design.names,
                                              design.freq_weights, separation)
    elif sep is None and binomial and separation != "ignore" and not res.converged:
        fit.separation = check_separation(design.X, design.y, design.names,
                                          design.freq_weights, separation)
    # sgd runs a fixed schedule of epochs: it has no convergence criterion to miss.
    if (fit.separation is None or not fit.separation.separated) and not res.converged \
            and solver != "sgd":
        warnings.warn(f"the {solver} solver did not converge: {res.message}",
                      ConvergenceWarning, stacklevel=2)
    return fit



def _fit_penalised(design, problem, act, cst, lam, alpha, standardize, penalty_factor,
                   penalize_bias, cov_type, start_params, tol, maxiter, glmnet_gaussian):
    scale = column_sd(design) if standardize else None
    if scale is not None and np.any(scale == 0):
        j = int(np.argmin(scale))
        raise DataError(f"column {design.names[j + int(design.intercept)]!r} is constant: "
                        "it cannot be standardised")
    pw = penalty_weights(lam, alpha, design.n_params, design.intercept, scale, penalty_factor,
                         penalize_bias)
    if glmnet_gaussian:
        if cst.family != "gaussian":
            raise ValueError("glmnet_gaussian applies to the identity (Gaussian) neuron only")
        f = design.freq_weights / design.freq_weights.sum()
        sd_y = float(np.sqrt(f @ (design.y - f @ design.y) ** 2))
        pw.l2 = pw.l2 / sd_y  # glmnet fits y/sd(y) with λ/sd(y): the ridge part shrinks
    beta0 = _start(design, act) if start_params is None else np.asarray(start_params, float)
    res = elastic_net(problem, beta0, pw, tol=1e-10 if tol is None else tol,
                      maxiter=200 if maxiter is None else maxiter,
                      expected=act.name == "cauchit")
    if not res.converged:
        warnings.warn(f"the penalised fit did not converge: {res.message}",
                      ConvergenceWarning, stacklevel=3)
    penalty = {"lam": float(lam), "alpha": float(alpha), "standardize": bool(standardize),
               "weights": pw, "penalize_bias": bool(penalize_bias)}
    total = float(design.freq_weights.sum())
    return NeuronFit(design=design, problem=problem, activation=act, cost=cst, solver="newton",
                     beta=res.beta, cov_type=cov_type, converged=res.converged,
                     n_iter=res.n_iter, message=res.message,
                     history=_history(res, design.names, total, "iteration"),
                     hessian=res.hessian, hessian_kind="observed", cost_total=res.value,
                     penalty=penalty)


def _log_exposure(exposure, design):
    e = np.asarray(exposure, dtype=float).ravel()
    if e.shape != (design.nobs,):
        raise DataError(f"exposure has {e.size} rows but the design has {design.nobs}")
    if not np.all(np.isfinite(e)) or np.any(e <= 0):
        raise DataError("exposure must be positive and finite")
    return np.log(e)
