"""Figures of the bridge: activations, the perceptron limit, coefficients, training paths.

Every function returns a matplotlib Figure (made without pyplot, so nothing global
changes and nothing is shown); label, save or display it as you like.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ..core.activations import get_activation

__all__ = ["activation_gallery", "sigmoid_limit", "coefficient_plot", "sgd_trajectory", "path_plot",
           "cv_plot",
           "cost_curve", "probability_curves", "model_comparison_plot"]

GALLERY = ("step", "logistic", "probit", "cauchit", "cloglog", "loglog")


def _figure(ncols=1, nrows=1, width=6.4, height=4.2):
    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    return fig, axes


def activation_gallery(activations=GALLERY, zlim=6.0):
    """Plot activations on one set of axes, rescaled to the sigmoid's slope 1/4 at 0.

    Each σ is drawn as σ(s·z) with s = (1/4)/σ'(0), so the curves differ in shape
    (symmetry, tails) and not in scale: the bridge's "swap σ for Φ" made visible.

    Parameters
    ----------
    activations : sequence of str
        Default: step, logistic, probit, cauchit, cloglog, loglog.
    zlim : float, default 6
        The z axis runs over [−zlim, zlim].

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, axes = _figure()
    ax = axes[0, 0]
    z = np.linspace(-zlim, zlim, 801)
    for name in activations:
        act = get_activation(name)
        if act.name == "step":
            ax.step(z, act(z), where="post", color="black", lw=1.2, label="step (perceptron)")
            continue
        s = 0.25 / float(act.derivative(0.0))
        ax.plot(z, act(s * z), lw=1.6, label=f"{act.name}  (σ({s:.3g}·z))")
    ax.set_xlabel("z = w·x + b")
    ax.set_ylabel("σ(z)  (P(y = 1))")
    ax.set_title("Activations are inverse links (slopes matched at z = 0)")
    ax.legend(fontsize=8, loc="upper left")
    return fig


