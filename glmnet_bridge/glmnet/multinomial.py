"""glmnet's multinomial family: a softmax layer with an elastic-net penalty, along λ.

The objective (K classes, intercepts a unpenalised, coefficients B p×K, columns
standardised by their weighted population SD when ``standardize``):

    −(1/W) Σ_i w_i log softmax(a + x_i·B)[y_i] + λ Σ_j v_j [α·pen1(B_j·) + (1 − α)/2·‖B_j·‖²],

pen1 = Σ_k |B_jk| (``type_multinomial="ungrouped"``) or ‖B_j·‖₂ ("grouped"). Every class
has its own coefficients (the symmetric parametrisation: no reference class); the
likelihood ignores a constant added to a row of B, so the penalty chooses the row, and
the intercepts are reported centred (they sum to 0), as R's ``coef()`` shows them.
See ``docs/multinomial.md``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..estimation.checks import categories
from ..estimation.design import design_matrix_for, label_design
from ..exceptions import DataError
from ..solvers.multinomial_path import multinomial_arrays, solve_multinomial_path
from .rvocab import coef_at, lambda_interp, path_table
from .start import blas_threads

__all__ = ["MultinomialPath", "multinomial_path", "prepare_multinomial"]

TYPES = ("ungrouped", "grouped")
MULTINOMIAL_TOL = 1e-7  # glmnet's default thresh: the path is then R's default path


def prepare_multinomial(X=None, y=None, *, formula=None, data=None, freq_weights=None,
                        fit_intercept=True):
    """Return (design, MultinomialArrays) for a categorical outcome, checked as the package does.

    The classes are the outcome's levels in R's factor order: a Categorical's own
    categories, else the sorted values. Numbers that are not whole (a continuous
    outcome) are refused, as is a class with fewer than two rows.
    """
    if formula is not None and not fit_intercept:
        raise DataError("fit_intercept=False applies to X and y; in a formula write "
                        "'- 1' to drop the intercept (e.g. \"y ~ x1 + x2 - 1\")")
    design, labels = label_design(formula, data, X, y, fit_intercept=fit_intercept,
                                  freq_weights=freq_weights)
    values = np.asarray(labels)
    if values.dtype.kind == "f" and np.any(values != np.round(values)):
        i = int(np.flatnonzero(values != np.round(values))[0])
        raise DataError(f"outcome {design.yname!r} holds the number {values[i]!r} (row "
                        f"{design.rows[i]!r}): a multinomial outcome is class labels "
                        "(strings, a Categorical or whole numbers), not a continuous value")
    if values.dtype.kind == "b":
        labels = values.astype(int)
    codes, levels = categories(labels)
    if np.any(design.freq_weights < 0):
        raise DataError("freq_weights must be non-negative")
    arr = multinomial_arrays(design.inputs, codes, levels, design.freq_weights,
                             design.names[int(design.intercept):], design.intercept)
    return design, arr


class MultinomialPath:
    """glmnet's multinomial path (made by :func:`multinomial_path`), named as R's ``multnet``.

    Attributes
    ----------
    lambdas : numpy.ndarray
    coefs : dict
        class → DataFrame, one row per λ (indexed by λ) and one column per term
        (``Intercept`` first), original scale: R's ``coef(fit)`` list, transposed.
    classes : list
        The classes in order (R's factor levels).
    df : numpy.ndarray
        Per λ, the variables nonzero in at least one class (R's ``df``).
    dfmat : pandas.DataFrame
        Per class and λ, its nonzero variables (R's ``dfmat``).
    dev_ratio, deviance : numpy.ndarray
    null_deviance : float
    alpha : float
    type_multinomial : str
    status, converged : numpy.ndarray
        Per λ, the solver's status (0 converged; 2 glmnet's "every probability 0 or 1",
        the path's last point; 4 ``kkt_tol`` not met) and whether it is 0.
    kkt : numpy.ndarray or None
        With ``kkt_tol``, each λ's largest KKT violation (in units of the standardised
        coefficient); None without.
    """

    activation = "softmax"
    kkt = None

    def __init__(self, lambdas, a0, beta, dev_ratio, null_deviance, alpha, design, classes,
                 type_multinomial, status, refit=None):
        self.lambdas = np.asarray(lambdas, dtype=float)
        self.classes = list(classes)
        self.design, self.alpha, self.type_multinomial = design, alpha, type_multinomial
        self._a0 = np.asarray(a0, dtype=float).reshape(len(self.lambdas), len(self.classes))
        self._beta = np.asarray(beta, dtype=float).reshape(len(self.lambdas), -1,
                                                             len(self.classes))
        self.dev_ratio = np.asarray(dev_ratio, dtype=float)
        self.null_deviance = float(null_deviance)
        self.deviance = (1.0 - self.dev_ratio) * self.null_deviance
        self.status = np.asarray(status)
        self.converged = self.status == 0
        self._refit = refit
        nz = self._beta != 0
        self.df = nz.any(axis=2).sum(axis=1)
        self.dfmat = pd.DataFrame(nz.sum(axis=1).T, index=self.classes,
                                  columns=pd.Index(self.lambdas, name="lambda"))
        names = list(design.names)
        idx = pd.Index(self.lambdas, name="lambda")
        self.coefs = {}
        for k, c in enumerate(self.classes):
            block = self._beta[:, :, k]
            if design.intercept:
                block = np.column_stack([self._a0[:, k], block])
            self.coefs[c] = pd.DataFrame(block, columns=names, index=idx)

    # ----------------------------------------------------------------- coefficients
    def _stacked(self):
        """Return the coefficients as (λ, term, class)."""
        if self.design.intercept:
            return np.concatenate([self._a0[:, None, :], self._beta], axis=1)
        return self._beta

    def _at(self, s, exact):
        lambda_interp(self.lambdas, s)  # refuses 'lambda.1se' and other non-numbers
        vals = np.atleast_1d(np.asarray(s, dtype=float))
        if exact and not np.all(np.isin(vals, self.lambdas)):
            if self._refit is None:
                raise ValueError("exact=True needs the data the path was fitted to; this path "
                                 "does not keep them: refit with multinomial_path(lambdas=...)")
            lams = np.unique(np.r_[vals, self.lambdas])[::-1]
            return self._refit(lams)._at(vals, False)
        C = self._stacked()
        m, t, K = C.shape
        got = coef_at(self.lambdas, C.reshape(m, t * K), vals).reshape(len(vals), t, K)
        return vals, got

    def coef(self, s=None, exact=False):
        """Return coefficients at λ = s, as R's ``coef(fit, s=, exact=)`` on a multnet.

        Parameters
        ----------
        s : float or array_like, optional
            λ values; between two λ of the path each class's coefficients are
            interpolated linearly in λ as R does. Default: every λ (``coefs``).
        exact : bool, default False
            Refit the path with s added to its λ (R's ``exact = TRUE``).

        Returns
        -------
        dict
            class → a Series over the terms for one s, else a DataFrame (one row per s).
        """
        if s is None:
            return self.coefs
        vals, got = self._at(s, exact)
        names = list(self.design.names)
        out = {}
        for k, c in enumerate(self.classes):
            frame = pd.DataFrame(got[:, :, k], columns=names,
                                 index=pd.Index(vals, name="lambda"))
            out[c] = frame.iloc[0] if np.ndim(s) == 0 else frame
        return out

    def coef_frame(self, s):
        """Return the coefficients at one λ as a DataFrame: terms × classes."""
        return pd.DataFrame({c: v for c, v in self.coef(float(s)).items()})

    def predict(self, newX, s=None, type="link", exact=False, offset=None):
        """Return predictions for new rows, as R's ``predict.multnet``.

        Parameters
        ----------
        newX : array_like or pandas.DataFrame
        s : float or array_like, optional
            λ values (interpolated as in :meth:`coef`); default every λ of the path.
        type : {"link", "response", "class"}, default "link"
            The linear predictors a_k + x·B_k, the softmax probabilities, or the class of
            the largest probability (R's default type is "link" too).
        exact : bool, default False
        offset : None
            Offsets are not available for the multinomial family here (refused).

        Returns
        -------
        numpy.ndarray
            "link"/"response": shape (rows, classes, λ), as R's array, or (rows, classes)
            for one number s; "class": the labels, shape (rows, λ) or (rows,).
        """
        if type not in ("link", "response", "class"):
            raise ValueError("type must be 'link', 'response' or 'class'")
        if offset is not None:
            raise DataError("offsets are not available for the multinomial family here")
        X = design_matrix_for(self.design, newX)
        if s is None:
            C = self._stacked()
        else:
            C = self._at(s, exact)[1]
        Z = np.einsum("nt,mtk->nkm", X, C)
        if type == "link":
            out = Z
        else:
            Zc = Z - Z.max(axis=1, keepdims=True)
            E = np.exp(Zc)
            P = E / E.sum(axis=1, keepdims=True)
            if type == "response":
                out = P
            else:
                out = np.asarray(self.classes, dtype=object)[np.argmax(P, axis=1)]
        if s is not None and np.ndim(s) == 0:
            return out[..., 0]
        return out

    # ----------------------------------------------------------------- R's print
    def table(self):
        """Return R's print.glmnet table: Df, %Dev and Lambda per λ (a DataFrame)."""
        return path_table(self.df, self.dev_ratio, self.lambdas)

    def __str__(self):
        return (f"glmnet multinomial path ({self.type_multinomial}, alpha={self.alpha:g}, "
                f"{len(self.classes)} classes)\n\n{self.table().to_string()}")

    summary = __str__

    def __repr__(self):
        return (f"<MultinomialPath: {len(self.classes)} classes, {len(self.lambdas)} λ from "
                f"{self.lambdas[0]:.4g} to {self.lambdas[-1]:.4g}, alpha={self.alpha:g}, "
                f"{self.type_multinomial}>")

    def class_path(self, cls):
        """Return one class's coefficient path as a :class:`GlmnetPath` (for plots and tables)."""
        from .path import GlmnetPath

        if cls not in self.coefs:
            raise KeyError(f"no class {cls!r}; the classes are {self.classes}")
        dev = (1.0 - self.dev_ratio) * self.null_deviance
        return GlmnetPath(self.lambdas, self.coefs[cls], dev, self.null_deviance, self.alpha,
                          "softmax", self.design, self.converged)

    def plot(self, xvar="lambda", label=False):
        """Plot each class's coefficient paths like glmnet's ``plot.multnet``, one panel each.

        ``xvar`` is "lambda" (log λ), "norm" (that class's L1 norm) or "dev"; ``label``
        names each curve at its end.

        Returns
        -------
        matplotlib.figure.Figure
        """
        from ..presentation.plots import multinomial_path_plot

        return multinomial_path_plot(self, xvar=xvar, label=label)


def multinomial_path(X=None, y=None, *, formula=None, data=None, alpha=1.0, nlambda=100,
                     lambda_min_ratio=None, lambdas=None, standardize=True, freq_weights=None,
                     penalty_factor=None, early_stop=True, tol=MULTINOMIAL_TOL, progress=None,
                     fit_intercept=True, type_multinomial="ungrouped", maxit=10_000_000,
                     kkt_tol=None):
    """Fit glmnet's multinomial family along its λ sequence, as R's glmnet(family="multinomial").

    Parameters
    ----------
    X, y : array_like, optional
        Inputs and class labels (strings, a Categorical, booleans or whole numbers;
        classes in R's factor order). Or ``formula`` and ``data``.
    formula, data : optional
        A patsy formula whose left-hand side names the label column.
    alpha : float, default 1.0
    nlambda : int, default 100
    lambda_min_ratio : float, optional
        Default 1e-4 when rows > columns, else 1e-2 (raised to 1e-6 if smaller, as glmnet).
    lambdas : array_like, optional
        Your own sequence (sorted decreasing, no early stop).
    standardize : bool, default True
    freq_weights : array_like, optional
    penalty_factor : array_like, optional
        glmnet's ``penalty.factor`` (rescaled to sum to the number of columns).
    early_stop : bool, default True
        glmnet's multinomial rule (the binomial one): after 5 λ, stop when dev.ratio
        exceeds 0.999 or gains less than 1e-5 over one λ.
    tol : float, default 1e-7
        glmnet's ``thresh``, with R's default (see ``solve_multinomial_path``): at the
        defaults the path is R's to about 1e-10. Such a threshold bounds a pass's change,
        not the distance to the optimum (see the docs' "Precision" section).
    progress : bool, optional
    fit_intercept : bool, default True
    type_multinomial : {"ungrouped", "grouped"}, default "ungrouped"
        "grouped" penalises each variable's K coefficients together (group lasso: a
        variable is in or out for every class at once).
    maxit : int, default 10_000_000
        glmnet's ``maxit``: coordinate passes over the whole path. R's default, 1e5,
        ends iris's grouped path at its 62nd λ (R's too, with a warning).
    kkt_tol : float, optional
        Precise mode: every λ is finished until each KKT condition of the objective holds
        to ``kkt_tol`` (violations divided by the coordinate's curvature, a step in units
        of the standardised coefficient), by an active-set Newton method after glmnet's
        coordinate descent (see ``solve_multinomial_path`` and the docs' "Precision"
        section). A λ where it is not met has status 4 (``converged`` False). None
        (default): glmnet's algorithm alone, R's answers.

    Returns
    -------
    MultinomialPath

    Raises
    ------
    DataError
        Missing or non-numeric inputs, a continuous outcome, a class
        with fewer than two rows; offsets are not taken.
    """
    if type_multinomial not in TYPES:
        raise DataError(f"type_multinomial must be 'ungrouped' or 'grouped', got "
                        f"{type_multinomial!r}")
    design, arr = prepare_multinomial(X, y, formula=formula, data=data,
                                      freq_weights=freq_weights, fit_intercept=fit_intercept)
    return _path_from_arrays(design, arr, alpha=alpha, nlambda=nlambda,
                             lambda_min_ratio=lambda_min_ratio, lambdas=lambdas,
                             standardize=standardize, penalty_factor=penalty_factor,
                             early_stop=early_stop, tol=tol, progress=progress,
                             type_multinomial=type_multinomial, maxit=maxit, kkt_tol=kkt_tol)


def _path_from_arrays(design, arr, *, alpha=1.0, nlambda=100, lambda_min_ratio=None,
                      lambdas=None, standardize=True, penalty_factor=None, early_stop=True,
                      tol=MULTINOMIAL_TOL, progress=None, type_multinomial="ungrouped",
                      maxit=10_000_000, constant="exclude", kkt_tol=None):
    """Return the :class:`MultinomialPath` of a checked design (cv_glmnet's folds use it).

    ``constant="exclude"`` leaves constant columns out as glmnet does; "raise" refuses them.
    ``kkt_tol`` as :func:`multinomial_path` (kept by ``coef(exact=True)``'s refit).
    """
    if progress is None:
        progress = arr.inputs.size * len(arr.levels) * nlambda > 1e9
    # the precise mode's Newton systems are small products: BLAS's threads cost more than
    # they give there, and far more on a busy machine (a digits path took 292 s, not 6 s)
    cells = 0 if kkt_tol is not None else arr.inputs.size
    with blas_threads(cells):
        out = solve_multinomial_path(arr, alpha=alpha, nlambda=nlambda,
                                     lambda_min_ratio=lambda_min_ratio, lambdas=lambdas,
                                     standardize=standardize, penalty_factor=penalty_factor,
                                     early_stop=early_stop, tol=tol,
                                     grouped=type_multinomial == "grouped", maxit=maxit,
                                     progress=progress, constant=constant, kkt_tol=kkt_tol)

    def refit(new_lambdas):
        return _path_from_arrays(design, arr, alpha=alpha, lambdas=new_lambdas,
                                 standardize=standardize, penalty_factor=penalty_factor,
                                 tol=tol, progress=False, type_multinomial=type_multinomial,
                                 maxit=maxit, kkt_tol=kkt_tol)

    path = MultinomialPath(out["lambdas"], out["a0"], out["beta"], out["dev_ratio"],
                           out["null_deviance"], alpha, design, arr.levels, type_multinomial,
                           out["status"], refit=refit)
    path.kkt = out.get("kkt")
    return path
