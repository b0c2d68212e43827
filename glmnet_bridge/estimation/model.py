"""NeuronModel: one neuron on a design, with its activation, cost and penalty; it fits and refits.

The statsmodels pattern: the model holds the data and the family and fits; its results
hold the model and refit through it (the null model, a relaxed lasso, restricted models).
"""

from __future__ import annotations

import warnings

import numpy as np

from ..core.activations import BINARY_ACTIVATIONS, get_activation
from ..core.costs import CrossEntropy, Multinomial, default_cost, get_cost
from ..core.penalties import Penalty
from ..engines.memory import MemoryEngine
from ..exceptions import ConvergenceWarning, DataError
from ..solvers.descent import gradient_descent
from ..solvers.lbfgs import lbfgs
from ..solvers.newton import newton
from ..solvers.result import SingularInformation, SolverResult
from ..solvers.steps import ProximalStep
from .checks import categories, check_outcome, diagnose_rank, log_exposure, set_trials
from .design import column_sd, data_column, label_design, make_design
from .firth import fit_firth
from .inference import COV_TYPES
from .lazy_checks import lazy_rank_check, lazy_separation_check
from .lazy_design import is_lazy, lazy_design
from .multinomial import MultinomialFit
from .multinomial_penalised import fit_penalised_softmax
from .options import check_inference_options, check_solver_options, refuse_options
from .results import NeuronFit
from .separation import check_separation, detect_multinomial_separation, report_separation
from .starts import better_optimum, start_values

__all__ = ["NeuronModel"]

# The separation LP runs before fitting up to this many cells of X (there it costs
# about as much as the fit). Above it, a fit that converges to a finite optimum with a
# positive-definite information is itself the certificate that there is no separation
# (its score equation Σ λ_i s_i x_i = 0 with every λ_i > 0: Stiemke's alternative to
# a separating direction), so the LP runs only when the fit fails to converge.
_LP_CELLS = 10_000
_LP_CELLS_MULTI = 200_000
_EPOCHS = {"gd": 5000, "sgd": 5000}


