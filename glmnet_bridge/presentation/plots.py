"""Figures of the bridge: activations, the perceptron limit, coefficients, training paths.

Every function returns a matplotlib Figure (made without pyplot, so nothing global
changes and nothing is shown); label, save or display it as you like.
"""

from __future__ import annotations

import numpy as np

from ..core.activations import get_activation
from .figure import InlineFigure

__all__ = ["activation_gallery", "sigmoid_limit", "coefficient_plot", "sgd_trajectory", "path_plot",
           "cv_plot",
           "cost_curve", "probability_curves", "model_comparison_plot",
           "plot_glm_diagnostics"]

GALLERY = ("step", "logistic", "probit", "cauchit", "cloglog", "loglog")


def _figure(ncols=1, nrows=1, width=6.4, height=4.2):
    fig = InlineFigure(figsize=(width, height), layout="constrained")
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

    One column of panels per fit; the intercept (on its own scale, it would flatten every
    other coefficient into a dot) in a short panel above the other terms. The figure grows
    with the number of terms, and the legend sits below the panels, off the data.

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
    is_icpt = [rows["term"].str.startswith("Intercept").to_numpy() for _, rows in groups]
    n_icpt = max(int(m.sum()) for m in is_icpt)
    n_rest = max(int((~m).sum()) for m in is_icpt)
    same_terms = all(list(g[1]["term"]) == list(groups[0][1]["term"]) for g in groups)
    heights = [h for h in (n_icpt, n_rest) if h]
    width = 3.2 * len(groups) + 1.6 + 0.06 * max(len(t) for t in comparison.table["term"])
    fig = InlineFigure(figsize=(width, 1.3 + 0.32 * sum(heights) + 0.5 * len(heights)),
                       layout="constrained")
    axes = fig.subplots(len(heights), len(groups), squeeze=False,
                        gridspec_kw={"height_ratios": [h + 0.8 for h in heights]})
    handles = None
    for j, ((act, cost), rows) in enumerate(groups):
        parts = [rows[is_icpt[j]], rows[~is_icpt[j]]]
        parts = [p for p, h in zip(parts, (n_icpt, n_rest), strict=True) if h]
        for i, part in enumerate(parts):
            ax = axes[i, j]
            y = np.arange(len(part))
            glm = ax.errorbar(part["glm"], y + 0.15, xerr=q * part["glm_se"], fmt="s", ms=4,
                              capsize=2, color="tab:blue")
            neuron = ax.errorbar(part["neuron"], y - 0.15, xerr=q * part["neuron_se"],
                                 fmt="o", ms=4, capsize=2, color="tab:orange")
            handles = handles or (glm, neuron)
            ax.axvline(0, color="grey", lw=0.8)
            ax.set_yticks(y, list(part["term"]) if (j == 0 or not same_terms) else [])
            ax.set_ylim(len(part) - 0.5, -0.5)
            ax.tick_params(axis="both", labelsize=8)
            ax.grid(axis="x", color="0.9", lw=0.6)
            if i == 0:
                ax.set_title(f"{act}, {cost.replace('_', '-')} cost", fontsize=10)
        axes[-1, j].set_xlabel("estimate (weight = coefficient)", fontsize=9)
    fig.legend(handles, [f"GLM (MLE), {100 * (1 - alpha):g}% Wald interval",
                         f"neuron, {100 * (1 - alpha):g}% interval"],
               loc="outside lower center", ncols=2, fontsize=8, frameon=False)
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


def _df_axis(ax, x, df, most):
    """Label the top axis with df at evenly spaced positions of x, as glmnet's plots do.

    R puts the labels at ``pretty(x)`` and reads df there from the path (the point
    nearest in x here); ticks spread by index instead crowd where x saturates (%Dev at
    the end of a path, the L1 norm of a nearly separable one) and their labels overlap.
    """
    from matplotlib.ticker import MaxNLocator

    top = ax.secondary_xaxis("top")
    x, df = np.asarray(x, dtype=float), np.asarray(df)
    ok = np.isfinite(x)  # log λ of a λ = 0 is −∞: not on the axis
    x, df = x[ok], df[ok]
    if x.size == 0:
        return top
    lo, hi = float(x.min()), float(x.max())
    at = MaxNLocator(nbins=most - 1).tick_values(lo, hi) if hi > lo else np.array([lo])
    slack = 1e-9 * (hi - lo)
    at = at[(at >= lo - slack) & (at <= hi + slack)]
    near = np.abs(x[None, :] - at[:, None]).argmin(axis=1)
    top.set_xticks(at, [str(int(d)) for d in df[near]])
    return top


