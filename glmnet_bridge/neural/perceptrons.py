"""Single units: the perceptron, the sigmoid neuron and the NAND gate they compute.

Neuron (σ(w·x + b)), Perceptron (its step version), nand and cheese_festival, chapter 1's examples.
"""

from __future__ import annotations

import numpy as np

from ..core.activations import get_activation

__all__ = ["Neuron", "Perceptron", "nand", "cheese_festival"]


def _inputs(x, n_weights):
    x = np.asarray(x, dtype=float)
    if x.ndim not in (1, 2) or x.shape[-1] != n_weights:
        raise ValueError(
            f"expected an input of length {n_weights} or a matrix with {n_weights} columns "
            f"(one row per example), got shape {x.shape}"
        )
    return x


class Neuron:
    """A neuron: output σ(w·x + b).

    Parameters
    ----------
    weights : array_like, shape (p,)
        The weights w (in GLM terms the coefficients β).
    bias : float
        The bias b (the intercept; b = −threshold).
    activation : str or Activation, default "logistic"
        σ, the inverse link (see :func:`glmnet_bridge.get_activation`).

    Examples
    --------
    >>> Neuron([1.0, -1.0], 0.5)([2.0, 1.0])  # σ(1.5)
    0.8175744761936437
    """

    def __init__(self, weights, bias, activation="logistic"):
        self.weights = np.atleast_1d(np.asarray(weights, dtype=float))
        if self.weights.ndim != 1:
            raise ValueError("weights must be a vector, one weight per input")
        self.bias = float(bias)
        self.activation = get_activation(activation)

    def z(self, x):
        """Return the weighted input z = w·x + b (the linear predictor η)."""
        return _inputs(x, self.weights.size) @ self.weights + self.bias

    def __call__(self, x):
        """Return σ(w·x + b): a float for one input, an array for a matrix of rows."""
        out = self.activation(self.z(x))
        return float(out) if np.ndim(out) == 0 else out

    def scaled(self, c):
        """Return the same neuron with weights and bias multiplied by ``c``."""
        return type(self)(c * self.weights, c * self.bias, self.activation)

    def __repr__(self):
        return (f"{type(self).__name__}(weights={self.weights.tolist()}, bias={self.bias:g}, "
                f"activation={self.activation.name!r})")


class Perceptron(Neuron):
    """A perceptron: output 1 if w·x + b > 0, else 0 (the seed's equation (2)).

    Parameters
    ----------
    weights : array_like, shape (p,)
        The weights w.
    bias : float
        The bias b = −threshold.

    Examples
    --------
    >>> Perceptron(weights=[-2, -2], bias=3)([1, 1])  # NAND
    0
    """

    def __init__(self, weights, bias, activation="step"):
        if get_activation(activation).name != "step":
            raise ValueError("a perceptron's activation is the step function; use Neuron")
        super().__init__(weights, bias, "step")

    @classmethod
    def from_threshold(cls, weights, threshold):
        """Build the perceptron that fires when Σ w_j x_j > threshold (bias = −threshold)."""
        return cls(weights, -float(threshold))

    @property
    def threshold(self):
        """Return the threshold, −b."""
        return -self.bias

    def __call__(self, x):
        """Return 1 where w·x + b > 0 and 0 elsewhere: an int, or an int array for rows."""
        out = (self.z(x) > 0).astype(int)
        return int(out) if np.ndim(out) == 0 else out

    def scaled(self, c):  # noqa: D102 - documented on Neuron
        return type(self)(c * self.weights, c * self.bias)


def cheese_festival(weather, partner, transit, threshold=5):
    """Decide whether to go to the cheese festival, as the seed's perceptron does.

    Weights 6 (good weather), 2 (partner comes) and 2 (near public transit).
    With threshold 5 the decision is "go exactly when the weather is good";
    with threshold 3 it is "good weather, or both partner and transit".

    Parameters
    ----------
    weather, partner, transit : int or array_like of 0/1
        The three binary factors.
    threshold : float, default 5

    Returns
    -------
    int or numpy.ndarray
        1 to go, 0 to stay home.
    """
    x = np.column_stack([np.atleast_1d(weather), np.atleast_1d(partner), np.atleast_1d(transit)])
    out = Perceptron.from_threshold([6, 2, 2], threshold)(x)
    return int(out[0]) if np.ndim(weather) == 0 else out


NAND_WEIGHTS = (-2.0, -2.0)
NAND_BIAS = 3.0


def nand(x1, x2):
    """Return NAND(x1, x2) computed by the perceptron with weights (−2, −2) and bias 3.

    Works elementwise on arrays of 0/1.
    """
    x = np.column_stack([np.atleast_1d(x1), np.atleast_1d(x2)])
    out = Perceptron(NAND_WEIGHTS, NAND_BIAS)(x)
    return int(out[0]) if np.ndim(x1) == 0 and np.ndim(x2) == 0 else out
