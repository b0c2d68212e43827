"""fit_neuron: fit one neuron to data in one call, by maximum likelihood or the network's cost.

A thin wrapper: it builds a :class:`glmnet_bridge.NeuronModel` and fits it.
"""

from __future__ import annotations

import numpy as np

from ..core.penalties import Penalty
from .design import make_design
from .model import NeuronModel

__all__ = ["fit_neuron", "fit_softmax"]


def fit_neuron(formula=None, data=None, *, X=None, y=None, activation="logistic", cost=None,
               solver="newton", lam=0.0, alpha=0.0, standardize=True, cov_type=None,
               freq_weights=None, offset=None, fit_intercept=True, separation="warn",
               start_params=None, tol=None, maxiter=None, epochs=None, eta=None,
               batch_size=None, seed=0, progress=None, fisher_scoring=False,
               penalty_factor=None, penalize_bias=False, exposure=None,
               glmnet_gaussian=False, reference=None, trials=None, cov_kwds=None, scale=None,
               firth=False, type_multinomial="ungrouped"):
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
        :class:`glmnet_bridge.estimation.multinomial.MultinomialFit`; with ``lam``, a
        :class:`~glmnet_bridge.estimation.multinomial_penalised.PenalisedMultinomialFit`).
    cost : {"cross_entropy", "quadratic", "poisson", "log_likelihood"}, optional
        Default: the activation's likelihood (cross-entropy, Poisson, quadratic for
        the identity, the multinomial log-likelihood for the softmax). "quadratic" on a
        sigmoid is chapter 1's cost: nonlinear least squares, not the MLE.
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
    standardize : bool, default True
        glmnet's standardisation (and its default, as in :func:`glmnet_bridge.glmnet_path`
        and :func:`glmnet_bridge.cv_glmnet`): penalise w_j·s_j, s_j the population SD of
        column j; weights are reported on the original scale either way. Without a
        penalty (lam = 0) there is nothing to standardise, and either value fits the MLE.
    cov_type : {"observed", "expected", "sandwich", "HC0", "HC1", "HC2", "HC3", "cluster"}, \
