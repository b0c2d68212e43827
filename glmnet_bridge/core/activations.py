"""Activation functions σ, each the inverse link g⁻¹ of a generalised linear model.

One small, uniform protocol (as statsmodels' links): value, derivative, name, link.
"""

from __future__ import annotations

import numpy as np
from scipy import special

__all__ = ["Activation", "get_activation", "ACTIVATIONS", "BINARY_ACTIVATIONS"]

_LOG_SQRT_2PI = 0.5 * np.log(2.0 * np.pi)
# exp() overflows above log(max float) ≈ 709.78; clipping there keeps |z| = 1000 warning-free.
_EXP_MAX = 709.0


def _link(name):
    # statsmodels is imported on first use: it takes most of a second to load.
    from statsmodels.genmod.families import links

    return getattr(links, name)()


def _exp(z):
    return np.exp(np.minimum(z, _EXP_MAX))


def _asfloat(z):
    return np.asarray(z, dtype=float)


class Activation:
    """A neuron's activation σ(z), z = w·x + b; in GLM terms the inverse link.

    Subclasses give the value and the derivative. Activations that are
    distribution functions (outputs in (0, 1)) also give the pieces of the
    Bernoulli log-likelihood, in stable log form: ``log_cdf`` = log σ(z),
    ``log_sf`` = log(1 − σ(z)), ``dlog_pdf`` = σ''(z)/σ'(z) and the two
    ratios ``dlog_cdf`` = σ'/σ = (log σ)' and ``hazard`` = σ'/(1 − σ) = −(log(1 − σ))'
    (the inverse Mills ratios of the probit).

    Attributes
    ----------
    name : str
        The activation's name, as accepted by :func:`get_activation`.
    link : statsmodels.genmod.families.links.Link or None
        The statsmodels link whose ``inverse`` is this activation (None for step).
    is_cdf : bool
        True when σ is a distribution function, so the neuron models P(y = 1).
    is_multiclass : bool
        True for the softmax: K outputs, a categorical outcome.
    """

    name: str = ""
    is_cdf: bool = False
    is_multiclass: bool = False
    #: False when σ and 1 − σ are not both log-concave: the Bernoulli likelihood can then
    #: have several local maxima (the Cauchy CDF's tails are too heavy).
    log_concave: bool = True

    @property
    def link(self):
        """Return the statsmodels link object g with g⁻¹ = σ (None if there is none)."""
        return None

    def __call__(self, z):
        """Return σ(z) elementwise."""
        raise NotImplementedError

    def derivative(self, z):
        """Return σ'(z) elementwise."""
        raise NotImplementedError

    def second_derivative(self, z):
        """Return σ''(z) elementwise."""
        return self.derivative(z) * self.dlog_pdf(z)

    def log_cdf(self, z):
        """Return log σ(z), accurate in both tails."""
        raise self._not_binary()

    def log_sf(self, z):
        """Return log(1 − σ(z)), accurate in both tails."""
        raise self._not_binary()

    def dlog_pdf(self, z):
        """Return σ''(z) / σ'(z), the derivative of log σ'(z)."""
        raise self._not_binary()

    def log_pdf(self, z):
        """Return log σ'(z)."""
        return np.log(self.derivative(z))

    def dlog_cdf(self, z):
        """Return σ'(z) / σ(z)."""
        return np.exp(self.log_pdf(z) - self.log_cdf(z))

    def hazard(self, z):
        """Return σ'(z) / (1 − σ(z))."""
        return np.exp(self.log_pdf(z) - self.log_sf(z))

    def _not_binary(self):
        return TypeError(
            f"activation {self.name!r} is not a distribution function, so it does not "
            "define a Bernoulli likelihood; use one of " + ", ".join(BINARY_ACTIVATIONS)
        )

    def __repr__(self):
        return f"Activation({self.name!r})"