def path_plot(path, xvar="lambda", label=False, ax=None, title=None):
    """Plot coefficient paths as glmnet's ``plot``: each weight against log λ, ‖w‖₁ or %Dev.

    Parameters
    ----------
    path : glmnet_bridge.glmnet.path.GlmnetPath
    xvar : {"lambda", "norm", "dev"}
        log λ, the L1 norm of the weights, or the fraction of deviance explained
        (R's ``xvar``); the top axis shows the nonzero weights (df), as R does.
    label : bool, default False
        Name each curve at its right-hand end (R's ``label = TRUE``).
    ax : matplotlib.axes.Axes, optional
        Draw into these axes (one panel of a larger figure) instead of a new figure.
    title : str, optional
        The panel's title (a multinomial path's class).

    Returns
    -------
    matplotlib.figure.Figure
    """
    if xvar not in ("lambda", "norm", "dev"):
        raise ValueError("xvar must be 'lambda', 'norm' or 'dev'")
    start = int(path.design.intercept)
    W = path.coefs.iloc[:, start:]
    x = {"lambda": lambda: np.log(path.lambdas),
         "norm": lambda: np.abs(W).sum(axis=1).to_numpy(),
         "dev": lambda: np.asarray(path.dev_ratio)}[xvar]()
    if ax is None:
        fig, axes = _figure(width=7.0, height=4.4)
        ax = axes[0, 0]
    else:
        fig = ax.figure
    if title is not None:
        ax.set_title(title, fontsize=10)
    for name in W.columns:
        line, = ax.plot(x, W[name].to_numpy(), lw=1.2, label=name)
        if label:
            end = int(np.argmax(x)) if xvar != "lambda" else int(np.argmin(x))
            ax.annotate(str(name), (x[end], W[name].iloc[end]), xytext=(3, 0),
                        textcoords="offset points", fontsize=7, color=line.get_color(),
                        va="center")
    ax.axhline(0, color="grey", lw=0.6)
    ax.set_xlabel({"lambda": "log λ", "norm": "L1 norm of the weights",
                   "dev": "fraction of deviance explained"}[xvar])
    ax.set_ylabel("coefficient (original scale)")
    top = _df_axis(ax, x, path.df, 6)
    top.set_xlabel(f"nonzero weights (df) — {path.activation} neuron, alpha = {path.alpha:g}, "
                   f"{len(x)} values of λ", fontsize=9)
    if len(W.columns) <= 12 and not label:
        ax.legend(fontsize=7, loc="best")
    return fig


def multinomial_path_plot(path, xvar="lambda", label=False):
    """Plot a multinomial path as glmnet's ``plot.multnet``: one panel per class.

    Parameters
    ----------
    path : glmnet_bridge.glmnet.multinomial.MultinomialPath
    xvar, label
        As for :func:`path_plot` ("norm" is each class's own L1 norm).

    Returns
    -------
    matplotlib.figure.Figure
        One figure, the classes' panels stacked.
    """
    K = len(path.classes)
    fig, axes = _figure(nrows=K, width=7.0, height=3.2 * K)
    for ax, c in zip(axes[:, 0], path.classes, strict=True):
        path_plot(path.class_path(c), xvar=xvar, label=label, ax=ax, title=f"class {c}")
    return fig