optional
        Which covariance ``bse`` reports. Default "observed" (statsmodels
        Logit/Probit); "expected" is R's ``glm`` and statsmodels ``GLM``. The
        quadratic cost has only "sandwich". Equal for the logistic activation.
        "HC0"–"HC3" are R's ``sandwich::vcovHC`` on a glm, "cluster" its ``vcovCL``
        (see ``cov_kwds``); ``fit.cov_params(cov_type=...)`` gives any of them afterwards.
    cov_kwds : dict, optional
        For ``cov_type="cluster"``: ``{"groups": g}``, a column name of ``data`` or one
        label per row, and optionally ``"type": "HC0"`` (default "HC1", vcovCL's
        G/(G − 1)·(n − 1)/(n − k) adjustment; "HC0" keeps G/(G − 1) only).
    scale : {"X2", "dev"} or float, optional
        The dispersion φ the covariance is multiplied by (statsmodels' GLM names): "X2"
        is Pearson's χ²/df_resid, R's quasibinomial and quasipoisson (p-values and
        intervals then use Student's t, as R); "dev" the deviance/df_resid; a number
        fixes it. Default: 1 for binomial and Poisson, RSS/df_resid for Gaussian.
    firth : bool, default False
        Firth's bias-reduced estimate: maximise l(β) + ½·log det I(β) (the Jeffreys
        prior), finite under separation; for the logistic neuron it is brglm2's
        ``type = "AS_mean"`` and logistf's estimate (the exp neuron: Poisson).
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
        ``seed`` also seeds the subsample a Newton fit on 100,000 rows or more starts from.
    penalty_factor : array_like, optional
        glmnet's ``penalty.factor``: v_j ≥ 0 per weight (0 leaves a weight unpenalised).
    penalize_bias : bool, default False
        Penalise the bias too, as R's nnet ``decay`` does (glmnet never does).
    exposure : array_like or str, optional
        Poisson (exp activation) only: time or size at risk; log(exposure) joins the
        offset (a column name of ``data`` is accepted).
    glmnet_gaussian : bool, default False
        Reproduce R glmnet's Gaussian answers: glmnet standardises y internally, so
        for alpha < 1 its ridge term is in effect divided by sd(y) (population SD).
        Off, the objective is exactly the one written above.
    reference : optional
        softmax only: the reference category (default: the first level).
    trials : array_like or str, optional
        Binomial outcome as (successes, trials): the outcome counts successes out of
        ``trials`` per row (a column name of ``data`` is accepted), as R's
        ``cbind(successes, failures)``. The log-likelihood includes log C(trials,
        successes), as statsmodels' GLM does; ``nobs`` counts rows.
    fisher_scoring : bool, default False
        Newton: step with the expected information (Fisher scoring, IRLS) instead of
        the observed. Same optimum; for non-canonical links it converges linearly,
        not quadratically. ``cov_type`` chooses the standard errors either way.
    type_multinomial : {"ungrouped", "grouped"}, default "ungrouped"
        softmax with lam > 0 (glmnet's multinomial family, returning a
        :class:`~glmnet_bridge.estimation.multinomial_penalised.PenalisedMultinomialFit`
        in the symmetric parametrisation, no standard errors): "ungrouped" penalises
        each class's coefficient, "grouped" each column's K coefficients together
        (group lasso). ``tol`` is then glmnet's ``thresh`` (default 1e-14).

    Every option applies to some activations and solvers only; one that does not apply
    to the chosen ones raises a ``ValueError`` saying so (none is silently ignored).
    ``fit_neuron`` is :class:`glmnet_bridge.NeuronModel` and its ``fit`` in one call.

    Returns
    -------
    NeuronFit, MultinomialFit or PenalisedMultinomialFit

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
    if glmnet_gaussian and not lam:
        raise ValueError("glmnet_gaussian= scales glmnet's Gaussian penalty: it needs lam > 0")
    penalty = _penalty(lam, alpha, standardize, penalty_factor, penalize_bias, glmnet_gaussian,
                       formula, data, X, y, freq_weights)
    model = NeuronModel(formula, data, X=X, y=y, activation=activation, cost=cost,
                        penalty=penalty, freq_weights=freq_weights, offset=offset,
                        exposure=exposure, trials=trials, fit_intercept=fit_intercept,
                        reference=reference, separation=separation,
                        type_multinomial=type_multinomial)
    return model.fit(solver, cov_type, start_params=start_params, tol=tol, maxiter=maxiter,
                     epochs=epochs, eta=eta, batch_size=batch_size, seed=seed,
                     progress=progress, fisher_scoring=fisher_scoring, cov_kwds=cov_kwds,
                     scale=scale, firth=firth)


def _penalty(lam, alpha, standardize, factors, penalize_bias, glmnet_gaussian, formula, data,
             X, y, freq_weights):
    """Return the Penalty, refusing penalty options given without a penalty."""
    if not lam:
        given = [name for name, value, default in (
            ("alpha", alpha, 0.0),
            ("penalty_factor", factors, None), ("penalize_bias", penalize_bias, False))
            if (value is not None and value is not default and value != default)]
        if given:
            raise ValueError(f"{', '.join(given)} shape{'s' if len(given) == 1 else ''} a "
                             "penalty, but lam = 0: give lam > 0 for a penalised fit")
        return None
    ridge_scale = 1.0
    if glmnet_gaussian:
        ridge_scale = _sd_y(formula, data, X, y, freq_weights)
    return Penalty(lam, alpha, factors, standardize, penalize_bias, ridge_scale)


def _sd_y(formula, data, X, y, freq_weights):
    """Return the population SD of the outcome: glmnet scales y by it (Gaussian family)."""
    design = make_design(formula, data, X, y, freq_weights=freq_weights, wide=True)
    f = design.freq_weights / design.freq_weights.sum()
    return float(np.sqrt(f @ (design.y - f @ design.y) ** 2))


def fit_softmax(formula=None, data=None, *, X=None, y=None, reference=None, freq_weights=None,
                fit_intercept=True, separation="warn", tol=None, maxiter=None,
                solver="newton"):
    """Fit a softmax layer by maximum likelihood: multinomial logistic regression.

    ``fit_neuron(..., activation="softmax")`` under its own name.

    Parameters
    ----------
    formula, data, X, y, reference, freq_weights, fit_intercept, separation, tol, maxiter, solver
        As for :func:`fit_neuron`.

    Returns
    -------
    MultinomialFit
    """
    return fit_neuron(formula, data, X=X, y=y, activation="softmax", reference=reference,
                      freq_weights=freq_weights, fit_intercept=fit_intercept,
                      separation=separation, tol=tol, maxiter=maxiter, solver=solver)
