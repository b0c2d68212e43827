"""compare_models: a GLM against networks with hidden layers, as a statistician would judge them.

Parameters, training fit, AIC/BIC (heuristic for networks), K-fold cross-validated
log-loss and accuracy with standard errors, calibration, and the spread over seeds.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..estimation.design import label_design
from ..estimation.fit import fit_neuron, fit_softmax
from ..exceptions import DataError
from ..neural.network import Network

__all__ = ["compare_models", "ModelComparison"]


def _outcome(y):
    """Return integer codes, the labels, and whether the outcome is binary 0/1."""
    y = np.asarray(y).ravel()
    cat = pd.Categorical(y)
    levels = list(cat.categories)
    if len(levels) < 2:
        raise DataError("the outcome takes a single value: nothing to compare")
    binary = len(levels) == 2 and set(np.unique(y).tolist()) <= {0, 1}
    return np.asarray(cat.codes), levels, binary


def _loglik_rows(P, codes):
    """Per-row log-likelihood of the observed category under probabilities P (n, K)."""
    return np.log(np.clip(P[np.arange(len(codes)), codes], 1e-300, None))


def _calibration(P, codes, bins=10):
    """Return the expected calibration error of the predicted class and the Brier score."""
    conf = P.max(axis=1)
    hit = (P.argmax(axis=1) == codes).astype(float)
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(conf, edges) - 1, 0, bins - 1)
    ece = 0.0
    for b in range(bins):
        m = which == b
        if m.any():
            ece += m.mean() * abs(conf[m].mean() - hit[m].mean())
    onehot = np.eye(P.shape[1])[codes]
    brier = float(np.mean(np.sum((P - onehot) ** 2, axis=1)))
    return float(ece), brier


class _GLM:
    """The 0-hidden-unit model: logistic regression or multinomial logit, exactly."""

    def __init__(self, binary, names, intercept=True):
        self.binary, self.names, self.intercept = binary, list(names), intercept

    def _frame(self, X):
        return pd.DataFrame(X[:, self.keep], columns=[n for n, k in zip(self.names, self.keep,
                                                                         strict=True) if k])

    def fit(self, X, codes, seed):
        # A column constant on these rows (a rare pixel absent from a fold) carries
        # nothing and would make the information singular: leave it out here.
        self.keep = np.ptp(X, axis=0) > 0
        frame = self._frame(X)
        # A fold may be separated; its (diverging) fit still predicts, and the CV
        # deviance shows the price. The check runs; its warning would repeat per fold.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if self.binary:
                self.fit_ = fit_neuron(X=frame, y=codes.astype(float),
                                       fit_intercept=self.intercept)
            else:
                self.fit_ = fit_softmax(X=frame, y=codes, fit_intercept=self.intercept)
        sep = getattr(self.fit_, "separation", None)
        self.separated = bool(sep.separated) if sep is not None else not self.fit_.converged
        return self

    def proba(self, X):
        frame = self._frame(X)
        if self.binary:
            p = np.asarray(self.fit_.predict(frame))
            return np.column_stack([1 - p, p])
        return self.fit_.predict(frame).to_numpy()

    def n_params(self, p, k):
        return (int(self.keep.sum()) + int(self.intercept)) * (1 if self.binary else k - 1)


class _Net:
    """A network with one hidden layer, trained by SGD on the likelihood."""

    def __init__(self, hidden, binary, activation, epochs, batch_size, eta, lmbda):
        self.hidden, self.binary = hidden, binary
        self.kw = dict(epochs=epochs, batch_size=batch_size, eta=eta, lmbda=lmbda)
        self.activation = activation

    separated = False

    def fit(self, X, codes, seed):
        k = int(codes.max()) + 1
        out = 1 if self.binary else k
        cost = "cross_entropy" if self.binary else "log_likelihood"
        self.net = Network([X.shape[1], self.hidden, out], activation=self.activation,
                           cost=cost, init="scaled", seed=seed)
        target = codes.astype(float) if self.binary else codes
        self.net.fit(X, target, verbose=False, **self.kw)
        return self

    def proba(self, X):
        a = self.net.predict_proba(X)
        return np.column_stack([1 - a[:, 0], a[:, 0]]) if self.binary else a

    def n_params(self, p, k):
        out = 1 if self.binary else k
        return self.hidden * (p + 1) + out * (self.hidden + 1)


class ModelComparison:
    """The result of :func:`compare_models`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per model: ``model``, ``hidden``, ``n_params``, ``train_loglik``,
        ``aic``, ``bic``, ``cv_deviance`` (mean −2·loglik per row on held-out folds),
        ``cv_deviance_se``, ``cv_accuracy``, ``cv_accuracy_se``, ``seed_sd_deviance``
        (spread of cv_deviance over seeds), ``ece`` (expected calibration error of
        the out-of-fold predictions), ``brier`` and ``separated_folds`` (training folds
        where the GLM's MLE does not exist).
    runs : pandas.DataFrame
        Every (model, seed, fold) evaluation, with whether the fit was separated.
    """

    def __init__(self, table, runs, nobs, title):
        self.table, self.runs, self.nobs, self.title = table, runs, nobs, title

    def verdict(self):
        """Return the comparison in one sentence, written from the table's own numbers."""
        t = self.table
        best = t.loc[t["cv_deviance"].idxmin()]
        near = t[(t.index != best.name)
                 & (t["cv_deviance"] - t["cv_deviance_se"] <= best["cv_deviance"]
                    + best["cv_deviance_se"])]
        text = (f"lowest cross-validated deviance: {best['model']} "
                f"({best['cv_deviance']:.3g} ± {best['cv_deviance_se']:.2g})")
        if len(near):
            text += ("; within a standard error of it: "
                     + ", ".join(f"{r.model} ({r.cv_deviance:.3g} ± {r.cv_deviance_se:.2g})"
                                 for r in near.itertuples())
                     + ", so the folds do not tell these apart")
        else:
            text += ", clear of every other model by more than a standard error"
        return text

    def separation_note(self):
        """Return a sentence on the GLM's separated folds (None when there are none)."""
        glm = self.runs[self.runs["hidden"] == 0]
        bad = glm[glm["separated"]]
        if bad.empty:
            return None
        folds = ", ".join(f"fold {int(r.fold)} ({r.deviance:.3g})" for r in bad.itertuples())
        others = glm[~glm["separated"]]["deviance"]
        rest = (f"; the other folds average {others.mean():.3g}" if len(others) else "")
        return (f"the GLM's training rows are separated in {len(bad)} of {len(glm)} folds "
                f"(its maximum-likelihood estimate does not exist there): {folds}{rest}. A "
                "separated fit predicts probabilities of 0 or 1, and each held-out row on the "
                "wrong side adds an unbounded −2·log p to the deviance, which is what drives "
                "the GLM's cross-validated deviance up, whatever its accuracy")

    def summary(self):
        """Return the table as text, with the verdict and the caveats a reader needs."""
        body = self.table.to_string(index=False, float_format=lambda v: f"{v:.4g}")
        lines = [self.title, body, "", "- " + self.verdict()]
        note = self.separation_note()
        if note:
            lines.append("- " + note)
        return "\n".join(lines + [
            "",
            "AIC and BIC count parameters, which for networks is only a heuristic (the "
            "likelihood is not regular: hidden units can be swapped or switched off).",
            "cv_deviance: mean −2·loglik per held-out row, ± its standard error over folds; "
            "networks are averaged over seeds, seed_sd_deviance is their spread.",
        ])

    def plot(self):
        """Plot cross-validated deviance against the number of parameters."""
        from ..presentation.plots import model_comparison_plot

        return model_comparison_plot(self)

    def __repr__(self):
        return f"<ModelComparison: {len(self.table)} models, nobs={self.nobs}>"


def _hidden_sizes(hidden):
    """Return the hidden-layer sizes as ints, or say what is wrong with them."""
    try:
        sizes = [int(h) for h in np.atleast_1d(hidden)]
    except (TypeError, ValueError):
        sizes = None
    if not sizes or sizes != [float(h) for h in np.atleast_1d(hidden)] \
            or min(sizes) < 0:
        raise DataError(f"hidden must be a list of hidden-layer sizes, whole numbers ≥ 0 "
                        f"(0 is the GLM itself), e.g. hidden=[0, 2, 5]; got {hidden!r}")
    return sizes


def compare_models(formula=None, data=None, *, X=None, y=None, hidden=(0, 2, 5, 10),
                   nfolds=5, seeds=(0, 1, 2), activation="sigmoid", epochs=200,
                   batch_size=16, eta=0.5, lmbda=0.0, standardize=True, seed=0,
                   progress=None):
    """Compare a GLM with networks of one hidden layer on the same data, by cross-validation.

    0 hidden units is the GLM itself (logistic regression for a 0/1 outcome,
    multinomial logit for categories), fitted exactly. Networks are trained by
    SGD on the same likelihood (cross-entropy or softmax log-likelihood) from
    several seeds, because their likelihood is not convex.

    Parameters
    ----------
    formula, data : optional
        A patsy formula and frame (the outcome: 0/1 or category labels); any formula
        :func:`glmnet_bridge.fit_neuron` takes: factors (coded against their reference
        level when the formula has an intercept), interactions, transformations.
    X, y : array_like, optional
        Instead of a formula.
    hidden : sequence of int, default (0, 2, 5, 10)
        Hidden units of each model; 0 is the GLM.
    nfolds : int, default 5
    seeds : sequence of int, default (0, 1, 2)
        Network initialisations (the GLM needs one).
    activation : str, default "sigmoid"
        The hidden layer's activation.
    epochs, batch_size, eta, lmbda
        The networks' SGD settings.
    standardize : bool, default True
        Centre and scale inputs (by the training folds' statistics).
    seed : int, default 0
        Seeds the folds.
    progress : bool, optional
        A progress bar over the fits.

    Returns
    -------
    ModelComparison
    """
    hidden = _hidden_sizes(hidden)
    # The design is built as the formula says, intercept included, so patsy codes a factor
    # against its reference level; the networks get the inputs without the intercept
    # column (their biases play its part), the GLM the intercept the formula gives.
    design, ys = label_design(formula, data, X, y, fit_intercept=True)
    Xv, names = design.inputs, list(design.names[int(design.intercept):])
    title = (f"{formula}  ({len(ys)} rows)" if formula is not None
             else f"{len(ys)} rows, {Xv.shape[1]} inputs")
    constant = np.flatnonzero(np.ptp(Xv, axis=0) == 0)
    if constant.size:
        # Columns with one value carry nothing and make the GLM's information singular.
        Xv = np.delete(Xv, constant, axis=1)
        names = [nm for j, nm in enumerate(names) if j not in set(constant)]
        title += f"; {constant.size} constant input column(s) dropped"
    codes, levels, binary = _outcome(ys)
    n, p, k = len(codes), Xv.shape[1], len(levels)
    folds = np.random.default_rng(seed).permutation(np.arange(n) % nfolds)
    models = []
    for h in hidden:
        h = int(h)
        name = ("logistic regression" if binary else "multinomial logit") if h == 0 \
            else f"network [{p}, {h}, {1 if binary else k}]"
        maker = (lambda: _GLM(binary, names, design.intercept)) if h == 0 else (
            lambda h=h: _Net(h, binary, activation, epochs, batch_size, eta, lmbda))
        models.append((name, h, maker, (0,) if h == 0 else tuple(seeds)))
    total = sum(len(s) * (nfolds + 1) for *_, s in models)
    bar = None
    if progress or (progress is None and total * n * max(hidden) > 2e7):
        from tqdm.auto import tqdm

        bar = tqdm(total=total, desc="compare_models", leave=False)

    def prep(train, other):
        if not standardize:
            return Xv[train], Xv[other]
        mu, sd = Xv[train].mean(0), Xv[train].std(0)
        sd[sd == 0] = 1.0
        return (Xv[train] - mu) / sd, (Xv[other] - mu) / sd

    rows, runs = [], []
    try:
        for name, h, maker, model_seeds in models:
            per_seed, train_ll = [], []
            for s in model_seeds:
                oof = np.zeros((n, k))
                fold_dev, fold_acc = [], []
                for f in range(nfolds):
                    tr, te = folds != f, folds == f
                    Xtr, Xte = prep(tr, te)
                    model = maker().fit(Xtr, codes[tr], s)
                    P = model.proba(Xte)
                    oof[te] = P
                    dev = -2 * np.mean(_loglik_rows(P, codes[te]))
                    acc = float(np.mean(P.argmax(axis=1) == codes[te]))
                    fold_dev.append(dev)
                    fold_acc.append(acc)
                    runs.append({"model": name, "hidden": h, "seed": s, "fold": f,
                                 "deviance": dev, "accuracy": acc,
                                 "separated": model.separated})
                    if bar is not None:
                        bar.update()
                Xall, _ = prep(np.ones(n, bool), np.ones(n, bool))
                full = maker().fit(Xall, codes, s)
                train_ll.append(float(np.sum(_loglik_rows(full.proba(Xall), codes))))
                n_params = full.n_params(p, k)
                if bar is not None:
                    bar.update()
                ece, brier = _calibration(oof, codes)
                per_seed.append((np.mean(fold_dev), np.std(fold_dev, ddof=1) / np.sqrt(nfolds),
                                 np.mean(fold_acc), np.std(fold_acc, ddof=1) / np.sqrt(nfolds),
                                 ece, brier))
            arr = np.array(per_seed)
            ll = float(np.mean(train_ll))
            rows.append({
                "model": name, "hidden": h, "n_params": n_params, "train_loglik": ll,
                "aic": -2 * ll + 2 * n_params, "bic": -2 * ll + np.log(n) * n_params,
                "cv_deviance": arr[:, 0].mean(), "cv_deviance_se": arr[:, 1].mean(),
                "cv_accuracy": arr[:, 2].mean(), "cv_accuracy_se": arr[:, 3].mean(),
                "seed_sd_deviance": arr[:, 0].std(ddof=1) if len(arr) > 1 else 0.0,
                "ece": arr[:, 4].mean(), "brier": arr[:, 5].mean(),
                "separated_folds": int(sum(r["separated"] for r in runs
                                           if r["model"] == name)),
            })
    finally:
        if bar is not None:
            bar.close()
    return ModelComparison(pd.DataFrame(rows), pd.DataFrame(runs), n, title)