class NeuronModel:
    """A neuron z = w·x + b, output σ(z), on a design: a GLM whose link is σ⁻¹.

    Built from a formula and a frame or from X and y, it checks the data once and
    holds them in an engine (the passes over the rows the solvers use). :meth:`fit`
    returns a :class:`~glmnet_bridge.estimation.results.NeuronFit` (a
    :class:`~glmnet_bridge.estimation.multinomial.MultinomialFit` for the softmax);
    the results keep this model in ``fit.model`` and refit through it.

    Parameters
    ----------
    formula, data, X, y
        As for :func:`glmnet_bridge.fit_neuron`.
    activation : str or Activation, default "logistic"
    cost : str, optional
        Default: the activation's likelihood.
    penalty : glmnet_bridge.core.penalties.Penalty, optional
        glmnet's elastic net; none by default.
    freq_weights, offset, exposure, trials : array_like or str, optional
        Per-row arguments (a column name of ``data`` is accepted).
    fit_intercept : bool, default True
        With X and y: fit a bias. A formula says it itself (``- 1`` drops it).
    reference : optional
        Softmax only: the reference category.
    separation : {"warn", "raise", "ignore"}, default "warn"

    Attributes
    ----------
    design : glmnet_bridge.estimation.design.Design
    activation, cost, penalty
    engine : glmnet_bridge.engines.memory.MemoryEngine
    levels : list or None
        The categories of a softmax outcome (reference first).
    """

    def __init__(self, formula=None, data=None, *, X=None, y=None, activation="logistic",
                 cost=None, penalty=None, freq_weights=None, offset=None, exposure=None,
                 trials=None, fit_intercept=True, reference=None, separation="warn",
                 type_multinomial="ungrouped"):
        act = get_activation(activation)
        if type_multinomial not in ("ungrouped", "grouped"):
            raise DataError("type_multinomial must be 'ungrouped' or 'grouped', got "
                            f"{type_multinomial!r}")
        if type_multinomial != "ungrouped" and not (act.is_multiclass and penalty is not None
                                                     and penalty.active):
            raise DataError("type_multinomial='grouped' is glmnet's grouped penalty of a "
                            "softmax layer: it needs activation='softmax' and lam > 0")
        self.type_multinomial = type_multinomial
        if separation not in ("warn", "raise", "ignore"):
            raise ValueError(f"separation must be 'warn', 'raise' or 'ignore', got {separation!r}")
        penalty = Penalty() if penalty is None else penalty
        if formula is not None and not fit_intercept:
            raise DataError("fit_intercept=False applies to X and y; in a formula write "
                            "'- 1' to drop the intercept (e.g. \"y ~ x1 + x2 - 1\")")
        refuse_options(act, cost, penalty, offset, exposure, trials, reference)
        self.activation, self.penalty, self.separation = act, penalty, separation
        self.levels = None
        # the frame, for cov_kwds={"groups": "column"} after the fit (statsmodels keeps it too)
        self.frame = data
        # per-row offsets as given (a column name or values): predict(newdata) needs them again
        self.offset_spec, self.exposure_spec = offset, exposure
        if act.is_multiclass and is_lazy(data, X):
            raise DataError("a softmax layer is not fitted on Dask data: fit it in memory, "
                            "or one category against the reference with a binary activation")
        if act.is_multiclass:
            design, labels = label_design(formula, data, X, y, fit_intercept=fit_intercept,
                                          freq_weights=freq_weights)
            codes, self.levels = categories(labels, reference)
            self.codes = codes
            cst = Multinomial(act, len(self.levels))
            Y = np.zeros((design.nobs, cst.outputs))
            rows = np.flatnonzero(codes > 0)
            Y[rows, codes[rows] - 1] = 1.0
            self.design, self.cost = design, cst
            self.engine = MemoryEngine(design.inputs, Y, design.freq_weights, design.offset,
                                       cst, design.intercept)
            return
        cst = get_cost(default_cost(act) if cost is None else cost, act)
        if not act.is_cdf and not cst.is_likelihood:
            raise ValueError(
                f"activation {act.name!r} with the {cst.name} cost is not a model fit_neuron "
                "knows: binary outcomes take one of " + ", ".join(BINARY_ACTIVATIONS)
                + "; counts the exp activation (Poisson); a continuous outcome the identity "
                "(least squares)"
            )
        if penalty.active and not cst.is_likelihood:
            raise ValueError("penalties apply to the likelihood: use the cross-entropy cost")
        if penalty.ridge_scale != 1.0 and cst.family != "gaussian":
            raise ValueError("glmnet_gaussian applies to the identity (Gaussian) neuron only")
        if is_lazy(data, X):
            # Dask data: the design stays in the partitions, checked in one pass
            self.design, self.cost = lazy_design(
                formula, data, X, y, cst, fit_intercept=fit_intercept, freq_weights=freq_weights,
                offset=offset, exposure=exposure, trials=trials, wide=penalty.active), cst
            self.engine = self._engine(cst)
            return
        design = make_design(formula, data, X, y, fit_intercept=fit_intercept,
                             freq_weights=freq_weights, offset=offset, wide=penalty.active)
        if exposure is not None:
            e = data_column(data, exposure, "exposure")
            design.offset = design.offset + log_exposure(e, design)
        if trials is not None:
            set_trials(design, data_column(data, trials, "trials"))
        check_outcome(design, cst)
        self.design, self.cost = design, cst
        self.engine = self._engine(cst)

    @classmethod
    def from_design(cls, design, activation, cost, penalty=None, separation="warn"):
        """Return a model on an already checked design (a refit's: no checks repeated).

        Parameters
        ----------
        design : Design
        activation : Activation
        cost : Cost
        penalty : Penalty, optional
        separation : {"warn", "raise", "ignore"}, default "warn"

        Returns
        -------
        NeuronModel
        """
        model = cls.__new__(cls)
        model.design, model.activation, model.cost = design, activation, cost
        model.penalty = Penalty() if penalty is None else penalty
        model.separation, model.levels = separation, None
        model.frame = None
        model.engine = model._engine(cost)
        return model

    @classmethod
    def read_network(cls, net, X, y, cov_type="observed"):
        """Read a trained ``[p, 1]`` :class:`glmnet_bridge.Network` as a fitted neuron.

        The weights become ``params`` (bias as ``Intercept``) and the inference is
        computed at them from (X, y): for the cross-entropy cost, standard errors from
        the information matrix, as for :func:`glmnet_bridge.fit_neuron`.

        Parameters
        ----------
        net : glmnet_bridge.Network
            With sizes [p, 1].
        X, y : array_like
            The training data.
        cov_type : {"observed", "expected", "sandwich"}, default "observed"
            The quadratic cost has only "sandwich".

        Returns
        -------
        NeuronFit
        """
        beta = net.glm_params
        model = cls(X=X, y=y, activation=net.output, cost=net.cost)
        if model.cost.name == "quadratic" and not model.cost.is_likelihood:
            cov_type = "sandwich"
        epochs = 0 if net.history is None else len(net.history)
        res = SolverResult(beta, True, epochs, "trained by Network.fit", [], [])
        fit = NeuronFit(model, res, cov_type=model._cov_type(cov_type), solver="network sgd",
                        label="epoch")
        if net.history is not None:
            fit.history = net.history
        return fit

    def _engine(self, cost):
        d = self.design
        if getattr(d, "lazy", False):
            return d.engine(cost)
        weight = d.freq_weights if d.trials is None else d.freq_weights * d.trials
        return MemoryEngine(d.inputs, d.y, weight, d.offset, cost, d.intercept)

    # ------------------------------------------------------------------ the model
    @property
    def exog_names(self):
        """Return the parameter names (statsmodels' ``exog_names``)."""
        return list(self.design.names)

    @property
    def nobs(self):
        """Return Σ frequency weights."""
        # a Dask design counted its weights when it checked them: no pass here
        known = getattr(self.design, "weight_sum", None)
        return float(self.design.freq_weights.sum()) if known is None else known

    @property
    def likelihood(self):
        """Return the cost whose likelihood fit statistics report (Bernoulli for NLS)."""
        return self.cost if self.cost.is_likelihood else CrossEntropy(self.activation)

    def loglike(self, params):
        """Return the log-likelihood at ``params`` (without binomial constants)."""
        return -self.engine.with_cost(self.likelihood).evaluate(params, order=0)[0]

    def score(self, params):
        """Return the gradient of the log-likelihood at ``params``."""
        return -self.engine.with_cost(self.likelihood).evaluate(params, order=1,
                                                                value=False)[1]

    def hessian(self, params, observed=True):
        """Return the Hessian of the log-likelihood at ``params`` (observed or expected)."""
        return -self.engine.with_cost(self.likelihood).evaluate(
            params, order=2, expected=not observed, value=False)[2]

    # ------------------------------------------------------------------ refits
    def null_model(self):
        """Return the model with the bias only (same outcome, weights and offset)."""
        d = self.design
        null = type(d)(np.empty((d.nobs, 0)), d.y, ["Intercept"], d.yname, d.freq_weights,
                       d.offset, True, d.rows, trials=d.trials)
        return NeuronModel.from_design(null, self.activation, self.likelihood,
                                       separation="ignore")

    def restrict(self, keep, penalty=None):
        """Return the model on the input columns ``keep`` (indices, bias kept as it is).

        Parameters
        ----------
        keep : array_like of int
            Columns of ``design.inputs`` to keep.
        penalty : Penalty, optional
            The restricted model's penalty (none by default).

        Returns
        -------
        NeuronModel
        """
        d = self.design
        keep = np.asarray(keep, dtype=int)
        start = int(d.intercept)
        names = (["Intercept"] if d.intercept else []) + [d.names[start + j] for j in keep]
        cols = d.inputs[:, keep] if getattr(d, "lazy", False) else \
            np.ascontiguousarray(d.inputs[:, keep])
        sub = type(d)(cols, d.y, names, d.yname,
                      d.freq_weights, d.offset, d.intercept, d.rows, trials=d.trials)
        return NeuronModel.from_design(sub, self.activation, self.cost, penalty,
                                       self.separation)

    # ------------------------------------------------------------------ fitting
    def fit(self, solver="newton", cov_type=None, *, start_params=None, tol=None, maxiter=None,
            epochs=None, eta=None, batch_size=None, seed=0, progress=None,
            fisher_scoring=False, cov_kwds=None, scale=None, firth=False):
        """Fit the model; return its results.

        Parameters
        ----------
        solver : {"newton", "lbfgs", "gd", "sgd"}, default "newton"
        cov_type : {"observed", "expected", "sandwich", "HC0", "HC1", "HC2", "HC3", \
"cluster"}, optional
        start_params : array_like, optional
        tol, maxiter, epochs, eta, batch_size, seed, progress, fisher_scoring
            As for :func:`glmnet_bridge.fit_neuron`; each applies to the solvers named
            there and is refused by the others.
        cov_kwds, scale, firth
            As for :func:`glmnet_bridge.fit_neuron` (the cluster groups, the dispersion of a
            quasi family, Firth's bias reduction).

        Returns
        -------
        NeuronFit or MultinomialFit
        """
        check_solver_options(solver, self, tol=tol, maxiter=maxiter, epochs=epochs, eta=eta,
                              batch_size=batch_size, progress=progress,
                              fisher_scoring=fisher_scoring)
        check_inference_options(self, solver, cov_type, cov_kwds, scale, firth)
        if getattr(self.design, "lazy", False) and (
                solver in ("gd", "sgd") or firth or scale is not None
                or cov_type in ("HC0", "HC1", "HC2", "HC3", "cluster")):
            raise ValueError("on Dask data fit with solver='newton' or 'lbfgs' (one pass over "
                             "the partitions per iteration), without firth= or scale=, and "
                             "cov_type 'observed', 'expected' or 'sandwich'")
        cov_type = self._cov_type(cov_type)
        if firth:
            res = fit_firth(self, self._start(start_params), 1e-10 if tol is None else tol,
                            100 if maxiter is None else maxiter)
            if not res.converged:
                warnings.warn(f"the Firth fit did not converge: {res.message}",
                              ConvergenceWarning, stacklevel=3)
            fit = NeuronFit(self, res, cov_type=cov_type, solver="newton (Firth)")
            return fit.set_inference(cov_kwds, scale, firth=True)
        if self.activation.is_multiclass:
            return self._fit_softmax(solver, cov_type, start_params, tol, maxiter, seed)
        if self.penalty.active:
            return self._fit_penalised(cov_type, start_params, tol, maxiter, seed)
        d = self.design
        sep = None
        binomial = self.cost.family == "binomial"
        check = binomial and self.separation != "ignore"
        lazy = getattr(d, "lazy", False)  # Dask data: checks by passes, after the fit
        if check and d.nobs * d.n_params <= _LP_CELLS and not lazy:
            sep = check_separation(d.X, d.y, d.names, d.freq_weights, self.separation)
        beta0 = self._start(start_params)
        label = "epoch" if solver in ("gd", "sgd") else "iteration"
        try:
            res = self._solve(solver, beta0, tol, maxiter, epochs, eta, batch_size, seed,
                              progress, fisher_scoring)
            if solver == "newton" and start_params is None and not fisher_scoring:
                res = better_optimum(self, res, lambda b: self._solve(
                    solver, b, tol, maxiter, None, None, None, seed, None, False))
        except SingularInformation as err:
            _rank_check(self)
            if sep is not None and sep.separated:
                raise DataError("the fit broke down because of separation: " + sep.message()) \
                    from err
            if start_params is not None:
                # The data passed the rank check: the start, not the data, is at fault.
                raise DataError("start_params is too far from the optimum: the outputs "
                                "σ(z) saturate at 0 or 1 there, so the information matrix is "
                                "singular at the start; give values nearer the answer, or "
                                "leave start_params out") from None
            raise DataError("the information matrix is singular at the start values: the "
                            "weights are not identified from these data") from err
        kind = "expected" if solver == "newton" and fisher_scoring else "observed"
        fit = NeuronFit(self, res, cov_type=cov_type, solver=solver, label=label,
                        separation=sep, hessian_kind=kind)
        H = fit.information("expected" if cov_type == "expected" else "observed").to_numpy()
        if _ill_conditioned(H):
            _rank_check(self)
            if sep is None and check:
                fit.separation = _separation_after(self, res)
        elif sep is None and check and not res.converged:
            fit.separation = _separation_after(self, res)
        # sgd runs a fixed schedule of epochs: it has no convergence criterion to miss.
        if (fit.separation is None or not fit.separation.separated) and not res.converged \
                and solver != "sgd":
            warnings.warn(f"the {solver} solver did not converge: {res.message}",
                          ConvergenceWarning, stacklevel=3)
        return fit.set_inference(cov_kwds, scale)

    def _cov_type(self, cov_type):
        if cov_type is None:
            return "observed" if self.cost.is_likelihood and not self.penalty.active \
                else "sandwich"
        if cov_type not in COV_TYPES:
            raise ValueError(f"cov_type must be one of {list(COV_TYPES)}, got {cov_type!r}")
        return cov_type

    def _start(self, start_params):
        if start_params is None:
            d = self.design
            # Dask data: the check pass's weighted mean outcome, not one more pass over y
            return start_values(d.summary() if getattr(d, "y_mean", None) is not None else d,
                                self.activation)
        beta0 = np.asarray(start_params, dtype=float).ravel()
        if beta0.shape != (self.engine.k,):
            raise DataError(f"start_params needs {self.engine.k} values {self.design.names}, "
                            f"got {beta0.size}")
        if not np.all(np.isfinite(beta0)):
            raise DataError("start_params must be finite (it holds NaN or inf)")
        return beta0

    def _solve(self, solver, beta0, tol, maxiter, epochs, eta, batch_size, seed, progress,
               fisher_scoring):
        eng = self.engine
        if solver == "newton":
            return newton(eng, beta0, tol=1e-10 if tol is None else tol,
                          maxiter=100 if maxiter is None else maxiter,
                          expected=fisher_scoring, seed=seed)
        if solver == "lbfgs":
            return lbfgs(eng, beta0, tol=1e-10 if tol is None else tol,
                         maxiter=1000 if maxiter is None else maxiter)
        n_epochs = _EPOCHS[solver] if epochs is None else int(epochs)
        bs = None if solver == "gd" else (10 if batch_size is None else int(batch_size))
        long_work = n_epochs * eng.n > 5_000_000
        bar, tick = _progress(long_work if progress is None else progress, n_epochs,
                              f"{solver} {self.activation.name} neuron")
        try:
            return gradient_descent(eng, beta0, epochs=n_epochs, eta=eta, batch_size=bs,
                                    tol=1e-9 if tol is None else tol, seed=seed,
                                    progress=tick)
        finally:
            if bar is not None:
                bar.close()

    def _fit_penalised(self, cov_type, start_params, tol, maxiter, seed):
        d, pen = self.design, self.penalty
        scale = None
        if pen.standardize:
            scale = self.engine.column_moments()[1] if getattr(d, "lazy", False) \
                else column_sd(d)
        if scale is not None and np.any(scale == 0):
            j = int(np.argmin(scale))
            raise DataError(f"column {d.names[j + int(d.intercept)]!r} is constant: "
                            "it cannot be standardised")
        pw = pen.weights(d.n_params, d.intercept, scale)
        step = ProximalStep(pw, self.engine.total_weight)
        res = newton(self.engine, self._start(start_params), step=step,
                     tol=1e-10 if tol is None else tol,
                     maxiter=200 if maxiter is None else maxiter,
                     expected=self.activation.name == "cauchit", seed=seed)
        if not res.converged:
            warnings.warn(f"the penalised fit did not converge: {res.message}",
                          ConvergenceWarning, stacklevel=4)
        return NeuronFit(self, res, cov_type=cov_type, solver="newton", label="iteration",
                         hessian_kind="expected" if self.activation.name == "cauchit"
                         else "observed", penalty_weights=pw)

    def _fit_softmax(self, solver, cov_type, start_params, tol, maxiter, seed):
        d, K = self.design, len(self.levels)
        if self.penalty.active:
            if start_params is not None or solver != "newton":
                raise DataError("a penalised softmax fit (glmnet's multinomial family) is "
                                "solved by glmnet's coordinate descent from glmnet's own "
                                "warm starts: start_params and solver do not apply to it")
            return fit_penalised_softmax(self, tol, maxiter,
                                         getattr(self, "type_multinomial", "ungrouped"))
        if cov_type == "sandwich":
            raise ValueError("a softmax layer reports the inverse information (observed = "
                             "expected for its canonical link); cov_type='sandwich' is not "
                             "available for it")
        sep = None
        if self.separation != "ignore" and d.X.size * (K - 1) <= _LP_CELLS_MULTI:
            sep = detect_multinomial_separation(d.X, self.codes, K, d.names)
            if sep.separated:
                report_separation(sep, self.separation, stacklevel=5)
        if start_params is None:
            B = np.zeros((K - 1, d.n_params))
            if d.intercept:
                f = d.freq_weights
                share = np.maximum(np.bincount(self.codes, weights=f, minlength=K) / f.sum(),
                                   1e-8)
                B[:, 0] = np.log(share[1:] / share[0])
            beta0 = B.ravel()
        else:
            beta0 = np.asarray(start_params, dtype=float).T.ravel()
        try:
            res = self._solve(solver, beta0, tol, maxiter, None, None, None, seed, None, False)
        except SingularInformation:
            diagnose_rank(d.X, d.names, d.intercept)
            raise
        if not res.converged and not (sep is not None and sep.separated):
            warnings.warn(f"the multinomial fit did not converge: {res.message}",
                          ConvergenceWarning, stacklevel=4)
        return MultinomialFit(self, res, cov_type=cov_type, solver=solver, separation=sep)

    def __repr__(self):
        return (f"<NeuronModel: {self.activation.name} neuron, {self.cost.name} cost, "
                f"{self.design.nobs} rows × {self.design.n_params} parameters>")


def _progress(enabled, total, desc):
    if not enabled:
        return None, None
    from tqdm.auto import tqdm

    bar = tqdm(total=total, desc=desc, leave=False)
    return bar, bar.update


def _rank_check(model):
    d = model.design
    if getattr(d, "lazy", False):
        lazy_rank_check(d, model.engine)
    else:
        diagnose_rank(d.X, d.names, d.intercept)


def _separation_after(model, res):
    # The linear program needs the rows in memory: Dask data test the diverging direction.
    d = model.design
    if getattr(d, "lazy", False):
        return lazy_separation_check(model.engine, d, res, model.separation)
    return check_separation(d.X, d.y, d.names, d.freq_weights, model.separation)


def _ill_conditioned(H):
    d = np.sqrt(np.abs(np.diag(H)))
    if np.any(d == 0) or not np.all(np.isfinite(H)):
        return True
    ev = np.linalg.eigvalsh(H / np.outer(d, d))
    return ev[0] <= ev[-1] * 1e-13

