"""Network: chapter 1's feed-forward network, trained by mini-batch SGD and backpropagation.

A mini-batch is one matrix (rows are examples); the equations of backpropagation are in the code.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import special

from ..core.activations import get_activation
from ..core.costs import get_cost
from ..core.penalties import Penalty
from ..exceptions import DataError

__all__ = ["Network", "NETWORK_COSTS"]

NETWORK_COSTS = ("quadratic", "cross_entropy", "log_likelihood")


def _softmax(Z):
    return special.softmax(Z, axis=1)


class Network:
    """A fully connected feed-forward network, as in chapter 1 (``network.py``), vectorised.

    Layer l computes z = a·Wᵀ + b and a = σ(z), for a mini-batch of rows a at once.

    Parameters
    ----------
    sizes : sequence of int
        Neurons per layer, input layer first, e.g. ``[784, 30, 10]``.
    activation : str, default "sigmoid"
        σ of the hidden layers (any activation of :func:`glmnet_bridge.get_activation`
        but step).
    output : str, optional
        σ of the output layer: an activation name or "softmax". Default: "softmax"
        with the log-likelihood cost, else the hidden activation.
    cost : {"quadratic", "cross_entropy", "log_likelihood"}, default "quadratic"
        Chapter 1's quadratic cost, the cross-entropy, or the log-likelihood
        −ln a_y (with a softmax output: multinomial logit's likelihood).
    init : {"normal", "scaled"}, default "normal"
        Weights N(0, 1) (chapter 1), or N(0, 1/n_in); biases N(0, 1) either way.
    seed : int or numpy.random.Generator, default 0
        Seeds the initial weights and the shuffling of every epoch.
    dtype : {"float64", "float32"}, default "float64"

    Attributes
    ----------
    weights : list of numpy.ndarray
        ``weights[l]`` has shape (sizes[l+1], sizes[l]).
    biases : list of numpy.ndarray
        ``biases[l]`` has shape (sizes[l+1],).
    history : pandas.DataFrame or None
        Per epoch, after :meth:`fit`: cost, training and validation accuracy.

    Notes
    -----
    Weight decay follows Nielsen: w ← (1 − η·λ/n)·w − (η/m)·Σ∇C_x, biases not
    decayed. It minimises C + (λ/2n)·Σw², glmnet's ridge with λ_glmnet = λ/n
    (for the cross-entropy cost, whose C is −loglik/n).
    """

    def __init__(self, sizes, activation="sigmoid", output=None, cost="quadratic",
                 init="normal", seed=0, dtype="float64"):
        sizes = [int(s) for s in sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"sizes needs at least an input and an output layer, got {sizes}")
        if cost not in NETWORK_COSTS:
            raise ValueError(f"unknown cost {cost!r}; valid names are: "
                             + ", ".join(NETWORK_COSTS))
        if init not in ("normal", "scaled"):
            raise ValueError("init must be 'normal' or 'scaled'")
        self.sizes, self.cost, self.init = sizes, cost, init
        self.hidden = get_activation(activation)
        if self.hidden.name == "step":
            raise ValueError("the step activation has zero gradient: it cannot be trained")
        if output is None:
            output = "softmax" if cost == "log_likelihood" else self.hidden.name
        self.output = output if output == "softmax" else get_activation(output).name
        if cost == "log_likelihood" and self.output != "softmax":
            raise ValueError("the log-likelihood cost needs a softmax output layer")
        if self.output == "softmax" and cost != "log_likelihood":
            raise ValueError("a softmax output layer goes with cost='log_likelihood'")
        if cost == "cross_entropy" and not get_activation(self.output).is_cdf:
            raise ValueError(f"the cross-entropy cost needs outputs in (0, 1); "
                             f"{self.output!r} is not a distribution function")
        self._cost = (None if self.output == "softmax"
                      else get_cost(cost, get_activation(self.output)))
        self.dtype = np.dtype(dtype)
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.weights, self.biases = [], []
        for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
            scale = 1.0 if init == "normal" else 1.0 / np.sqrt(n_in)
            self.weights.append((self.rng.standard_normal((n_out, n_in)) * scale)
                                .astype(self.dtype))
            self.biases.append(self.rng.standard_normal(n_out).astype(self.dtype))
        self.history = None

    # ------------------------------------------------------------------ forward
    def _out_act(self):
        return None if self.output == "softmax" else get_activation(self.output)

    def _forward(self, X):
        """Return the weighted inputs zs and activations as of every layer."""
        a = X
        zs, acts = [], [a]
        last = len(self.weights) - 1
        for layer, (W, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            z = a @ W.T + b
            if layer < last:
                a = self.hidden(z)
            else:
                a = _softmax(z) if self.output == "softmax" else self._out_act()(z)
            zs.append(z)
            acts.append(a.astype(self.dtype, copy=False))
        return zs, acts

    def feedforward(self, X):
        """Return the output layer's activations for rows of inputs (network.py's name)."""
        X = self._inputs(X)
        return self._forward(X)[1][-1]

    def predict_proba(self, X):
        """Return class probabilities, rows summing to 1.

        A softmax output layer gives them as they are. Several σ outputs are one score per
        class, not a distribution: they are divided by their row sum here (``feedforward``
        gives them raw). A single output is P(y = 1).
        """
        a = self.feedforward(X)
        if self.output == "softmax" or a.shape[1] == 1:
            return a
        return a / np.clip(a.sum(axis=1, keepdims=True), np.finfo(float).tiny, None)

    def predict(self, X):
        """Return the predicted class: argmax of the outputs, or a > 0.5 for one output."""
        a = self.feedforward(X)
        if a.shape[1] == 1:
            return (a[:, 0] > 0.5).astype(int)
        return np.argmax(a, axis=1)

    def score(self, X, y):
        """Return the accuracy: the share of rows whose prediction equals the label."""
        labels = self._labels(y)
        return float(np.mean(self.predict(X) == labels))

    # ------------------------------------------------------------------ data at the boundary
    def _inputs(self, X, what="X"):
        X = X.to_numpy() if isinstance(X, pd.DataFrame) else X
        try:
            X = np.asarray(X, dtype=self.dtype)
        except (TypeError, ValueError) as err:
            raise DataError(f"{what} must be numbers (one row per example): {err}") from None
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            raise DataError(f"{what} must have {self.sizes[0]} columns (one row per example), "
                            f"got shape {X.shape}")
        if not np.isfinite(X).all():
            r, c = np.argwhere(~np.isfinite(X))[0]
            raise DataError(f"{what} has missing or infinite values (first at row {r}, column "
                            f"{c}); drop or impute them first")
        return X

    def _targets(self, y, n, what="y"):
        """Return one-hot (or 0/1) target rows: the one format used inside."""
        y = np.asarray(y.to_numpy() if isinstance(y, (pd.Series, pd.DataFrame)) else y)
        k = self.sizes[-1]
        if y.ndim == 0 or y.shape[0] != n:
            raise DataError(f"X has {n} rows but {what} has "
                            f"{y.shape[0] if y.ndim else 'a single value'}")
        if y.ndim == 2 and y.shape[1] > 1:
            if y.shape[1] != k:
                raise DataError(f"{what} has one-hot rows of length {y.shape[1]}, but the "
                                f"network has {k} output{'s' if k > 1 else ''} "
                                f"(sizes {self.sizes}); give rows of length {k}, or labels "
                                f"0..{k - 1}")
            return self._numbers(y, what).astype(self.dtype)
        if y.ndim > 2:
            raise DataError(f"{what} must be labels (1-d) or one-hot rows (2-d), got shape "
                            f"{y.shape}")
        y = self._numbers(y.reshape(-1), what)
        if k == 1:
            if not np.all(np.isfinite(y)):
                raise DataError(f"{what} has missing or infinite values")
            return y.astype(self.dtype)[:, None]
        if not np.all(np.isfinite(y)) or not np.all(np.equal(np.mod(y, 1), 0)) \
                or y.min() < 0 or y.max() >= k:
            raise DataError(f"{what}: labels must be integers 0..{k - 1} (or one-hot rows of "
                            f"length {k}); recode other labels first (e.g. "
                            "pd.Categorical(y).codes)")
        Y = np.zeros((n, k), dtype=self.dtype)
        Y[np.arange(n), y.astype(int)] = 1.0
        return Y

    @staticmethod
    def _numbers(y, what):
        """Return y as floats, or say that labels must be numbers (strings are refused)."""
        try:
            return np.asarray(y, dtype=float)
        except (TypeError, ValueError):
            labels = pd.Series(np.ravel(y))
            first = labels[pd.to_numeric(labels, errors="coerce").isna()].iloc[0]
            raise DataError(f"{what} holds non-numeric labels (such as {first!r}); a network "
                            "takes integer labels 0..k-1 or one-hot rows: recode them first "
                            "(e.g. codes = pd.Categorical(y).codes)") from None

    def _labels(self, y):
        y = np.asarray(y.to_numpy() if isinstance(y, (pd.Series, pd.DataFrame)) else y)
        if y.ndim == 2 and y.shape[1] > 1:
            return np.argmax(y, axis=1)
        y = self._numbers(y.reshape(-1), "y")
        return (y > 0.5).astype(int) if self.sizes[-1] == 1 else y.astype(int)

    # ------------------------------------------------------------------ cost and gradient
    def cost_value(self, X, y, lmbda=0.0):
        """Return the mean cost C over the rows, plus (λ/2n)·Σw² when λ > 0."""
        X = self._inputs(X)
        Y = self._targets(y, X.shape[0])
        zs, _ = self._forward(X)
        return self._mean_cost(zs[-1], Y, lmbda, X.shape[0])

    def _mean_cost(self, Z, Y, lmbda, n_train):
        Z, Y = Z.astype(float), Y.astype(float)
        if self.cost == "log_likelihood":
            c = special.logsumexp(Z, axis=1) - np.sum(Y * Z, axis=1)
        else:
            c = self._cost.terms(Y, Z).sum(axis=1)
        decay = Penalty.from_nielsen(lmbda, n_train)
        return float(np.mean(c)) + sum(decay.value(W.ravel()) for W in self.weights)

    def _output_delta(self, Z, A, Y):
        """δ^L = ∂c/∂z^L, the output error (backpropagation's equation BP1)."""
        if self.cost == "log_likelihood" or (self.cost == "cross_entropy"
                                             and self.output == "logistic"):
            return A - Y  # softmax + log-likelihood, sigmoid + cross-entropy: σ' cancels
        if self.cost == "quadratic" and self.output == "logistic":
            return (A - Y) * A * (1 - A)
        return self._cost.dz(Y, Z).astype(self.dtype)

    def _hidden_derivative(self, Z, A):
        if self.hidden.name == "logistic":
            return A * (1 - A)
        return self.hidden.derivative(Z).astype(self.dtype, copy=False)

    def backprop(self, X, Y):
        """Return the gradients (∂C/∂W, ∂C/∂b) per layer, summed over the rows of a batch.

        The four equations of backpropagation, a mini-batch at a time:
        δ^L = ∇_a C ⊙ σ'(z^L); δ^l = (δ^{l+1} W^{l+1}) ⊙ σ'(z^l);
        ∂C/∂b^l = Σ_rows δ^l; ∂C/∂W^l = (δ^l)ᵀ a^{l−1}.
        """
        zs, acts = self._forward(X)
        nabla_w = [None] * len(self.weights)
        nabla_b = [None] * len(self.biases)
        delta = self._output_delta(zs[-1], acts[-1], Y)
        for layer in range(len(self.weights) - 1, -1, -1):
            nabla_w[layer] = delta.T @ acts[layer]
            nabla_b[layer] = delta.sum(axis=0)
            if layer:
                delta = (delta @ self.weights[layer]) * self._hidden_derivative(
                    zs[layer - 1], acts[layer])
        return nabla_w, nabla_b

    # ------------------------------------------------------------------ training
    def _sgd_epoch(self, X, Y, order, m, eta, decay):
        """One epoch of mini-batch SGD: the hot loop, cut to the calls it needs."""
        W, B = self.weights, self.biases
        last = len(W) - 1
        hidden, out = self.hidden, self._out_act()
        sig = self.hidden.name == "logistic"
        lr = self.dtype.type(eta / m)  # Nielsen: a short last batch also moves by η/m per row
        shrink = self.dtype.type(decay)
        for s in range(0, X.shape[0], m):
            idx = order[s:s + m]
            a = X[idx]
            acts, zs = [a], []
            for layer in range(last + 1):
                z = a @ W[layer].T
                z += B[layer]
                if layer < last:
                    a = special.expit(z) if sig else hidden(z).astype(self.dtype, copy=False)
                elif self.output == "softmax":
                    a = _softmax(z)
                else:
                    a = out(z).astype(self.dtype, copy=False)
                zs.append(z)
                acts.append(a)
            delta = self._output_delta(zs[-1], a, Y[idx])
            delta *= lr
            for layer in range(last, -1, -1):
                grad_w = delta.T @ acts[layer]
                grad_b = delta.sum(axis=0)
                if layer:
                    back = delta @ W[layer]
                    ah = acts[layer]
                    back *= (ah * (1 - ah)) if sig else self._hidden_derivative(zs[layer - 1],
                                                                                   ah)
                if decay != 1.0:
                    W[layer] *= shrink
                W[layer] -= grad_w
                B[layer] -= grad_b
                if layer:
                    delta = back

    def _metrics(self, X, Y, labels, lmbda, n_train):
        zs, acts = self._forward(X)
        A = acts[-1]
        pred = (A[:, 0] > 0.5).astype(int) if A.shape[1] == 1 else np.argmax(A, axis=1)
        return self._mean_cost(zs[-1], Y, lmbda, n_train), float(np.mean(pred == labels))

    def fit(self, X, y, epochs=30, batch_size=10, eta=3.0, lmbda=0.0, validation_data=None,
            verbose=True):
        """Train by mini-batch stochastic gradient descent (Nielsen's ``SGD``).

        Each epoch shuffles the rows with the network's seeded generator, then
        steps once per mini-batch of m rows: w ← (1 − ηλ/n)·w − (η/m)·Σ∇C_x,
        b ← b − (η/m)·Σ∇C_x.

        Parameters
        ----------
        X : array_like, shape (n, sizes[0])
        y : array_like
            Integer labels 0..k−1, one-hot rows, or 0/1 for a single output.
        epochs : int, default 30
        batch_size : int, default 10
        eta : float, default 3.0
            The learning rate η.
        lmbda : float, default 0.0
            L2 weight decay λ (Nielsen's convention; glmnet's λ is λ/n).
        validation_data : tuple (X_val, y_val), optional
            Scored after every epoch.
        verbose : bool, default True
            Show a progress bar over the epochs.

        Returns
        -------
        pandas.DataFrame
            Per epoch: ``cost``, ``train_accuracy`` and, with validation data,
            ``validation_cost`` and ``validation_accuracy``. Also kept as ``history``.
        """
        X = self._inputs(X)
        n = X.shape[0]
        Y = self._targets(y, n)
        labels = self._labels(y)
        val = None
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
                raise DataError("validation_data must be a pair (X_val, y_val)")
            Xv = self._inputs(validation_data[0], "validation X")
            val = (Xv, self._targets(validation_data[1], Xv.shape[0], "validation y"),
                   self._labels(validation_data[1]))
        if not (np.all(np.isfinite([batch_size, epochs, eta, lmbda])) and int(batch_size) >= 1
                and int(epochs) >= 0 and eta > 0 and lmbda >= 0):
            raise DataError(f"need batch_size ≥ 1, epochs ≥ 0, eta > 0 and lmbda ≥ 0, all finite "
                            f"(got {batch_size}, {epochs}, {eta}, {lmbda})")
        # Nielsen's weight decay is glmnet's ridge with lam = λ/n: w ← (1 − η·lam)·w − η·∇C.
        decay = 1.0 - eta * Penalty.from_nielsen(lmbda, n).lam
        rows = []
        bar = None
        if verbose:
            from tqdm.auto import tqdm

            bar = tqdm(total=int(epochs), desc=f"Network {self.sizes}", leave=False)
        try:
            for epoch in range(1, int(epochs) + 1):
                order = self.rng.permutation(n)
                with np.errstate(over="ignore", invalid="ignore"):
                    self._sgd_epoch(X, Y, order, int(batch_size), eta, decay)
                if not all(np.isfinite(W).all() for W in self.weights):
                    raise FloatingPointError(
                        f"training diverged in epoch {epoch} (η = {eta}); lower eta")
                cost, acc = self._metrics(X, Y, labels, lmbda, n)
                row = {"epoch": epoch, "cost": cost, "train_accuracy": acc}
                if val is not None:
                    vc, va = self._metrics(*val, lmbda, n)
                    row.update(validation_cost=vc, validation_accuracy=va)
                rows.append(row)
                if bar is not None:
                    bar.update()
                    bar.set_postfix(acc=f"{acc:.3f}", **(
                        {"val": f"{row['validation_accuracy']:.3f}"} if val else {}))
        finally:
            if bar is not None:
                bar.close()
        self.history = pd.DataFrame(rows).set_index("epoch") if rows else pd.DataFrame()
        return self.history

    # ------------------------------------------------------------------ the bridge
    @property
    def glm_params(self):
        """Return a ``[p, 1]`` network's parameters as a GLM's: (bias, weights).

        :meth:`glmnet_bridge.NeuronModel.read_network` reads them with GLM names and
        standard errors.
        """
        if len(self.sizes) != 2 or self.sizes[1] != 1:
            raise ValueError("only a network with no hidden layer and one output is a GLM; "
                             f"this one has sizes {self.sizes}")
        return np.r_[float(self.biases[0][0]), self.weights[0][0].astype(float)]

    # ------------------------------------------------------------------ persistence
    def save(self, path):
        """Save to ``.npz``: arrays ``W0, b0, W1, b1, …`` and ``config`` (JSON of the settings)."""
        config = {"sizes": self.sizes, "activation": self.hidden.name, "output": self.output,
                  "cost": self.cost, "init": self.init, "dtype": self.dtype.name,
                  "format": "glmnet_bridge.Network/1"}
        arrays = {f"W{i}": W for i, W in enumerate(self.weights)}
        arrays.update({f"b{i}": b for i, b in enumerate(self.biases)})
        np.savez(Path(path), config=np.array(json.dumps(config)), **arrays)

    @classmethod
    def load(cls, path):
        """Load a network written by :meth:`save`."""
        with np.load(Path(path), allow_pickle=False) as f:
            config = json.loads(str(f["config"]))
            net = cls(config["sizes"], activation=config["activation"],
                      output=config["output"], cost=config["cost"], init=config["init"],
                      dtype=config["dtype"])
            net.weights = [f[f"W{i}"] for i in range(len(net.sizes) - 1)]
            net.biases = [f[f"b{i}"] for i in range(len(net.sizes) - 1)]
        return net

    def __repr__(self):
        return (f"Network({self.sizes}, activation={self.hidden.name!r}, "
                f"output={self.output!r}, cost={self.cost!r})")