def cv_plot(cv):
    """Plot cross-validated loss against log λ as ``plot.cv.glmnet`` does.

    Red dots with ±1 SE bars, dotted lines at lambda_min and lambda_1se, and the number
    of nonzero weights along the top.

    Parameters
    ----------
    cv : glmnet_bridge.glmnet.cv.CVGlmnet

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, axes = _figure(width=7.0, height=4.4)
    ax = axes[0, 0]
    x = np.log(cv.lambdas)
    ax.errorbar(x, cv.cvm, yerr=cv.cvsd, fmt="o", ms=3, color="tab:red", ecolor="grey",
                elinewidth=0.8, capsize=2)
    ax.axvline(np.log(cv.lambda_min), ls=":", color="black", lw=0.8, label="lambda_min")
    ax.axvline(np.log(cv.lambda_1se), ls=":", color="grey", lw=0.8, label="lambda_1se")
    label = {"deviance": f"{cv.family} deviance", "class": "misclassification error",
             "auc": "AUC", "mse": "mean squared error",
             "mae": "mean absolute error"}[cv.type_measure]
    _df_axis(ax, x, cv.nzero, 8)
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


def plot_glm_diagnostics(fit, bins=None):
    """Plot R's four ``plot.lm`` panels for a GLM fit; binned residuals for a binary outcome.

    Residuals against the linear predictor (for a 0/1 outcome, Gelman and Hill's binned
    residuals: the mean of y − μ in bins of μ, within ±2 standard errors when the model
    fits), a normal Q-Q plot and the scale-location plot of the standardised deviance
    residuals (R's ``rstandard``), and standardised Pearson residuals against leverage with
    Cook's distance contours at 0.5 and 1.

    Parameters
    ----------
    fit : NeuronFit
        An unpenalised GLM fit.
    bins : int, optional
        Bins of the binned-residual panel (default: about √n, at least 5 rows a bin).

    Returns
    -------
    matplotlib.figure.Figure
    """
    from scipy import stats

    infl = fit.get_influence()
    z = np.asarray(fit.predict(which="linear"), dtype=float)
    mu = np.asarray(fit.predict(), dtype=float)
    y = np.asarray(fit.design.y, dtype=float)
    rdev = np.asarray(fit.resid_deviance, dtype=float)
    rstd = np.asarray(infl.resid_studentized, dtype=float)
    rpear = np.asarray(infl.resid_standardized("pearson"), dtype=float)
    h = np.asarray(infl.hat_matrix_diag, dtype=float)
    fig, axes = _figure(2, 2, width=9.6, height=7.6)
    ax = axes[0, 0]
    binary = fit.family == "binomial" and fit.design.trials is None
    if binary:
        n = len(y)
        k = int(bins) if bins else max(min(int(np.sqrt(n)), n // 5), 1)
        order = np.argsort(mu, kind="stable")
        groups = np.array_split(order, k)
        mbar = np.array([mu[g].mean() for g in groups])
        rbar = np.array([(y[g] - mu[g]).mean() for g in groups])
        band = np.array([2.0 * np.sqrt(mu[g].mean() * (1 - mu[g].mean()) / len(g))
                         for g in groups])
        ax.plot(mbar, band, color="grey", lw=1)
        ax.plot(mbar, -band, color="grey", lw=1)
        ax.scatter(mbar, rbar, s=14, color="black")
        ax.set_xlabel("mean fitted probability in bin")
        ax.set_ylabel("mean residual y − μ")
        ax.set_title(f"Binned residuals ({k} bins, ±2 SE)")
    else:
        ax.scatter(z, rdev, s=10, alpha=0.6)
        ax.set_xlabel("linear predictor z")
        ax.set_ylabel("deviance residual")
        ax.set_title("Residuals vs fitted")
    ax.axhline(0.0, color="grey", ls=":", lw=1)
    ax = axes[0, 1]
    theo = stats.norm.ppf((np.arange(1, len(rstd) + 1) - 0.5) / len(rstd))
    ax.scatter(theo, np.sort(rstd), s=10, alpha=0.6)
    lim = [theo.min(), theo.max()]
    ax.plot(lim, lim, color="grey", ls=":", lw=1)
    ax.set_xlabel("theoretical quantiles")
    ax.set_ylabel("std. deviance residual")
    ax.set_title("Normal Q-Q")
    ax = axes[1, 0]
    ax.scatter(z, np.sqrt(np.abs(rstd)), s=10, alpha=0.6)
    ax.set_xlabel("linear predictor z")
    ax.set_ylabel("√|std. deviance residual|")
    ax.set_title("Scale-location")
    ax = axes[1, 1]
    ax.scatter(h, rpear, s=10, alpha=0.6)
    k = len(fit.params)
    hh = np.linspace(max(h.min(), 1e-3), min(h.max() * 1.05, 0.999), 200)
    for level in (0.5, 1.0):
        r = np.sqrt(level * k * (1.0 - hh) / hh)
        ax.plot(hh, r, color="red", ls="--", lw=0.8)
        ax.plot(hh, -r, color="red", ls="--", lw=0.8)
    span = max(np.abs(rpear).max() * 1.1, 1.0)
    ax.set_ylim(-span, span)
    ax.set_xlabel("leverage h")
    ax.set_ylabel("std. Pearson residual")
    ax.set_title("Residuals vs leverage (Cook's D 0.5, 1)")
    return fig