def sigmoid_limit(cs=(0.5, 1, 2, 5, 20, 100), zlim=4.0):
    """Plot σ(c·z) for growing c beside the step function: the seed's c → ∞ exercise.

    Parameters
    ----------
    cs : sequence of float
        The scale factors c.
    zlim : float, default 4

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, axes = _figure()
    ax = axes[0, 0]
    z = np.linspace(-zlim, zlim, 2001)
    sig = get_activation("logistic")
    for c in cs:
        ax.plot(z, sig(c * z), lw=1.3, label=f"c = {c:g}")
    ax.step(z, get_activation("step")(z), where="post", color="black", lw=1.5, ls="--",
            label="step (c → ∞)")
    ax.plot([0], [0.5], "o", color="red", label="z = 0: σ(c·0) = 0.5 for every c")
    ax.set_xlabel("z = w·x + b")
    ax.set_ylabel("σ(c·z)")
    ax.set_title("Scaling weights and bias by c turns a sigmoid neuron into a perceptron")
    ax.legend(fontsize=8, loc="upper left")
    return fig


def coefficient_plot(comparison, alpha=0.05):
    """Plot neuron weights beside GLM coefficients, with (1 − alpha) Wald intervals.

    One panel per fit in the comparison; terms on the vertical axis.

    Parameters
    ----------
    comparison : glmnet_bridge.Comparison
    alpha : float, default 0.05

    Returns
    -------
    matplotlib.figure.Figure
    """
    from scipy.stats import norm

    q = norm.ppf(1 - alpha / 2)
    groups = list(comparison.table.groupby(["activation", "cost"], sort=False))
    fig, axes = _figure(ncols=len(groups), width=3.6 * len(groups) + 1, height=3.6)
    for ax, ((act, cost), rows) in zip(axes[0], groups, strict=True):
        y = np.arange(len(rows))
        ax.errorbar(rows["glm"], y + 0.12, xerr=q * rows["glm_se"], fmt="s", ms=5,
                    capsize=3, label=f"GLM ({act} link, MLE)")
        ax.errorbar(rows["neuron"], y - 0.12, xerr=q * rows["neuron_se"], fmt="o", ms=5,
                    capsize=3, label=f"neuron ({cost})")
        ax.axvline(0, color="grey", lw=0.8)
        ax.set_yticks(y, rows["term"])
        ax.invert_yaxis()
        ax.set_xlabel("estimate (weight = coefficient)")
        ax.set_ylabel("term")
        ax.set_title(f"{act}, {cost.replace('_', '-')} cost", fontsize=10)
        ax.legend(fontsize=7, loc="best")
    return fig


def sgd_trajectory(fit, mle=None):
    """Plot each weight against epochs (or iterations), with the MLE as a line.

    Parameters
    ----------
    fit : glmnet_bridge.NeuronFit
        A fit with a ``history`` (any solver; gd and sgd are the interesting ones).
    mle : pandas.Series, optional
        The GLM estimate to draw (e.g. ``fit_neuron(..., solver="newton").params``).

    Returns
    -------
    matplotlib.figure.Figure
    """
    h = fit.history
    terms = [c for c in h.columns if c != "cost"]
    ncols = min(len(terms), 3)
    nrows = int(np.ceil(len(terms) / ncols))
    fig, axes = _figure(ncols=ncols, nrows=nrows, width=3.4 * ncols, height=2.8 * nrows)
    for ax, term in zip(axes.ravel(), terms, strict=False):
        ax.plot(h.index, h[term], lw=1.2, label=f"{fit.solver} path")
        if mle is not None:
            ax.axhline(float(mle[term]), color="black", ls="--", lw=1, label="GLM (MLE)")
        ax.set_xlabel(h.index.name or "step")
        ax.set_ylabel(f"weight of {term}")
        ax.set_title(term, fontsize=10)
    for ax in axes.ravel()[len(terms):]:
        ax.set_visible(False)
    axes.ravel()[0].legend(fontsize=7)
    return fig


def cost_curve(fit, floor=None, log=True):
    """Plot the training cost against epochs, with the GLM's −loglik/n as its floor.

    Parameters
    ----------
    fit : glmnet_bridge.NeuronFit
    floor : float, optional
        The minimum of the cost (for the cross-entropy: −llf/n of the MLE).
    log : bool, default True
        Plot cost − floor on a log scale (when a floor is given).

    Returns
    -------
    matplotlib.figure.Figure
    """
    h = fit.history["cost"].dropna()
    fig, axes = _figure()
    ax = axes[0, 0]
    if floor is not None and log:
        gap = np.maximum(h - floor, 1e-17)
        ax.semilogy(h.index, gap, lw=1.3)
        ax.set_ylabel("cost − (−loglik/n of the GLM)")
        ax.set_title("Distance of the training cost from its floor")
    else:
        ax.plot(h.index, h, lw=1.3, label=f"{fit.cost.name} cost")
        if floor is not None:
            ax.axhline(floor, color="black", ls="--", lw=1, label="GLM: −loglik/n")
        ax.set_ylabel("mean cost C")
        ax.set_title("Training cost")
        ax.legend(fontsize=8)
    ax.set_xlabel(h.index.name or "step")
    return fig


def probability_curves(fit_a, fit_b):
    """Plot the predicted probabilities of two fits against each other.

    Logit and probit fits of the same data give nearly the same probabilities
    although their weights differ by a factor of about 1.6–1.8.

    Parameters
    ----------
    fit_a, fit_b : glmnet_bridge.NeuronFit
        Fits of the same data (e.g. logistic and probit).

    Returns
    -------
    matplotlib.figure.Figure
    """
    pa, pb = np.asarray(fit_a.predict()), np.asarray(fit_b.predict())
    fig, axes = _figure(ncols=2, width=9.5, height=4.0)
    ax = axes[0, 0]
    ax.plot([0, 1], [0, 1], color="grey", lw=0.8)
    ax.scatter(pa, pb, s=14)
    ax.set_xlabel(f"P(y = 1), {fit_a.activation.name} neuron")
    ax.set_ylabel(f"P(y = 1), {fit_b.activation.name} neuron")
    ax.set_title("Predicted probabilities, row by row")
    ax = axes[0, 1]
    za = np.asarray(fit_a.predict(which="linear"))
    order = np.argsort(za)
    ax.plot(za[order], pa[order], lw=1.4, label=fit_a.activation.name)
    ax.plot(za[order], pb[order], lw=1.4, ls="--", label=fit_b.activation.name)
    ax.set_xlabel(f"z of the {fit_a.activation.name} fit")
    ax.set_ylabel("P(y = 1)")
    ax.set_title("Both fits along one linear predictor")
    ax.legend(fontsize=8)
    return fig


def path_plot(path, xvar="lambda"):
    """Plot coefficient paths as glmnet's ``plot``: each weight against log λ or ‖w‖₁.

    Parameters
    ----------
    path : glmnet_bridge.path.GlmnetPath
    xvar : {"lambda", "norm"}

    Returns
    -------
    matplotlib.figure.Figure
    """
    if xvar not in ("lambda", "norm"):
        raise ValueError("xvar must be 'lambda' or 'norm'")
    start = int(path.design.intercept)
    W = path.coefs.iloc[:, start:]
    x = np.log(path.lambdas) if xvar == "lambda" else np.abs(W).sum(axis=1).to_numpy()
    fig, axes = _figure(width=7.0, height=4.4)
    ax = axes[0, 0]
    for name in W.columns:
        ax.plot(x, W[name].to_numpy(), lw=1.2, label=name)
    ax.axhline(0, color="grey", lw=0.6)
    ax.set_xlabel("log λ" if xvar == "lambda" else "L1 norm of the weights")
    ax.set_ylabel("coefficient (original scale)")
    top = ax.secondary_xaxis("top")
    ticks = np.linspace(0, len(x) - 1, min(6, len(x))).astype(int)
    top.set_xticks(x[ticks], [str(d) for d in path.df[ticks]])
    top.set_xlabel(f"nonzero weights (df) — {path.activation} neuron, alpha = {path.alpha:g}, "
                   f"{len(x)} values of λ", fontsize=9)
    if len(W.columns) <= 12:
        ax.legend(fontsize=7, loc="best")
    return fig


def cv_plot(cv):
    """Plot cross-validated loss against log λ with ±1 SE bars, like ``plot.cv.glmnet``.

    Parameters
    ----------
    cv : glmnet_bridge.path.CVGlmnet

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, axes = _figure(width=7.0, height=4.4)
    ax = axes[0, 0]
    x = np.log(cv.lambdas)
    ax.errorbar(x, cv.cvm, yerr=cv.cvsd, fmt="o", ms=3, color="tab:red", ecolor="grey",
                elinewidth=0.8, capsize=2)
    ax.axvline(np.log(cv.lambda_min), ls="--", color="black", lw=0.8, label="lambda_min")
    ax.axvline(np.log(cv.lambda_1se), ls=":", color="black", lw=0.8, label="lambda_1se")
    label = {"deviance": "binomial deviance", "class": "misclassification error",
             "auc": "AUC", "mse": "mean squared error"}[cv.type_measure]
    ax.set_xlabel("log λ")
    ax.set_ylabel(f"cross-validated {label}")
    ax.legend(fontsize=8)
    return fig


def model_comparison_plot(models):
    """Plot cross-validated deviance against the number of parameters (GLM vs networks).

    Parameters
    ----------
    models : glmnet_bridge.ModelComparison

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, axes = _figure()
    ax = axes[0, 0]
    t = models.table
    ax.errorbar(t["n_params"], t["cv_deviance"], yerr=t["cv_deviance_se"], fmt="o-",
                capsize=3)
    for _, row in t.iterrows():
        ax.annotate(row["model"], (row["n_params"], row["cv_deviance"]), fontsize=8,
                    xytext=(4, 4), textcoords="offset points")
    ax.set_xscale("log")
    ax.set_xlabel("number of parameters")
    ax.set_ylabel("cross-validated deviance per row")
    ax.set_title("GLM (0 hidden units) against networks", fontsize=10)
    return fig
