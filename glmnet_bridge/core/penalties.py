"""One penalty, many spellings: glmnet's elastic net, its per-parameter weights and conversions.

Every penalised fit here minimises glmnet's objective

    F(w, b) = −loglik(w, b)/n + lam·Σ_j v_j·((1 − alpha)/2·w_j² + alpha·|w_j|),

n = Σ frequency weights, bias b unpenalised, v_j the penalty factors (1 by default).
:class:`Penalty` owns (lam, alpha, v, standardisation); the functions below translate
other packages' parameters (Nielsen, statsmodels, scikit-learn, R's nnet) to it and back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..exceptions import DataError

__all__ = ["Penalty", "PenaltyWeights", "penalty_value", "from_nielsen", "to_nielsen",
           "from_statsmodels", "to_statsmodels", "from_sklearn", "to_sklearn", "from_nnet",
           "to_nnet"]


@dataclass(frozen=True)
class PenaltyWeights:
    """The penalty spread over the parameters: Σ_j (l1_j·|β_j| + l2_j/2·β_j²).

    What the solvers see: per-parameter weights on the scale of the mean cost (0 for
    an unpenalised bias), so that no column is ever rescaled.
    """

    l1: np.ndarray
    l2: np.ndarray

    def value(self, beta):
        """Return Σ_j (l2_j/2·β_j² + l1_j·|β_j|)."""
        return float(np.sum(0.5 * self.l2 * beta * beta + self.l1 * np.abs(beta)))

    @property
    def smooth(self):
        """Return True when there is no L1 part (a ridge or no penalty)."""
        return not np.any(self.l1 > 0)


@dataclass(frozen=True)
class Penalty:
    """glmnet's elastic-net penalty lam·Σ_j v_j·((1 − alpha)/2·w_j² + alpha·|w_j|).

    Parameters
    ----------
    lam : float, default 0.0
        glmnet's λ ≥ 0, on the scale of the mean cost −loglik/n.
    alpha : float, default 0.0
        Mixing, 0 ≤ alpha ≤ 1: 0 ridge (weight decay), 1 lasso.
    factors : array_like, optional
        glmnet's ``penalty.factor`` v_j ≥ 0 per weight (0 leaves a weight unpenalised),
        rescaled as glmnet does to sum to the number of weights.
    standardize : bool, default False
        Penalise w_j·s_j, s_j the population SD of column j (glmnet's default is True);
        weights stay on the original scale.
    penalize_bias : bool, default False
        Penalise the bias as a weight (R's nnet ``decay`` does; glmnet never does).
    ridge_scale : float, default 1.0
        Divides the ridge part: R's glmnet fits a Gaussian model on y/sd(y) with λ/sd(y),
        so its ridge term is in effect lam·(1 − alpha)/sd(y) (see ``glmnet_gaussian``).
    """

    lam: float = 0.0
    alpha: float = 0.0
    factors: tuple | None = None
    standardize: bool = False
    penalize_bias: bool = False
    ridge_scale: float = 1.0

    def __post_init__(self):
        lam, alpha = float(self.lam), float(self.alpha)
        if not (np.isfinite(lam) and lam >= 0):
            raise DataError(f"lam must be a finite number ≥ 0, got {self.lam!r}")
        if not (np.isfinite(alpha) and 0 <= alpha <= 1):
            raise DataError(f"alpha must satisfy 0 ≤ alpha ≤ 1 (0 ridge, 1 lasso), "
                             f"got {self.alpha!r}")
        object.__setattr__(self, "lam", lam)
        object.__setattr__(self, "alpha", alpha)
        if self.factors is not None:
            v = np.asarray(self.factors, dtype=float).ravel()
            if not np.all(np.isfinite(v)) or np.any(v < 0):
                raise DataError("penalty factors must be finite and non-negative")
            if not np.any(v > 0):
                raise DataError("at least one penalty factor must be positive")
            # glmnet rescales the factors to sum to the number of weights (its vp·ni/Σvp):
            # λ then means the same whatever their overall size.
            v = v * (v.size / v.sum())
            object.__setattr__(self, "factors", tuple(v.tolist()))

    @property
    def active(self):
        """Return True when the penalty is not zero (lam > 0)."""
        return self.lam > 0

    @property
    def is_lasso(self):
        """Return True when the penalty has an L1 part (alpha > 0, lam > 0)."""
        return self.active and self.alpha > 0

    def weights(self, k, intercept, scale=None):
        """Spread (lam, alpha) over k parameters for the solvers.

        With standardisation glmnet penalises the coefficients of columns divided by
        their SD s_j; on the original scale that is l1_j = lam·alpha·v_j·s_j and
        l2_j = lam·(1 − alpha)·v_j·s_j², so no column is ever rescaled.

        Parameters
        ----------
        k : int
            Number of parameters (bias first when ``intercept``).
        intercept : bool
        scale : array_like, optional
            s_j for the weights (length k − intercept); required when ``standardize``.

        Returns
        -------
        PenaltyWeights
        """
        m = k - int(intercept)
        if self.standardize and scale is None:
            raise ValueError("a standardised penalty needs the column SDs (scale=)")
        s = np.ones(m) if scale is None or not self.standardize else \
            np.asarray(scale, dtype=float)
        v = np.ones(m) if self.factors is None else np.asarray(self.factors, dtype=float)
        if s.shape != (m,) or v.shape != (m,):
            raise ValueError(f"penalty factors and scales need {m} values, one per weight")
        l1 = self.lam * self.alpha * v * s
        l2 = self.lam * (1 - self.alpha) * v * s * s / self.ridge_scale
        if intercept:
            bias = self.lam if self.penalize_bias else 0.0
            l1 = np.r_[bias * self.alpha, l1]
            l2 = np.r_[bias * (1 - self.alpha) / self.ridge_scale, l2]
        return PenaltyWeights(l1, l2)

    def at(self, lam):
        """Return the same penalty at another λ (a path's points)."""
        return Penalty(lam, self.alpha, self.factors, self.standardize, self.penalize_bias,
                       self.ridge_scale)

    def value(self, w):
        """Return the penalty of the weights w (no bias), on the scale of the mean cost."""
        w = np.asarray(w, dtype=float)
        v = np.ones_like(w) if self.factors is None else np.asarray(self.factors)
        ridge = 0.5 * (1 - self.alpha) / self.ridge_scale * w * w
        return float(self.lam * np.sum(v * (ridge + self.alpha * np.abs(w))))

    # ------------------------------------------------------------ other spellings
    @classmethod
    def from_nielsen(cls, lmbda, n, kind="l2"):
        """Return the penalty of Nielsen's λ on n training rows (see :func:`from_nielsen`)."""
        return cls(**from_nielsen(lmbda, n, kind))

    @classmethod
    def from_sklearn(cls, C, n, l1_ratio=0.0):
        """Return the penalty of scikit-learn's ``C`` on n rows (see :func:`from_sklearn`)."""
        return cls(**from_sklearn(C, l1_ratio, n=n))

    @classmethod
    def from_statsmodels(cls, alpha, L1_wt=1.0, n=None, model="GLM"):
        """Return the penalty of statsmodels' ``fit_regularized`` (see :func:`from_statsmodels`)."""
        return cls(**from_statsmodels(alpha, L1_wt, n=n, model=model))

    @classmethod
    def from_nnet(cls, decay, n):
        """Return the penalty of R nnet's ``decay`` on n rows (bias penalised)."""
        return cls(**from_nnet(decay, n))

    def to_nielsen(self, n):
        """Return Nielsen's λ and kind for n training rows (alpha 0 or 1)."""
        return to_nielsen(self.lam, self.alpha, n)

    def to_sklearn(self, n):
        """Return scikit-learn's ``C`` and ``l1_ratio`` for n training rows."""
        return to_sklearn(self.lam, self.alpha, n)

    def to_statsmodels(self, k, n=None, model="GLM", intercept=True):
        """Return statsmodels' ``fit_regularized`` arguments (see :func:`to_statsmodels`)."""
        return to_statsmodels(self.lam, self.alpha, k, n=n, model=model, intercept=intercept)

    def to_nnet(self, n):
        """Return R nnet's ``decay`` for n rows (a ridge with the bias penalised)."""
        if self.alpha != 0 or not self.penalize_bias:
            raise ValueError("nnet's decay is a ridge on every weight and bias: needs "
                             "alpha=0 and penalize_bias=True")
        return to_nnet(self.lam, n)

    def describe(self):
        """Return the penalty in one line, e.g. ``lam=0.05, alpha=1 (lasso)``."""
        kind = "lasso" if self.alpha == 1 else "ridge" if self.alpha == 0 else "elastic net"
        return f"lam={self.lam:.4g}, alpha={self.alpha:g} ({kind})"


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


def from_sklearn(C, l1_ratio=0.0, *, n):
    """Convert scikit-learn's ``LogisticRegression(C, l1_ratio)`` to glmnet's (lam, alpha).

    scikit-learn minimises C·Σ loss_i + (1 − l1_ratio)/2·‖w‖² + l1_ratio·‖w‖₁; dividing
    by C·n gives glmnet's objective with lam = 1/(C·n) and alpha = l1_ratio.

    Parameters
    ----------
    C : float
        Inverse regularisation strength.
    l1_ratio : float, default 0.0
    n : int
        The number of training rows (the sum of ``sample_weight`` when given): required,
        since scikit-learn sums the loss where glmnet averages it.

    Returns
    -------
    dict
    """
    if not n or n <= 0:
        raise ValueError("from_sklearn needs n, the number of training rows")
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
