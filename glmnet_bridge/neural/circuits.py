"""Circuits of units wired by name, and the adders built from NAND perceptrons alone.

Unit and Circuit (a feed-forward network), half_adder, full_adder, adder_circuit and add.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..core.activations import Activation, get_activation
from .perceptrons import NAND_BIAS, NAND_WEIGHTS

__all__ = ["Unit", "Circuit", "half_adder_circuit", "adder_circuit", "half_adder", "full_adder",
           "add"]


@dataclass(frozen=True)
class Unit:
    """One unit of a :class:`Circuit`: z = Σ_k w_k·value(inputs[k]) + bias."""

    name: str
    inputs: tuple
    weights: tuple
    bias: float


@dataclass
class Circuit:
    """A feed-forward network of units wired by name, evaluated in the order given.

    Parameters
    ----------
    inputs : tuple of str
        Names of the circuit's inputs.
    units : list of Unit
        Units in an order where every unit's inputs come before it.
    outputs : tuple of str
        Names of the units (or inputs) read as the circuit's outputs.
    activation : str or Activation, default "step"
        σ of every unit: "step" makes a perceptron network.
    """

    inputs: tuple
    units: list
    outputs: tuple
    activation: Activation | str = "step"
    _act: Activation = field(init=False, repr=False)

    def __post_init__(self):
        self._act = get_activation(self.activation)
        known = set(self.inputs)
        for u in self.units:
            missing = [i for i in u.inputs if i not in known]
            if missing:
                raise ValueError(f"unit {u.name!r} reads {missing} before they are computed")
            if len(u.inputs) != len(u.weights):
                raise ValueError(f"unit {u.name!r} has {len(u.inputs)} inputs but "
                                 f"{len(u.weights)} weights")
            known.add(u.name)

    def scaled(self, c):
        """Return the circuit with every weight and bias multiplied by ``c``."""
        units = [Unit(u.name, u.inputs, tuple(c * w for w in u.weights), c * u.bias)
                 for u in self.units]
        return Circuit(self.inputs, units, self.outputs, self._act)

    def with_activation(self, activation):
        """Return the same wiring with another activation (e.g. sigmoid for step)."""
        return Circuit(self.inputs, list(self.units), self.outputs, activation)

    def evaluate(self, x, *, return_z=False):
        """Evaluate the circuit on one input or on rows of inputs.

        Parameters
        ----------
        x : array_like, shape (n_inputs,) or (n, n_inputs)
        return_z : bool, default False
            Also return every unit's weighted input z (to check z ≠ 0).

        Returns
        -------
        numpy.ndarray, shape (n, n_outputs)
            The outputs; with ``return_z``, also a dict unit name → z.
        """
        x = np.atleast_2d(np.asarray(x, dtype=float))
        if x.shape[1] != len(self.inputs):
            raise ValueError(f"the circuit has {len(self.inputs)} inputs {self.inputs}, "
                             f"got {x.shape[1]} columns")
        values = {name: x[:, j] for j, name in enumerate(self.inputs)}
        zs = {}
        for u in self.units:
            z = np.full(x.shape[0], float(u.bias))
            for name, w in zip(u.inputs, u.weights, strict=True):
                z = z + w * values[name]
            zs[u.name] = z
            values[u.name] = self._act(z)
        out = np.column_stack([values[o] for o in self.outputs])
        return (out, zs) if return_z else out

    def __call__(self, x):
        """Return the outputs for rows of inputs (see :meth:`evaluate`)."""
        return self.evaluate(x)


def _nand_unit(name, a, b):
    return Unit(name, (a, b), NAND_WEIGHTS, NAND_BIAS)


def half_adder_circuit():
    """Return the seed's half adder: four NAND perceptrons, outputs (sum, carry).

    The carry unit reads the first NAND twice (weight −2 twice, i.e. −4 once).
    """
    units = [
        _nand_unit("n1", "x1", "x2"),
        _nand_unit("n2", "x1", "n1"),
        _nand_unit("n3", "x2", "n1"),
        _nand_unit("sum", "n2", "n3"),
        _nand_unit("carry", "n1", "n1"),
    ]
    return Circuit(("x1", "x2"), units, ("sum", "carry"))


def _full_adder_units(a, b, c, prefix, sum_name, carry_name):
    p = prefix
    return [
        _nand_unit(p + "t1", a, b),
        _nand_unit(p + "t2", a, p + "t1"),
        _nand_unit(p + "t3", b, p + "t1"),
        _nand_unit(p + "xor", p + "t2", p + "t3"),
        _nand_unit(p + "t4", p + "xor", c),
        _nand_unit(p + "t5", p + "xor", p + "t4"),
        _nand_unit(p + "t6", c, p + "t4"),
        _nand_unit(sum_name, p + "t5", p + "t6"),
        _nand_unit(carry_name, p + "t1", p + "t4"),
    ]


def adder_circuit(n_bits):
    """Return an n-bit ripple-carry adder built only from NAND perceptrons.

    Inputs are ``a0 … a{n-1}, b0 … b{n-1}`` (least significant bit first);
    outputs are ``s0 … s{n}``, the last being the final carry.
    """
    if int(n_bits) < 1:
        raise ValueError("n_bits must be at least 1")
    n = int(n_bits)
    inputs = tuple(f"a{i}" for i in range(n)) + tuple(f"b{i}" for i in range(n))
    # The first carry-in is a constant 0, itself made of NANDs:
    # NAND(a, NAND(a, a)) = NAND(a, ¬a) = 1, and NAND(1, 1) = 0.
    units = [_nand_unit("not_a0", "a0", "a0"), _nand_unit("one", "a0", "not_a0"),
             _nand_unit("zero", "one", "one")]
    carry = "zero"
    for i in range(n):
        nxt = f"s{n}" if i == n - 1 else f"c{i + 1}"
        units += _full_adder_units(f"a{i}", f"b{i}", carry, f"fa{i}_", f"s{i}", nxt)
        carry = nxt
    return Circuit(inputs, units, tuple(f"s{i}" for i in range(n + 1)))


def half_adder(x1, x2):
    """Add two bits with the seed's circuit of NAND perceptrons.

    Parameters
    ----------
    x1, x2 : int or array_like of 0/1

    Returns
    -------
    tuple
        ``(sum, carry)``: x1 ⊕ x2 and x1·x2 (ints, or int arrays for array input).
    """
    out = half_adder_circuit()(np.column_stack([np.atleast_1d(x1), np.atleast_1d(x2)]))
    out = out.astype(int)
    if np.ndim(x1) == 0 and np.ndim(x2) == 0:
        return int(out[0, 0]), int(out[0, 1])
    return out[:, 0], out[:, 1]


def full_adder(x1, x2, carry_in):
    """Add three bits with nine NAND perceptrons; return ``(sum, carry_out)``."""
    units = _full_adder_units("x1", "x2", "cin", "", "sum", "carry")
    circuit = Circuit(("x1", "x2", "cin"), units, ("sum", "carry"))
    out = circuit(np.column_stack([np.atleast_1d(v) for v in (x1, x2, carry_in)])).astype(int)
    if all(np.ndim(v) == 0 for v in (x1, x2, carry_in)):
        return int(out[0, 0]), int(out[0, 1])
    return out[:, 0], out[:, 1]


def add(a, b, n_bits=8):
    """Add non-negative integers with :func:`adder_circuit` (NAND perceptrons only).

    Parameters
    ----------
    a, b : int or array_like of int
        Each in ``[0, 2**n_bits)``.
    n_bits : int, default 8

    Returns
    -------
    int or numpy.ndarray
        a + b, read off the circuit's n_bits + 1 output bits.
    """
    a_arr, b_arr = np.atleast_1d(a).astype(np.int64), np.atleast_1d(b).astype(np.int64)
    for name, v in (("a", a_arr), ("b", b_arr)):
        if np.any(v < 0) or np.any(v >= 2 ** n_bits):
            raise ValueError(f"{name} must lie in [0, 2**{n_bits}) for an {n_bits}-bit adder")
    shifts = np.arange(n_bits)
    bits = np.hstack([(a_arr[:, None] >> shifts) & 1, (b_arr[:, None] >> shifts) & 1])
    out = adder_circuit(n_bits)(bits).astype(np.int64)
    total = out @ (1 << np.arange(n_bits + 1))
    return int(total[0]) if np.ndim(a) == 0 and np.ndim(b) == 0 else total
