"""The network's way of fitting one neuron: full-batch and mini-batch gradient descent.

w ← w − η·∇C on standardised inputs, with the history of every epoch.
"""

from __future__ import annotations

import numpy as np

from .result import SolverResult

__all__ = ["gradient_descent"]

_GROWTH_SHARE = 0.5  # mini-batches grow from m to n over this share of the epochs


def _standardised(engine, intercept):
    """Return maps between β and b, the weights of centred, SD-scaled inputs, and T'.

    β = T·b: w_j = b_j/s_j and, with a bias, b_0 − Σ_j w_j·c_j. The gradient in b is
    T'·∇β, so the descent runs on the standardised scale while the engine sees β.
    """
    center, scale = engine.column_moments()
    scale = np.where(scale > 0, scale, 1.0)
    if not intercept:
        center = np.zeros_like(center)
    off = int(intercept)

    def to_original(b):
        w = b.copy()
        w[off:] = b[off:] / scale
        if intercept:
            w[0] = b[0] - np.sum(w[1:] * center)
        return w

    def to_standard(w):
        b = w.copy()
        b[off:] = w[off:] * scale
        if intercept:
            b[0] = w[0] + np.sum(w[1:] * center)
        return b

    def grad_b(g):
        out = g.copy()
        out[off:] = (g[off:] - (g[0] * center if intercept else 0.0)) / scale
        return out

    k = len(scale) + off
    T = np.column_stack([to_original(e) for e in np.eye(k)])
    return to_original, to_standard, grad_b, T


def _batch_rows(m, n, epoch, epochs):
    """Rows per mini-batch in this epoch: m at the first, n from _GROWTH_SHARE on."""
    share = (epoch - 1) / max(_GROWTH_SHARE * (epochs - 1), 1.0)
    return min(n, int(round(m * (n / m) ** min(share, 1.0)))) if m < n else n


def gradient_descent(engine, beta0, *, epochs=5000, eta=None, batch_size=None,
                     tol=1e-9, seed=0, progress=None):
    """Fit by gradient descent, the network way: w ← w − η·∇C, C the mean cost.

    Full-batch (``batch_size=None``, "gd") or mini-batch ("sgd", Nielsen's
    ``SGD``): each epoch shuffles the rows with the seeded generator and steps
    once per mini-batch of m rows, w ← w − (η/m)·Σ_batch ∇c. A short last batch
    is still divided by m, so one epoch moves by η·∇C whatever n mod m is (dividing
    by its own size, as network.py does, would weight its rows more and move the
    fixed point). Inputs are centred and scaled internally (weights are returned
    on the original scale), which changes the path, not the optimum.

    Mini-batches grow geometrically from m rows to all n over the first half of
    the epochs, at a constant η ("don't decay the learning rate, increase the batch
    size": Smith, Kindermans, Ying & Le, ICLR 2018). Early epochs are Nielsen's noisy
    SGD; as batches grow the noise, and the bias it causes, shrink to nothing, and
    the last half is full-batch descent to the exact MLE. (Decaying η instead leaves
    an error ∝ 1/(epochs·smallest curvature): 6e-2 for the cauchit neuron on the
    Spector data after 5,000 epochs.)

    Parameters
    ----------
    engine
        The data and cost (an engine: the descent never touches X itself).
    beta0 : numpy.ndarray
        Starting values.
    epochs : int, default 5000
        Passes over the data.
    eta : float, optional
        Learning rate η; by default 1/L for full batches and 0.3/L for mini-batches,
        L the largest eigenvalue of the expected Hessian of C at the start (on the
        standardised scale).
    batch_size : int, optional
        First mini-batch size m (it grows to n, see above); None for full-batch
        gradient descent.
    tol : float, default 1e-9
        Full batch: stop when max |∂C/∂w_j| ≤ tol (standardised scale); a mini-batch
        schedule runs all its epochs and counts as converged if it ends there.
    seed : int or numpy.random.Generator, default 0
        Seeds the shuffling.
    progress : callable, optional
        Called once per epoch with no arguments (e.g. a tqdm ``update``).

    Returns
    -------
    SolverResult
        ``costs`` and ``betas`` hold the total cost and β after every epoch.
    """
    to_original, to_standard, grad_b, T = _standardised(engine, engine.intercept)
    total = engine.total_weight
    b = to_standard(np.array(beta0, dtype=float))
    if eta is None:
        _, _, F = engine.evaluate(to_original(b), order=2, expected=True)
        L = max(np.linalg.eigvalsh(T.T @ F @ T / total)[-1], 1e-12)
        eta = (1.0 if batch_size is None else 0.3) / L
    rng = np.random.default_rng(seed)
    # Mini-batches are drawn as rows; a frequency weight multiplies a row's gradient.
    step_scale = total / engine.n
    c0, _, _ = engine.evaluate(to_original(b), order=0)
    costs, betas = [c0], [to_original(b)]
    converged = False
    message = (f"stopped after {epochs} epochs" if batch_size is None
               else f"ran the fixed schedule of {epochs} epochs")
    epoch = 0
    for epoch in range(1, epochs + 1):
        if batch_size is None:
            c, g, _ = engine.evaluate(to_original(b), order=1)
            g = grad_b(g)
            if np.max(np.abs(g)) / total <= tol:
                converged, message = True, "gradient below tolerance"
                epoch -= 1
                break
            b = b - eta * g / total
        else:
            m = _batch_rows(batch_size, engine.n, epoch, epochs)
            rate = eta / (m * step_scale)
            # A learning rate that is too large sends b to ±inf within an epoch; that
            # is reported once, below, instead of as a flood of overflow warnings.
            with np.errstate(over="ignore", invalid="ignore"):
                if m >= engine.n:
                    _, g, _ = engine.evaluate(to_original(b), order=1, value=False)
                    b = b - rate * grad_b(g)
                else:
                    order = rng.permutation(engine.n)
                    for s in range(0, engine.n, m):
                        batch = engine.rows(order[s:s + m])
                        _, g, _ = batch.evaluate(to_original(b), order=1, value=False)
                        b = b - rate * grad_b(g)
            if not np.all(np.isfinite(b)):
                raise FloatingPointError(
                    f"gradient descent diverged at epoch {epoch} (learning rate η = {eta:.3g});"
                    " pass a smaller eta"
                )
        c, _, _ = engine.evaluate(to_original(b), order=0)
        costs.append(c)
        betas.append(to_original(b))
        if progress is not None:
            progress()
        if not np.isfinite(c) or not np.all(np.isfinite(b)):
            raise FloatingPointError(
                f"gradient descent diverged at epoch {epoch} (learning rate η = {eta:.3g}); "
                "pass a smaller eta"
            )
    if batch_size is not None:
        # A schedule has no stopping rule of its own; the fit converged if it ended where
        # the full-data gradient vanishes (to the full-batch rule's tolerance).
        _, g, _ = engine.evaluate(to_original(b), order=1, value=False)
        gmax = float(np.max(np.abs(grad_b(g)))) / total
        converged = gmax <= max(tol, 1e-8)
        message += (f"; the full gradient at the end is {gmax:.1e}: "
                    + ("a stationary point, the optimum" if converged
                       else "not yet at the optimum (more epochs or a larger eta)"))
    return SolverResult(to_original(b), converged, epoch, message, costs, betas)