class Logistic(Activation):
    """σ(z) = 1 / (1 + e^(−z)): the sigmoid neuron, logistic regression's inverse logit."""

    name = "logistic"
    is_cdf = True

    @property
    def link(self):
        return _link("Logit")

    def __call__(self, z):
        return special.expit(_asfloat(z))

    def derivative(self, z):
        z = _asfloat(z)
        return special.expit(z) * special.expit(-z)

    def log_cdf(self, z):
        return -np.logaddexp(0.0, -_asfloat(z))

    def log_sf(self, z):
        return -np.logaddexp(0.0, _asfloat(z))

    def log_pdf(self, z):
        return self.log_cdf(z) + self.log_sf(z)

    def dlog_pdf(self, z):
        return -np.tanh(0.5 * _asfloat(z))

    def dlog_cdf(self, z):
        return special.expit(-_asfloat(z))

    def hazard(self, z):
        return special.expit(_asfloat(z))


class Probit(Activation):
    """σ(z) = Φ(z), the standard normal CDF: the probit model."""

    name = "probit"
    is_cdf = True

    @property
    def link(self):
        return _link("Probit")

    def __call__(self, z):
        return special.ndtr(_asfloat(z))

    def derivative(self, z):
        return np.exp(self.log_pdf(z))

    def log_pdf(self, z):
        z = _asfloat(z)
        return -0.5 * z * z - _LOG_SQRT_2PI

    def log_cdf(self, z):
        return special.log_ndtr(_asfloat(z))

    def log_sf(self, z):
        return special.log_ndtr(-_asfloat(z))

    def dlog_pdf(self, z):
        return -_asfloat(z)


class Cauchit(Activation):
    """σ(z) = 1/2 + arctan(z)/π, the standard Cauchy CDF: the cauchit model."""

    name = "cauchit"
    is_cdf = True
    log_concave = False

    @property
    def link(self):
        return _link("Cauchy")

    def __call__(self, z):
        # arctan2(1, −z)/π equals 1/2 + arctan(z)/π without cancellation in the left tail.
        return np.arctan2(1.0, -_asfloat(z)) / np.pi

    def derivative(self, z):
        z = _asfloat(z)
        return 1.0 / (np.pi * (1.0 + z * z))

    def log_pdf(self, z):
        z = _asfloat(z)
        return -np.log(np.pi) - np.log1p(z * z)

    def log_cdf(self, z):
        return np.log(self(z))

    def log_sf(self, z):
        return np.log(self(-_asfloat(z)))

    def dlog_pdf(self, z):
        z = _asfloat(z)
        return -2.0 * z / (1.0 + z * z)


class CLogLog(Activation):
    """σ(z) = 1 − exp(−e^z): the complementary log-log model (Gumbel-minimum CDF)."""

    name = "cloglog"
    is_cdf = True

    @property
    def link(self):
        return _link("CLogLog")

    def __call__(self, z):
        return -np.expm1(-_exp(_asfloat(z)))

    def derivative(self, z):
        return np.exp(self.log_pdf(z))

    def log_pdf(self, z):
        z = _asfloat(z)
        return np.minimum(z, _EXP_MAX) - _exp(z)

    def log_cdf(self, z):
        z = _asfloat(z)
        u = _exp(z)
        out = np.empty_like(u)
        # For e^z < 1e-13, log(1 − e^(−u)) = z − u/2 + O(u²) to the last bit, and the
        # direct form would take log(0) once u underflows (z < −745).
        tail = z < -30.0
        out[tail] = z[tail] - 0.5 * u[tail]
        out[~tail] = np.log(-np.expm1(-u[~tail]))
        return out

    def log_sf(self, z):
        return -_exp(_asfloat(z))

    def dlog_pdf(self, z):
        return 1.0 - _exp(_asfloat(z))

    def hazard(self, z):
        # σ'/(1 − σ) = e^z exactly; the generic log form cancels catastrophically.
        return _exp(_asfloat(z))


class LogLog(Activation):
    """σ(z) = exp(−e^(−z)): the log-log model (Gumbel-maximum CDF), cloglog reflected."""

    name = "loglog"
    is_cdf = True
    _mirror = CLogLog()

    @property
    def link(self):
        return _link("LogLog")

    def __call__(self, z):
        return np.exp(self._mirror.log_sf(-_asfloat(z)))

    def derivative(self, z):
        return self._mirror.derivative(-_asfloat(z))

    def log_pdf(self, z):
        return self._mirror.log_pdf(-_asfloat(z))

    def log_cdf(self, z):
        return self._mirror.log_sf(-_asfloat(z))

    def log_sf(self, z):
        return self._mirror.log_cdf(-_asfloat(z))

    def dlog_pdf(self, z):
        return -self._mirror.dlog_pdf(-_asfloat(z))

    def dlog_cdf(self, z):
        return self._mirror.hazard(-_asfloat(z))

    def hazard(self, z):
        return self._mirror.dlog_cdf(-_asfloat(z))


