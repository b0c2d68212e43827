"""Costs C of a neuron with output a = σ(z), z = w·x + b, and their derivatives in z.

Each cost is a sum over examples c(y, z); the network mean is C = Σ c / n.
The cross-entropy cost is the Bernoulli negative log-likelihood: C = −loglik/n.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from .activations import Activation

__all__ = ["Cost", "CrossEntropy", "LogisticCrossEntropy", "Poisson", "Quadratic", "Gaussian",
           "Multinomial", "get_cost", "default_cost", "COSTS"]


class Cost:
    """A per-example cost c(y, z) of a neuron with activation σ.

    Subclasses give the terms and their first two derivatives in z, which is
    all a Newton, gradient or stochastic-gradient solver needs.
    """

    name = ""
    #: True when minimising the cost is maximum likelihood.
    is_likelihood = False
    #: The GLM family the cost is the likelihood of ("binomial", "poisson", "gaussian").
    family = None

    #: What an outcome must be, in words (for error messages).
    outcome_rule = ""

    def valid_outcome(self, y):
        """Return a boolean mask: which outcomes this cost accepts."""
        return np.ones(np.shape(y), dtype=bool)

    def loglik(self, y, z, f):
        """Return the full log-likelihood Σ f_i·ℓ_i, constants included (as statsmodels)."""
        raise TypeError(f"the {self.name} cost of a {self.activation.name} neuron is not a "
                        "likelihood")

    def deviance(self, y, z, f):
        """Return the deviance 2·(loglik of the saturated model − loglik)."""
        raise TypeError(f"the {self.name} cost of a {self.activation.name} neuron is not a "
                        "likelihood")

    def __init__(self, activation: Activation):
        self.activation = activation

    def terms(self, y, z):
        """Return c(y_i, z_i) for every example."""
        raise NotImplementedError

    def dz(self, y, z):
        """Return ∂c/∂z for every example."""
        raise NotImplementedError

    def d2z(self, y, z, expected=False):
        """Return ∂²c/∂z² (``expected=True``: its expectation under the model)."""
        raise NotImplementedError

    def derivatives(self, y, z, order=2, expected=False, value=True):
        """Return (c, ∂c/∂z, ∂²c/∂z²) in one call, None for what is not asked.

        Subclasses may share work between the three (the sigmoid's σ(z)).
        """
        return (self.terms(y, z) if value else None,
                self.dz(y, z) if order >= 1 else None,
                self.d2z(y, z, expected) if order >= 2 else None)

    def value(self, y, z, weights=None):
        """Return the mean cost C = Σ w_i c_i / Σ w_i."""
        t = self.terms(y, z)
        return float(np.average(t, weights=weights))

    def __repr__(self):
        return f"{type(self).__name__}({self.activation.name!r})"


class CrossEntropy(Cost):
    """c = −[y log σ(z) + (1 − y) log(1 − σ(z))]: the Bernoulli negative log-likelihood.

    With a sigmoid σ this is logistic regression; with Φ, probit. Written with
    the log-CDF and inverse Mills ratios of σ, so it is exact in both tails.
    """

    name = "cross_entropy"
    is_likelihood = True
    family = "binomial"

    def __init__(self, activation: Activation):
        if not activation.is_cdf:
            raise ValueError(
                f"the cross-entropy cost needs outputs in (0, 1); activation "
                f"{activation.name!r} is not a distribution function"
            )
        super().__init__(activation)

    outcome_rule = "must be 0 or 1"

    def valid_outcome(self, y):
        return (y == 0) | (y == 1)

    def loglik(self, y, z, f):
        return -float(f @ self.terms(y, z))

    def deviance(self, y, z, f):
        # The saturated model fits each y exactly: its cross-entropy is the entropy of y,
        # 0 for a 0/1 outcome, > 0 for a proportion (successes / trials).
        with np.errstate(divide="ignore", invalid="ignore"):
            ent = -(np.where(y > 0, y * np.log(y), 0.0)
                    + np.where(y < 1, (1 - y) * np.log1p(-y), 0.0))
        return 2.0 * float(f @ (self.terms(y, z) - ent))

    def terms(self, y, z):
        a = self.activation
        # log σ and log(1 − σ) are finite for every finite z (see activations), so
        # 0·log(...) never meets −inf.
        return -(y * a.log_cdf(z) + (1 - y) * a.log_sf(z))

    def dz(self, y, z):
        a = self.activation
        return -(y * a.dlog_cdf(z) - (1 - y) * a.hazard(z))

    def d2z(self, y, z, expected=False):
        a = self.activation
        m1, m0 = a.dlog_cdf(z), a.hazard(z)
        if expected:
            # Fisher information per example: σ'² / (σ(1 − σ)) = m1·m0.
            return m1 * m0
        g = a.dlog_pdf(z)
        return -(y * m1 * (g - m1) - (1 - y) * m0 * (g + m0))


class LogisticCrossEntropy(CrossEntropy):
    """The cross-entropy of the sigmoid neuron, in the canonical link's short forms.

    c = log(1 + e^z) − y·z, ∂c/∂z = σ(z) − y and ∂²c/∂z² = σ(z)(1 − σ(z)), observed and
    expected alike: one transcendental function per example instead of four.
    """

    def terms(self, y, z):
        return np.logaddexp(0.0, z) - y * z

    def dz(self, y, z):
        return special.expit(z) - y

    def d2z(self, y, z, expected=False):
        mu = special.expit(z)
        return mu * (1.0 - mu)

    def derivatives(self, y, z, order=2, expected=False, value=True):
        # From e = exp(−z), which numpy evaluates in SIMD (faster than
        # scipy's expit): σ = 1/(1 + e) and σ(1 − σ) = e·σ², accurate in both tails. e
        # overflows to inf only below z ≈ −709, where σ = 0 and σ(1 − σ) = 0.
        # The cost is c = log1p(e^−|z|) + max(z, 0) − y·z: no cancellation for y = 0 or 1.
        with np.errstate(over="ignore"):
            e = np.exp(-z)
        mu = np.reciprocal(e + 1.0)
        c = d2 = None
        if value:
            c = np.maximum(z, 0.0)
            c -= y * z  # exactly 0 when y = 1, z > 0 or y = 0, z < 0
            with np.errstate(divide="ignore", over="ignore"):
                t = np.minimum(e, np.reciprocal(e))  # e^−|z|, from e alone
            c += np.log1p(t)
        if order >= 2:
            with np.errstate(invalid="ignore"):
                d2 = e * mu
                d2 *= mu
            if np.max(e, initial=0.0) == np.inf:
                d2[np.isinf(e)] = 0.0
        return c, (mu - y if order >= 1 else None), d2


class Poisson(Cost):
    """c = e^z − y·z: the Poisson negative log-likelihood (less log y!) of an exp neuron.

    The exp activation is the Poisson GLM's canonical inverse link, so
    ∂c/∂z = e^z − y and ∂²c/∂z² = e^z, observed and expected alike.
    """

    name = "poisson"
    is_likelihood = True
    family = "poisson"

    def __init__(self, activation: Activation):
        if activation.name != "exp":
            raise ValueError("the Poisson cost goes with the exp activation (the log link)")
        super().__init__(activation)

    outcome_rule = "must be a non-negative count"

    def valid_outcome(self, y):
        return y >= 0

    def terms(self, y, z):
        return self.activation(z) - y * z

    def dz(self, y, z):
        return self.activation(z) - y

    def d2z(self, y, z, expected=False):
        return self.activation(z)

    def loglik(self, y, z, f):
        return -float(f @ (self.terms(y, z) + special.gammaln(y + 1.0)))

    def deviance(self, y, z, f):
        mu = self.activation(z)
        with np.errstate(divide="ignore", invalid="ignore"):
            ylog = np.where(y > 0, y * np.log(y / mu), 0.0)
        return 2.0 * float(f @ (ylog - (y - mu)))


class Quadratic(Cost):
    """c = ½ (y − σ(z))²: the chapter-1 cost; least squares, not the likelihood.

    With the identity activation it is OLS; with a sigmoid it is nonlinear least
    squares, a consistent but inefficient estimator of a logistic model.
    """

    name = "quadratic"

    def terms(self, y, z):
        r = y - self.activation(z)
        return 0.5 * r * r

    def dz(self, y, z):
        return -(y - self.activation(z)) * self.activation.derivative(z)

    def d2z(self, y, z, expected=False):
        d1 = self.activation.derivative(z)
        if expected:
            return d1 * d1  # Gauss-Newton: E[y − σ] = 0 under the model
        r = y - self.activation(z)
        return d1 * d1 - r * self.activation.second_derivative(z)


class Gaussian(Quadratic):
    """The quadratic cost of a linear (identity) neuron: least squares, which is the MLE.

    Its log-likelihood profiles out σ² (as statsmodels' OLS): −n/2·(log(2π·RSS/n) + 1).
    """

    is_likelihood = True
    family = "gaussian"

    def __init__(self, activation: Activation):
        if activation.name != "identity":
            raise ValueError("the Gaussian likelihood goes with the identity activation")
        super().__init__(activation)

    def terms(self, y, z):
        r = y - z
        return 0.5 * r * r

    def dz(self, y, z):
        return z - y

    def d2z(self, y, z, expected=False):
        return np.ones_like(z)

    def loglik(self, y, z, f):
        n = float(f.sum())
        rss = float(f @ (y - z) ** 2)
        return -0.5 * n * (np.log(2.0 * np.pi * rss / n) + 1.0)

    def deviance(self, y, z, f):
        return float(f @ (y - z) ** 2)


class Multinomial(Cost):
    """c = log Σ_k e^(z_k) − z_(y): the negative log-likelihood of a softmax layer.

    Multinomial logit (statsmodels ``MNLogit``): z = 0 for the reference category, so
    a row's m = K − 1 inputs z_1 … z_m are its non-reference categories'. The outcome
    is given as the m indicator columns Y. The softmax is the canonical link: observed
    and expected information coincide.

    Parameters
    ----------
    activation : Activation
        The softmax.
    categories : int, default 2
        K, the number of categories.
    """

    name = "log_likelihood"
    is_likelihood = True
    family = "multinomial"
    outcome_rule = "must be one category per row"

    def __init__(self, activation: Activation, categories=2):
        if activation.name != "softmax":
            raise ValueError("the log-likelihood cost of a categorical outcome goes with the "
                             "softmax activation")
        if int(categories) < 2:
            raise ValueError("a multinomial outcome needs at least 2 categories")
        super().__init__(activation)
        self.categories = int(categories)
        self.outputs = self.categories - 1

    def _lse(self, Z):
        return np.logaddexp(0.0, special.logsumexp(Z, axis=1))

    def terms(self, y, z):
        return self._lse(z) - np.sum(y * z, axis=1)

    def derivatives(self, y, z, order=2, expected=False, value=True):
        """Return (c, ∂c/∂z, P): the terms, the (n, m) gradient P − Y and the probabilities.

        The Hessian of row i in z is diag(p_i) − p_i p_i', built from P by the engine.
        """
        lse = self._lse(z)
        c = lse - np.sum(y * z, axis=1) if value else None
        if order == 0:
            return c, None, None
        P = np.exp(z - lse[:, None])
        return c, P - y, P

    def dz(self, y, z):
        return self.derivatives(y, z, order=1, value=False)[1]

    def loglik(self, y, z, f):
        return -float(f @ self.terms(y, z))

    def deviance(self, y, z, f):
        # The saturated model puts probability 1 on each observed category: loglik 0.
        return 2.0 * float(f @ self.terms(y, z))


COSTS = {"cross_entropy": CrossEntropy, "quadratic": Quadratic, "poisson": Poisson,
         "log_likelihood": Multinomial}
_ALIASES = {"crossentropy": "cross_entropy", "cross-entropy": "cross_entropy",
            "log_loss": "cross_entropy", "bernoulli": "cross_entropy",
            "mse": "quadratic", "squared": "quadratic", "least_squares": "quadratic"}


def get_cost(name, activation: Activation) -> Cost:
    """Return the cost called ``name`` for a neuron with ``activation``.

    Parameters
    ----------
    name : str or Cost
        "cross_entropy", "quadratic", "poisson" or "log_likelihood" (softmax; a
        :class:`Cost` passes through). The quadratic cost of an identity neuron is the
        Gaussian likelihood (OLS).
    activation : Activation

    Returns
    -------
    Cost
    """
    if isinstance(name, Cost):
        return name
    key = str(name).strip().lower()
    key = _ALIASES.get(key, key)
    if key not in COSTS:
        raise ValueError(f"unknown cost {name!r}; valid names are: " + ", ".join(COSTS))
    if activation.is_multiclass != (key == "log_likelihood"):
        raise ValueError(f"the {key} cost does not go with the {activation.name} activation: "
                         "a softmax layer takes the log_likelihood cost (multinomial logit), "
                         "and the log_likelihood cost needs a softmax")
    if key == "cross_entropy" and activation.name == "logistic":
        return LogisticCrossEntropy(activation)
    if key == "quadratic" and activation.name == "identity":
        return Gaussian(activation)
    return COSTS[key](activation)


def default_cost(activation: Activation):
    """Return the likelihood that goes with an activation: its GLM's family."""
    if activation.is_multiclass:
        return "log_likelihood"
    if activation.is_cdf:
        return "cross_entropy"
    if activation.name == "exp":
        return "poisson"
    if activation.name == "identity":
        return "quadratic"
    raise ValueError(f"activation {activation.name!r} has no likelihood to fit (the step "
                     "function's derivative is 0)")
