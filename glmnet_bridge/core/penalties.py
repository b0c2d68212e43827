"""One penalty, many spellings: glmnet's elastic net and its conversions.

Every penalised fit here minimises glmnet's objective

    F(w, b) = −loglik(w, b)/n + lam·Σ_j v_j·((1 − alpha)/2·w_j² + alpha·|w_j|),

n = Σ frequency weights, bias b unpenalised, v_j the penalty factors (1 by default).
The functions below translate other packages' parameters into (lam, alpha) and back.
"""

from __future__ import annotations

import numpy as np

__all__ = ["penalty_value", "from_nielsen", "to_nielsen", "from_statsmodels", "to_statsmodels",
           "from_sklearn", "to_sklearn", "from_nnet", "to_nnet"]


def penalty_value(w, lam, alpha, factors=None):
    """Return lam·Σ_j v_j·((1 − alpha)/2·w_j² + alpha·|w_j|).

    Parameters
    ----------
    w : array_like
        The penalised weights (no bias).
    lam, alpha : float
        glmnet's λ ≥ 0 and mixing 0 ≤ alpha ≤ 1 (0 ridge, 1 lasso).
    factors : array_like, optional
        Penalty factors v_j (glmnet's ``penalty.factor``).

    Returns
    -------
    float
    """
    w = np.asarray(w, dtype=float)
    v = np.ones_like(w) if factors is None else np.asarray(factors, dtype=float)
    return float(lam * np.sum(v * (0.5 * (1 - alpha) * w * w + alpha * np.abs(w))))


def from_nielsen(lmbda, n, kind="l2"):
    """Convert Nielsen's regularisation parameter to glmnet's (lam, alpha).

    Nielsen adds (λ/2n)·Σw² (weight decay, chapter 3) or (λ/n)·Σ|w| (L1) to a
    cost C₀ that, for the cross-entropy, is −loglik/n. So λ_glmnet = λ/n.

    Parameters
    ----------
    lmbda : float
        Nielsen's λ.
    n : int
        The size of the training set.
    kind : {"l2", "l1"}

    Returns
    -------
    dict
        ``{"lam": ..., "alpha": ...}``.
    """
    if kind not in ("l2", "l1"):
        raise ValueError("kind must be 'l2' or 'l1'")
    return {"lam": lmbda / n, "alpha": 0.0 if kind == "l2" else 1.0}


def to_nielsen(lam, alpha, n):
    """Convert glmnet's (lam, alpha), alpha 0 or 1, to Nielsen's λ (see :func:`from_nielsen`)."""
    if alpha not in (0, 1):
        raise ValueError("Nielsen's penalties are pure: alpha must be 0 (L2) or 1 (L1)")
    return {"lmbda": lam * n, "kind": "l2" if alpha == 0 else "l1"}


def from_statsmodels(alpha, L1_wt=1.0, n=None, model="GLM"):
    """Convert statsmodels' ``fit_regularized(alpha, L1_wt)`` to glmnet's (lam, alpha).

    ``GLM.fit_regularized(method="elastic_net")`` minimises
    −loglik/n + alpha·((1 − L1_wt)/2·‖β‖² + L1_wt·‖β‖₁): the same scale as glmnet,
    so lam = alpha and glmnet's alpha = L1_wt. Discrete models' ``fit_regularized``
    (``Logit``, ``Probit``; method "l1") minimise −loglik + alpha·‖β‖₁, not divided by
    n: lam = alpha/n (lasso only). statsmodels penalises the intercept too unless
    ``alpha`` is a vector with 0 in its place, which is what glmnet means.

    Parameters
    ----------
    alpha : float
        statsmodels' alpha (the weight of a non-intercept coefficient).
    L1_wt : float, default 1.0
    n : int, optional
        Needed for discrete models.
    model : {"GLM", "discrete"}

    Returns
    -------
    dict
    """
    if model == "GLM":
        return {"lam": float(alpha), "alpha": float(L1_wt)}
    if model == "discrete":
        if L1_wt != 1.0:
            raise ValueError("discrete models' fit_regularized is L1 only (L1_wt = 1)")
        if n is None:
            raise ValueError("discrete models do not divide the log-likelihood by n: give n")
        return {"lam": float(alpha) / n, "alpha": 1.0}
    raise ValueError("model must be 'GLM' or 'discrete'")


def to_statsmodels(lam, alpha, k, n=None, model="GLM", intercept=True):
    """Return statsmodels' ``fit_regularized`` arguments for glmnet's (lam, alpha).

    Parameters
    ----------
    lam, alpha : float
    k : int
        Number of parameters, intercept included.
    n : int, optional
        Needed for discrete models.
    model : {"GLM", "discrete"}
    intercept : bool, default True
        Whether parameter 0 is an (unpenalised) intercept.

    Returns
    -------
    dict
        ``alpha`` as a vector (0 for the intercept) and ``L1_wt``, ready for
        ``model.fit_regularized(**kwargs)``.
    """
    scale = lam if model == "GLM" else (lam * n if n is not None else None)
    if scale is None:
        raise ValueError("discrete models do not divide the log-likelihood by n: give n")
    if model == "discrete" and alpha != 1.0:
        raise ValueError("discrete models' fit_regularized is L1 only (alpha = 1)")
    vec = np.full(k, scale, dtype=float)
    if intercept:
        vec[0] = 0.0
    out = {"alpha": vec}
    if model == "GLM":
        out["L1_wt"] = float(alpha)
    return out


def from_sklearn(C, l1_ratio=0.0, n=1):
    """Convert scikit-learn's ``LogisticRegression(C, l1_ratio)`` to glmnet's (lam, alpha).

    scikit-learn minimises C·Σ loss_i + (1 − l1_ratio)/2·‖w‖² + l1_ratio·‖w‖₁; dividing
    by C·n gives glmnet's objective with lam = 1/(C·n) and alpha = l1_ratio.

    Parameters
    ----------
    C : float
        Inverse regularisation strength.
    l1_ratio : float, default 0.0
    n : int
        The number of training rows (the sum of ``sample_weight`` when given).

    Returns
    -------
    dict
    """
    return {"lam": 1.0 / (C * n), "alpha": float(l1_ratio)}


def to_sklearn(lam, alpha, n):
    """Return scikit-learn's ``C`` and ``l1_ratio`` for glmnet's (lam, alpha) (lam > 0)."""
    if lam <= 0:
        raise ValueError("scikit-learn cannot express lam = 0 through C (use C=np.inf)")
    return {"C": 1.0 / (lam * n), "l1_ratio": float(alpha)}


def from_nnet(decay, n):
    """Convert R nnet's ``decay`` to glmnet's (lam, alpha) — with the bias penalised.

    nnet minimises −loglik + decay·Σw² over every weight *and bias*, not divided by n:
    lam = 2·decay/n, alpha = 0, and ``penalize_bias=True`` (which glmnet never does).

    Parameters
    ----------
    decay : float
    n : int

    Returns
    -------
    dict
    """
    return {"lam": 2.0 * decay / n, "alpha": 0.0, "penalize_bias": True}


def to_nnet(lam, n):
    """Return nnet's ``decay`` for a ridge lam (the bias must be penalised as well)."""
    return {"decay": lam * n / 2.0}