class Identity(Activation):
    """σ(z) = z: a linear neuron, the Gaussian GLM (ordinary least squares)."""

    name = "identity"

    @property
    def link(self):
        return _link("Identity")

    def __call__(self, z):
        return _asfloat(z).copy()

    def derivative(self, z):
        return np.ones_like(_asfloat(z))

    def second_derivative(self, z):
        return np.zeros_like(_asfloat(z))


class Exp(Activation):
    """σ(z) = e^z: the Poisson GLM's inverse log link."""

    name = "exp"

    @property
    def link(self):
        return _link("Log")

    def __call__(self, z):
        return _exp(_asfloat(z))

    def derivative(self, z):
        return _exp(_asfloat(z))

    def second_derivative(self, z):
        return _exp(_asfloat(z))


class Step(Activation):
    """σ(z) = 1 if z > 0 else 0: the perceptron, the limit of σ(c·z) as c → ∞.

    It has no GLM link: its derivative is 0 wherever it exists, so it cannot be
    fitted by likelihood or gradient methods.
    """

    name = "step"

    def __call__(self, z):
        return (_asfloat(z) > 0).astype(float)

    def derivative(self, z):
        return np.zeros_like(_asfloat(z))

    def second_derivative(self, z):
        return np.zeros_like(_asfloat(z))


class Softmax(Activation):
    """σ(z)_k = e^(z_k) / Σ_j e^(z_j): a softmax output layer, multinomial logit's inverse link.

    With K categories the GLM fixes z = 0 for the reference category and fits
    z_k = x·w_k + b_k for the other K − 1 (statsmodels' ``MNLogit``); there is no
    statsmodels link object for it, so ``link`` is None. ``__call__`` takes the K
    inputs of a row (the last axis); :meth:`probabilities` takes the K − 1 of the
    non-reference categories.
    """

    name = "softmax"
    is_multiclass = True

    def __call__(self, z):
        return special.softmax(_asfloat(z), axis=-1)

    def probabilities(self, z):
        """Return the K category probabilities from the K − 1 non-reference inputs z."""
        z = np.atleast_2d(_asfloat(z))
        return special.softmax(np.column_stack([np.zeros(len(z)), z]), axis=-1)

    def derivative(self, z):
        """Return the Jacobian ∂σ_k/∂z_j = σ_k(δ_kj − σ_j), shape (..., K, K)."""
        s = self(z)
        return s[..., :, None] * (np.eye(s.shape[-1]) - s[..., None, :])

    def second_derivative(self, z):
        raise TypeError("the softmax is vector-valued: use derivative() for its Jacobian")


ACTIVATIONS = {
    a.name: a for a in (Logistic(), Probit(), Cauchit(), CLogLog(), LogLog(), Identity(), Exp(),
                        Softmax(), Step())
}
BINARY_ACTIVATIONS = tuple(name for name, a in ACTIVATIONS.items() if a.is_cdf)
_ALIASES = {"sigmoid": "logistic", "logit": "logistic", "normal": "probit", "cauchy": "cauchit",
            "linear": "identity", "log": "exp", "heaviside": "step", "perceptron": "step"}


def get_activation(name) -> Activation:
    """Return the activation called ``name`` (an :class:`Activation` passes through).

    Parameters
    ----------
    name : str or Activation
        One of logistic (alias sigmoid), probit, cauchit, cloglog, loglog,
        identity, exp, softmax or step.

    Returns
    -------
    Activation

    Raises
    ------
    ValueError
        If the name is unknown; the message lists the valid names.
    """
    if isinstance(name, Activation):
        return name
    key = str(name).strip().lower()
    key = _ALIASES.get(key, key)
    if key not in ACTIVATIONS:
        raise ValueError(
            f"unknown activation {name!r}; valid names are: " + ", ".join(ACTIVATIONS)
            + " (aliases: " + ", ".join(f"{a}→{b}" for a, b in _ALIASES.items()) + ")"
        )
    return ACTIVATIONS[key]
